// Runs in: renderer (IT's first-run wizard page, sandboxed; plain script served from app://).
// Every action goes through window.omnistation.wizard; the main process checks each input again,
// so this page only keeps IT from sending what would be refused anyway. Its words come from the
// table below, Korean or English after the browser's language.
'use strict';

const MESSAGES = {
  en: {
    title: 'Set up this station',
    optional: '(optional)',
    later: 'Later',
    skip: 'Skip',
    save: 'Save',
    finish: 'Open the station',
    'status.pending': 'to do',
    'status.done': 'done',
    'status.skipped': 'skipped',
    'status.failed': 'failed',
    'status.busy': 'working…',
    'step.store': 'Store',
    'step.register': 'Central service',
    'step.credentials': 'PIN and passphrase',
    'step.devices': 'Radio and readers',
    'step.catalogue': 'Catalogue',
    'step.labels': 'Labels',
    'server.label': 'Store server: {state}',
    'server.waiting': 'Store server: starts once the store is created (step 1)',
    'server.starting': 'starting…',
    'server.running': 'running',
    'server.restarting': 'restarting…',
    'server.stopping': 'stopping…',
    'server.stopped': 'stopped',
    'server.failed': 'failed',
    'store.title': 'Store id and name',
    'store.hint': 'The store id is printed on every label and names the store at the central service: it cannot be changed later. 4-32 characters: A-Z, 0-9 and -.',
    'store.id': 'Store id',
    'store.idPlaceholder': 'e.g. SEOUL-GANGNAM-01',
    'store.name': 'Store name',
    'store.namePlaceholder': 'e.g. Gangnam branch',
    'store.submit': 'Create the store',
    'store.badId': 'The store id must be 4-32 characters of A-Z, 0-9 and - (e.g. SEOUL-GANGNAM-01).',
    'store.summary': 'Store {id} — {name}',
    'store.noName': 'Give the store a name (as staff and shoppers know it).',
    'register.title': 'Register with the central payment service',
    'register.hint': 'Card payments need it. The store can sell before it is registered; orders stay on this station.',
    'register.url': 'Central service address',
    'register.urlPlaceholder': 'e.g. https://central.example.com',
    'register.token': 'Admin token',
    'register.address': 'Store address',
    'register.submit': 'Register',
    'credentials.title': 'Staff PIN and admin passphrase',
    'credentials.hint': 'Staff sign in to the monitor with the PIN. The admin passphrase protects IT\'s settings (this wizard, the devices): keep it away from the shop floor.',
    'credentials.pin': 'Staff PIN (4-12 digits)',
    'credentials.pinAgain': 'PIN again',
    'credentials.passphrase': 'Admin passphrase (12 characters or more)',
    'credentials.passphraseAgain': 'Passphrase again',
    'credentials.pinsDiffer': 'The two PINs differ.',
    'credentials.summary': 'Staff PIN and admin passphrase set (type both again to change them).',
    'credentials.passphrasesDiffer': 'The two passphrases differ.',
    'devices.title': 'Radio and RFID readers',
    'devices.hint': 'The BLE radio notices shoppers\' phones near the counter. RFID readers are found by their USB vendor and product id (the reader\'s label or its manual).',
    'devices.radio': 'BLE radio on',
    'devices.readers': 'Readers to open',
    'devices.noReaders': 'No reader yet.',
    'devices.add': 'Add a reader',
    'devices.vidPid': 'Vendor:product id (hex)',
    'devices.vidPidPlaceholder': 'e.g. 072f:2200',
    'devices.mode': 'Mode',
    'devices.format': 'Card number format',
    'devices.addButton': 'Add',
    'devices.remove': 'Remove',
    'devices.badVidPid': 'Write the reader\'s ids as VID:PID in hex, e.g. 072f:2200.',
    'devices.duplicate': 'This reader is in the list already.',
    'devices.submit': 'Save and open these devices',
    'devices.live': 'Live test',
    'devices.liveHint': 'After saving, hold a card or tag to each reader: what it read appears here.',
    'devices.radioStatus': 'Radio: {state} ({adverts} signals seen)',
    'devices.radioOff': 'Radio: turned off',
    'devices.summaryOn': 'BLE radio on',
    'devices.summaryOff': 'BLE radio off',
    'devices.readerLine': '{name} ({ids}, {mode}): {taps} read(s)',
    'devices.noReaderConnected': 'No reader connected.',
    'devices.lastRead': 'Last read: “{text}” → tag {tag} ({time})',
    'devices.lastIssue': 'Not a tag: “{text}” ({time})',
    'devices.readerProblem': 'Reader problem: {message} ({time})',
    'radio.starting': 'starting',
    'radio.scanning': 'scanning',
    'radio.unavailable': 'unavailable',
    'radio.powered-off': 'Bluetooth is off',
    'radio.stopped': 'stopped',
    'radio.absent': 'no driver',
    'mode.keyboard-wedge': 'keyboard wedge',
    'mode.raw': 'raw reports',
    'format.auto': 'automatic',
    'format.hex': 'hexadecimal',
    'format.decimal': 'decimal',
    'catalogue.title': 'Product catalogue',
    'catalogue.hint': 'A CSV or JSON file (see the sample catalogue). Imported all or nothing: a file with a mistake changes nothing.',
    'catalogue.button': 'Choose a file and import it…',
    'catalogue.progress': '{percent}% read',
    'catalogue.progressBytes': '{done} bytes read',
    'labels.title': 'Product labels',
    'labels.hint': 'A PDF sheet with a QR code per product; it opens in the PDF viewer to print.',
    'labels.button': 'Save the label sheet and open it…',
    'unlock.title': 'Admin passphrase',
    'unlock.hint': 'This station is set up. Type the admin passphrase to change its settings.',
    'unlock.passphrase': 'Admin passphrase',
    'unlock.button': 'Unlock',
    'unlock.wrong': 'That is not the admin passphrase.',
    'unlock.throttled': 'Too many wrong tries: wait until {time}.',
    'unlock.notSet': 'No admin passphrase is set yet.',
    'lock.button': 'Lock',
    'done.message': 'All set: the station can open.',
  },
  ko: {
    title: '이 스테이션 설정',
    optional: '(선택)',
    later: '나중에',
    skip: '건너뛰기',
    save: '저장',
    finish: '스테이션 열기',
    'status.pending': '할 일',
    'status.done': '완료',
    'status.skipped': '건너뜀',
    'status.failed': '실패',
    'status.busy': '진행 중…',
    'step.store': '매장',
    'step.register': '중앙 서비스',
    'step.credentials': 'PIN과 암호 문구',
    'step.devices': '무선과 리더기',
    'step.catalogue': '상품 목록',
    'step.labels': '라벨',
    'server.label': '매장 서버: {state}',
    'server.waiting': '매장 서버: 매장을 만들면 시작합니다 (1단계)',
    'server.starting': '시작하는 중…',
    'server.running': '실행 중',
    'server.restarting': '다시 시작하는 중…',
    'server.stopping': '멈추는 중…',
    'server.stopped': '멈춤',
    'server.failed': '실패',
    'store.title': '매장 ID와 이름',
    'store.hint': '매장 ID는 모든 라벨에 인쇄되고 중앙 서비스에서 매장을 가리킵니다. 나중에 바꿀 수 없습니다. A-Z, 0-9, - 로 4-32자.',
    'store.id': '매장 ID',
    'store.idPlaceholder': '예: SEOUL-GANGNAM-01',
    'store.name': '매장 이름',
    'store.namePlaceholder': '예: 강남점',
    'store.submit': '매장 만들기',
    'store.badId': '매장 ID는 A-Z, 0-9, - 로 된 4-32자여야 합니다 (예: SEOUL-GANGNAM-01).',
    'store.summary': '매장 {id} — {name}',
    'store.noName': '매장 이름을 적어 주세요 (직원과 고객이 아는 이름).',
    'register.title': '중앙 결제 서비스에 등록',
    'register.hint': '카드 결제에 필요합니다. 등록 전에도 판매할 수 있으며, 주문은 이 스테이션에 남습니다.',
    'register.url': '중앙 서비스 주소',
    'register.urlPlaceholder': '예: https://central.example.com',
    'register.token': '관리자 토큰',
    'register.address': '매장 주소',
    'register.submit': '등록',
    'credentials.title': '직원 PIN과 관리자 암호 문구',
    'credentials.hint': '직원은 PIN으로 모니터에 로그인합니다. 관리자 암호 문구는 IT 설정(이 마법사, 장치)을 보호하니 매장 직원에게 알려 주지 마세요.',
    'credentials.pin': '직원 PIN (숫자 4-12자리)',
    'credentials.pinAgain': 'PIN 확인',
    'credentials.passphrase': '관리자 암호 문구 (12자 이상)',
    'credentials.passphraseAgain': '암호 문구 확인',
    'credentials.pinsDiffer': '두 PIN이 다릅니다.',
    'credentials.summary': '직원 PIN과 관리자 암호 문구가 설정되었습니다 (바꾸려면 둘 다 다시 입력).',
    'credentials.passphrasesDiffer': '두 암호 문구가 다릅니다.',
    'devices.title': '무선(BLE)과 RFID 리더기',
    'devices.hint': 'BLE 무선은 계산대 근처 고객의 휴대폰을 알아봅니다. RFID 리더기는 USB 제조사 ID와 제품 ID로 찾습니다 (리더기 라벨이나 설명서 참고).',
    'devices.radio': 'BLE 무선 켜기',
    'devices.readers': '열 리더기',
    'devices.noReaders': '아직 리더기가 없습니다.',
    'devices.add': '리더기 추가',
    'devices.vidPid': '제조사:제품 ID (16진수)',
    'devices.vidPidPlaceholder': '예: 072f:2200',
    'devices.mode': '방식',
    'devices.format': '카드 번호 형식',
    'devices.addButton': '추가',
    'devices.remove': '삭제',
    'devices.badVidPid': '리더기 ID를 16진수 VID:PID 로 적어 주세요 (예: 072f:2200).',
    'devices.duplicate': '이미 목록에 있는 리더기입니다.',
    'devices.submit': '저장하고 장치 열기',
    'devices.live': '실시간 테스트',
    'devices.liveHint': '저장한 뒤 각 리더기에 카드나 태그를 대 보세요. 읽은 내용이 여기 나타납니다.',
    'devices.radioStatus': '무선: {state} (신호 {adverts}개 수신)',
    'devices.radioOff': '무선: 꺼짐',
    'devices.summaryOn': 'BLE 무선 켜짐',
    'devices.summaryOff': 'BLE 무선 꺼짐',
    'devices.readerLine': '{name} ({ids}, {mode}): {taps}회 읽음',
    'devices.noReaderConnected': '연결된 리더기가 없습니다.',
    'devices.lastRead': '마지막 읽기: “{text}” → 태그 {tag} ({time})',
    'devices.lastIssue': '태그가 아님: “{text}” ({time})',
    'devices.readerProblem': '리더기 문제: {message} ({time})',
    'radio.starting': '시작하는 중',
    'radio.scanning': '스캔 중',
    'radio.unavailable': '사용할 수 없음',
    'radio.powered-off': '블루투스 꺼짐',
    'radio.stopped': '멈춤',
    'radio.absent': '드라이버 없음',
    'mode.keyboard-wedge': '키보드 입력',
    'mode.raw': 'raw 리포트',
    'format.auto': '자동',
    'format.hex': '16진수',
    'format.decimal': '10진수',
    'catalogue.title': '상품 목록',
    'catalogue.hint': 'CSV 또는 JSON 파일 (샘플 목록 참고). 전부 가져오거나 아무것도 가져오지 않습니다: 오류가 있는 파일은 아무것도 바꾸지 않습니다.',
    'catalogue.button': '파일을 골라 가져오기…',
    'catalogue.progress': '{percent}% 읽음',
    'catalogue.progressBytes': '{done}바이트 읽음',
    'labels.title': '상품 라벨',
    'labels.hint': '상품마다 QR 코드가 있는 PDF 시트입니다. PDF 뷰어에서 열어 인쇄하세요.',
    'labels.button': '라벨 시트를 저장하고 열기…',
    'unlock.title': '관리자 암호 문구',
    'unlock.hint': '이 스테이션은 이미 설정되었습니다. 설정을 바꾸려면 관리자 암호 문구를 입력하세요.',
    'unlock.passphrase': '관리자 암호 문구',
    'unlock.button': '잠금 해제',
    'unlock.wrong': '관리자 암호 문구가 아닙니다.',
    'unlock.throttled': '잘못된 시도가 너무 많습니다. {time}까지 기다려 주세요.',
    'unlock.notSet': '아직 관리자 암호 문구가 없습니다.',
    'lock.button': '잠그기',
    'done.message': '모두 마쳤습니다. 스테이션을 열 수 있습니다.',
  },
};

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

let current = null;
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
  if (failed) say(`${t(`step.${failed.id}`)}: ${failed.detail}`);
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
  return step.detail ?? '';
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
      item.append(label, remove);
      return item;
    }),
  );
}

async function refreshLockButton() {
  const status = await bridge.admin.status();
  $('#lock').hidden = !(status.set && status.unlocked);
}

/** Main-process errors arrive as "Error invoking remote method …: Error: reason"; IT needs the reason. */
function reason(error) {
  return String(error?.message ?? error).replace(/^.*Error: /, '');
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
