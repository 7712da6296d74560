// Runs in: renderer (IT's first-run wizard page, sandboxed; plain script served from app://).
// Every action goes through window.omnistation.wizard; the main process checks each input again,
// so this page only keeps IT from sending what would be refused anyway.
'use strict';

const bridge = window.omnistation;
const $ = (selector, root = document) => root.querySelector(selector);
const LABELS = { pending: 'to do', done: 'done', skipped: 'skipped', failed: 'failed' };

function say(text) {
  $('#message').textContent = text;
}

function render(state) {
  const list = $('#steps');
  list.replaceChildren(
    ...state.steps.map((step) => {
      const item = document.createElement('li');
      item.className = `step ${step.status}`;
      item.textContent = `${step.id}: ${LABELS[step.status]}${step.detail ? ` — ${step.detail}` : ''}`;
      return item;
    }),
  );
  for (const section of document.querySelectorAll('section[data-step]')) {
    const step = state.steps.find((s) => s.id === section.dataset.step);
    section.classList.toggle('finished', step.status === 'done' || step.status === 'skipped');
    for (const control of section.querySelectorAll('button, input, select')) control.disabled = state.busy !== null;
  }
  const failed = state.steps.find((s) => s.status === 'failed');
  if (failed) say(`${failed.id}: ${failed.detail}`);
  $('#finish').disabled = !state.complete || state.busy !== null;
}

async function act(work) {
  say('');
  try {
    render(await work());
  } catch (error) {
    // ipcRenderer prefixes "Error invoking remote method …: Error: "; IT needs the reason only.
    say(String(error.message).replace(/^.*Error: /, ''));
  }
}

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

for (const section of document.querySelectorAll('section[data-step]')) {
  const step = section.dataset.step;
  $('[data-skip]', section)?.addEventListener('click', () => act(() => bridge.wizard.skip(step)));
  const form = $('form', section);
  if (!form) continue;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = formValues(form);
    if (step === 'register') act(() => bridge.wizard.register(values));
    if (step === 'credentials') act(() => bridge.wizard.setCredentials(values));
    if (step === 'devices') {
      const readers = values.vendorId ? [{ vendorId: parseInt(values.vendorId, 16), productId: parseInt(values.productId, 16), mode: values.mode }] : [];
      act(() => bridge.wizard.configureDevices(readers));
    }
  });
}

$('[data-action="catalogue"]').addEventListener('click', () => {
  $('#catalogue-progress').hidden = false;
  act(() => bridge.wizard.importCatalogue());
});
$('[data-action="labels"]').addEventListener('click', () => act(() => bridge.wizard.printLabels()));
$('#finish').addEventListener('click', () => act(() => bridge.wizard.finish()));

bridge.wizard.onProgress((progress) => {
  const bar = $('#catalogue-progress');
  bar.hidden = false;
  if (progress.total) {
    bar.max = progress.total;
    bar.value = progress.done;
  }
});

function showServer(status) {
  $('#server-status').textContent = `Store server: ${status.state}${status.lastExit && status.state !== 'running' ? ` (${status.lastExit.reason})` : ''}`;
}

function showDevices(status) {
  $('#radio-status').textContent = `Radio: ${status.radio.state}${status.radio.detail ? ` — ${status.radio.detail}` : ''} (${status.radio.advertsSeen} adverts)`;
  const readers = status.readers.connected.map((reader) => {
    const item = document.createElement('li');
    item.textContent = `${reader.product ?? reader.id} (${reader.mode}): ${reader.taps} tap(s)`;
    return item;
  });
  if (readers.length === 0) {
    const item = document.createElement('li');
    item.textContent = status.readers.detail ?? 'no reader connected';
    readers.push(item);
  }
  $('#readers').replaceChildren(...readers);
}

bridge.server.onStatus(showServer);
bridge.devices.onStatus(showDevices);
bridge.server.status().then(showServer);
bridge.devices.status().then(showDevices);
act(() => bridge.wizard.state());
