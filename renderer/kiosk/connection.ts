// Runs in: renderer (DOM). The kiosk screen's start-up and event stream: enrols with the link's
// token (then drops it from the address), checks the kiosk cookie, and follows
// /api/kiosk/events with EventSource (same origin, cookie auth), which reconnects by itself;
// when the station refuses the stream, the session is checked again (a removed kiosk shows
// the "not enrolled" screen) and the stream retried with backoff.
import { ApiError } from '../shared/http';
import { retryDelay } from '../shared/sse';
import { KIOSK_EVENTS_URL, kioskApi } from './api';
import { tokenFromHash } from './logic';
import { useKioskStore } from './stores/kiosk';

const EVENTS = ['stream.ready', 'pairing', 'paired', 'cart', 'tap', 'unpaired'] as const;

let source: EventSource | null = null;
let retryTimer: number | undefined;
let failures = 0;

function connect(): void {
  closeSource();
  const kiosk = useKioskStore();
  const es = new EventSource(KIOSK_EVENTS_URL);
  source = es;
  for (const type of EVENTS) {
    es.addEventListener(type, (event: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (type === 'stream.ready') failures = 0;
      kiosk.apply(type, data);
    });
  }
  es.onerror = () => {
    if (source !== es) return;
    kiosk.connection = 'reconnecting';
    if (es.readyState === EventSource.CONNECTING) return; // the browser retries by itself
    source = null;
    es.close();
    void recover();
  };
}

async function recover(): Promise<void> {
  const kiosk = useKioskStore();
  try {
    kiosk.kiosk = await kioskApi.session();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      kiosk.screen = 'unenrolled';
      kiosk.enrolError = null;
      return;
    }
  }
  window.clearTimeout(retryTimer);
  retryTimer = window.setTimeout(connect, retryDelay(failures));
  failures += 1;
}

function closeSource(): void {
  window.clearTimeout(retryTimer);
  if (source) {
    source.onerror = null;
    source.close();
    source = null;
  }
}

/** Enrols with the link's token if the address has one, checks the cookie, connects. */
export async function startKiosk(): Promise<void> {
  const kiosk = useKioskStore();
  closeSource();
  kiosk.failure = null;
  kiosk.screen = 'starting';
  const token = tokenFromHash(window.location.hash);
  // The token must not stay in the address bar, the history or a bookmark.
  if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
  try {
    if (token !== null) {
      try {
        kiosk.kiosk = await kioskApi.enrol(token);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        // A refused link: an older enrolment of this screen may still stand.
        kiosk.enrolError = error.code;
      }
    }
    kiosk.kiosk = await kioskApi.session();
    kiosk.enrolError = null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      kiosk.screen = 'unenrolled';
      return;
    }
    kiosk.failure = error;
    return;
  }
  // A paired shopper comes back as a 'paired' event on the stream (unless the pairing went idle).
  kiosk.screen = 'attract';
  kiosk.connection = 'connecting';
  connect();
}

export function stopKiosk(): void {
  closeSource();
  useKioskStore().stop();
}
