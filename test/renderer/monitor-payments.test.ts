// Runs in: node (vitest). The monitor's payment side: offline-declined alerts shown once across
// replays, reloads and dismissals; where the event stream resumes; the status strip's reading
// of GET /api/staff/status.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import {
  addAlert,
  alertKey,
  dismissAlert,
  emptyAlerts,
  MAX_DISMISSED,
  parseAlert,
  restoreAlerts,
} from '../../renderer/monitor/alerts';
import { ALERTS_STORAGE_KEY, useAlertsStore } from '../../renderer/monitor/stores/alerts';
import { CURSOR_STORAGE_KEY, useOrdersStore } from '../../renderer/monitor/stores/orders';
import { backlogTone, centralLink, clockDrift, offlineLoad } from '../../renderer/monitor/status';
import type { OfflineDeclinedAlert, StaffStatus } from '../../renderer/shared/types';

function alert(overrides: Partial<OfflineDeclinedAlert> = {}): OfflineDeclinedAlert {
  return {
    orderId: '0194f3a0-0000-4000-8000-000000000001',
    number: 12,
    amount: 5100,
    currency: 'KRW',
    paymentState: 'declined',
    declineCode: 'insufficient_funds',
    message: 'Order 12: a payment of 5,100 KRW accepted offline was not confirmed (insufficient_funds).',
    offlineAcceptedAt: '2026-11-25T09:00:00.000Z',
    at: '2026-11-25T09:05:00.000Z',
    ...overrides,
  };
}

/** localStorage as a browser has it, for the stores that remember things across reloads. */
function fakeStorage(): Map<string, string> {
  const data = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, String(value)),
    removeItem: (key: string) => void data.delete(key),
  });
  return data;
}

describe('payment alerts (pure)', () => {
  it('parses the event payload and refuses anything else', () => {
    expect(parseAlert(alert())).toEqual(alert());
    expect(parseAlert({ ...alert(), declineCode: null, offlineAcceptedAt: null })).toMatchObject({ declineCode: null });
    expect(parseAlert(null)).toBeNull();
    expect(parseAlert('x')).toBeNull();
    expect(parseAlert({ ...alert(), number: '12' })).toBeNull();
    expect(parseAlert({ ...alert(), orderId: undefined })).toBeNull();
  });

  it('shows an alert once however often the stream replays it', () => {
    let state = addAlert(emptyAlerts(), alert())!;
    expect(state.active).toHaveLength(1);
    expect(addAlert(state, alert())).toBeNull();
    expect(addAlert(state, { ...alert() })).toBeNull();
    state = addAlert(state, alert({ orderId: 'other-order', number: 13 }))!;
    expect(state.active.map((entry) => entry.alert.number)).toEqual([12, 13]);
  });

  it('does not bring a dismissed alert back on replay', () => {
    const shown = addAlert(emptyAlerts(), alert())!;
    const dismissed = dismissAlert(shown, alertKey(alert()));
    expect(dismissed.active).toEqual([]);
    expect(addAlert(dismissed, alert())).toBeNull();
  });

  it('keeps the newest alert of an order only', () => {
    const older = alert();
    const newer = alert({ at: '2026-11-25T10:00:00.000Z', declineCode: 'offline_expired' });
    const state = addAlert(addAlert(emptyAlerts(), older)!, newer)!;
    expect(state.active.map((entry) => entry.alert.at)).toEqual([newer.at]);
    // The older one replayed later (reconnect) stays away.
    const replayed = addAlert(state, older);
    expect(replayed === null || replayed.active.length === 1).toBe(true);
    expect((replayed ?? state).active[0]!.alert.at).toBe(newer.at);
    // And the same the other way round: the older arriving after the newer never shows.
    const reversed = addAlert(addAlert(emptyAlerts(), newer)!, older)!;
    expect(reversed.active.map((entry) => entry.alert.at)).toEqual([newer.at]);
  });

  it('remembers a bounded number of dismissals', () => {
    let state = emptyAlerts();
    for (let i = 0; i < MAX_DISMISSED + 20; i++) state = dismissAlert(state, `key-${i}`);
    expect(state.dismissed).toHaveLength(MAX_DISMISSED);
    expect(state.dismissed.at(-1)).toBe(`key-${MAX_DISMISSED + 19}`);
  });

  it('restores from storage, dropping what is malformed', () => {
    const saved = JSON.stringify({ active: [{ key: 'x', alert: alert() }, { key: 'y', alert: { bad: true } }, null], dismissed: ['a', 7] });
    const state = restoreAlerts(saved);
    expect(state.active.map((entry) => entry.key)).toEqual([alertKey(alert())]);
    expect(state.dismissed).toEqual(['a']);
    expect(restoreAlerts('{not json')).toEqual(emptyAlerts());
    expect(restoreAlerts(null)).toEqual(emptyAlerts());
  });
});

describe('alerts store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('shows each alert once and survives a reload (a new store on the same storage)', () => {
    const storage = fakeStorage();
    const store = useAlertsStore();
    expect(store.receive(alert())).toBe(true);
    expect(store.receive(alert())).toBe(false);
    expect(store.receive({ nonsense: 1 })).toBe(false);
    expect(store.active).toHaveLength(1);
    expect(storage.get(ALERTS_STORAGE_KEY)).toContain(alert().orderId);

    // Reload: the alert is still there, and the replayed event does not double it.
    setActivePinia(createPinia());
    const reloaded = useAlertsStore();
    expect(reloaded.active).toHaveLength(1);
    expect(reloaded.receive(alert())).toBe(false);
    reloaded.dismiss(reloaded.active[0]!.key);
    expect(reloaded.active).toHaveLength(0);

    // Reload again after dismissing: the replay stays dismissed.
    setActivePinia(createPinia());
    const again = useAlertsStore();
    expect(again.active).toHaveLength(0);
    expect(again.receive(alert())).toBe(false);
  });

  it('works without storage (private mode): shown once per page', () => {
    const store = useAlertsStore();
    expect(store.receive(alert())).toBe(true);
    expect(store.receive(alert())).toBe(false);
  });
});

describe('event stream cursor', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('starts after the snapshot the first time, then resumes after the last event delivered', () => {
    const storage = fakeStorage();
    const orders = useOrdersStore();
    orders.applySnapshot([], 40);
    expect(orders.streamStart()).toBe(40);
    expect(storage.get(CURSOR_STORAGE_KEY)).toBe('40');
    orders.noteEventId('41');
    orders.noteEventId('');
    orders.noteEventId(undefined);
    expect(orders.streamStart()).toBe(41);
    expect(storage.get(CURSOR_STORAGE_KEY)).toBe('41');
  });

  it('after a reload, resumes where this monitor was, so alerts stored meanwhile arrive', () => {
    const storage = fakeStorage();
    storage.set(CURSOR_STORAGE_KEY, '25');
    const orders = useOrdersStore();
    orders.applySnapshot([], 60);
    expect(orders.streamStart()).toBe(25);
    expect(orders.lastEventId).toBe(60);
  });

  it("ignores a saved cursor beyond this station's events (another database)", () => {
    const storage = fakeStorage();
    storage.set(CURSOR_STORAGE_KEY, '900');
    const orders = useOrdersStore();
    orders.applySnapshot([], 12);
    expect(orders.streamStart()).toBe(12);
    storage.set(CURSOR_STORAGE_KEY, 'garbage');
    orders.reset();
    orders.applySnapshot([], 5);
    expect(orders.streamStart()).toBe(5);
  });
});

describe('status strip', () => {
  function status(overrides: { sync?: Partial<StaffStatus['sync']>; payments?: Partial<StaffStatus['payments']> } = {}): StaffStatus {
    return {
      storeId: 'TEST-001',
      sync: {
        central: 'http://central.test',
        state: 'idle',
        backlog: 0,
        lastSeq: 10,
        ackedSeq: 10,
        oldestPendingAt: null,
        lastAckAt: '2026-11-25T09:00:00.000Z',
        lastError: null,
        clockOffsetMs: 400,
        ...overrides.sync,
      },
      payments: {
        enabled: true,
        offline: {
          count: 0,
          outstanding: 0,
          currency: 'KRW',
          maxPerPayment: 50_000,
          maxOutstanding: 300_000,
          expiresAfterHours: 24,
          oldestAcceptedAt: null,
        },
        forwarder: { state: 'idle', lastError: null, nextRetryAt: null },
        ...overrides.payments,
      },
    };
  }

  it('reads the central link from sync and forwarder', () => {
    expect(centralLink(status())).toEqual({ kind: 'online', tone: 'ok', error: null });
    expect(centralLink(status({ sync: { state: 'sending' } })).kind).toBe('online');
    expect(centralLink(status({ sync: { state: 'not_registered', central: null }, payments: { enabled: false } })).kind).toBe('not_registered');
    expect(centralLink(status({ payments: { enabled: false } })).kind).toBe('not_registered');
    expect(centralLink(status({ sync: { state: 'retrying', lastError: 'connect ECONNREFUSED' } }))).toEqual({
      kind: 'retrying',
      tone: 'warn',
      error: 'connect ECONNREFUSED',
    });
    const forwarderRetrying = status({
      payments: { forwarder: { state: 'retrying', lastError: 'central answered 503', nextRetryAt: null } },
    });
    expect(centralLink(forwarderRetrying)).toMatchObject({ kind: 'retrying', error: 'central answered 503' });
    expect(centralLink(status({ sync: { state: 'stopped', lastError: 'bad_signature' } }))).toMatchObject({ kind: 'stopped', tone: 'danger' });
  });

  it("tells of the station's clock only when it drifts towards central's limit, and past it", () => {
    expect(clockDrift(status())).toBeNull();
    expect(clockDrift(status({ sync: { clockOffsetMs: null } }))).toBeNull();
    expect(clockDrift(status({ sync: { clockOffsetMs: -59_000 } }))).toBeNull();
    expect(clockDrift(status({ sync: { clockOffsetMs: 3 * 60_000 + 10_000 } }))).toEqual({ ahead: true, minutes: 3, tone: 'warn' });
    expect(clockDrift(status({ sync: { clockOffsetMs: -5 * 60_000 } }))).toEqual({ ahead: false, minutes: 5, tone: 'warn' });
    expect(clockDrift(status({ sync: { clockOffsetMs: -(5 * 60_000 + 1) } }))).toEqual({ ahead: false, minutes: 5, tone: 'danger' });
    expect(clockDrift(status({ sync: { clockOffsetMs: 10 * 60_000 } }))).toEqual({ ahead: true, minutes: 10, tone: 'danger' });
  });

  it('warns about a backlog only while central is not reachable', () => {
    expect(backlogTone(status())).toBe('ok');
    expect(backlogTone(status({ sync: { backlog: 3, state: 'sending' } }))).toBe('neutral');
    expect(backlogTone(status({ sync: { backlog: 3, state: 'retrying' } }))).toBe('warn');
  });

  it('rates offline payments against the outstanding limit', () => {
    const offline = status().payments.offline;
    expect(offlineLoad(offline)).toEqual({ ratio: 0, tone: 'ok' });
    expect(offlineLoad({ ...offline, outstanding: 30_000, count: 1 })).toEqual({ ratio: 0.1, tone: 'warn' });
    expect(offlineLoad({ ...offline, outstanding: 240_000, count: 6 }).tone).toBe('danger');
    expect(offlineLoad({ ...offline, outstanding: 1, maxOutstanding: 0 }).tone).toBe('danger');
  });
});
