// Runs in: renderer (IT's first-run wizard page, sandboxed; plain script served from app://).
// Every action goes through window.omnistation.wizard; the main process checks each input again,
// so this page only keeps IT from sending what would be refused anyway. Its words come from
// wizard-messages.js, Korean or English after the browser's language; the main process sends codes
// (`msg.<code>`) that this page words, never sentences.
'use strict';

// The words (Korean and English) are in wizard-messages.js, loaded before this script.
const MESSAGES = window.WIZARD_MESSAGES;

const LANG = (navigator.languages || [navigator.language || 'en']).some((l) => /^ko\b/i.test(l)) ? 'ko' : 'en';

/** The message for `key` with `{name}` filled from `values`; English when Korean lacks it. */
function t(key, values = {}) {
  const text = MESSAGES[LANG][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

const bridge = window.omnistation;
const $ = (selector, root = document) => root.querySelector(selector);
const hex4 = (n) => n.toString(16).padStart(4, '0').toUpperCase();
const clock = (at) => new Date(at).toLocaleTimeString(LANG === 'ko' ? 'ko-KR' : 'en-GB');
const VID_PID = /^\s*([0-9a-f]{4}):([0-9a-f]{4})\s*$/i;

/** The coded message the main process sends (bridge-api.ts ShellMessage), in this page's language.
 * A value that is itself a code (a field, step, action or state) is worded too. */
function tm(message) {
  if (!message || typeof message.code !== 'string') return '';
  const key = `msg.${message.code}`;
  const params = { ...(message.params || {}) };
  if (typeof params.field === 'string') params.field = t(`field.${params.field}`);
  if (typeof params.step === 'string') params.step = t(`step.${params.step}`);
  if (typeof params.action === 'string') params.action = t(`action.${params.action}`);
  if (typeof params.steps === 'string') params.steps = params.steps.split(',').map((s) => t(`step.${s}`)).join(', ');
  if (typeof params.state === 'string') params.state = t(`${message.code === 'server.gone' ? 'server' : 'radio'}.${params.state}`);
  return MESSAGES.en[key] === undefined ? '' : t(key, params).trim();
}

/** What a step shows: its coded message, or the English detail of a progress file from before. */
function stepText(step) {
  return tm(step.message) || step.detail || '';
}

const MARK = 'omnistation-message:';

let current = null;
/** A reader or radio test is running (one at a time, as in the main process). */
let testing = false;
/** The device settings being edited; taken from the main process until IT changes them. */
let draft = null;
let serverStatus = null;

function translatePage() {
  document.documentElement.lang = LANG;
  document.title = `omnistation — ${t('title')}`;
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-placeholder]')) element.placeholder = t(element.dataset.i18nPlaceholder);
}

function say(text, kind = 'error') {
  const message = $('#message');
  message.textContent = text;
  message.className = text ? kind : '';
}

function stepStatusText(step, state) {
  return state.busy === step.id ? t('status.busy') : t(`status.${step.status}`);
}

function render(state) {
  current = state;
  if (!draft) draft = structuredClone(state.devices);
  $('#unlock').hidden = !state.locked;
  $('#wizard-steps').hidden = state.locked;
  $('#steps').replaceChildren(
    ...state.steps.map((step, index) => {
      const item = document.createElement('li');
      item.className = `step ${state.busy === step.id ? 'busy' : step.status}`;
      const name = document.createElement('span');
      name.className = 'step-name';
      name.textContent = `${index + 1}. ${t(`step.${step.id}`)}`;
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = stepStatusText(step, state);
      item.append(name, badge);
      return item;
    }),
  );
  const storeDone = state.steps.find((s) => s.id === 'store').status === 'done';
  for (const section of document.querySelectorAll('section[data-step]')) {
    const step = state.steps.find((s) => s.id === section.dataset.step);
    section.classList.toggle('finished', step.status === 'done' || step.status === 'skipped');
    section.classList.toggle('failed', step.status === 'failed');
    section.classList.toggle('skipped-step', step.status === 'skipped');
    // Everything but the store and the devices needs the store server's data folder.
    const waiting = !storeDone && step.id !== 'store' && step.id !== 'devices';
    section.classList.toggle('waiting', waiting);
    for (const control of section.querySelectorAll('button, input, select')) control.disabled = state.busy !== null || waiting || state.locked;
    $('[data-summary]', section).textContent = summary(step, state);
  }
  // The store id never changes once its folder exists; registration happens once.
  $('section[data-step="store"] form').hidden = storeDone;
  $('section[data-step="register"] form').hidden = state.steps.find((s) => s.id === 'register').status === 'done';
  if (state.store && storeDone) $('section[data-step="store"] [data-summary]').textContent = t('store.summary', { id: state.store.storeId, name: state.store.name });
  renderDraft();
  const failed = state.steps.find((s) => s.status === 'failed');
  if (failed) say(`${t(`step.${failed.id}`)}: ${stepText(failed)}`);
  else if (state.complete) say(t('done.message'), 'ok');
  $('#finish').disabled = !state.complete || state.busy !== null || state.locked;
  showServer(serverStatus);
  void refreshLockButton();
}

function summary(step, state) {
  if (step.status === 'failed' || step.status === 'pending') return '';
  if (step.status === 'skipped') return t('status.skipped');
  if (step.id === 'credentials') return t('credentials.summary');
  if (step.id === 'devices') {
    const readers = state.devices.readers.map((r) => `${hex4(r.vendorId)}:${hex4(r.productId)}`).join(', ');
    return `${t(state.devices.radio ? 'devices.summaryOn' : 'devices.summaryOff')} · ${readers || t('devices.noReaders')}`;
  }
  return stepText(step);
}

function renderDraft() {
  const form = $('section[data-step="devices"] form');
  form.elements.radio.checked = draft.radio;
  const list = $('#reader-list');
  if (draft.readers.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = t('devices.noReaders');
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(
    ...draft.readers.map((reader, index) => {
      const item = document.createElement('li');
      const label = document.createElement('span');
      label.textContent = `${hex4(reader.vendorId)}:${hex4(reader.productId)} · ${t(`mode.${reader.mode}`)} · ${t(`format.${reader.format}`)}`;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'secondary small';
      remove.textContent = t('devices.remove');
      remove.disabled = current?.locked || current?.busy !== null;
      remove.addEventListener('click', () => {
        draft.readers.splice(index, 1);
        renderDraft();
      });
      const test = document.createElement('button');
      test.type = 'button';
      test.className = 'secondary small';
      test.dataset.action = 'test-reader';
      test.textContent = t('devices.test');
      test.disabled = current?.locked || current?.busy !== null || testing;
      test.addEventListener('click', () => testReader(reader));
      const actions = document.createElement('span');
      actions.className = 'row-actions';
      actions.append(test, remove);
      item.append(label, actions);
      return item;
    }),
  );
}

async function refreshLockButton() {
  const status = await bridge.admin.status();
  $('#lock').hidden = !(status.set && status.unlocked);
}

/** Main-process errors arrive as "Error invoking remote method …: Error: <English> <mark><coded
 * message>"; IT reads the coded message in the page's language (the English only if it has none). */
function reason(error) {
  const text = String(error?.message ?? error);
  const at = text.lastIndexOf(MARK);
  if (at >= 0) {
    try {
      const worded = tm(JSON.parse(text.slice(at + MARK.length)));
      if (worded) return worded;
    } catch {
      // Not a coded message after all: the English below.
    }
  }
  return (at >= 0 ? text.slice(0, at).trim() : text).replace(/^.*Error: /, '');
}

function testLine(id, text, kind) {
  const line = $(id);
  line.textContent = text;
  line.className = `test-line ${kind}`;
}

/** Holds the other test buttons while one test runs. */
function setTesting(value) {
  testing = value;
  $('[data-action="test-radio"]').disabled = value || current?.locked || current?.busy !== null;
  for (const button of document.querySelectorAll('[data-action="test-reader"]')) button.disabled = value || current?.locked || current?.busy !== null;
}

/** "Tap a card now": the chosen reader, saved or not, answers with the id it decoded. */
async function testReader(reader) {
  const ids = `${hex4(reader.vendorId)}:${hex4(reader.productId)}`;
  say('');
  setTesting(true);
  testLine('#reader-test', t('devices.tapNow', { ids }), 'waiting');
  try {
    const result = await bridge.wizard.testReader(structuredClone(reader));
    if (result.ok) testLine('#reader-test', t('devices.testRead', { ids, text: result.text, tag: result.tag }), 'ok');
    else testLine('#reader-test', tm(result.message), 'error');
  } catch (error) {
    testLine('#reader-test', reason(error), 'error');
  } finally {
    setTesting(false);
  }
}

async function testRadio() {
  say('');
  setTesting(true);
  testLine('#radio-test', t('devices.radioListening'), 'waiting');
  try {
    const result = await bridge.wizard.testRadio();
    if (result.ok) {
      const perSecond = result.perSecond.toLocaleString(LANG === 'ko' ? 'ko-KR' : 'en-GB', { maximumFractionDigits: 1 });
      testLine('#radio-test', t('devices.radioRate', { perSecond, adverts: result.adverts, seconds: result.seconds }), 'ok');
    } else testLine('#radio-test', tm(result.message), 'error');
  } catch (error) {
    testLine('#radio-test', reason(error), 'error');
  } finally {
    setTesting(false);
  }
}

/** Runs one call; with `step`, the page shows that step working (and every control held) until
 * the main process answers, as the main process itself refuses a second step meanwhile. */
async function act(work, step = null) {
  say('');
  if (step && current) render({ ...current, busy: step });
  try {
    render(await work());
  } catch (error) {
    if (step) render(await bridge.wizard.state().catch(() => ({ ...current, busy: null })));
    say(reason(error));
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
    if (step === 'store') {
      const storeId = String(values.storeId).trim().toUpperCase();
      if (!/^[A-Z0-9-]{4,32}$/.test(storeId)) return say(t('store.badId'));
      if (!String(values.name).trim()) return say(t('store.noName'));
      act(() => bridge.wizard.chooseStore({ storeId, name: String(values.name) }), 'store');
    }
    if (step === 'register') act(() => bridge.wizard.register(values), 'register');
    if (step === 'credentials') {
      if (values.pin !== values.pinConfirm) return say(t('credentials.pinsDiffer'));
      if (values.passphrase !== values.passphraseConfirm) return say(t('credentials.passphrasesDiffer'));
      act(async () => {
        const state = await bridge.wizard.setCredentials(values);
        if (state.steps.find((s) => s.id === 'credentials').status === 'done') form.reset();
        return state;
      }, 'credentials');
    }
    if (step === 'devices') {
      draft.radio = form.elements.radio.checked;
      act(async () => {
        const state = await bridge.wizard.configureDevices(structuredClone(draft));
        draft = structuredClone(state.devices);
        return state;
      }, 'devices');
    }
  });
}

$('section[data-step="store"] input[name="storeId"]').addEventListener('input', (event) => {
  const input = event.target;
  const at = input.selectionStart;
  input.value = input.value.toUpperCase();
  input.setSelectionRange(at, at);
});

$('section[data-step="devices"] input[name="radio"]').addEventListener('change', (event) => {
  draft.radio = event.target.checked;
});

$('[data-action="add-reader"]').addEventListener('click', () => {
  const form = $('section[data-step="devices"] form');
  const match = VID_PID.exec(form.elements.vidPid.value);
  if (!match) return say(t('devices.badVidPid'));
  const reader = { vendorId: parseInt(match[1], 16), productId: parseInt(match[2], 16), mode: form.elements.mode.value, format: form.elements.format.value };
  if (draft.readers.some((r) => r.vendorId === reader.vendorId && r.productId === reader.productId)) return say(t('devices.duplicate'));
  say('');
  draft.readers.push(reader);
  form.elements.vidPid.value = '';
  renderDraft();
});

$('[data-action="test-radio"]').addEventListener('click', () => testRadio());

$('[data-action="catalogue"]').addEventListener('click', () => {
  const box = $('#catalogue-progress');
  box.hidden = false;
  $('progress', box).removeAttribute('value');
  $('span', box).textContent = '';
  act(() => bridge.wizard.importCatalogue(), 'catalogue');
});
$('[data-action="labels"]').addEventListener('click', () => act(() => bridge.wizard.printLabels(), 'labels'));
$('#finish').addEventListener('click', () => act(() => bridge.wizard.finish()));

$('#unlock form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    const result = await bridge.admin.unlock(form.elements.passphrase.value);
    form.reset();
    if (result.ok) {
      say('');
      render(await bridge.wizard.state());
    } else if (result.reason === 'throttled') say(t('unlock.throttled', { time: clock(result.retryAt) }));
    else if (result.reason === 'not-set') say(t('unlock.notSet'));
    else say(result.retryAt ? `${t('unlock.wrong')} ${t('unlock.throttled', { time: clock(result.retryAt) })}` : t('unlock.wrong'));
  } catch (error) {
    say(reason(error));
  }
});

$('#lock').addEventListener('click', async () => {
  await bridge.admin.lock();
  say('');
  render(await bridge.wizard.state());
});

bridge.wizard.onProgress((progress) => {
  const box = $('#catalogue-progress');
  box.hidden = false;
  const bar = $('progress', box);
  if (progress.total) {
    bar.max = progress.total;
    bar.value = progress.done;
    $('span', box).textContent = t('catalogue.progress', { percent: Math.floor((100 * progress.done) / progress.total) });
  } else {
    $('span', box).textContent = t('catalogue.progressBytes', { done: progress.done });
  }
});

function showServer(status) {
  serverStatus = status;
  if (!status) return;
  const storeDone = current?.steps.find((s) => s.id === 'store').status === 'done';
  const line = $('#server-status');
  line.className = `status-line ${status.state}`;
  if (current && !storeDone && status.state === 'stopped') {
    line.textContent = t('server.waiting');
    return;
  }
  const detail = status.lastExit && status.state !== 'running' ? ` (${status.lastExit.reason})` : '';
  line.textContent = t('server.label', { state: t(`server.${status.state}`) }) + detail;
}

function showDevices(status) {
  $('#radio-status').textContent = status.radio.enabled
    ? t('devices.radioStatus', { state: t(`radio.${status.radio.state}`), adverts: status.radio.advertsSeen }) + (status.radio.detail ? ` — ${status.radio.detail}` : '')
    : t('devices.radioOff');
  const readers = status.readers.connected.map((reader) => {
    const item = document.createElement('li');
    item.textContent = t('devices.readerLine', {
      name: reader.product ?? reader.id,
      ids: `${hex4(reader.vendorId)}:${hex4(reader.productId)}`,
      mode: t(`mode.${reader.mode}`),
      taps: reader.taps,
    });
    return item;
  });
  if (readers.length === 0) {
    const item = document.createElement('li');
    item.className = 'empty';
    item.textContent = status.readers.detail ?? t('devices.noReaderConnected');
    readers.push(item);
  }
  $('#readers').replaceChildren(...readers);
  const read = status.readers.lastRead;
  $('#last-read').textContent = read ? t('devices.lastRead', { text: read.text, tag: read.tag, time: clock(read.at) }) : '';
  const issue = status.readers.lastIssue;
  $('#last-issue').textContent = !issue
    ? ''
    : issue.text !== null
      ? t('devices.lastIssue', { text: issue.text, time: clock(issue.at) })
      : t('devices.readerProblem', { message: issue.message, time: clock(issue.at) });
}

translatePage();
bridge.server.onStatus(showServer);
bridge.devices.onStatus(showDevices);
bridge.server.status().then(showServer);
bridge.devices.status().then(showDevices);
act(() => bridge.wizard.state());
