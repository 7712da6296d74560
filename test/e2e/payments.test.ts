// Runs in: node (tests). Payments end to end in a real browser against a real central: the
// checkout's processing state, a declined card on the monitor and paid again on the phone, and
// a payment accepted offline that central declines later (the monitor's alert, shown once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { labelPath } from '../../server/protocol/label.js';
import type { LiveCentral } from '../helpers/central.js';
import { TEST_PIN, TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, PHONE, screenshot, STAFF_PC } from './browser.js';
import { startE2eStation, type E2eStation } from './station.js';

const STAFF_LAPTOP = { viewport: { width: 1366, height: 768 } };

let server: E2eStation & { central: LiveCentral };
let browser: Browser;

beforeAll(async () => {
  // A central that can be taken off the network and brought back on the same port.
  server = await startE2eStation({ central: true, presence: { gate: false } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface ApiShopper {
  deviceId: string;
  token: string;
  headers: Record<string, string>;
}

interface ApiOrder {
  id: string;
  number: number;
  state: string;
  paymentState: string;
  declineCode?: string;
}

async function apiShopper(url = server.url): Promise<ApiShopper> {
  const deviceId = `api-${crypto.randomUUID()}`;
  const response = await fetch(`${url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deviceId }),
  });
  const { token } = (await response.json()) as { token: string };
  return { deviceId, token, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-device-id': deviceId } };
}

/** Puts `sku` in the shopper's cart and checks out with `token` (a test acquirer token). */
async function placeOrderThroughApi(shopper: ApiShopper, sku: string, token: string, quantity = 1, url = server.url): Promise<ApiOrder> {
  await fetch(`${url}/api/cart/items`, { method: 'POST', headers: shopper.headers, body: JSON.stringify({ sku, quantity }) });
  const response = await fetch(`${url}/api/orders`, {
    method: 'POST',
    headers: shopper.headers,
    body: JSON.stringify({
      orderId: crypto.randomUUID(),
      orderer: { name: 'Alex Kim', contact: 'alex@example.com' },
      fulfilment: { type: 'pickup' },
      payment: { method: 'card', token },
    }),
  });
  if (response.status !== 201) throw new Error(`order: ${response.status} ${await response.text()}`);
  return (await response.json()) as ApiOrder;
}

async function orderThroughApi(shopper: ApiShopper, id: string): Promise<ApiOrder> {
  return (await (await fetch(`${server.url}/api/orders/${id}`, { headers: shopper.headers })).json()) as ApiOrder;
}

async function openMonitor(context: BrowserContext, url = server.url): Promise<Page> {
  const monitor = await context.newPage();
  await monitor.goto(`${url}/monitor/`);
  const pin = monitor.getByTestId('pin-input');
  const live = monitor.getByTestId('live-indicator');
  // Signed out: the PIN screen; still signed in (same context): the board.
  await monitor.locator('[data-testid="pin-input"], [data-testid="live-indicator"]').first().waitFor();
  if (await pin.isVisible()) {
    await pin.fill(TEST_PIN);
    await monitor.getByTestId('pin-submit').click();
  }
  await expect.poll(() => live.getAttribute('data-status')).toBe('live');
  return monitor;
}

/** A phone that continues the API shopper's session (same device id and token). */
async function phoneAs(shopper: ApiShopper, locale: string): Promise<BrowserContext> {
  const context = await browser.newContext({ ...PHONE, locale });
  await context.addInitScript({
    content: `localStorage.setItem('omnistation.deviceId', ${JSON.stringify(shopper.deviceId)});
      localStorage.setItem('omnistation.token', ${JSON.stringify(shopper.token)});`,
  });
  return context;
}

const card = (page: Page, orderId: string) => page.locator(`[data-testid="order-card"][data-order-id="${orderId}"]`);

describe('payments on the phone and the monitor', () => {
  it('shows the payment processing, then the card it was paid with', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const phone = await context.newPage();
    await phone.goto(`${server.url}${labelPath(server.station.labelKey, TEST_STORE_ID, 'MILK-1')}`);
    await phone.getByTestId('cart-item').first().waitFor();
    await phone.getByTestId('go-checkout').click();
    await phone.getByTestId('orderer-name').fill('Jamie Park');
    await phone.getByTestId('orderer-contact').fill('jamie@example.com');

    // Hold the checkout answer back a moment, as a slow card network would.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await phone.route('**/api/orders', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await held;
      await route.continue();
    });
    await phone.getByTestId('place-order').click();
    await expect.poll(() => phone.getByTestId('place-order').getAttribute('aria-busy')).toBe('true');
    expect(await phone.getByTestId('place-order').textContent()).toContain('Processing payment');
    await phone.getByTestId('processing-hint').waitFor();
    await screenshot(phone, 'shopper-checkout-processing-en', { fullPage: false });
    release();

    const result = phone.getByTestId('receipt-payment');
    await result.waitFor();
    expect(await result.getAttribute('data-payment-state')).toBe('paid');
    expect(await result.textContent()).toMatch(/Paid with Visa ••••\d{4}/);
    await screenshot(phone, 'shopper-receipt-paid-en');
    await context.close();
  });

  it('shows a declined card on the monitor, blocks the hand-over, and lets the shopper pay again', async () => {
    const monitorContext = await browser.newContext({ ...STAFF_PC, locale: 'en-US' });
    const monitor = await openMonitor(monitorContext);

    const shopper = await apiShopper();
    const order = await placeOrderThroughApi(shopper, 'SNK-2', 'tok_decline_insufficient_funds');
    expect(order).toMatchObject({ state: 'placed', paymentState: 'declined', declineCode: 'insufficient_funds' });

    const declined = card(monitor, order.id);
    await declined.waitFor();
    await expect.poll(() => declined.getAttribute('data-payment-state')).toBe('declined');
    expect(await declined.getByTestId('payment-badge').textContent()).toContain('Declined');
    await declined.click();
    const detail = monitor.getByTestId('order-detail');
    await detail.waitFor();
    expect(await monitor.getByTestId('hand-over').isDisabled()).toBe(true);
    expect(await monitor.getByTestId('hand-over-blocked').textContent()).toContain('declined');
    expect(await monitor.getByTestId('detail-payment-reason').textContent()).toContain('Insufficient funds');
    await screenshot(monitor, 'monitor-declined-detail-en');

    // The shopper's phone (same session) shows the decline in Korean and pays with another card.
    const phoneContext = await phoneAs(shopper, 'ko-KR');
    const phone = await phoneContext.newPage();
    await phone.goto(`${server.url}/shop/orders/${order.id}`);
    const result = phone.getByTestId('receipt-payment');
    await result.waitFor();
    expect(await result.getAttribute('data-payment-state')).toBe('declined');
    expect(await result.textContent()).toContain('잔액이 부족');
    expect(await phone.getByTestId('pay-again').isEnabled()).toBe(true);
    await screenshot(phone, 'shopper-receipt-declined-ko');

    await phone.getByTestId('pay-again').click();
    await expect.poll(() => result.getAttribute('data-payment-state')).toBe('paid');
    expect(await phone.getByTestId('pay-again-form').count()).toBe(0);
    await screenshot(phone, 'shopper-receipt-paid-again-ko');

    await phone.goto(`${server.url}/shop/orders`);
    await phone.getByTestId('my-order').first().waitFor();
    expect(await phone.getByTestId('my-order').first().getAttribute('data-payment-state')).toBe('paid');
    await screenshot(phone, 'shopper-my-orders-ko');

    // The monitor hears of it on the stream: paid now, so it can be handed over.
    await expect.poll(() => declined.getAttribute('data-payment-state')).toBe('paid');
    await expect.poll(() => monitor.getByTestId('hand-over').isEnabled()).toBe(true);
    expect(await monitor.getByTestId('hand-over-blocked').count()).toBe(0);
    await screenshot(monitor, 'monitor-paid-again-detail-en');
    await monitor.getByTestId('hand-over').click();
    // The monitor waits 10 s for an Undo before it sends a hand-over; staff may send it at once.
    await monitor.getByTestId('hand-over-now').click();
    await expect.poll(() => declined.getAttribute('data-state')).toBe('handed_over');

    // The same board on a 1366×768 laptop, in Korean.
    await monitor.setViewportSize(STAFF_LAPTOP.viewport);
    await monitor.getByTestId('lang-switch').click();
    await screenshot(monitor, 'monitor-handed-over-ko-1366');

    await phoneContext.close();
    await monitorContext.close();
  });

  it('alerts staff once when central declines a payment accepted offline, also after a reconnect or a reload', async () => {
    const monitorContext = await browser.newContext({ ...STAFF_LAPTOP, locale: 'ko-KR' });
    let monitor = await openMonitor(monitorContext);
    const central1 = monitor.getByTestId('status-central');
    await expect.poll(() => central1.getAttribute('data-kind')).toBe('online');

    // Central is away: the station accepts the payment offline (within its limits).
    await server.central.stop();
    const shopper = await apiShopper();
    const order = await placeOrderThroughApi(shopper, 'RAMEN-3', 'tok_decline_insufficient_funds');
    expect(order.paymentState).toBe('paid_offline');
    await expect.poll(() => card(monitor, order.id).getAttribute('data-payment-state')).toBe('paid_offline');
    // The status strip (polled every 10 s, and at once on a reload) shows the link retrying
    // and the money at risk. (A short outage keeps the station's backoff short too.)
    await monitor.reload();
    await expect.poll(() => monitor.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
    await expect.poll(() => monitor.getByTestId('status-central').getAttribute('data-kind'), { timeout: 15_000 }).toBe('retrying');
    await expect.poll(() => monitor.getByTestId('status-offline').getAttribute('data-outstanding'), { timeout: 15_000 }).toBe('950');
    await card(monitor, order.id).click();
    await monitor.getByTestId('order-detail').waitFor();
    expect(await monitor.getByTestId('hand-over').isEnabled()).toBe(true);
    await screenshot(monitor, 'monitor-paid-offline-ko-1366');

    // What the shopper saw meanwhile: accepted offline; and a bigger basket that is over the
    // offline limit (99 × ₩1,800 > ₩50,000 per payment), so nothing was charged.
    const phoneContext = await phoneAs(shopper, 'en-US');
    const phone = await phoneContext.newPage();
    await phone.goto(`${server.url}/shop/orders/${order.id}`);
    await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state')).toBe('paid_offline');
    expect(await phone.getByTestId('receipt-payment').textContent()).toContain('will be confirmed');
    expect(await phone.getByTestId('pay-again-form').count()).toBe(0);
    await screenshot(phone, 'shopper-receipt-paid-offline-en');
    const big = await placeOrderThroughApi(shopper, 'SNK-2', 'tok_test_visa_1111', 99);
    expect(big).toMatchObject({ paymentState: 'failed', declineCode: 'offline_limit' });
    await phone.goto(`${server.url}/shop/orders/${big.id}`);
    await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state')).toBe('failed');
    expect(await phone.getByTestId('receipt-payment').textContent()).toContain('more than the station may accept offline');
    await phone.getByTestId('pay-again-form').waitFor();
    await screenshot(phone, 'shopper-receipt-offline-limit-en');
    // Had the request left the station and gone unanswered, the receipt must not say nothing was
    // charged (the row is set as the station sets it after a timed-out charge).
    server.station.db
      .prepare("UPDATE payments SET outcome_unknown = 1, decline_code = 'offline_limit_unconfirmed' WHERE order_id = ?")
      .run(big.id);
    await phone.reload();
    await expect.poll(() => phone.getByTestId('receipt-payment').textContent()).toContain('may still go through');
    expect(await phone.getByTestId('receipt-payment').textContent()).not.toContain('Nothing was charged');
    await phone.getByTestId('pay-again-form').waitFor();
    expect(await phone.getByTestId('pay-again-form').textContent()).toContain('charges nothing more');
    expect(await phone.getByTestId('pay-again-form').textContent()).not.toContain('Nothing has been charged');
    await screenshot(phone, 'shopper-receipt-offline-unconfirmed-en');
    await phoneContext.close();
    // Staff read the same doubt in the order's detail (a row changed behind the stream's back:
    // the board reads it again on a reload).
    await monitor.reload();
    await card(monitor, big.id).click();
    await expect.poll(() => monitor.getByTestId('detail-payment-reason').textContent()).toContain('결제 확인 안 됨');
    await monitor.getByTestId('detail-payment-reason').scrollIntoViewIfNeeded();
    await screenshot(monitor, 'monitor-offline-unconfirmed-ko-1366');

    // The monitor is closed while central comes back and declines the forwarded payment.
    await monitor.close();
    await server.central.start();
    await expect.poll(async () => (await orderThroughApi(shopper, order.id)).paymentState, { timeout: 60_000 }).toBe('declined');

    // Opened again, it catches up on the stored alert from where it was.
    monitor = await openMonitor(monitorContext);
    const alerts = monitor.locator(`[data-testid="payment-alert"][data-order-id="${order.id}"]`);
    await alerts.first().waitFor();
    expect(await alerts.count()).toBe(1);
    expect(await alerts.textContent()).toContain(`#${order.number}`);
    expect(await alerts.textContent()).toContain('₩950');
    await expect.poll(() => card(monitor, order.id).getAttribute('data-payment-state')).toBe('declined');
    await expect.poll(() => monitor.getByTestId('status-central').getAttribute('data-kind'), { timeout: 15_000 }).toBe('online');
    await screenshot(monitor, 'monitor-offline-declined-alert-ko-1366');

    // A dropped stream replays from Last-Event-ID: still one alert.
    server.app.server.closeAllConnections();
    await expect.poll(() => monitor.getByTestId('live-indicator').getAttribute('data-status'), { timeout: 8000 }).toBe('live');
    expect(await alerts.count()).toBe(1);

    // A reload keeps it (until dismissed) and still shows it once; in English this time.
    await monitor.getByTestId('lang-switch').click();
    await monitor.reload();
    await expect.poll(() => monitor.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
    await alerts.first().waitFor();
    expect(await alerts.count()).toBe(1);
    expect(await alerts.textContent()).toContain('Insufficient funds');
    await monitor.getByTestId('payment-alert-open').click();
    await monitor.getByTestId('order-detail').waitFor();
    expect(await monitor.getByTestId('order-detail').getAttribute('data-order-id')).toBe(order.id);
    await screenshot(monitor, 'monitor-offline-declined-alert-en-1366');
    await monitor.setViewportSize(STAFF_PC.viewport);
    await screenshot(monitor, 'monitor-offline-declined-alert-en');

    await monitor.getByTestId('payment-alert-dismiss').click();
    expect(await alerts.count()).toBe(0);
    await monitor.reload();
    await expect.poll(() => monitor.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
    await card(monitor, order.id).waitFor();
    expect(await alerts.count()).toBe(0);

    await monitorContext.close();
    // Central's backoff after an outage and the 10 s status poll take their time.
  }, 120_000);

  it('refunds a paid order on cancel; with central away it says nothing changed and offers a retry', async () => {
    const monitorContext = await browser.newContext({ ...STAFF_PC, locale: 'en-US' });
    const monitor = await openMonitor(monitorContext);
    const shopper = await apiShopper();
    const order = await placeOrderThroughApi(shopper, 'MILK-1', 'tok_test_mastercard_5454');
    expect(order.paymentState).toBe('paid');

    await card(monitor, order.id).click();
    const detail = monitor.getByTestId('order-detail');
    await expect.poll(() => detail.getAttribute('data-order-id')).toBe(order.id);
    await server.central.stop();
    try {
      await monitor.getByTestId('cancel-order').click();
      const dialog = monitor.locator('dialog[open]');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('₩1,500 is refunded to the shopper first');
      await screenshot(monitor, 'monitor-cancel-refund-confirm-en', { fullPage: false });
      await monitor.getByTestId('cancel-reason').fill('Out of stock');
      await monitor.getByTestId('confirm-cancel').click();
      const banner = detail.getByTestId('error-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toMatch(/payment service cannot be reached.*Nothing was changed/);
      expect(await card(monitor, order.id).getAttribute('data-state')).toBe('placed');
      await screenshot(monitor, 'monitor-refund-unavailable-en');
    } finally {
      await server.central.start();
    }

    await detail.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => card(monitor, order.id).getAttribute('data-state')).toBe('cancelled');
    await expect.poll(() => card(monitor, order.id).getAttribute('data-payment-state')).toBe('refunded');
    expect(await detail.getByTestId('detail-payment').textContent()).toContain('Refunded');
    await screenshot(monitor, 'monitor-refunded-en');
    await monitorContext.close();
  });

  it('leaves orders pending on a station not registered with central: said on the phone and the monitor', async () => {
    const other = await startE2eStation({ storeId: 'TEST-002', name: '미등록 매장', presence: { gate: false } });
    try {
      const shopper = await apiShopper(other.url);
      const order = await placeOrderThroughApi(shopper, 'MILK-1', 'tok_test_visa_4242', 1, other.url);
      expect(order.paymentState).toBe('pending');

      const phoneContext = await phoneAs(shopper, 'en-US');
      const phone = await phoneContext.newPage();
      await phone.goto(`${other.url}/shop/orders/${order.id}`);
      await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state')).toBe('pending');
      await screenshot(phone, 'shopper-receipt-pending-en');
      // Paying again cannot work here: said plainly, nothing else happens.
      await phone.getByTestId('pay-again').click();
      await phone.getByTestId('error-banner').waitFor();
      expect(await phone.getByTestId('error-banner').textContent()).toContain('not connected to the payment service');
      await phoneContext.close();

      const monitorContext = await browser.newContext({ ...STAFF_LAPTOP, locale: 'ko-KR' });
      const monitor = await openMonitor(monitorContext, other.url);
      await expect.poll(() => monitor.getByTestId('status-central').getAttribute('data-kind')).toBe('not_registered');
      await card(monitor, order.id).click();
      expect(await monitor.getByTestId('hand-over').isDisabled()).toBe(true);
      expect(await monitor.getByTestId('hand-over-blocked').getAttribute('data-reason')).toBe('pending');
      await screenshot(monitor, 'monitor-not-registered-ko-1366');
      await monitorContext.close();
    } finally {
      await other.close();
    }
  });
});
