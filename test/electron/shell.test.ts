// Runs in: node (vitest). Shell configuration, rotating logs, single instance, start at login,
// graceful quit and the updater's feed — each with a fake of the Electron object it touches.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, loadShellConfig, parseShellConfig } from '../../electron/main/config.js';
import { lineSplitter, RotatingLog } from '../../electron/main/logs.js';
import { applyStartAtLogin, claimSingleInstance, installGracefulQuit, type LifecycleApp } from '../../electron/main/lifecycle.js';
import { configureUpdater, updateFeed, type UpdaterLike } from '../../electron/main/updater.js';

describe('shell config', () => {
  it('defaults: kiosk on a second display, server on 8080 for the LAN, no updates, start at login', () => {
    expect(loadShellConfig('/nonexistent/station-config.json')).toEqual({ config: DEFAULT_CONFIG, problems: [] });
  });

  it('reads valid settings and keeps defaults (with a note) for bad ones', () => {
    const { config, problems } = parseShellConfig({
      kioskMode: 'kiosk-only',
      kioskDisplayId: 7,
      server: { port: 9090, host: '' },
      updates: { url: 'http://updates.example/', channel: 'pilot' },
      openAtLogin: 'yes',
      readers: [{ vendorId: 0x072f, productId: 0x2200, mode: 'keyboard-wedge' }],
    });
    expect(config).toMatchObject({ kioskMode: 'kiosk-only', kioskDisplayId: 7, server: { port: 9090, host: '0.0.0.0' }, updates: { url: null, channel: 'pilot' }, openAtLogin: true });
    expect(config.readers).toHaveLength(1);
    expect(problems.join('\n')).toMatch(/server.host/);
    expect(problems.join('\n')).toMatch(/updates.url \(must be https/);
    expect(problems.join('\n')).toMatch(/openAtLogin/);
    expect(parseShellConfig({ kioskMode: 'sideways', server: { port: 70000 } }).problems).toHaveLength(2);
  });

  it('a broken file falls back to defaults instead of stopping the station', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'omni-config-')), 'station-config.json');
    writeFileSync(file, '{ not json');
    const loaded = loadShellConfig(file);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loaded.problems[0]).toMatch(/could not be read/);
    expect(parseShellConfig([1, 2]).problems[0]).toMatch(/not a JSON object/);
  });
});

describe('rotating log', () => {
  it('rotates by size and keeps a bounded number of files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-logs-'));
    const log = new RotatingLog({ dir, maxBytes: 200, keep: 2, now: () => new Date('2026-01-02T03:04:05Z') });
    for (let i = 0; i < 40; i += 1) log.write('info', 'main', `line ${i}`);
    expect(readdirSync(dir).sort()).toEqual(['station.1.log', 'station.2.log', 'station.log']);
    const current = readFileSync(log.path, 'utf8');
    expect(current).toMatch(/^2026-01-02T03:04:05.000Z INFO \[main\] line \d+\n/);
    expect(current).toContain('line 39');
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file)).length).toBeLessThanOrEqual(200);
  });

  it('keeps one entry on one line and splits a child\'s output into lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-logs-'));
    const log = new RotatingLog({ dir });
    log.for('store-server')('error', 'first\nsecond');
    expect(readFileSync(log.path, 'utf8').trim().split('\n')).toHaveLength(1);
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push('{"a":1}\n{"b"');
    split.push(':2}\n\npartial');
    split.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', 'partial']);
  });
});

function fakeApp(options: { packaged?: boolean; lock?: boolean } = {}) {
  const listeners = new Map<string, ((event: { preventDefault(): void }) => void)[]>();
  const app = {
    isPackaged: options.packaged ?? true,
    quits: 0,
    loginItems: [] as { openAtLogin: boolean }[],
    requestSingleInstanceLock: () => options.lock ?? true,
    on(event: string, listener: (event: { preventDefault(): void }) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return app;
    },
    quit() {
      app.quits += 1;
      // Electron emits before-quit again on the second quit().
      return app.emit('before-quit');
    },
    setLoginItemSettings(settings: { openAtLogin: boolean }) {
      app.loginItems.push(settings);
    },
    /** Fires an event; true unless a listener prevented the default. */
    emit(event: string): boolean {
      let prevented = false;
      for (const l of listeners.get(event) ?? []) l({ preventDefault: () => (prevented = true) });
      return !prevented;
    },
  };
  return app satisfies LifecycleApp;
}

describe('lifecycle', () => {
  it('a second instance hands over to the first and quits', () => {
    const first = fakeApp();
    let focused = 0;
    expect(claimSingleInstance(first, () => (focused += 1))).toBe(true);
    first.emit('second-instance');
    expect(focused).toBe(1);
    expect(claimSingleInstance(fakeApp({ lock: false }), () => {})).toBe(false);
  });

  it('start at login only for packaged builds', () => {
    const packaged = fakeApp();
    expect(applyStartAtLogin(packaged, true)).toBe(true);
    expect(packaged.loginItems).toEqual([{ openAtLogin: true }]);
    const dev = fakeApp({ packaged: false });
    expect(applyStartAtLogin(dev, true)).toBe(false);
    expect(dev.loginItems).toEqual([]);
  });

  it('quit waits for the store server to stop, then quits once', async () => {
    const app = fakeApp();
    let release!: () => void;
    const shutdown = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const state = installGracefulQuit(app, { shutdown });
    expect(app.emit('before-quit')).toBe(false);
    expect(app.emit('before-quit')).toBe(false);
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(app.quits).toBe(0);
    release();
    await vi.waitFor(() => expect(app.quits).toBe(1));
    expect(state.done).toBe(true);
    expect(app.emit('before-quit')).toBe(true);
  });

  it('quits anyway when shutdown hangs or fails', async () => {
    vi.useFakeTimers();
    try {
      const app = fakeApp();
      const logs: string[] = [];
      installGracefulQuit(app, { shutdown: () => new Promise(() => {}), timeoutMs: 1000, log: (_l, m) => logs.push(m) });
      app.emit('before-quit');
      await vi.advanceTimersByTimeAsync(1000);
      expect(app.quits).toBe(1);
      expect(logs.join()).toMatch(/quitting anyway/);
    } finally {
      vi.useRealTimers();
    }
    const failing = fakeApp();
    const logs: string[] = [];
    installGracefulQuit(failing, { shutdown: () => Promise.reject(new Error('db locked')), log: (_l, m) => logs.push(m) });
    failing.emit('before-quit');
    await vi.waitFor(() => expect(failing.quits).toBe(1));
    expect(logs.join()).toMatch(/db locked/);
  });
});

describe('updater', () => {
  const withUpdates = { ...DEFAULT_CONFIG, updates: { url: 'https://updates.chain.example/station', channel: 'latest' } };
  const fakeUpdater = () => {
    const u = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      allowDowngrade: true,
      allowPrerelease: true,
      channel: null as string | null,
      feeds: [] as unknown[],
      setFeedURL: (feed: unknown) => void u.feeds.push(feed),
      checkForUpdates: async () => null,
      on: () => u,
    };
    return u satisfies UpdaterLike;
  };

  it('a generic feed from the config, and nothing without a URL or outside a packaged build', () => {
    expect(updateFeed(DEFAULT_CONFIG)).toBeNull();
    expect(updateFeed(withUpdates)).toEqual({ provider: 'generic', url: 'https://updates.chain.example/station', channel: 'latest' });
    const u = fakeUpdater();
    expect(configureUpdater(u, DEFAULT_CONFIG, true, () => {})).toBe(false);
    expect(configureUpdater(u, withUpdates, false, () => {})).toBe(false);
    expect(u.feeds).toEqual([]);
  });

  it('installs on quit, never downgrades, and a pilot channel accepts pre-releases', () => {
    const u = fakeUpdater();
    expect(configureUpdater(u, withUpdates, true, () => {})).toBe(true);
    expect(u).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, allowDowngrade: false, allowPrerelease: false, channel: 'latest' });
    const pilot = fakeUpdater();
    configureUpdater(pilot, { ...withUpdates, updates: { ...withUpdates.updates, channel: 'beta' } }, true, () => {});
    expect(pilot).toMatchObject({ channel: 'beta', allowPrerelease: true });
  });
});

describe('shell pages', () => {
  const pages = join(import.meta.dirname, '../../electron/pages');

  it('exist and load no script but the status one, from their own origin', () => {
    for (const page of ['starting.html', 'failed.html']) {
      const file = join(pages, page);
      expect(existsSync(file)).toBe(true);
      const html = readFileSync(file, 'utf8');
      expect([...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0])).toEqual(['<script src="server-status.js" defer>']);
      // No inline script could run: the page's own CSP allows scripts from 'self' only.
      expect(html).toMatch(/script-src 'self';/);
      expect(html).not.toMatch(/unsafe-inline|on(click|load)=/i);
    }
  });

  it('the status words exist in English and Korean, with the same placeholders', () => {
    // No bridge in this sandbox: the script publishes its words and leaves the page as it is.
    const sandbox: { window: { SERVER_STATUS_WORDS?: Record<'en' | 'ko', Record<string, string>> }; navigator: object; location: object; URLSearchParams: typeof URLSearchParams } = {
      window: {},
      navigator: { language: 'en' },
      location: { search: '' },
      URLSearchParams,
    };
    runInNewContext(readFileSync(join(pages, 'server-status.js'), 'utf8'), sandbox);
    const { en, ko } = sandbox.window.SERVER_STATUS_WORDS!;
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en)) {
      expect(ko[key]!.trim(), key).not.toBe('');
      expect(placeholders(ko[key]!), key).toEqual(placeholders(en[key]!));
    }
  });
});
