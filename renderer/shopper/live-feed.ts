// Runs in: renderer (DOM). Keeps the shopper's live feed open while the app is open:
// GET /api/shopper/events read with fetch (it needs the session headers), each event applied
// by the live store; reconnects with backoff, and at once when the page is visible again or
// the network is back. A refused token renews the session first.
import { ApiError } from '../shared/http';
import { readEventStream, retryDelay } from '../shared/sse';
import { SHOPPER_EVENTS_URL } from './api';
import { useLiveStore } from './stores/live';
import { useSessionStore } from './stores/session';

let running = false;
let controller: AbortController | null = null;
let wake: (() => void) | null = null;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(done, ms);
    function done(): void {
      window.clearTimeout(timer);
      wake = null;
      resolve();
    }
    wake = done;
  });
}

async function loop(): Promise<void> {
  const live = useLiveStore();
  const session = useSessionStore();
  let failures = 0;
  live.setStatus('connecting');
  while (running) {
    controller = new AbortController();
    let opened = false;
    try {
      await session.ensure();
      await readEventStream(
        SHOPPER_EVENTS_URL,
        session.authHeaders(),
        (message) => {
          if (message.event === 'stream.ready') opened = true;
          live.apply(message);
        },
        controller.signal,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) await session.renew().catch(() => undefined);
    }
    if (!running) break;
    // A stream that opened and later dropped starts the backoff over.
    failures = opened ? 0 : failures + 1;
    live.setStatus('reconnecting');
    await pause(retryDelay(Math.max(0, failures - 1)));
  }
  live.setStatus('idle');
}

function onVisible(): void {
  if (document.visibilityState === 'visible' && useLiveStore().status !== 'live') wake?.();
}

export function startLiveFeed(): void {
  if (running) return;
  running = true;
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('online', onVisible);
  void loop();
}

export function stopLiveFeed(): void {
  running = false;
  document.removeEventListener('visibilitychange', onVisible);
  window.removeEventListener('online', onVisible);
  controller?.abort();
  wake?.();
}
