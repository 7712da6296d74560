// Runs in: node (tests). A station whose database stops taking writes (read-only here; a full
// disk behaves the same) refuses checkouts with a clear error, and staff see why on the monitor's
// status strip until a write goes through again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { checkoutBody, TEST_PIN } from '../helpers/station.js';
import { launchBrowser, screenshot, STAFF_PC } from './browser.js';
import { startE2eStation, type E2eStation } from './station.js';

let server: E2eStation;
let browser: Browser;

beforeAll(async () => {
  server = await startE2eStation({ presence: { gate: false } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A shopper with a filled cart; `checkout()` places it. */
async function shopperWithCart(): Promise<{ checkout(): Promise<Response> }> {
  const deviceId = `dev-${randomUUID()}`;
  const session = (await (await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId }) })).json()) as { token: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'x-device-id': deviceId };
  await fetch(`${server.url}/api/cart/items`, { method: 'POST', headers, body: JSON.stringify({ sku: 'MILK-1' }) });
  return { checkout: () => fetch(`${server.url}/api/orders`, { method: 'POST', headers, body: JSON.stringify(checkoutBody()) }) };
}

describe('storage failure on the monitor', () => {
  it('shows a read-only database as an alert on the status strip, and clears it once writes work again', async () => {
    const context = await browser.newContext({ ...STAFF_PC, locale: 'en-US' });
    const monitor = await context.newPage();
    await monitor.goto(`${server.url}/monitor/`);
    await monitor.getByTestId('pin-input').fill(TEST_PIN);
    await monitor.getByTestId('pin-submit').click();
    await monitor.getByTestId('status-strip').getByTestId('status-central').waitFor();
    expect(await monitor.getByTestId('status-storage').count()).toBe(0);

    const shopper = await shopperWithCart();
    server.station.db.pragma('query_only = ON');
    const refused = await shopper.checkout();
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');

    await monitor.reload();
    const alert = monitor.getByTestId('status-storage');
    await alert.waitFor();
    expect(await alert.getAttribute('data-state')).toBe('read_only');
    expect(await alert.getAttribute('role')).toBe('alert');
    await expect.poll(() => alert.textContent()).toMatch(/read-only/i);
    await screenshot(monitor, 'monitor-storage-read-only-en');

    server.station.db.pragma('query_only = OFF');
    expect((await shopper.checkout()).status).toBe(201);
    await monitor.reload();
    await monitor.getByTestId('status-strip').getByTestId('status-central').waitFor();
    expect(await monitor.getByTestId('status-storage').count()).toBe(0);
    await context.close();
  }, 60_000);
});
