// Runs in: node (vitest), driving Debian's chromium with playwright-core. The wizard page
// (electron/pages, plain HTML/JS) rendered for real, with a fake `window.omnistation` bridge
// injected before its script (test/electron/fixtures/wizard-fake-bridge.js) standing in for the
// main process: every step walked in English, the device step's live test (a reader and the radio
// before saving, the readers' reads after), the main process's coded messages worded in English and
// Korean, and a re-run locked by the admin passphrase. Screenshots: test-results/screenshots/wizard-*.png.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../e2e/browser.js';

const PAGES = join(import.meta.dirname, '../../electron/pages');
const FAKE = join(import.meta.dirname, 'fixtures/wizard-fake-bridge.js');
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const PASS = 'correct horse battery';

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  // The page's own files, as app://station serves them (the page's CSP meta tag applies).
  server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0]!.replace(/^\/+/, '');
    if (!/^[a-z-]+\.(html|js|css)$/.test(name)) return void res.writeHead(404).end();
    try {
      res.writeHead(200, { 'content-type': TYPES[name.split('.').pop()!]! }).end(readFileSync(join(PAGES, name)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function open(locale: string, fakeOptions: Record<string, unknown> = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, timezoneId: 'Asia/Seoul', viewport: { width: 1000, height: 900 } });
  await context.addInitScript({ content: `window.__fakeOptions = ${JSON.stringify(fakeOptions)};` });
  await context.addInitScript({ path: FAKE });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  await page.goto(`${origin}/wizard.html`);
  await page.locator('#steps li').first().waitFor();
  return { context, page, problems };
}

const section = (page: Page, step: string) => page.locator(`section[data-step="${step}"]`);
const badge = (page: Page, index: number) => page.locator('#steps li .badge').nth(index);

describe('wizard page in chromium (fake bridge)', () => {
  it('walks every step in English', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await open('en-US');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('#server-status').textContent()).toMatch(/starts once the store is created/);
    expect(await page.locator('h1').textContent()).toBe('Set up this station');
    // Steps that need the store's data folder wait for it.
    expect(await section(page, 'credentials').locator('button[type="submit"]').isDisabled()).toBe(true);
    expect(await section(page, 'devices').locator('button[type="submit"]').isDisabled()).toBe(false);
    await screenshot(page, 'wizard-1-start-en');

    // Store: a bad id is caught before anything is sent; the id is upper-cased as typed.
    const store = section(page, 'store');
    await store.locator('input[name="storeId"]').fill('ab');
    await store.locator('input[name="name"]').fill('Gangnam branch');
    await store.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/4-32 characters/);
    await screenshot(page, 'wizard-2-store-error-en', { fullPage: false });
    await store.locator('input[name="storeId"]').fill('');
    await store.locator('input[name="storeId"]').pressSequentially('seoul-gangnam-01');
    expect(await store.locator('input[name="storeId"]').inputValue()).toBe('SEOUL-GANGNAM-01');
    await store.locator('button[type="submit"]').click();
    await expect.poll(() => badge(page, 0).textContent()).toBe('done');
    expect(await store.locator('form').isHidden()).toBe(true);
    expect(await store.locator('[data-summary]').textContent()).toBe('Store SEOUL-GANGNAM-01 — Gangnam branch');
    await expect.poll(() => page.locator('#server-status').textContent()).toBe('Store server: running');

    // Registration refused by central: the reason shows and the step can be skipped.
    const register = section(page, 'register');
    await register.locator('input[name="centralUrl"]').fill('https://central.example.com');
    await register.locator('input[name="adminToken"]').fill('wrong');
    await register.locator('input[name="address"]').fill('1 Teheran-ro, Seoul');
    await register.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('#message').textContent()).toBe('Central service: Registration failed: central refused the registration (401 unauthorized)');
    await screenshot(page, 'wizard-3-register-failed-en');
    await register.locator('[data-skip]').click();
    await expect.poll(() => badge(page, 1).textContent()).toBe('skipped');

    // PIN and passphrase: a mismatch is caught here; the form empties once saved.
    const credentials = section(page, 'credentials');
    await credentials.locator('input[name="pin"]').fill('582913');
    await credentials.locator('input[name="pinConfirm"]').fill('582914');
    await credentials.locator('input[name="passphrase"]').fill(PASS);
    await credentials.locator('input[name="passphraseConfirm"]').fill(PASS);
    await credentials.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('#message').textContent()).toBe('The two PINs differ.');
    await credentials.locator('input[name="pinConfirm"]').fill('582913');
    await credentials.locator('button[type="submit"]').click();
    await expect.poll(() => badge(page, 2).textContent()).toBe('done');
    expect(await credentials.locator('input[name="pin"]').inputValue()).toBe('');
    // The window that set the passphrase may lock itself.
    await expect.poll(() => page.locator('#lock').isVisible()).toBe(true);

    // Devices: radio off, two readers, saved; then a tap and a read that is no tag.
    const devices = section(page, 'devices');
    await devices.locator('input[name="vidPid"]').fill('72f:2200');
    await devices.locator('[data-action="add-reader"]').click();
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/VID:PID in hex/);
    await devices.locator('input[name="vidPid"]').fill('072f:2200');
    await devices.locator('select[name="format"]').selectOption('hex');
    await devices.locator('[data-action="add-reader"]').click();
    await devices.locator('input[name="vidPid"]').fill('08FF:0009');
    await devices.locator('select[name="mode"]').selectOption('raw');
    await devices.locator('select[name="format"]').selectOption('auto');
    await devices.locator('[data-action="add-reader"]').click();
    await devices.locator('input[name="vidPid"]').fill('08ff:0009');
    await devices.locator('[data-action="add-reader"]').click();
    await expect.poll(() => page.locator('#message').textContent()).toBe('This reader is in the list already.');
    expect(await devices.locator('#reader-list li').allTextContents()).toEqual([
      '072F:2200 · keyboard wedge · hexadecimalTestRemove',
      '08FF:0009 · raw reports · automaticTestRemove',
    ]);
    // Live test before saving: "tap a card now" on the first reader shows what it decoded.
    await devices.locator('[data-action="test-reader"]').first().click();
    await expect.poll(() => page.locator('#reader-test').textContent()).toBe('Tap a card on 072F:2200 now…');
    expect(await devices.locator('[data-action="test-reader"]').nth(1).isDisabled()).toBe(true);
    await screenshot(page, 'wizard-4a-reader-test-waiting-en', { fullPage: false });
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __fake: { testing: boolean } }).__fake.testing)).toBe(true);
    await page.evaluate(() => (globalThis as unknown as { __fake: { testTap(t: string, g: string): void } }).__fake.testTap('0412345678', '04A1B2C3'));
    await expect.poll(() => page.locator('#reader-test').textContent()).toBe('072F:2200: read “0412345678” → card 04A1B2C3');
    expect(await page.locator('#reader-test').getAttribute('class')).toBe('test-line ok');
    // The second reader types something that is no card id: the page says what to check.
    await devices.locator('[data-action="test-reader"]').nth(1).click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __fake: { testing: boolean } }).__fake.testing)).toBe(true);
    await page.evaluate(() => (globalThis as unknown as { __fake: { testGarbage(t: string): void } }).__fake.testGarbage('hello'));
    await expect.poll(() => page.locator('#reader-test').textContent()).toBe('The reader typed “hello”, which is no card id: check the card number format.');
    // The radio: adverts per second heard over the test's window.
    await devices.locator('[data-action="test-radio"]').click();
    await expect.poll(() => page.locator('#radio-test').textContent()).toBe('Radio: 4.7 adverts per second (14 in 3 s)');
    await screenshot(page, 'wizard-4b-live-tests-en', { fullPage: false });
    const tested = await page.evaluate(() => (globalThis as unknown as { __fake: { sent: [string, unknown][] } }).__fake.sent.filter(([name]) => name.startsWith('test')));
    expect(tested).toEqual([
      ['testReader', { vendorId: 0x072f, productId: 0x2200, mode: 'keyboard-wedge', format: 'hex' }],
      ['testReader', { vendorId: 0x08ff, productId: 0x0009, mode: 'raw', format: 'auto' }],
      ['testRadio', null],
    ]);
    await devices.locator('input[name="radio"]').uncheck();
    await devices.locator('button[type="submit"]').click();
    await expect.poll(() => badge(page, 3).textContent()).toBe('done');
    const sent = await page.evaluate(() => (globalThis as unknown as { __fake: { sent: [string, unknown][] } }).__fake.sent.filter(([name]) => name === 'configureDevices'));
    expect(sent).toEqual([
      [
        'configureDevices',
        {
          radio: false,
          readers: [
            { vendorId: 0x072f, productId: 0x2200, mode: 'keyboard-wedge', format: 'hex' },
            { vendorId: 0x08ff, productId: 0x0009, mode: 'raw', format: 'auto' },
          ],
        },
      ],
    ]);
    await expect.poll(() => page.locator('#radio-status').textContent()).toBe('Radio: turned off');
    await page.evaluate(() => (globalThis as unknown as { __fake: { tap(t: string, g: string): void } }).__fake.tap('0412345678', '04A1B2C3'));
    await page.evaluate(() => (globalThis as unknown as { __fake: { garbage(t: string): void } }).__fake.garbage('hello'));
    await expect.poll(() => page.locator('#last-read').textContent()).toMatch(/^Last read: “0412345678” → tag 04A1B2C3 \(10:02:03\)$/);
    expect(await page.locator('#readers li').first().textContent()).toBe('ACR1252U (072F:2200, keyboard wedge): 1 read(s)');
    expect(await page.locator('#last-issue').textContent()).toMatch(/Not a tag: “hello”/);
    await devices.scrollIntoViewIfNeeded();
    await screenshot(page, 'wizard-4-devices-live-en');

    // Catalogue with progress, then labels; then the station can open.
    await section(page, 'catalogue').locator('[data-action="catalogue"]').click();
    await expect.poll(() => page.locator('#catalogue-progress span').textContent()).toMatch(/^(50|75)% read$/);
    expect(await badge(page, 4).textContent()).toBe('working…');
    await screenshot(page, 'wizard-5-catalogue-progress-en', { fullPage: false });
    await expect.poll(() => badge(page, 4).textContent()).toBe('done');
    await section(page, 'labels').locator('[data-action="labels"]').click();
    await expect.poll(() => badge(page, 5).textContent()).toBe('done');
    await expect.poll(() => page.locator('#finish').isEnabled()).toBe(true);
    expect(await page.locator('#message').textContent()).toBe('All set: the station can open.');
    await screenshot(page, 'wizard-6-complete-en');
    await page.locator('#finish').click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __fake: { finished: boolean } }).__fake.finished)).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('speaks Korean when the browser does', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await open('ko-KR', { unplugged: ['08ff:0009'], radioOff: true });
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.locator('h1').textContent()).toBe('이 스테이션 설정');
    await expect.poll(() => page.locator('#server-status').textContent()).toMatch(/매장을 만들면 시작합니다/);
    await screenshot(page, 'wizard-7-start-ko');
    // The main process's refusals arrive as codes: worded in Korean, with the step names too.
    // (Typed without the DOM library: this file is type-checked for node.)
    await page.locator('#finish').evaluate((button) => {
      const finish = button as unknown as { disabled: boolean; click(): void };
      finish.disabled = false;
      finish.click();
    });
    await expect.poll(() => page.locator('#message').textContent()).toBe('남은 단계: 매장, 중앙 서비스, PIN과 암호 문구, 무선과 리더기, 상품 목록, 라벨.');
    const store = section(page, 'store');
    await store.locator('input[name="storeId"]').fill('SEOUL-GANGNAM-01');
    await store.locator('input[name="name"]').fill('강남 1호점');
    await store.locator('button[type="submit"]').click();
    await expect.poll(() => badge(page, 0).textContent()).toBe('완료');
    expect(await store.locator('[data-summary]').textContent()).toBe('매장 SEOUL-GANGNAM-01 — 강남 1호점');
    const register = section(page, 'register');
    await register.locator('input[name="centralUrl"]').fill('https://central.example.com');
    await register.locator('input[name="adminToken"]').fill('wrong');
    await register.locator('input[name="address"]').fill('서울 강남구 테헤란로 1');
    await register.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('#message').textContent()).toBe('중앙 서비스: 등록 실패: central refused the registration (401 unauthorized)');
    const devices = section(page, 'devices');
    await devices.locator('input[name="vidPid"]').fill('072f:2200');
    await devices.locator('[data-action="add-reader"]').click();
    await devices.locator('input[name="vidPid"]').fill('08ff:0009');
    await devices.locator('[data-action="add-reader"]').click();
    // Live tests in Korean: a reader that is not plugged in, one that reads, the radio turned off.
    await devices.locator('[data-action="test-reader"]').nth(1).click();
    await expect.poll(() => page.locator('#reader-test').textContent()).toBe('08ff:0009 리더기가 연결되어 있지 않습니다.');
    await devices.locator('[data-action="test-reader"]').first().click();
    await expect.poll(() => page.locator('#reader-test').textContent()).toBe('지금 072F:2200 리더기에 카드를 대 주세요…');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __fake: { testing: boolean } }).__fake.testing)).toBe(true);
    await page.evaluate(() => (globalThis as unknown as { __fake: { testTap(t: string, g: string): void } }).__fake.testTap('0412345678', '04A1B2C3'));
    await expect.poll(() => page.locator('#reader-test').textContent()).toBe('072F:2200: “0412345678” 읽음 → 카드 04A1B2C3');
    await devices.locator('[data-action="test-radio"]').click();
    await expect.poll(() => page.locator('#radio-test').textContent()).toBe('무선이 스캔할 수 없습니다 (블루투스 꺼짐).');
    await devices.locator('#reader-list li').nth(1).locator('button', { hasText: '삭제' }).click();
    await devices.locator('button[type="submit"]').click();
    await expect.poll(() => badge(page, 3).textContent()).toBe('완료');
    await page.evaluate(() => (globalThis as unknown as { __fake: { tap(t: string, g: string): void } }).__fake.tap('0412345678', '04A1B2C3'));
    await expect.poll(() => page.locator('#last-read').textContent()).toMatch(/^마지막 읽기: “0412345678” → 태그 04A1B2C3/);
    expect(await page.locator('#radio-status').textContent()).toMatch(/^무선: 스캔 중/);
    await devices.scrollIntoViewIfNeeded();
    await screenshot(page, 'wizard-8-devices-ko');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a re-run is locked until the admin passphrase is typed', async () => {
    const { context, page, problems } = await open('en-US', { rerun: true });
    await expect.poll(() => page.locator('#unlock').isVisible()).toBe(true);
    expect(await page.locator('#wizard-steps').isHidden()).toBe(true);
    expect(await page.locator('#finish').isDisabled()).toBe(true);
    await page.locator('#unlock input[name="passphrase"]').fill('not the passphrase');
    await page.locator('#unlock button[type="submit"]').click();
    await expect.poll(() => page.locator('#message').textContent()).toBe('That is not the admin passphrase.');
    await screenshot(page, 'wizard-9-locked-en', { fullPage: false });
    await page.locator('#unlock input[name="passphrase"]').fill(PASS);
    await page.locator('#unlock button[type="submit"]').click();
    await expect.poll(() => page.locator('#wizard-steps').isVisible()).toBe(true);
    // Steps done before show their coded outcome in the page's language.
    expect(await section(page, 'catalogue').locator('[data-summary]').textContent()).toBe('24 products (24 tags) imported');
    // The device settings in force are what the editor starts from.
    expect(await section(page, 'devices').locator('#reader-list li').allTextContents()).toEqual(['072F:2200 · keyboard wedge · hexadecimalTestRemove']);
    expect(await section(page, 'devices').locator('input[name="radio"]').isChecked()).toBe(false);
    await screenshot(page, 'wizard-10-unlocked-en');
    await page.locator('#lock').click();
    await expect.poll(() => page.locator('#unlock').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
