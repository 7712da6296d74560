// Runs in: node (tests). The checkout form's inline validation in a real browser on a small
// phone: a field is judged when it is left (not while first typed) and on submit, its message
// sits beside it (aria-invalid, aria-describedby), the focus goes to the first marked field, the
// address counts only for delivery, Korean phone numbers as people type them are accepted (and
// sent as the server wants them), and a server's 400 about a field lands on that field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { labelPath } from '../../server/protocol/label.js';
import { TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, screenshot } from './browser.js';
import { startE2eStation, type E2eStation } from './station.js';

const SMALL_PHONE = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

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

async function openCheckout(locale: string): Promise<Page> {
  const context = await browser.newContext({ ...SMALL_PHONE, locale });
  const phone = await context.newPage();
  await phone.goto(`${server.url}${labelPath(server.station.labelKey, TEST_STORE_ID, 'MILK-1')}`);
  await phone.getByTestId('cart-item').first().waitFor();
  await phone.getByTestId('go-checkout').click();
  await phone.getByTestId('orderer-name').waitFor();
  return phone;
}

const activeId = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);

/** The field's state as assistive technology sees it: invalid flag and the text it is described by. */
async function fieldState(page: Page, testId: string): Promise<{ invalid: string | null; described: string }> {
  const input = page.getByTestId(testId);
  const invalid = await input.getAttribute('aria-invalid');
  const ids = (await input.getAttribute('aria-describedby'))?.split(/\s+/).filter(Boolean) ?? [];
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return { invalid, described: texts.map((text) => text?.trim()).join(' | ') };
}

describe('checkout inline validation', () => {
  it('judges each field when it is left and on submit, and focuses the first marked field', { timeout: 60_000 }, async () => {
    const phone = await openCheckout('en-US');
    let posted = 0;
    phone.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/orders') posted++;
    });

    // Typing is not judged yet; leaving the field is.
    await phone.getByTestId('orderer-contact').fill('010-12');
    expect(await phone.getByTestId('error-contact').count()).toBe(0);
    expect((await fieldState(phone, 'orderer-contact')).invalid).toBe('false');
    await phone.getByTestId('orderer-contact').blur();
    await phone.getByTestId('error-contact').waitFor();
    expect(await fieldState(phone, 'orderer-contact')).toEqual({
      invalid: 'true',
      described: expect.stringMatching(/Only used for this order\. \| This is not a phone number or e-mail address/),
    });
    // Fixed in place: the message goes as the shopper types, without leaving the field.
    await phone.getByTestId('orderer-contact').fill('010.1234.5678');
    await expect.poll(() => phone.getByTestId('error-contact').count()).toBe(0);
    expect((await fieldState(phone, 'orderer-contact')).invalid).toBe('false');

    // The address appears with delivery and is required only then.
    expect(await phone.getByTestId('delivery-address').count()).toBe(0);
    await phone.getByTestId('fulfilment-delivery').check();
    await phone.getByTestId('delivery-address').fill('부산');
    await phone.getByTestId('place-order').click();
    // Submit: the name (first marked field) has the focus; nothing was sent.
    await expect.poll(() => activeId(phone)).toBe('co-name');
    expect(await fieldState(phone, 'orderer-name')).toEqual({ invalid: 'true', described: 'Enter your name.' });
    expect(await fieldState(phone, 'delivery-address')).toEqual({
      invalid: 'true',
      described: 'Enter the whole delivery address (at least 5 characters).',
    });
    expect(posted).toBe(0);
    // The focused field is in sight below the sticky header, with its message.
    const header = (await phone.locator('header').boundingBox())!;
    await expect.poll(async () => (await phone.getByTestId('orderer-name').boundingBox())!.y).toBeGreaterThanOrEqual(header.y + header.height);
    expect(await phone.getByTestId('error-name').isVisible()).toBe(true);
    await screenshot(phone, 'checkout-validation-submit-en', { fullPage: false });

    // Back to pick-up: the address no longer counts.
    await phone.getByTestId('fulfilment-pickup').check();
    expect(await phone.getByTestId('delivery-address').count()).toBe(0);
    await phone.getByTestId('orderer-name').fill('Minji Kim');
    expect(await phone.locator('[aria-invalid="true"]').count()).toBe(0);
    await phone.getByTestId('place-order').click();
    await phone.getByTestId('order-number').waitFor();
    expect(posted).toBe(1);
    // Dots became hyphens on the way: the station kept the number in the form it accepts.
    const orderId = new URL(phone.url()).pathname.split('/').at(-1)!;
    expect(server.app.station.db.prepare('SELECT orderer_contact AS contact FROM orders WHERE id = ?').get(orderId)).toEqual({ contact: '010-1234-5678' });
    await phone.context().close();
  });

  it('shows a server refusal of a field on that field, in Korean', { timeout: 60_000 }, async () => {
    const phone = await openCheckout('ko-KR');
    // The station's own refusals, as it sends them: a code, or the body schema's path.
    const refusals = [
      { code: 'contact_invalid', message: 'Give a phone number or an e-mail address.' },
      { code: 'invalid_request', message: 'body/orderer/name must NOT have more than 80 characters' },
    ];
    await phone.route('**/api/orders', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      await route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: refusals.shift() }) });
    });
    await phone.getByTestId('orderer-name').fill('김민지');
    await phone.getByTestId('orderer-contact').fill('02-123-4567');
    await phone.getByTestId('place-order').click();
    await expect.poll(() => activeId(phone)).toBe('co-contact');
    expect(await fieldState(phone, 'orderer-contact')).toEqual({
      invalid: 'true',
      described: expect.stringContaining('전화번호나 이메일 주소 형식이 아닙니다'),
    });
    expect((await fieldState(phone, 'orderer-name')).invalid).toBe('false');
    // No banner over the form: the message is on the field.
    expect(await phone.getByTestId('error-banner').count()).toBe(0);
    await screenshot(phone, 'checkout-validation-server-ko', { fullPage: false });

    // Editing the field clears the server's verdict on it (and only on it).
    await phone.getByTestId('orderer-contact').fill('02-123-4568');
    await expect.poll(() => phone.getByTestId('error-contact').count()).toBe(0);

    await phone.getByTestId('place-order').click();
    await expect.poll(() => activeId(phone)).toBe('co-name');
    expect(await fieldState(phone, 'orderer-name')).toEqual({ invalid: 'true', described: '이름이 너무 깁니다 (최대 80자).' });
    await phone.context().close();
  });
});
