// Runs in: node (tests). A shopper's phone and a staff monitor in a real browser, end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { labelPath } from '../../server/protocol/label.js';
import { TEST_PIN, TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, PHONE, screenshot, STAFF_PC } from './browser.js';
import { startE2eStation, type E2eStation } from './station.js';

let server: E2eStation;
let browser: Browser;

beforeAll(async () => {
  // Checkout pays through central, and staff hand over only what is paid.
  server = await startE2eStation({ central: true, presence: { gate: false } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The pages' DOM as far as the timing probes below use it (this test project has no DOM types). */
interface ProbeWindow {
  document: {
    body: unknown;
    querySelector(selector: string): unknown;
    addEventListener(type: 'click', listener: (event: { target: { closest(selector: string): unknown } | null }) => void, options: { capture: boolean }): void;
  };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: { childList: boolean; subtree: boolean }): void; disconnect(): void };
  orderCardShownAt?: number;
  placeOrderTappedAt?: number;
}

describe('scan, check out, see it on the monitor', () => {
  it('takes an order from a label URL on a phone to the live monitor within a second', async () => {
    const monitorContext = await browser.newContext({ ...STAFF_PC, locale: 'ko-KR' });
    const monitor = await monitorContext.newPage();
    await monitor.goto(`${server.url}/monitor/`);
    await monitor.getByTestId('pin-input').fill(TEST_PIN);
    await monitor.getByTestId('pin-submit').click();
    await monitor.getByTestId('live-indicator').waitFor();
    await expect.poll(() => monitor.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
    await screenshot(monitor, 'monitor-empty-ko');

    const phoneContext = await browser.newContext({ ...PHONE, locale: 'ko-KR' });
    const phone = await phoneContext.newPage();
    await phone.goto(`${server.url}${labelPath(server.station.labelKey, TEST_STORE_ID, 'MILK-1')}`);
    await phone.getByTestId('cart-item').first().waitFor();
    expect(new URL(phone.url()).pathname).toBe('/shop/');
    await expect.poll(() => phone.getByTestId('cart-item').count()).toBe(1);
    await screenshot(phone, 'shopper-cart-after-label-ko');

    // A reload must not add the product a second time.
    await phone.reload();
    await phone.getByTestId('cart-item').first().waitFor();
    await expect.poll(() => phone.getByTestId('cart-item').count()).toBe(1);

    // Second product by manual code entry (the camera has no picture in a headless browser).
    await phone.getByTestId('manual-sku-input').fill('SNK-2');
    await phone.getByTestId('manual-sku-submit').click();
    await expect.poll(() => phone.getByTestId('cart-item').count()).toBe(2);
    await phone.locator('[data-testid="cart-item"][data-sku="SNK-2"]').getByTestId('qty-plus').click();
    await expect.poll(async () => (await phone.getByTestId('cart-total').textContent())?.replace(/\s/g, '')).toContain('5,100');
    await screenshot(phone, 'shopper-cart-two-products-ko');

    await phone.getByTestId('go-checkout').click();
    await phone.getByTestId('orderer-name').fill('김민지');
    await phone.getByTestId('orderer-contact').fill('010-1234-5678');
    await phone.getByTestId('fulfilment-pickup').check();
    await phone.getByTestId('payment-card').check();
    await screenshot(phone, 'shopper-checkout-ko');

    // Timed from the tap on the phone to the card in the monitor's DOM, both taken in the pages on
    // the machine's clock: Playwright's own click and polling (hundreds of ms on a loaded CI box)
    // are not the shopper's wait.
    expect(await monitor.getByTestId('order-card').count()).toBe(0);
    await monitor.evaluate(() => {
      const page = globalThis as unknown as ProbeWindow;
      const observer = new page.MutationObserver(() => {
        if (page.document.querySelector('[data-testid="order-card"]') === null) return;
        observer.disconnect();
        page.orderCardShownAt = Date.now();
      });
      observer.observe(page.document.body, { childList: true, subtree: true });
    });
    await phone.evaluate(() => {
      const page = globalThis as unknown as ProbeWindow;
      page.document.addEventListener(
        'click',
        (event) => {
          if (event.target?.closest('[data-testid="place-order"]')) page.placeOrderTappedAt = Date.now();
        },
        { capture: true },
      );
    });
    await phone.getByTestId('place-order').click();
    const card = monitor.getByTestId('order-card').first();
    await card.waitFor({ timeout: 5000 });
    const tappedAt = await phone.evaluate(() => (globalThis as unknown as ProbeWindow).placeOrderTappedAt);
    const shownAt = await monitor.evaluate(() => (globalThis as unknown as ProbeWindow).orderCardShownAt);
    expect(tappedAt).toBeTypeOf('number');
    expect(shownAt).toBeTypeOf('number');
    const seenAfter = shownAt! - tappedAt!;
    expect(seenAfter).toBeGreaterThan(0);
    expect(seenAfter).toBeLessThan(1000);
    expect(await card.getAttribute('data-state')).toBe('placed');
    await phone.getByTestId('order-number').waitFor();
    expect(await phone.getByTestId('order-number').textContent()).toContain('1');
    // Paid through central with the app's test token: the receipt names the card.
    await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state')).toBe('paid');
    expect(await phone.getByTestId('receipt-payment').textContent()).toMatch(/Visa ••••\d{4}/);
    await screenshot(phone, 'shopper-receipt-ko');
    await expect.poll(() => monitor.getByTestId('count-placed').textContent()).toContain('1');
    await expect.poll(() => card.textContent()).toContain('김민지');
    await expect.poll(() => card.getAttribute('data-payment-state')).toBe('paid');
    expect(await card.getByTestId('payment-badge').textContent()).toContain('결제 완료');
    await screenshot(monitor, 'monitor-order-arrived-ko');

    await card.click();
    await monitor.getByTestId('order-detail').waitFor();
    expect(await monitor.getByTestId('hand-over').isEnabled()).toBe(true);
    await screenshot(monitor, 'monitor-order-detail-ko');
    await monitor.getByTestId('hand-over').click();
    // The monitor waits 10 s for an Undo before it sends a hand-over; staff may send it at once.
    await monitor.getByTestId('hand-over-now').click();
    await expect.poll(() => monitor.getByTestId('order-card').first().getAttribute('data-state')).toBe('handed_over');
    await screenshot(monitor, 'monitor-handed-over-ko');

    await monitorContext.close();
    await phoneContext.close();
  });

  it('shows a forged label as a clear error and adds nothing', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const phone = await context.newPage();
    const genuine = labelPath(server.station.labelKey, TEST_STORE_ID, 'RAMEN-3');
    const forged = genuine.replace(/s=(.)/, (_m, c: string) => `s=${c === 'A' ? 'B' : 'A'}`);
    await phone.goto(`${server.url}${forged}`);
    await phone.getByTestId('error-banner').waitFor();
    expect(await phone.getByTestId('error-banner').textContent()).toMatch(/genuine|forged|not valid/i);
    expect(await phone.getByTestId('cart-item').count()).toBe(0);
    await screenshot(phone, 'shopper-forged-label-en');
    await context.close();
  });

  it('resumes the monitor feed after a dropped connection without losing or duplicating orders', async () => {
    const context = await browser.newContext({ ...STAFF_PC, locale: 'en-US' });
    const monitor = await context.newPage();
    await monitor.goto(`${server.url}/monitor/`);
    await monitor.getByTestId('pin-input').fill(TEST_PIN);
    await monitor.getByTestId('pin-submit').click();
    await expect.poll(() => monitor.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
    const before = await monitor.getByTestId('order-card').count();

    // Drop every open connection of the server; EventSource reconnects with Last-Event-ID.
    server.app.server.closeAllConnections();
    const api = await placeOrderThroughApi();
    await expect.poll(() => monitor.getByTestId('order-card').count(), { timeout: 8000 }).toBe(before + 1);
    await expect.poll(() => monitor.locator(`[data-testid="order-card"][data-order-id="${api}"]`).count()).toBe(1);
    await screenshot(monitor, 'monitor-after-reconnect-en');
    await context.close();
  });
});

async function placeOrderThroughApi(): Promise<string> {
  const deviceId = `api-${crypto.randomUUID()}`;
  const session = await (await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deviceId }),
  })).json() as { token: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'x-device-id': deviceId };
  await fetch(`${server.url}/api/cart/items`, { method: 'POST', headers, body: JSON.stringify({ sku: 'RAMEN-3' }) });
  const orderId = crypto.randomUUID();
  const response = await fetch(`${server.url}/api/orders`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ orderId, orderer: { name: 'Alex Kim', contact: 'alex@example.com' }, fulfilment: { type: 'pickup' }, payment: { method: 'easy_pay', token: 'tok_test_easy_12345678' } }),
  });
  if (response.status !== 201) throw new Error(`order: ${response.status} ${await response.text()}`);
  return orderId;
}
