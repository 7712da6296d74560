// Runs in: renderer (the shell's starting and failed pages; plain script served from app://). The
// store server's state, live from the preload bridge, in Korean or English after the browser's
// language: these pages stand in for the monitor and kiosk whenever their app cannot be shown (the
// server never came up, went down during a reload, or gave up), so they say what the monitor's
// status strip would: which restart, the next one in how long, and what IT should do. Only the
// monitor's page (?for=monitor) offers the restart, the one window ipc.ts lets ask for it.
'use strict';

(() => {
  const WORDS = {
    en: {
      startingTitle: 'Starting the store server…',
      startingTry: 'Starting the store server — try {attempt} of {max}',
      restartingTitle: 'The store server stopped — restart {attempt} of {max}',
      nextTry: 'Next try in {s} s.',
      tryingNow: 'Trying now…',
      waitDetail: 'This screen changes by itself when the station is ready.',
      stoppedTitle: 'The store server is stopped',
      failedTitle: 'The store server could not start',
      failedDetail: 'The station tried {n} times in a row and stopped trying.',
      'advice.logs': 'For IT: press Try again. If it fails again, restart the station PC; if it still fails, send the files in omnistation\'s logs folder to support.',
      'advice.port': 'For IT: another program uses the store server\'s port. Close it (or set server.port in station-config.json), then press Try again.',
      'advice.disk': 'For IT: the station\'s disk is full or cannot be written. Free space or fix the disk, then press Try again.',
      kioskAdvice: 'Please ask staff at the counter.',
      reason: 'Last error: {reason}',
      retry: 'Try again',
      retryFailed: 'The restart could not be requested.',
    },
    ko: {
      startingTitle: '매장 서버를 시작하는 중…',
      startingTry: '매장 서버를 시작하는 중 — {attempt}/{max}회째',
      restartingTitle: '매장 서버가 멈췄습니다 — 재시작 {attempt}/{max}회째',
      nextTry: '{s}초 후 다시 시도합니다.',
      tryingNow: '지금 시도하는 중…',
      waitDetail: '스테이션이 준비되면 이 화면은 저절로 바뀝니다.',
      stoppedTitle: '매장 서버가 멈춰 있습니다',
      failedTitle: '매장 서버를 시작할 수 없습니다',
      failedDetail: '스테이션이 {n}번 연속 시도한 뒤 재시도를 멈췄습니다.',
      'advice.logs': 'IT 담당자: [다시 시도]를 누르세요. 또 실패하면 스테이션 PC를 다시 시작하고, 그래도 안 되면 omnistation logs 폴더의 파일을 지원팀에 보내 주세요.',
      'advice.port': 'IT 담당자: 다른 프로그램이 매장 서버의 포트를 쓰고 있습니다. 그 프로그램을 끄거나 station-config.json의 server.port를 바꾼 뒤 [다시 시도]를 누르세요.',
      'advice.disk': 'IT 담당자: 스테이션 디스크가 가득 찼거나 쓸 수 없습니다. 공간을 확보하거나 디스크를 고친 뒤 [다시 시도]를 누르세요.',
      kioskAdvice: '카운터 직원에게 문의해 주세요.',
      reason: '마지막 오류: {reason}',
      retry: '다시 시도',
      retryFailed: '다시 시작을 요청하지 못했습니다.',
    },
  };
  window.SERVER_STATUS_WORDS = WORDS;

  const LANG = (navigator.languages || [navigator.language || 'en']).some((l) => /^ko\b/i.test(l)) ? 'ko' : 'en';
  const ROLE = new URLSearchParams(location.search).get('for') === 'kiosk' ? 'kiosk' : 'monitor';
  const say = (key, params = {}) => (WORDS[LANG][key] ?? WORDS.en[key]).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
  /** As the monitor's renderer/monitor/status.ts serverAdvice. */
  const advice = (reason) => {
    if (!reason) return 'logs';
    if (/EADDRINUSE|address already in use/i.test(reason)) return 'port';
    if (/ENOSPC|SQLITE_FULL|disk is full|EROFS|SQLITE_READONLY|readonly database|read-only file system|no space left/i.test(reason)) return 'disk';
    return 'logs';
  };

  const bridge = window.omnistation && window.omnistation.server;
  if (!bridge) return; // the static English text stays
  document.documentElement.lang = LANG;
  const $ = (id) => document.getElementById(id);
  let status = null;
  let ticker = null;
  let pushed = false;

  function render() {
    if (!status) return;
    const state = status.state;
    const reason = status.lastExit ? status.lastExit.reason : null;
    document.body.dataset.state = state;
    let title;
    let detail = say('waitDetail');
    let adviceText = '';
    if (state === 'restarting') {
      const seconds = status.nextRestartAt === null ? 0 : Math.max(0, Math.ceil((status.nextRestartAt - Date.now()) / 1000));
      title = say('restartingTitle', { attempt: status.attempt, max: status.maxAttempts });
      detail = `${seconds > 0 ? say('nextTry', { s: seconds }) : say('tryingNow')} ${detail}`;
    } else if (state === 'failed') {
      title = say('failedTitle');
      detail = say('failedDetail', { n: status.attempt });
      adviceText = ROLE === 'kiosk' ? say('kioskAdvice') : say(`advice.${advice(reason)}`);
    } else if (state === 'stopped' || state === 'stopping') {
      title = say('stoppedTitle');
    } else {
      title = status.attempt > 0 ? say('startingTry', { attempt: status.attempt, max: status.maxAttempts }) : say('startingTitle');
    }
    $('title').textContent = title;
    $('detail').textContent = detail;
    $('advice').textContent = adviceText;
    $('advice').hidden = adviceText === '';
    // The shopper at a kiosk needs no error text; IT at the monitor does.
    const showReason = state !== 'starting' && reason !== null && ROLE === 'monitor';
    $('reason').textContent = showReason ? say('reason', { reason }) : '';
    $('reason').hidden = !showReason;
    $('retry').textContent = say('retry');
    $('retry').hidden = !(state === 'failed' && ROLE === 'monitor');
    document.title = title;
    if (state === 'restarting' && ticker === null) ticker = setInterval(render, 1000);
    if (state !== 'restarting' && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  bridge.onStatus((next) => {
    pushed = true;
    status = next;
    render();
  });
  bridge.status().then(
    (next) => {
      if (pushed) return;
      status = next;
      render();
    },
    () => {},
  );
  $('retry').addEventListener('click', () => {
    $('retry').disabled = true;
    $('retry-error').hidden = true;
    bridge.restart().then(
      () => ($('retry').disabled = false),
      () => {
        $('retry').disabled = false;
        $('retry-error').textContent = say('retryFailed');
        $('retry-error').hidden = false;
      },
    );
  });
})();
