// Runs in: node (tests). Presence end to end in a real browser: staff enrol a kiosk in the
// monitor, the kiosk screen opens its link and shows a pairing QR, a phone opens the QR's URL,
// an RFID tap on the virtual reader lands in the phone's cart live and on the kiosk, and the
// payment passes the presence gate; a phone with no proof is held until staff override it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { labelPath } from '../../server/protocol/label.js';
import { VirtualHidHub } from '../../server/store/devices/hid/virtual-reader.js';
import { TEST_PIN, TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, PHONE, screenshot, STAFF_PC } from './browser.js';
import { seriousViolations } from './axe.js';
import { startE2eStation, type E2eStation } from './station.js';

const KIOSK_LANDSCAPE = { viewport: { width: 1920, height: 1080 }, hasTouch: true };
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
const READER = 'virtual-reader-1';
const RAMEN_TAG = 'E2801160600002040000A1B2';

let server: E2eStation;
let browser: Browser;
const readers = new VirtualHidHub();

beforeAll(async () => {
  server = await startE2eStation({ central: true, presence: { gate: true }, devices: { readers } });
  readers.plug({ id: READER, product: 'Virtual RFID reader' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The station's public URL is not this test server's: keep path, query and hash. */
function local(url: string): string {
  const parsed = new URL(url);
  return `${server.url}${parsed.pathname}${parsed.search}${parsed.hash}`;
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/monitor/`);
  await page.getByTestId('pin-input').fill(TEST_PIN);
  await page.getByTestId('pin-submit').click();
  await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
}

async function checkout(phone: Page, name: string): Promise<void> {
  await phone.getByTestId('go-checkout').click();
  await phone.getByTestId('orderer-name').fill(name);
  await phone.getByTestId('orderer-contact').fill('010-1234-5678');
  await phone.getByTestId('fulfilment-pickup').check();
  await phone.getByTestId('payment-card').check();
  await phone.getByTestId('place-order').click();
  await phone.getByTestId('order-number').waitFor();
}


describe('presence: kiosk pairing, RFID taps and the device-match gate', () => {
  it('pairs a phone at the kiosk, adds a tapped product live and pays through the gate', { timeout: 60_000 }, async () => {
    // Staff enrol the kiosk in the monitor's device panel.
    const monitorContext = await browser.newContext({ ...STAFF_PC, locale: 'ko-KR' });
    const monitor = await monitorContext.newPage();
    await signIn(monitor);
    await monitor.getByTestId('devices-toggle').click();
    await monitor.getByTestId('device-panel').waitFor();
    await expect.poll(() => monitor.locator(`[data-testid="device-reader"][data-reader-id="${READER}"]`).count()).toBe(1);
    await monitor.getByTestId('kiosk-add-open').click();
    await monitor.getByTestId('kiosk-id').fill('K-1');
    await monitor.getByTestId('kiosk-name').fill('입구 키오스크');
    await monitor.getByTestId('kiosk-readers').fill(READER);
    await monitor.getByTestId('kiosk-add-submit').click();
    const link = await monitor.getByTestId('kiosk-link-input').inputValue();
    expect(link).toMatch(/\/kiosk\/#token=[A-Za-z0-9_-]{20,}$/);
    await expect.poll(() => monitor.locator('[data-testid="kiosk-row"][data-kiosk-id="K-1"]').count()).toBe(1);
    await screenshot(monitor, 'presence-monitor-devices-ko', { fullPage: false });

    // The kiosk screen opens the link once: enrolled, the token leaves the address.
    const kioskContext = await browser.newContext({ ...KIOSK_LANDSCAPE, locale: 'ko-KR' });
    const kiosk = await kioskContext.newPage();
    await kiosk.goto(local(link));
    await kiosk.getByTestId('kiosk-attract').waitFor();
    const qr = kiosk.getByTestId('qr-code');
    await qr.waitFor();
    expect(new URL(kiosk.url()).hash).toBe('');
    expect(await qr.getAttribute('role')).toBe('img');
    const pairUrl = (await qr.getAttribute('data-url'))!;
    expect(pairUrl).toMatch(/\/shop\/pair\/K-1\/[A-Za-z0-9_-]{16,}$/);
    expect(await seriousViolations(kiosk)).toEqual([]);
    await screenshot(kiosk, 'presence-kiosk-attract-landscape-ko');
    await kiosk.setViewportSize(PORTRAIT);
    await screenshot(kiosk, 'presence-kiosk-attract-portrait-ko');
    await kiosk.getByTestId('lang-switch').click();
    await screenshot(kiosk, 'presence-kiosk-attract-portrait-en');
    await kiosk.setViewportSize(LANDSCAPE);

    // The phone camera opens the QR's URL: paired, the cart says so.
    const phoneContext = await browser.newContext({ ...PHONE, locale: 'ko-KR' });
    const phone = await phoneContext.newPage();
    await phone.goto(local(pairUrl));
    await phone.getByTestId('paired-notice').waitFor();
    expect(await phone.getByTestId('paired-notice').textContent()).toContain('입구 키오스크');
    expect(new URL(phone.url()).pathname).toBe('/shop/');
    await kiosk.getByTestId('kiosk-paired').waitFor();

    // A tag tapped on the kiosk's reader lands in the phone's cart, live, and on the kiosk.
    expect(readers.tap(READER, RAMEN_TAG)).not.toBeNull();
    await phone.locator('[data-testid="cart-item"][data-sku="RAMEN-3"]').waitFor({ timeout: 3000 });
    await kiosk.locator('[data-testid="kiosk-line"][data-sku="RAMEN-3"]').waitFor();
    expect(await kiosk.getByTestId('kiosk-tap').getAttribute('data-result')).toBe('added');
    await screenshot(phone, 'presence-phone-paired-cart-ko', { fullPage: false });
    await screenshot(kiosk, 'presence-kiosk-paired-landscape-en');
    await kiosk.setViewportSize(PORTRAIT);
    await screenshot(kiosk, 'presence-kiosk-paired-portrait-en');
    await kiosk.setViewportSize(LANDSCAPE);

    // An unknown tag says so on the kiosk and changes nothing.
    readers.tap(READER, '0000DEADBEEF');
    await expect.poll(() => kiosk.getByTestId('kiosk-tap').getAttribute('data-result')).toBe('unknown');

    // Checkout: the phone proved presence at the kiosk, so the gate lets the payment through.
    await checkout(phone, '김민지');
    await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state')).toBe('paid');
    expect(await phone.getByTestId('presence-hold').count()).toBe(0);

    const card = monitor.getByTestId('order-card').first();
    await expect.poll(() => card.getAttribute('data-payment-state')).toBe('paid');
    expect(await card.getAttribute('data-hold')).toBeNull();
    await card.getByRole('button').first().click();
    await monitor.getByTestId('presence-section').waitFor();
    await expect.poll(() => monitor.getByTestId('presence-status').getAttribute('data-proven')).toBe('true');
    await expect.poll(() => monitor.locator('[data-testid="presence-proof"][data-kind="kiosk"]').count()).toBeGreaterThan(0);
    expect(await monitor.locator('[data-testid="presence-proof"][data-kind="kiosk"]').first().textContent()).toContain('K-1');
    await expect.poll(() => monitor.getByTestId('device-last-tap').getAttribute('data-result')).not.toBeNull();
    await screenshot(monitor, 'presence-monitor-paid-with-kiosk-proof-ko', { fullPage: false });

    // Done on the kiosk: back to the attract screen with a fresh code.
    await kiosk.getByTestId('kiosk-done').click();
    await kiosk.getByTestId('kiosk-attract').waitFor();
    await expect.poll(() => kiosk.getByTestId('qr-code').getAttribute('data-url')).not.toBe(pairUrl);

    // The used code never pairs again.
    await phone.goto(local(pairUrl));
    await phone.getByTestId('pair-failed').waitFor();
    await screenshot(phone, 'presence-phone-pair-expired-ko', { fullPage: false });

    await Promise.all([monitorContext.close(), kioskContext.close(), phoneContext.close()]);
  });

  it('holds the order of a phone with no proof until staff override it, live on both screens', { timeout: 45_000 }, async () => {
    const phoneContext = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const phone = await phoneContext.newPage();
    await phone.goto(`${server.url}${labelPath(server.station.labelKey, TEST_STORE_ID, 'MILK-1')}`);
    await phone.getByTestId('cart-item').first().waitFor();
    await checkout(phone, 'Alex Kim');
    const hold = phone.getByTestId('presence-hold');
    await hold.waitFor();
    expect(await hold.getAttribute('data-hold')).toBe('presence_mismatch');
    expect(await phone.getByTestId('receipt-payment').getAttribute('data-payment-state')).toBe('pending');
    expect(await phone.getByTestId('pay-again').count()).toBe(0);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'presence-phone-hold-banner-en');

    const monitorContext = await browser.newContext({ ...STAFF_PC, locale: 'en-US' });
    const monitor = await monitorContext.newPage();
    await signIn(monitor);
    const card = monitor.locator('[data-testid="order-card"][data-hold="presence_mismatch"]');
    await card.waitFor();
    const orderId = (await card.getAttribute('data-order-id'))!;
    expect(await card.getByTestId('hold-badge').textContent()).toMatch(/presence/i);
    expect(await monitor.getByTestId('count-held').textContent()).toContain('1');
    await card.getByRole('button').first().click();
    await monitor.getByTestId('presence-held').waitFor();
    await expect.poll(() => monitor.getByTestId('presence-status').getAttribute('data-proven')).toBe('false');
    expect(await monitor.getByTestId('hand-over').isEnabled()).toBe(false);
    expect(await monitor.getByTestId('hand-over-blocked').getAttribute('data-reason')).toBe('presence_mismatch');
    await screenshot(monitor, 'presence-monitor-held-en', { fullPage: false });

    // The override asks for a name and a reason, then charges the order.
    await monitor.getByTestId('override-open').click();
    await monitor.getByTestId('override-confirm').click();
    expect(await monitor.locator('#override-name[aria-invalid="true"]').count()).toBe(1);
    await monitor.getByTestId('override-name').fill('Jiwoo Park');
    await monitor.getByTestId('override-reason').fill('Shopper showed the phone at the counter');
    await screenshot(monitor, 'presence-monitor-override-dialog-en', { fullPage: false });
    await monitor.getByTestId('override-confirm').click();
    const paid = monitor.locator(`[data-testid="order-card"][data-order-id="${orderId}"][data-payment-state="paid"]`);
    await paid.waitFor({ timeout: 10_000 });
    expect(await paid.getAttribute('data-hold')).toBeNull();
    await monitor.getByTestId('presence-override').first().waitFor();
    expect(await monitor.getByTestId('presence-override').first().textContent()).toContain('Jiwoo Park');
    expect(await monitor.getByTestId('count-held').count()).toBe(0);
    await screenshot(monitor, 'presence-monitor-overridden-en', { fullPage: false });

    // The phone's receipt turns paid live (its event stream), without a reload.
    await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state'), { timeout: 5000 }).toBe('paid');
    expect(await phone.getByTestId('presence-hold').count()).toBe(0);
    await screenshot(phone, 'presence-phone-paid-after-override-en');

    await Promise.all([monitorContext.close(), phoneContext.close()]);
  });

  it('tells a screen without a kiosk link that it is not enrolled', async () => {
    const context = await browser.newContext({ ...KIOSK_LANDSCAPE, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/kiosk/#token=${'x'.repeat(43)}`);
    await page.getByTestId('kiosk-not-enrolled').waitFor();
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.getByRole('alert').textContent()).toMatch(/revoked|mistyped/);
    await screenshot(page, 'presence-kiosk-not-enrolled-en');
    await context.close();
  });
});
