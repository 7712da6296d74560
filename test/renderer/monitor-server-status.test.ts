// Runs in: node (vitest). The monitor's status store inside the desktop station: it follows the
// store server's state pushed through the preload bridge (a fake here, published where the real
// preload puts it) into the status strip's banner — restarting with its countdown,
// given up with what IT should do and a restart — and drops it once the server is back. Without a
// bridge (a plain browser) it only polls, as before.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { BridgeApi, StoreServerStatus } from '../../electron/shared/bridge-api.js';

const statusCall = vi.fn();
vi.mock('../../renderer/monitor/api', () => ({
  staffApi: { status: () => statusCall() },
  eventsUrl: () => '',
}));

const { useStatusStore, STATUS_POLL_MS } = await import('../../renderer/monitor/stores/status');
const { serverAdvice, serverBanner } = await import('../../renderer/monitor/status');

const T0 = Date.parse('2026-11-26T03:00:00.000Z');
const RUNNING: StoreServerStatus = { state: 'running', url: 'http://127.0.0.1:8080', restarts: 0, attempt: 0, maxAttempts: 12, nextRestartAt: null, lastExit: null };
const CENTRAL = { sync: { state: 'online', backlog: 0, oldestPendingAt: null, lastError: null }, payments: { enabled: true } };

/** The preload bridge's server part, as the main process drives it. */
function fakeBridge(initial: StoreServerStatus) {
  const listeners = new Set<(status: StoreServerStatus) => void>();
  const server = {
    current: initial,
    restarts: 0,
    refuseRestart: false,
    status: vi.fn(async () => server.current),
    onStatus: (listener: (status: StoreServerStatus) => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    restart: vi.fn(async () => {
      server.restarts += 1;
      if (server.refuseRestart) throw new Error("Error invoking remote method 'omnistation:server:restart': Error: refused omnistation-message:{\"code\":\"ipc.refused\",\"params\":{}}");
    }),
    push(status: StoreServerStatus) {
      server.current = status;
      for (const listener of listeners) listener(status);
    },
    listeners,
  };
  return server;
}

/** As the preload script publishes it (window.omnistation, i.e. globalThis in the page). */
function stubBridge(server?: ReturnType<typeof fakeBridge>): void {
  if (server) vi.stubGlobal('omnistation', { server } as unknown as BridgeApi);
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('the store server banner (pure)', () => {
  it('running or unknown: none; restarting: which try of how many and the seconds left; failed: what IT should do', () => {
    expect(serverBanner(null, T0)).toBeNull();
    expect(serverBanner(RUNNING, T0)).toBeNull();
    const restarting: StoreServerStatus = { ...RUNNING, state: 'restarting', url: null, restarts: 3, attempt: 3, nextRestartAt: T0 + 3_500, lastExit: { code: 1, at: T0, reason: 'exited with code 1' } };
    expect(serverBanner(restarting, T0)).toEqual({ kind: 'restarting', tone: 'warn', attempt: 3, maxAttempts: 12, seconds: 4, reason: 'exited with code 1' });
    expect(serverBanner(restarting, T0 + 3_000)).toMatchObject({ seconds: 1 });
    expect(serverBanner(restarting, T0 + 9_000)).toMatchObject({ seconds: 0 });
    expect(serverBanner({ ...restarting, state: 'starting' }, T0)).toEqual({ kind: 'starting', tone: 'warn', attempt: 3, maxAttempts: 12 });
    expect(serverBanner({ ...restarting, state: 'stopping' }, T0)).toEqual({ kind: 'stopped', tone: 'warn' });
    const failed = { ...restarting, state: 'failed' as const, attempt: 13, nextRestartAt: null, lastExit: { code: 1, at: T0, reason: 'listen EADDRINUSE: address already in use 0.0.0.0:8080' } };
    expect(serverBanner(failed, T0)).toEqual({ kind: 'failed', tone: 'danger', attempts: 13, reason: failed.lastExit.reason, advice: 'port' });
  });

  it('reads the advice from the last exit reason', () => {
    expect(serverAdvice(null)).toBe('logs');
    expect(serverAdvice('exited with code 1')).toBe('logs');
    expect(serverAdvice('no ready signal within 60000 ms')).toBe('logs');
    expect(serverAdvice('SqliteError: database or disk is full (SQLITE_FULL)')).toBe('disk');
    expect(serverAdvice('ENOSPC: no space left on device, write')).toBe('disk');
    // SQLite's own words, as better-sqlite3 passes them on.
    expect(serverAdvice('SqliteError: database or disk is full')).toBe('disk');
    expect(serverAdvice('SqliteError: attempt to write a readonly database')).toBe('disk');
    expect(serverAdvice('listen EADDRINUSE: address already in use :::8080')).toBe('port');
  });
});

describe('the status store with the desktop shell', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    setActivePinia(createPinia());
    statusCall.mockReset();
    statusCall.mockResolvedValue(CENTRAL);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('shows the restart countdown as the shell pushes it, then nothing once the server is back (and polls at once)', async () => {
    const bridge = fakeBridge(RUNNING);
    stubBridge(bridge);
    const store = useStatusStore();
    store.start();
    await flush();
    expect(store.server).toEqual(RUNNING);
    expect(store.banner).toBeNull();
    expect(statusCall).toHaveBeenCalledTimes(1);

    // The server dies: the poll fails too, but the shell still speaks.
    statusCall.mockRejectedValue(new TypeError('Failed to fetch'));
    bridge.push({ ...RUNNING, state: 'restarting', url: null, restarts: 1, attempt: 1, nextRestartAt: T0 + 2_000, lastExit: { code: 1, at: T0, reason: 'exited with code 1' } });
    expect(store.banner).toMatchObject({ kind: 'restarting', attempt: 1, maxAttempts: 12, seconds: 2 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.banner).toMatchObject({ seconds: 1 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.banner).toMatchObject({ seconds: 0 });
    bridge.push({ ...bridge.current, state: 'starting', nextRestartAt: null });
    expect(store.banner).toEqual({ kind: 'starting', tone: 'warn', attempt: 1, maxAttempts: 12 });

    statusCall.mockResolvedValue(CENTRAL);
    const pollsBefore = statusCall.mock.calls.length;
    bridge.push({ ...RUNNING, restarts: 1, lastExit: bridge.current.lastExit });
    expect(store.banner).toBeNull();
    // Not the next 10 s poll: the strip stops saying "unavailable" at once.
    expect(statusCall.mock.calls.length).toBe(pollsBefore + 1);
    await flush();
    expect(store.stale).toBe(false);
  });

  it('a server that gave up: the banner says so, staff\'s try again goes to the shell, a refusal is shown', async () => {
    const gaveUp: StoreServerStatus = { ...RUNNING, state: 'failed', url: null, restarts: 13, attempt: 13, lastExit: { code: 1, at: T0, reason: 'ENOSPC: no space left on device' } };
    const bridge = fakeBridge(gaveUp);
    stubBridge(bridge);
    const store = useStatusStore();
    store.start();
    await flush();
    // The page opened after the fact: the state comes from the shell's answer, not an event.
    expect(store.banner).toMatchObject({ kind: 'failed', attempts: 13, advice: 'disk' });
    bridge.refuseRestart = true;
    await store.restartServer();
    expect(bridge.restarts).toBe(1);
    expect(store.restartFailed).toBe(true);
    bridge.refuseRestart = false;
    await store.restartServer();
    expect(store.restartFailed).toBe(false);
    bridge.push({ ...gaveUp, state: 'starting', attempt: 0, lastExit: gaveUp.lastExit });
    expect(store.banner).toEqual({ kind: 'starting', tone: 'warn', attempt: 0, maxAttempts: 12 });
  });

  it('an event that arrives before the shell\'s first answer wins; stop unsubscribes', async () => {
    const bridge = fakeBridge(RUNNING);
    let answer!: (status: StoreServerStatus) => void;
    bridge.status.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    stubBridge(bridge);
    const store = useStatusStore();
    store.start();
    bridge.push({ ...RUNNING, state: 'restarting', attempt: 2, nextRestartAt: T0 + 4_000 });
    answer(RUNNING);
    await flush();
    expect(store.banner).toMatchObject({ kind: 'restarting', attempt: 2, seconds: 4 });
    store.stop();
    expect(bridge.listeners.size).toBe(0);
  });

  it('in a plain browser (no bridge): no banner, only the poll, which marks itself stale when the station is unreachable', async () => {
    stubBridge();
    const store = useStatusStore();
    statusCall.mockRejectedValue(new TypeError('Failed to fetch'));
    store.start();
    await flush();
    expect(store.server).toBeNull();
    expect(store.banner).toBeNull();
    expect(store.stale).toBe(true);
    await vi.advanceTimersByTimeAsync(STATUS_POLL_MS);
    expect(statusCall).toHaveBeenCalledTimes(2);
    await store.restartServer(); // nothing to ask
    expect(store.restartPending).toBe(false);
    store.stop();
  });
});
