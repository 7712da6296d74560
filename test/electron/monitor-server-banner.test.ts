// Runs in: node (vitest), driving Debian's chromium with playwright-core against a real store
// server and the built monitor (dist/renderer). Inside the desktop station (a fake preload bridge
// injected before the page, as the real one is) the monitor's status strip shows the store server's
// state as the main process pushes it — restarting with which try and the countdown, given up with
// what IT should do and a restart — while the server is really down (the page was loaded before),
// and drops the banner once it is back. In a plain browser nothing of it appears: the strip's own
// "unavailable" line does, as before. The shell's failed page, shown when the app cannot be,
// follows the same state. Screenshots: test-results/screenshots/monitor-server-*.png.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StoreServerStatus } from '../../electron/shared/bridge-api.js';
import { initStation } from '../../server/store/station.js';
import { DEFAULT_RENDERER_DIR, startStoreServer, type RunningServer } from '../../server/store/server.js';
import { TEST_PIN, TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, screenshot, STAFF_PC } from '../e2e/browser.js';

/** Stands in for the preload bridge's server part; the test pushes statuses as the main process
 * would (`__pushServer`) and reads the restarts staff asked for (`__restartCalls`). */
const FAKE_BRIDGE = `(() => {
  const listeners = new Set();
  let current = { state: 'running', url: location.origin, restarts: 0, attempt: 0, maxAttempts: 12, nextRestartAt: null, lastExit: null };
  window.__restartCalls = 0;
  window.__pushServer = (status) => {
    current = status;
    for (const listener of listeners) listener(status);
  };
  window.omnistation = {
    server: {
      status: async () => current,
      onStatus: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      restart: async () => {
        window.__restartCalls += 1;
      },
    },
  };
})();`;

const PAGES = join(import.meta.dirname, '../../electron/pages');

let dir: string;
let server: RunningServer | null = null;
let port = 0;
let browser: Browser;
let staffState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;

async function startServer(): Promise<void> {
  server = await startStoreServer({ dataDir: join(dir, 'data'), port, host: '127.0.0.1', logger: false, rendererDir: DEFAULT_RENDERER_DIR });
  port = Number(new URL(server.url).port);
}

async function stopServer(): Promise<void> {
  await server?.close();
  server = null;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omni-server-banner-'));
  const { station } = initStation({ dataDir: join(dir, 'data'), storeId: TEST_STORE_ID, name: 'Test store', pin: TEST_PIN });
  station.close();
  await startServer();
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopServer();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openMonitor(locale: string, bridge: boolean): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ ...STAFF_PC, locale, ...(staffState ? { storageState: staffState } : {}) });
  if (bridge) await context.addInitScript({ content: FAKE_BRIDGE });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`http://127.0.0.1:${port}/monitor/`);
  if (!staffState) {
    await page.getByTestId('pin-input').fill(TEST_PIN);
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('status-central').waitFor();
    staffState = await context.storageState();
  }
  await page.getByTestId('status-central').waitFor();
  return { context, page, problems };
}

const push = (page: Page, status: Partial<StoreServerStatus> & { inMs?: number }) =>
  page.evaluate(({ inMs, ...status }) => {
    const base = { state: 'running', url: null, restarts: 0, attempt: 0, maxAttempts: 12, nextRestartAt: null, lastExit: null };
    const next = { ...base, ...status, nextRestartAt: inMs === undefined ? null : Date.now() + inMs };
    (globalThis as unknown as { __pushServer(s: unknown): void }).__pushServer(next);
  }, status);

const banner = (page: Page) => page.getByTestId('status-server');

async function serverReachable(): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/monitor/`).then(
    () => true,
    () => false,
  );
}

describe('the store server banner in the monitor', () => {
  it('inside the station (en): restarting with its countdown and given up with IT\'s advice while the server is down, gone once it is back', { timeout: 90_000 }, async () => {
    const { context, page, problems } = await openMonitor('en-US', true);
    expect(await banner(page).count()).toBe(0);

    // The server really goes away; the page stays, loaded before.
    await stopServer();
    expect(await serverReachable()).toBe(false);
    await push(page, { state: 'restarting', restarts: 1, attempt: 1, inMs: 8_000, lastExit: { code: 1, at: Date.now(), reason: 'exited with code 1' } });
    await expect.poll(() => banner(page).getAttribute('data-kind')).toBe('restarting');
    expect(await banner(page).getAttribute('role')).toBe('status');
    expect(await banner(page).textContent()).toContain('Store server');
    expect(await banner(page).textContent()).toContain('Down — restart 1 of 12');
    const seconds = Number(await page.getByTestId('status-server-countdown').getAttribute('data-seconds'));
    expect(seconds).toBeGreaterThanOrEqual(6);
    expect(seconds).toBeLessThanOrEqual(8);
    // The countdown moves on its own between pushes.
    await expect.poll(async () => Number(await page.getByTestId('status-server-countdown').getAttribute('data-seconds')), { timeout: 5_000 }).toBeLessThan(seconds);
    expect(await page.getByTestId('status-server-countdown').textContent()).toMatch(/^next try in \d s$/);
    await screenshot(page, 'monitor-server-1-restarting-en', { fullPage: false });

    await push(page, { state: 'failed', restarts: 13, attempt: 13, lastExit: { code: 1, at: Date.now(), reason: 'listen EADDRINUSE: address already in use 0.0.0.0:8080' } });
    await expect.poll(() => banner(page).getAttribute('data-kind')).toBe('failed');
    expect(await banner(page).getAttribute('role')).toBe('alert');
    expect(await banner(page).textContent()).toContain('Stopped after 13 failed starts in a row — gave up');
    expect(await page.getByTestId('status-server-advice').textContent()).toContain('another program uses the store server\'s port');
    expect(await banner(page).textContent()).toContain('Last error: listen EADDRINUSE');
    // The generic "unavailable" line would only repeat the banner, less precisely.
    expect(await page.locator('.stale').count()).toBe(0);
    await screenshot(page, 'monitor-server-2-failed-en', { fullPage: false });
    await page.getByTestId('status-server-retry').click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __restartCalls: number }).__restartCalls)).toBe(1);

    // Back: the shell says running, the banner goes and the strip reads the station again.
    await startServer();
    await push(page, { state: 'running', url: `http://127.0.0.1:${port}`, restarts: 13 });
    await expect.poll(() => banner(page).count()).toBe(0);
    await expect.poll(() => page.getByTestId('status-central').isVisible()).toBe(true);
    await expect.poll(() => page.locator('.stale').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('in Korean, the same banner in Korean words', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openMonitor('ko-KR', true);
    await stopServer();
    await push(page, { state: 'restarting', restarts: 2, attempt: 2, inMs: 4_000, lastExit: { code: 1, at: Date.now(), reason: 'exited with code 1' } });
    await expect.poll(() => banner(page).textContent()).toContain('중단됨 — 재시작 2/12회째');
    expect(await page.getByTestId('status-server-countdown').textContent()).toMatch(/^\d초 후 다시 시도$/);
    await screenshot(page, 'monitor-server-3-restarting-ko', { fullPage: false });
    await push(page, { state: 'failed', restarts: 13, attempt: 13, lastExit: { code: 1, at: Date.now(), reason: 'exited with code 1' } });
    await expect.poll(() => banner(page).textContent()).toContain('13번 연속 시작하지 못해 재시도를 멈췄습니다');
    expect(await page.getByTestId('status-server-advice').textContent()).toContain('logs 폴더');
    expect(await page.getByTestId('status-server-retry').textContent()).toContain('다시 시도');
    await screenshot(page, 'monitor-server-4-failed-ko', { fullPage: false });
    await startServer();
    await push(page, { state: 'running', url: `http://127.0.0.1:${port}` });
    await expect.poll(() => banner(page).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('in a plain browser: no banner; the strip says the status is unavailable while the station cannot be reached', { timeout: 60_000 }, async () => {
    const { context, page } = await openMonitor('en-US', false);
    await stopServer();
    await expect.poll(() => page.locator('.stale').textContent(), { timeout: 20_000 }).toContain('Status unavailable');
    expect(await banner(page).count()).toBe(0);
    await startServer();
    await context.close();
  });
});

describe("the shell's failed page, when the monitor's app cannot be shown", () => {
  it('follows the state from the bridge in Korean and English; only the monitor\'s offers the restart', { timeout: 60_000 }, async () => {
    for (const [locale, role, name] of [
      ['ko-KR', 'monitor', 'monitor-server-5-shell-failed-ko'],
      ['en-US', 'monitor', 'monitor-server-6-shell-failed-en'],
      ['en-US', 'kiosk', ''],
    ] as const) {
      const context = await browser.newContext({ ...STAFF_PC, locale });
      await context.addInitScript({ content: FAKE_BRIDGE });
      // Served as app://station serves them: the files of electron/pages, nothing else.
      await context.route('http://station.test/**', (route) => {
        const file = new URL(route.request().url()).pathname.slice(1);
        const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
        return route.fulfill({ status: 200, contentType: type, body: readFileSync(join(PAGES, file)) });
      });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`http://station.test/failed.html?for=${role}`);
      await push(page, { state: 'failed', restarts: 13, attempt: 13, lastExit: { code: 1, at: Date.now(), reason: 'SqliteError: database or disk is full' } });
      const ko = locale === 'ko-KR';
      await expect.poll(() => page.locator('h1').textContent()).toBe(ko ? '매장 서버를 시작할 수 없습니다' : 'The store server could not start');
      expect(await page.locator('#detail').textContent()).toBe(ko ? '스테이션이 13번 연속 시도한 뒤 재시도를 멈췄습니다.' : 'The station tried 13 times in a row and stopped trying.');
      if (role === 'monitor') {
        expect(await page.locator('#advice').textContent()).toContain(ko ? '디스크가 가득' : 'disk is full');
        expect(await page.locator('#retry').isVisible()).toBe(true);
        await screenshot(page, name, { fullPage: false });
        await page.locator('#retry').click();
        await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __restartCalls: number }).__restartCalls)).toBe(1);
        // The restart under way: the same page follows it.
        await push(page, { state: 'restarting', restarts: 14, attempt: 1, inMs: 3_000 });
        await expect.poll(() => page.locator('h1').textContent()).toBe(ko ? '매장 서버가 멈췄습니다 — 재시작 1/12회째' : 'The store server stopped — restart 1 of 12');
      } else {
        // Shoppers at a kiosk get no error text and no restart.
        expect(await page.locator('#advice').textContent()).toBe('Please ask staff at the counter.');
        expect(await page.locator('#retry').isVisible()).toBe(false);
        expect(await page.locator('#reason').isVisible()).toBe(false);
      }
      expect(problems).toEqual([]);
      await context.close();
    }
  });
});
