// Runs in: node (vitest). The utility-process host: start, restart with exponential backoff,
// status for the monitor, and a graceful stop that waits for the store server to close.
import { describe, expect, it } from 'vitest';
import type { StoreServerStatus } from '../../electron/shared/bridge-api.js';
import type { MainToUtility, StartRequest } from '../../electron/shared/utility-messages.js';
import { backoffDelay, DEFAULT_BACKOFF, UtilityHost, type HostTimers, type UtilityChild } from '../../electron/main/utility-host.js';

class FakeTimers implements HostTimers {
  time = 1_000_000;
  private next = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  now(): number {
    return this.time;
  }
  /** Moves the clock, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
  get count(): number {
    return this.pending.size;
  }
}

class FakeChild implements UtilityChild {
  static nextPid = 100;
  readonly pid = FakeChild.nextPid++;
  readonly received: MainToUtility[] = [];
  killed = false;
  private readonly listeners: Record<string, ((arg: never) => void)[]> = {};
  postMessage(message: MainToUtility): void {
    this.received.push(message);
  }
  on(event: string, listener: (arg: never) => void): this {
    (this.listeners[event] ??= []).push(listener);
    return this;
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  emit(event: 'message' | 'exit', arg: unknown): void {
    for (const listener of this.listeners[event] ?? []) listener(arg as never);
  }
}

const REQUEST: StartRequest = { dataDir: '/data', port: 8080, host: '0.0.0.0', rendererDir: '/r', secrets: null, storeId: null, storeName: null };
const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(options: Partial<ConstructorParameters<typeof UtilityHost>[0]> = {}) {
  const timers = new FakeTimers();
  const children: FakeChild[] = [];
  const statuses: StoreServerStatus[] = [];
  const host = new UtilityHost({
    fork: () => {
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    startRequest: () => REQUEST,
    timers,
    ...options,
  });
  host.onStatus((s) => statuses.push(s));
  return { host, timers, children, statuses, last: () => children[children.length - 1]! };
}

describe('backoff', () => {
  it('doubles from 1 s up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, DEFAULT_BACKOFF))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});

describe('utility host', () => {
  it('halt: a store that could not be created is not retried until the wizard starts it again', async () => {
    const { host, last, timers, children } = setup();
    host.start();
    await flush();
    last().emit('message', { type: 'start-failed', message: '/data is not empty' });
    last().emit('exit', 1);
    expect(host.status()).toMatchObject({ state: 'restarting', lastExit: { reason: '/data is not empty' } });
    await host.halt();
    expect(host.status().state).toBe('stopped');
    timers.advance(120_000);
    expect(children).toHaveLength(1);
    host.start();
    await flush();
    expect(children).toHaveLength(2);
    expect(host.status().state).toBe('starting');
  });

  it('starts the store server with the start request and reports running on ready', async () => {
    const { host, last, statuses } = setup();
    host.start();
    await flush();
    expect(host.status().state).toBe('starting');
    expect(last().received).toEqual([{ type: 'start', request: REQUEST }]);
    last().emit('message', { type: 'ready', url: 'http://127.0.0.1:8080', storeId: 'ST-1', storeName: 'Shop 1', firstRunPin: null });
    expect(host.status()).toMatchObject({ state: 'running', url: 'http://127.0.0.1:8080', restarts: 0 });
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'running']);
  });

  it('restarts a dying server with growing delays and shows when the next try is due', async () => {
    const { host, timers, children, last } = setup();
    host.start();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      last().emit('exit', 1);
      const status = host.status();
      expect(status.state).toBe('restarting');
      expect(status.lastExit).toMatchObject({ code: 1, reason: 'exited with code 1' });
      delays.push(status.nextRestartAt! - timers.now());
      timers.advance(status.nextRestartAt! - timers.now());
      await flush();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    expect(children).toHaveLength(5);
    expect(host.status().restarts).toBe(4);
  });

  it('starts the backoff over after a server that ran for a while', async () => {
    const { host, timers, last } = setup();
    host.start();
    await flush();
    last().emit('exit', 1);
    timers.advance(1000);
    await flush();
    last().emit('exit', 1);
    expect(host.status().nextRestartAt! - timers.now()).toBe(2000);
    timers.advance(2000);
    await flush();
    last().emit('message', { type: 'ready', url: 'http://127.0.0.1:8080', storeId: 'ST-1', storeName: 'Shop 1', firstRunPin: null });
    timers.advance(DEFAULT_BACKOFF.stableMs + 1);
    last().emit('exit', 9);
    expect(host.status().nextRestartAt! - timers.now()).toBe(1000);
  });

  it('kills a server that never gets ready and counts it as a failure', async () => {
    const { host, timers, last } = setup({ startTimeoutMs: 5000 });
    host.start();
    await flush();
    const first = last();
    timers.advance(5000);
    expect(first.killed).toBe(true);
    first.emit('exit', 15);
    expect(host.status()).toMatchObject({ state: 'restarting', lastExit: { reason: 'no ready signal within 5000 ms' } });
  });

  it('reports the store server\'s own start failure as the exit reason', async () => {
    const { host, last } = setup();
    host.start();
    await flush();
    last().emit('message', { type: 'start-failed', message: 'listen EADDRINUSE: port 8080' });
    last().emit('exit', 1);
    expect(host.status().lastExit?.reason).toBe('listen EADDRINUSE: port 8080');
  });

  it('gives up after too many failures in a row, and staff can restart it', async () => {
    const { host, timers, last, children } = setup({ backoff: { maxConsecutiveFailures: 3 } });
    host.start();
    await flush();
    for (let i = 0; i < 3; i += 1) {
      last().emit('exit', 1);
      timers.advance(60_000);
      await flush();
    }
    last().emit('exit', 1);
    expect(host.status()).toMatchObject({ state: 'failed', nextRestartAt: null });
    timers.advance(10 * 60_000);
    await flush();
    expect(children).toHaveLength(4);
    host.restartNow();
    await flush();
    expect(children).toHaveLength(5);
    expect(host.status().state).toBe('starting');
  });

  it('stops gracefully: asks for shutdown, waits for the exit, never restarts', async () => {
    const { host, timers, last, children } = setup();
    host.start();
    await flush();
    last().emit('message', { type: 'ready', url: 'http://127.0.0.1:8080', storeId: 'ST-1', storeName: 'Shop 1', firstRunPin: null });
    let stopped = false;
    const stopping = host.stop().then(() => (stopped = true));
    expect(host.status().state).toBe('stopping');
    expect(last().received.at(-1)).toEqual({ type: 'shutdown' });
    await flush();
    expect(stopped).toBe(false);
    // The store server flushes its outbox and exits on its own.
    last().emit('message', { type: 'stopped' });
    last().emit('exit', 0);
    await stopping;
    expect(host.status().state).toBe('stopped');
    expect(last().killed).toBe(false);
    timers.advance(120_000);
    await flush();
    expect(children).toHaveLength(1);
    host.start();
    await flush();
    expect(children).toHaveLength(1);
  });

  it('kills a server that does not stop within the timeout', async () => {
    const { host, timers, last } = setup({ stopTimeoutMs: 3000 });
    host.start();
    await flush();
    const stopping = host.stop();
    timers.advance(3000);
    expect(last().killed).toBe(true);
    last().emit('exit', 15);
    await stopping;
    expect(host.status().state).toBe('stopped');
  });

  it('a stop during a pending restart cancels it', async () => {
    const { host, timers, last, children } = setup();
    host.start();
    await flush();
    last().emit('exit', 1);
    expect(timers.count).toBeGreaterThan(0);
    await host.stop();
    timers.advance(60_000);
    await flush();
    expect(children).toHaveLength(1);
    expect(host.status().state).toBe('stopped');
  });

  it('forwards messages only while a server runs, and ignores a stale child', async () => {
    const { host, timers, last } = setup();
    expect(host.send({ type: 'hid-readers', readers: [], unavailable: null })).toBe(false);
    host.start();
    await flush();
    const first = last();
    first.emit('message', { type: 'ready', url: 'http://127.0.0.1:8080', storeId: 'ST-1', storeName: 'Shop 1', firstRunPin: null });
    expect(host.send({ type: 'hid-readers', readers: [], unavailable: null })).toBe(true);
    first.emit('exit', 1);
    expect(host.send({ type: 'hid-readers', readers: [], unavailable: null })).toBe(false);
    timers.advance(1000);
    await flush();
    // Late messages from the dead process must not flip the new one's state.
    first.emit('message', { type: 'ready', url: 'http://127.0.0.1:9999', storeId: 'ST-1', storeName: 'Shop 1', firstRunPin: null });
    expect(host.status()).toMatchObject({ state: 'starting', url: null });
  });

  it('restarts gracefully on request (after registration), and a quit during it wins', async () => {
    const { host, last, children } = setup();
    host.start();
    await flush();
    last().emit('message', { type: 'ready', url: 'http://127.0.0.1:8080', storeId: 'ST-1', storeName: 'Shop 1', firstRunPin: null });
    const restarting = host.restart();
    expect(last().received.at(-1)).toEqual({ type: 'shutdown' });
    last().emit('exit', 0);
    await restarting;
    await flush();
    expect(children).toHaveLength(2);
    expect(host.status()).toMatchObject({ state: 'starting', restarts: 0 });
    last().emit('message', { type: 'ready', url: 'http://127.0.0.1:8080', storeId: 'ST-1', storeName: 'Shop 1', firstRunPin: null });
    const again = host.restart();
    const quitting = host.stop();
    last().emit('exit', 0);
    await Promise.all([again, quitting]);
    await flush();
    expect(children).toHaveLength(2);
    expect(host.status().state).toBe('stopped');
  });

  it('a failing start request counts as a failure and is retried', async () => {
    let calls = 0;
    const { host, timers, children } = setup({
      startRequest: () => {
        calls += 1;
        if (calls === 1) throw new Error('keychain locked');
        return REQUEST;
      },
    });
    host.start();
    await flush();
    expect(host.status()).toMatchObject({ state: 'restarting' });
    expect(children).toHaveLength(0);
    timers.advance(1000);
    await flush();
    expect(children).toHaveLength(1);
  });
});
