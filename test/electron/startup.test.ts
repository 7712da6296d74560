// Runs in: node (vitest). The station's start-up sequence and quit, as electron/main/index.ts runs
// them (electron/main/startup.ts), with fakes for Electron's app, the windows, the devices and the
// utility process: a second instance quits, a first run opens the wizard and waits for the store,
// later runs open the monitor (and the kiosk on a second display), a quit closes windows, then
// devices, then lets the store server flush its outbox before the process ends, and a crashed
// store server restarts with a backoff the monitor is told about.
import { describe, expect, it } from 'vitest';
import { CHANNELS, type StoreServerStatus } from '../../electron/shared/bridge-api.js';
import type { MainToUtility } from '../../electron/shared/utility-messages.js';
import { WindowRegistry } from '../../electron/main/ipc.js';
import { pageAfterFailedLoad, planStationWindows, reloadsForStatus, runStation, targetUrl, type StationParts } from '../../electron/main/startup.js';
import { UtilityHost, type HostTimers, type UtilityChild } from '../../electron/main/utility-host.js';
import type { DisplayInfo } from '../../electron/main/window-placement.js';

const PRIMARY: DisplayInfo = { id: 1, label: 'Built-in', bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const SECOND: DisplayInfo = { id: 2, label: 'Customer screen', bounds: { x: 1920, y: 0, width: 1080, height: 1920 }, workArea: { x: 1920, y: 0, width: 1080, height: 1880 } };
const AUTO = { kioskMode: 'auto' as const, kioskDisplayId: null };

class FakeApp {
  readonly events: string[];
  isPackaged = true;
  lockFree = true;
  quits = 0;
  loginItem: unknown = null;
  private readonly listeners = new Map<string, ((event: { preventDefault(): void }) => void)[]>();
  private ready!: () => void;
  readonly readyPromise = new Promise<void>((resolve) => (this.ready = resolve));
  constructor(events: string[]) {
    this.events = events;
  }
  requestSingleInstanceLock() {
    return this.lockFree;
  }
  on(event: string, listener: (event: { preventDefault(): void }) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  whenReady() {
    return this.readyPromise;
  }
  becomeReady() {
    this.ready();
  }
  quit() {
    this.quits += 1;
    this.events.push('app.quit');
    // Electron emits before-quit on every quit(); a listener may hold it.
    let prevented = false;
    for (const listener of this.listeners.get('before-quit') ?? []) listener({ preventDefault: () => (prevented = true) });
    if (!prevented) this.events.push('process ends');
  }
  setLoginItemSettings(settings: unknown) {
    this.loginItem = settings;
  }
  emit(event: string) {
    for (const listener of this.listeners.get(event) ?? []) listener({ preventDefault: () => {} });
  }
}

function parts(overrides: Partial<StationParts> = {}, options: { stopTakes?: Promise<void> } = {}) {
  const events: string[] = [];
  const app = new FakeApp(events);
  let displayListener: (() => void) | null = null;
  const statusListeners: ((status: StoreServerStatus) => void)[] = [];
  const p: StationParts = {
    app,
    openAtLogin: true,
    host: {
      start: () => void events.push('host.start'),
      stop: async () => {
        events.push('host.stop (outbox flushing)');
        await options.stopTakes;
        events.push('host.stopped');
      },
      onStatus: (listener) => statusListeners.push(listener),
    },
    devices: {
      open: async () => void events.push('devices.open'),
      close: async () => void events.push('devices.close'),
    },
    registerHandlers: () => void events.push('handlers'),
    openWindows: () => void events.push('openWindows'),
    focus: () => void events.push('focus'),
    closeWindows: () => void events.push('closeWindows'),
    onServerStatus: (status) => void events.push(`status ${status.state}`),
    shouldStartServer: () => true,
    onDisplaysChanged: (listener) => void (displayListener = listener),
    startUpdater: () => void events.push('updater'),
    log: (level, message) => void events.push(`log ${level}: ${message}`),
    ...overrides,
  };
  return { p, app, events, displayChanged: () => displayListener?.(), statusListeners };
}

describe('start-up sequence', () => {
  it('another station runs already: this one quits without opening anything', async () => {
    const { p, app, events } = parts();
    app.lockFree = false;
    expect(await runStation(p)).toBe(false);
    expect(events).toEqual(['log info: another station runs on this machine: quitting', 'app.quit', 'process ends']);
  });

  it('starts in order: handlers before windows, devices before the store server, windows, then updates', async () => {
    const { p, app, events, displayChanged } = parts();
    const started = runStation(p);
    await Promise.resolve();
    // Nothing happens before Electron is ready.
    expect(events).toEqual([]);
    app.becomeReady();
    expect(await started).toBe(true);
    expect(events).toEqual(['handlers', 'devices.open', 'host.start', 'openWindows', 'updater']);
    expect(app.loginItem).toEqual({ openAtLogin: true });
    // A second launch focuses this one; a display change re-plans the windows.
    app.emit('second-instance');
    displayChanged();
    expect(events.slice(-2)).toEqual(['focus', 'openWindows']);
  });

  it('first run before IT chose the store: the wizard opens and the store server waits', async () => {
    const { p, app, events } = parts({ shouldStartServer: () => false });
    app.becomeReady();
    await runStation(p);
    expect(events).not.toContain('host.start');
    expect(events).toContain('openWindows');
    expect(planStationWindows(true, [PRIMARY, SECOND], 1, AUTO, [])).toEqual({
      open: [expect.objectContaining({ role: 'wizard', displayId: 1, kiosk: false })],
      move: [],
      close: [],
      notes: [],
    });
    // Opening again while the wizard is open changes nothing.
    expect(planStationWindows(true, [PRIMARY], 1, AUTO, ['wizard']).open).toEqual([]);
  });

  it('after the wizard: the monitor on the primary display, the kiosk full-screen on the second', () => {
    const both = planStationWindows(false, [PRIMARY, SECOND], 1, AUTO, []);
    expect(both.open).toEqual([
      { role: 'monitor', displayId: 1, displayLabel: 'Built-in', bounds: PRIMARY.workArea, kiosk: false },
      { role: 'kiosk', displayId: 2, displayLabel: 'Customer screen', bounds: SECOND.bounds, kiosk: true },
    ]);
    // The customer screen unplugged: the kiosk closes, the monitor stays where it is.
    const one = planStationWindows(false, [PRIMARY], 1, AUTO, ['monitor', 'kiosk']);
    expect(one).toMatchObject({ open: [], move: [{ role: 'monitor' }], close: ['kiosk'], notes: ['no second display: the kiosk window is not opened'] });
    // The wizard IT reopened from the monitor is left to IT.
    expect(planStationWindows(false, [PRIMARY, SECOND], 1, AUTO, ['monitor', 'wizard']).close).toEqual([]);
  });

  it('a quit closes the windows, then the devices, then waits for the store server to flush before ending', async () => {
    let flushed!: () => void;
    const stopTakes = new Promise<void>((resolve) => (flushed = resolve));
    const { p, app, events } = parts({}, { stopTakes });
    app.becomeReady();
    await runStation(p);
    events.length = 0;
    app.quit();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['app.quit', 'closeWindows', 'devices.close', 'host.stop (outbox flushing)']);
    // A second quit meanwhile (the user clicks again) neither ends the process nor stops twice.
    app.quit();
    expect(events.filter((e) => e === 'process ends' || e.startsWith('host.stop'))).toEqual(['host.stop (outbox flushing)']);
    flushed();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.slice(-3)).toEqual(['host.stopped', 'app.quit', 'process ends']);
  });

  it('a device that fails to close does not keep the store server from flushing', async () => {
    const { p, app, events } = parts({ devices: { open: async () => {}, close: async () => Promise.reject(new Error('hid busy')) } });
    app.becomeReady();
    await runStation(p);
    app.quit();
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(events).toContain('log warn: devices did not close: hid busy');
    expect(events.slice(-2)).toEqual(['app.quit', 'process ends']);
    expect(events).toContain('host.stopped');
  });
});

class FakeTimers implements HostTimers {
  time = 5_000_000;
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
}

class FakeChild implements UtilityChild {
  readonly pid = 4242;
  readonly received: MainToUtility[] = [];
  private readonly listeners: Record<string, ((arg: never) => void)[]> = {};
  postMessage(message: MainToUtility): void {
    this.received.push(message);
  }
  on(event: string, listener: (arg: never) => void): this {
    (this.listeners[event] ??= []).push(listener);
    return this;
  }
  kill(): boolean {
    return true;
  }
  emit(event: 'message' | 'exit', arg: unknown): void {
    for (const listener of this.listeners[event] ?? []) listener(arg as never);
  }
}

describe('a crashed store server, as the monitor sees it', () => {
  it('restarts with a growing backoff pushed to the monitor (which try of how many, when the next is due), keeps its page throughout, sends the kiosk to the failed page when it gives up', async () => {
    const timers = new FakeTimers();
    const children: FakeChild[] = [];
    const host = new UtilityHost({
      fork: () => {
        const child = new FakeChild();
        children.push(child);
        return child;
      },
      startRequest: () => ({ dataDir: '/d', port: 0, host: '127.0.0.1', rendererDir: '/r', secrets: null, storeId: null, storeName: null }),
      timers,
      backoff: { maxConsecutiveFailures: 2 },
    });
    // The monitor window, as the registry pushes events to it.
    const registry = new WindowRegistry();
    const monitor = { sent: [] as [string, StoreServerStatus][], send: (c: string, p: unknown) => monitor.sent.push([c, p as StoreServerStatus]), isDestroyed: () => false };
    registry.add(1, 'monitor', monitor);
    const showing = { monitor: 'app://station/starting.html?for=monitor', kiosk: 'app://station/starting.html?for=kiosk' };
    const loads: string[] = [];
    const { p, app } = parts({
      host,
      devices: { open: async () => {}, close: async () => {} },
      onServerStatus: (status) => {
        registry.broadcast(CHANNELS.serverStatusEvent, status);
        const windows = (['monitor', 'kiosk'] as const).map((role) => ({ role, url: showing[role] }));
        for (const reload of reloadsForStatus(status, windows)) {
          loads.push(`${reload.role} ${reload.url}`);
          showing[reload.role as 'monitor' | 'kiosk'] = reload.url;
        }
      },
    });
    app.becomeReady();
    await runStation(p);
    await new Promise((resolve) => setImmediate(resolve));
    const ready = (child: FakeChild) => child.emit('message', { type: 'ready', url: 'http://127.0.0.1:8080', storeId: 'S-1', storeName: 'S', firstRunPin: null });
    ready(children[0]!);
    expect(loads).toEqual(['monitor http://127.0.0.1:8080/monitor/', 'kiosk http://127.0.0.1:8080/kiosk/']);
    const last = () => monitor.sent.at(-1)![1];
    expect(last()).toMatchObject({ state: 'running', attempt: 0, maxAttempts: 2 });

    children[0]!.emit('exit', 1);
    expect(last()).toMatchObject({ state: 'restarting', attempt: 1, maxAttempts: 2, restarts: 1, nextRestartAt: timers.now() + 1_000, lastExit: { code: 1, reason: 'exited with code 1' } });
    // The pages stay while the server restarts: they reconnect by themselves.
    expect(loads).toHaveLength(2);
    timers.advance(1_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(children).toHaveLength(2);
    expect(last()).toMatchObject({ state: 'starting', attempt: 1 });
    children[1]!.emit('exit', 1);
    expect(last()).toMatchObject({ state: 'restarting', attempt: 2, restarts: 2, nextRestartAt: timers.now() + 2_000 });
    timers.advance(2_000);
    await new Promise((resolve) => setImmediate(resolve));
    children[2]!.emit('message', { type: 'start-failed', message: 'listen EADDRINUSE: address already in use 0.0.0.0:8080' });
    children[2]!.emit('exit', 1);
    expect(last()).toMatchObject({ state: 'failed', attempt: 3, restarts: 3, nextRestartAt: null, lastExit: { reason: 'listen EADDRINUSE: address already in use 0.0.0.0:8080' } });
    // Gave up: the kiosk, facing shoppers, shows the shell's failed page; the monitor keeps its app,
    // whose status strip tells IT what to do and offers the restart.
    expect(loads.slice(2)).toEqual(['kiosk app://station/failed.html?for=kiosk']);
    expect(showing.monitor).toBe('http://127.0.0.1:8080/monitor/');

    // Staff's "try again" from the monitor: a fresh count, and both windows back on the app.
    host.restartNow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(last()).toMatchObject({ state: 'starting', attempt: 0 });
    ready(children[3]!);
    expect(last()).toMatchObject({ state: 'running', attempt: 0, restarts: 3 });
    expect(loads.slice(3)).toEqual(['kiosk http://127.0.0.1:8080/kiosk/']);
    expect(monitor.sent.every(([channel]) => channel === CHANNELS.serverStatusEvent)).toBe(true);
  });

  it('a window whose app page fails to load while the server is down shows the shell\'s page, which follows the state', () => {
    const base: StoreServerStatus = { state: 'restarting', url: null, restarts: 1, attempt: 1, maxAttempts: 12, nextRestartAt: 1_000, lastExit: { code: 1, at: 0, reason: 'exited with code 1' } };
    // E.g. a reload of the monitor while its server restarts: Chromium's error page would say nothing.
    expect(pageAfterFailedLoad('monitor', 'http://127.0.0.1:8080/monitor/', base)).toBe('app://station/starting.html?for=monitor');
    expect(pageAfterFailedLoad('kiosk', 'http://127.0.0.1:8080/kiosk/', { ...base, state: 'failed' })).toBe('app://station/failed.html?for=kiosk');
    // Not a loop on the shell's own pages, never the wizard, and not while the server runs.
    expect(pageAfterFailedLoad('monitor', 'app://station/starting.html?for=monitor', base)).toBeNull();
    expect(pageAfterFailedLoad('wizard', 'app://station/wizard.html', base)).toBeNull();
    expect(pageAfterFailedLoad('monitor', 'http://127.0.0.1:8080/monitor/', { ...base, state: 'running', url: 'http://127.0.0.1:8080' })).toBeNull();
    // That page is swapped for the app once the server runs again, and for the failed page when it gives up.
    const onShellPage = [{ role: 'monitor' as const, url: 'app://station/starting.html?for=monitor' }];
    expect(reloadsForStatus({ ...base, state: 'failed' }, onShellPage)).toEqual([{ role: 'monitor', url: 'app://station/failed.html?for=monitor' }]);
    expect(reloadsForStatus({ ...base, state: 'failed' }, [{ role: 'monitor', url: 'app://station/failed.html?for=monitor' }])).toEqual([]);
    expect(reloadsForStatus(base, onShellPage)).toEqual([]);
    expect(reloadsForStatus({ ...base, state: 'running', url: 'http://127.0.0.1:8080' }, onShellPage)).toEqual([{ role: 'monitor', url: 'http://127.0.0.1:8080/monitor/' }]);
  });

  it('which page each window shows for a status', () => {
    const running: StoreServerStatus = { state: 'running', url: 'http://127.0.0.1:8080', restarts: 0, attempt: 0, maxAttempts: 12, nextRestartAt: null, lastExit: null };
    expect(targetUrl('kiosk', running)).toBe('http://127.0.0.1:8080/kiosk/');
    expect(targetUrl('monitor', { ...running, state: 'starting', url: null })).toBe('app://station/starting.html?for=monitor');
    expect(targetUrl('wizard', { ...running, state: 'failed' })).toBe('app://station/wizard.html');
    // A running server does not reload a page that is already its own; the wizard is never reloaded.
    expect(reloadsForStatus(running, [{ role: 'monitor', url: 'http://127.0.0.1:8080/monitor/' }, { role: 'wizard', url: '' }, { role: 'kiosk', url: '' }])).toEqual([
      { role: 'kiosk', url: 'http://127.0.0.1:8080/kiosk/' },
    ]);
  });
});
