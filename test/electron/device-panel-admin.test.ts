// Runs in: node (vitest), driving Debian's chromium with playwright-core against a real store
// server and the built monitor (dist/renderer). The device panel's kiosk links: in a plain browser
// staff's route makes them; inside the desktop station (a fake preload bridge injected before the
// page, as the real one is) each link asks for the admin passphrase and goes through the bridge's
// admin call, never the staff route. Screenshots: test-results/screenshots/device-panel-admin-*.png.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { initStation } from '../../server/store/station.js';
import { DEFAULT_RENDERER_DIR, startStoreServer, type RunningServer } from '../../server/store/server.js';
import { TEST_PIN, TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, screenshot, STAFF_PC } from '../e2e/browser.js';

const PASS = 'correct horse battery';

/** Stands in for the preload bridge's admin call, answering as the main process does. */
const FAKE_BRIDGE = `(() => {
  const PASS = ${JSON.stringify(PASS)};
  window.__adminCalls = [];
  window.omnistation = {
    admin: {
      kioskLink: async (input) => {
        window.__adminCalls.push({ ...input, passphrase: input.passphrase === PASS ? 'right' : 'wrong' });
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (input.passphrase !== PASS) return { ok: false, reason: 'wrong', retryAt: null };
        if (input.kioskId === 'K-GONE') return { ok: false, reason: 'failed', message: { code: 'kiosk.notFound', params: {} } };
        return { ok: true, kioskId: input.kioskId, name: input.name ?? null, link: 'https://shop.example/kiosk/#token=from-the-bridge-' + input.kioskId };
      },
    },
  };
})();`;

let dir: string;
let server: RunningServer;
let browser: Browser;
/** Staff's signed-in cookie, taken once: PIN sign-ins are rate limited per minute. */
let staffState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omni-panel-admin-'));
  const { station } = initStation({ dataDir: join(dir, 'data'), storeId: TEST_STORE_ID, name: 'Test store', pin: TEST_PIN });
  station.close();
  server = await startStoreServer({ dataDir: join(dir, 'data'), port: 0, logger: false, rendererDir: DEFAULT_RENDERER_DIR });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openPanel(locale: string, bridge: boolean): Promise<{ context: BrowserContext; page: Page; staffPosts: string[]; problems: string[] }> {
  const context = await browser.newContext({ ...STAFF_PC, locale, ...(staffState ? { storageState: staffState } : {}) });
  if (bridge) await context.addInitScript({ content: FAKE_BRIDGE });
  const page = await context.newPage();
  const staffPosts: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/api/staff/kiosks')) staffPosts.push(new URL(request.url()).pathname);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${server.url}/monitor/`);
  if (!staffState) {
    await page.getByTestId('pin-input').fill(TEST_PIN);
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('devices-toggle').waitFor();
    staffState = await context.storageState();
  }
  await page.getByTestId('devices-toggle').click();
  await page.getByTestId('device-panel').waitFor();
  return { context, page, staffPosts, problems };
}

const row = (page: Page, id: string) => page.locator(`[data-testid="kiosk-row"][data-kiosk-id="${id}"]`);

describe('kiosk links in the device panel', () => {
  it('in a plain browser: staff enrol a kiosk and re-link it through the staff route, no passphrase asked', { timeout: 60_000 }, async () => {
    const { context, page, staffPosts, problems } = await openPanel('en-US', false);
    await page.getByTestId('kiosk-add-open').click();
    await page.getByTestId('kiosk-id').fill('K-1');
    await page.getByTestId('kiosk-name').fill('Entrance');
    await page.getByTestId('kiosk-add-submit').click();
    await expect.poll(() => page.getByTestId('kiosk-link-input').inputValue()).toMatch(/\/kiosk\/#token=/);
    await row(page, 'K-1').getByRole('button', { name: 'New link' }).click();
    await expect.poll(() => staffPosts).toEqual(['/api/staff/kiosks', '/api/staff/kiosks/K-1/link']);
    expect(await page.getByTestId('kiosk-admin-dialog').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('inside the station: a new link asks for the admin passphrase and comes from the bridge', { timeout: 60_000 }, async () => {
    const { context, page, staffPosts, problems } = await openPanel('en-US', true);
    await expect.poll(() => row(page, 'K-1').count()).toBe(1);
    await row(page, 'K-1').getByRole('button', { name: 'New link' }).click();
    const dialog = page.getByTestId('kiosk-admin-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('type the admin passphrase to make a new link for Entrance');
    expect(await page.getByTestId('kiosk-admin-confirm').isDisabled()).toBe(true);
    await page.getByTestId('kiosk-admin-passphrase').fill('not it at all');
    await page.getByTestId('kiosk-admin-confirm').click();
    await expect.poll(() => page.getByTestId('kiosk-admin-error').textContent()).toBe('That is not the admin passphrase.');
    // The passphrase never stays in the field.
    expect(await page.getByTestId('kiosk-admin-passphrase').inputValue()).toBe('');
    await screenshot(page, 'device-panel-admin-1-wrong-en', { fullPage: false });
    await page.getByTestId('kiosk-admin-passphrase').fill(PASS);
    await page.getByTestId('kiosk-admin-confirm').click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.getByTestId('kiosk-link-input').inputValue()).toBe('https://shop.example/kiosk/#token=from-the-bridge-K-1');
    await screenshot(page, 'device-panel-admin-2-link-en', { fullPage: false });
    // Enrolling a new kiosk goes the same way, with its name and readers.
    await page.getByTestId('kiosk-add-open').click();
    await page.getByTestId('kiosk-id').fill('K-2');
    await page.getByTestId('kiosk-name').fill('Back door');
    await page.getByTestId('kiosk-readers').fill('reader-a, reader-b');
    await page.getByTestId('kiosk-add-submit').click();
    await expect.poll(() => dialog.textContent()).toContain('type the admin passphrase to add Back door');
    await page.getByTestId('kiosk-admin-passphrase').fill(PASS);
    await page.getByTestId('kiosk-admin-passphrase').press('Enter');
    await expect.poll(() => page.getByTestId('kiosk-link').getAttribute('data-kiosk-id')).toBe('K-2');
    expect(await page.getByTestId('kiosk-add-form').count()).toBe(0);
    const calls = await page.evaluate(() => (globalThis as unknown as { __adminCalls: unknown[] }).__adminCalls);
    expect(calls).toEqual([
      { passphrase: 'wrong', kioskId: 'K-1' },
      { passphrase: 'right', kioskId: 'K-1' },
      { passphrase: 'right', kioskId: 'K-2', name: 'Back door', readerIds: ['reader-a', 'reader-b'] },
    ]);
    // Not one request to the staff route: the link came only from the bridge.
    expect(staffPosts).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('in Korean, a refusal by the store server is worded from its code; cancel closes without a call', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await openPanel('ko-KR', true);
    // A kiosk that went away meanwhile: staff still see its row (removed in another window).
    await page.evaluate(async (url) => {
      await fetch(`${url}/api/staff/kiosks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'K-GONE', name: '사라진 키오스크' }) });
    }, server.url);
    await expect.poll(() => row(page, 'K-GONE').count(), { timeout: 15_000 }).toBe(1);
    await row(page, 'K-GONE').getByRole('button', { name: '새 링크' }).click();
    const dialog = page.getByTestId('kiosk-admin-dialog');
    await expect.poll(() => dialog.textContent()).toContain('관리자 암호 문구를 입력하세요');
    await page.getByTestId('kiosk-admin-passphrase').fill(PASS);
    await page.getByTestId('kiosk-admin-confirm').click();
    await expect.poll(() => page.getByTestId('kiosk-admin-error').textContent()).toBe('그런 키오스크가 없습니다.');
    await screenshot(page, 'device-panel-admin-3-refused-ko', { fullPage: false });
    await dialog.getByRole('button', { name: '취소' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });
});
