// Runs in: renderer (DOM). The live event stream (EventSource, cookie auth): feeds the order
// board, the payment alerts, the device panel and the open order's presence and identity
// check, and reports live / reconnecting. EventSource reconnects by itself with Last-Event-ID;
// when it gives up (the server answered an error) we check the session and open a new one.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../../shared/http';
import type { StaffOrder } from '../../shared/types';
import { eventsUrl } from '../api';
import { useAlertsStore } from './alerts';
import { useAuthStore } from './auth';
import { useDevicesStore } from './devices';
import { usePresenceStore } from './presence';
import { useApprovalStore } from './approval';
import { useOrdersStore } from './orders';
import { useNoticesStore } from './notices';
import { noticeFor } from '../notify';

export type ConnectionStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

const ORDER_EVENTS = ['order.placed', 'order.updated'] as const;
const ALERT_EVENTS = ['alert.offline_declined'] as const;
/** Transient: the device panel and the open order's presence evidence refresh on these. */
const DEVICE_EVENTS = ['devices.changed', 'presence.proof'] as const;
/** Transient: the open order's identity check refreshes on these (holds change by order.updated). */
const APPROVAL_EVENTS = ['approval.updated'] as const;
const RETRY_MS = [1000, 2000, 5000, 10_000, 20_000];

export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>('idle');
  /** The last order that arrived live, for a screen-reader announcement. */
  const lastArrival = ref<StaffOrder | null>(null);

  let source: EventSource | null = null;
  let retryTimer: number | undefined;
  let failures = 0;

  function connect(): void {
    const resuming = status.value === 'reconnecting';
    closeSource();
    const orders = useOrdersStore();
    const alerts = useAlertsStore();
    status.value = resuming ? 'reconnecting' : 'connecting';
    const es = new EventSource(eventsUrl(orders.streamStart()));
    source = es;
    es.onopen = () => {
      failures = 0;
      status.value = 'live';
    };
    for (const type of ORDER_EVENTS) {
      es.addEventListener(type, (event: MessageEvent<string>) => {
        let order: StaffOrder;
        try {
          order = JSON.parse(event.data) as StaffOrder;
        } catch {
          return;
        }
        const before = orders.byId[order.id];
        if (orders.applyEvent(type, order, event.lastEventId) && type === 'order.placed') {
          lastArrival.value = order;
        }
        // The board keeps the very object it took; a replayed (stale) version is not kept.
        const kind = noticeFor(type, before, order, orders.byId[order.id] === order);
        if (kind !== null) useNoticesStore().notify(kind);
      });
    }
    for (const type of ALERT_EVENTS) {
      es.addEventListener(type, (event: MessageEvent<string>) => {
        orders.noteEventId(event.lastEventId);
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        // Replayed after a reconnect or a reload: the store shows each alert once (and sounds it once).
        if (alerts.receive(data)) useNoticesStore().notify('offline_declined');
      });
    }
    for (const type of DEVICE_EVENTS) {
      es.addEventListener(type, (event: MessageEvent<string>) => {
        useDevicesStore().noteEvent();
        if (type !== 'presence.proof') return;
        let data: unknown = null;
        try {
          data = JSON.parse(event.data);
        } catch {
          // still a proof: reload whatever is open
        }
        usePresenceStore().noteProof(data);
      });
    }
    for (const type of APPROVAL_EVENTS) {
      es.addEventListener(type, (event: MessageEvent<string>) => {
        let data: unknown = null;
        try {
          data = JSON.parse(event.data);
        } catch {
          // still an update: reload whatever is open
        }
        useApprovalStore().noteUpdate(data);
      });
    }
    es.onerror = () => {
      if (source !== es) return;
      if (es.readyState === EventSource.CONNECTING) {
        status.value = 'reconnecting'; // the browser retries by itself, with Last-Event-ID
        return;
      }
      // CLOSED: the server refused the stream (signed out?) or is gone. Find out, then retry.
      status.value = 'reconnecting';
      source = null;
      es.close();
      void recover();
    };
  }

  async function recover(): Promise<void> {
    const auth = useAuthStore();
    try {
      if (!(await auth.check())) return disconnect(); // back to the PIN screen
    } catch (error) {
      if (!(error instanceof ApiError)) throw error; // station unreachable: retry below
    }
    const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 20_000;
    failures += 1;
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(connect, delay);
  }

  function closeSource(): void {
    window.clearTimeout(retryTimer);
    if (source) {
      source.onerror = null;
      source.close();
      source = null;
    }
  }

  function disconnect(): void {
    closeSource();
    status.value = 'idle';
  }

  return { status, lastArrival, connect, disconnect };
});
