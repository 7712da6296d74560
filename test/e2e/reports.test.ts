// Runs in: node (tests). The monitor's sales report in Debian's chromium: staff sign in, open the
// report from the switch above the board and read figures that match the orders placed (paid,
// declined, refunded); a new paid order moves the chart and the totals live; the CSV and PDF
// downloads hold the same figures; another day comes up empty; printing shows the report alone.
// Screenshots in Korean and English at 1920×1080 and 1366×768; axe-core; no CSP violation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { writeSetting } from '../../server/store/station.js';
import { TEST_PIN } from '../helpers/station.js';
import { launchBrowser, screenshot, SCREENSHOT_DIR, STAFF_PC } from './browser.js';
import { seriousViolations } from './axe.js';
import { startE2eStation, type E2eStation } from './station.js';

let server: E2eStation;
let browser: Browser;

async function api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** A shopper's phone, as the API sees it: a session, a cart, a checkout. */
async function placeOrder(lines: { sku: string; quantity: number }[], options: { token?: string; method?: string; delivery?: boolean } = {}): Promise<Record<string, unknown>> {
  const deviceId = `dev-${randomUUID()}`;
  const session = await api('/api/sessions', { method: 'POST', body: { deviceId } });
  const headers = { authorization: `Bearer ${String(session.token)}`, 'x-device-id': deviceId };
  for (const line of lines) await api('/api/cart/items', { method: 'POST', body: line, headers });
  return api('/api/orders', {
    method: 'POST',
    headers,
    body: {
      orderId: randomUUID(),
      orderer: { name: '이서연', contact: '010-5555-1234' },
      fulfilment: options.delivery ? { type: 'delivery', address: '서울 중구 세종대로 110' } : { type: 'pickup' },
      payment: { method: options.method ?? 'card', token: options.token ?? 'tok_visa' },
    },
  });
}

async function staffCancel(orderId: string): Promise<void> {
  await api(`/api/staff/orders/${orderId}/cancel`, { method: 'POST', body: { reason: '고객 요청' }, headers: { cookie: server.staffCookie! } });
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/monitor/`);
  await page.getByTestId('pin-input').fill(TEST_PIN);
  await page.getByTestId('pin-submit').click();
  await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
}

const tile = (page: Page, id: string) => page.getByTestId(`report-${id}`).getByTestId('value');


beforeAll(async () => {
  server = await startE2eStation({
    central: true,
    presence: { gate: false },
    approval: { gate: false },
    staff: true,
    prepare: (station) => writeSetting(station.db, 'time_zone', 'Asia/Seoul'),
  });

  // Today: two sales (one by easy pay for delivery), a declined card, and a sale refunded.
  expect(await placeOrder([{ sku: 'MILK-1', quantity: 2 }])).toMatchObject({ paymentState: 'paid', total: 3000 });
  expect(await placeOrder([{ sku: 'SNK-2', quantity: 1 }], { method: 'easy_pay', delivery: true })).toMatchObject({ paymentState: 'paid' });
  expect(await placeOrder([{ sku: 'RAMEN-3', quantity: 1 }], { token: 'tok_decline_insufficient_funds' })).toMatchObject({ paymentState: 'declined' });
  const refunded = await placeOrder([{ sku: 'SNK-2', quantity: 3 }]);
  await staffCancel(String(refunded.id));
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('monitor sales report', () => {
  it('shows the day, follows paid orders live, exports CSV and PDF, prints alone, in Korean and English', async () => {
    const context = await browser.newContext({ ...STAFF_PC, locale: 'ko-KR', acceptDownloads: true });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await signIn(page);
    await page.getByTestId('view-reports').click();
    const report = page.getByTestId('z-report');
    await report.waitFor();
    await expect.poll(() => page.getByTestId('view-reports').getAttribute('aria-current')).toBe('page');

    // 3000 + 1800 + 5400 sold; 5400 refunded; the declined card is no sale.
    await expect.poll(() => tile(page, 'gross').textContent()).toBe('₩10,200');
    expect(await tile(page, 'refunds').textContent()).toBe('-₩5,400');
    expect(await tile(page, 'net').textContent()).toBe('₩4,800');
    expect(await tile(page, 'orders').textContent()).toBe('4');
    expect(await page.getByTestId('report-state').getAttribute('class')).toContain('open');
    expect(await page.locator('[data-testid="by-method"] tr[data-method="easy_pay"] td').allTextContents()).toEqual(['1', '₩1,800']);
    expect(await page.locator('[data-testid="by-state"] tr[data-state="declined"] td').allTextContents()).toEqual(['1', '₩950']);
    expect(await page.locator('[data-testid="by-state"] tr[data-state="refunded"] td').allTextContents()).toEqual(['1', '₩5,400']);
    expect(await page.locator('[data-testid="by-fulfilment"] tr[data-type="delivery"] td').allTextContents()).toEqual(['1', '₩1,800']);
    expect(await page.locator('[data-testid="top-products"] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-sku')))).toEqual(['SNK-2', 'MILK-1']);
    await expect.poll(() => page.locator('[data-testid="sales-chart"] canvas').getAttribute('aria-label')).toMatch(/^시간대별 매출: /);
    // The chart's figures for screen readers: the busiest hour holds every sale so far or less.
    const hourRows = await page.locator('#sales-by-hour-table tbody tr').count();
    expect(hourRows).toBe(24);

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'reports-monitor-ko-1920', { fullPage: false });

    // Live: a new paid order moves the totals and the chart without a reload.
    const chartBefore = await page.locator('[data-testid="sales-chart"] canvas').getAttribute('aria-label');
    expect(await placeOrder([{ sku: 'MILK-1', quantity: 1 }])).toMatchObject({ paymentState: 'paid' });
    await expect.poll(() => tile(page, 'gross').textContent(), { timeout: 10_000 }).toBe('₩11,700');
    expect(await tile(page, 'net').textContent()).toBe('₩6,300');
    await expect.poll(() => page.locator('[data-testid="sales-chart"] canvas').getAttribute('aria-label')).not.toBe(chartBefore);

    // CSV: what Excel opens (BOM, Korean labels because the monitor speaks Korean).
    const csvDownload = page.waitForEvent('download');
    await page.getByTestId('report-csv').click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/^z-report-TEST-001-\d{4}-\d{2}-\d{2}\.csv$/);
    const csvBytes = readFileSync((await csv.path())!);
    expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csvText = csvBytes.toString('utf8');
    expect(csvText).toContain('\r\nsales,gross,총매출,4,11700,\r\n');
    expect(csvText).toContain('\r\nsales,refunds,환불,1,5400,\r\n');
    expect(csvText).toContain('\r\nsales,net,순매출,,6300,\r\n');
    expect(csvText).toContain('\r\ntop_product,SNK-2,새우깡,4,7200,\r\n');
    expect(csvText).toContain('\r\npayment_method,easy_pay,간편결제,1,1800,\r\n');

    const pdfDownload = page.waitForEvent('download');
    await page.getByTestId('report-pdf').click();
    const pdf = await pdfDownload;
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    const pdfBytes = readFileSync((await pdf.path())!);
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    writeFileSync(join(SCREENSHOT_DIR, 'reports-export-ko.pdf'), pdfBytes);

    // Printing: the report alone (no switch, no toolbar), on A4.
    await page.emulateMedia({ media: 'print' });
    // What window.print() announces first: the chart redraws for the page width.
    await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('beforeprint')));
    expect(await page.getByTestId('view-reports').isVisible()).toBe(false);
    expect(await page.getByTestId('report-csv').isVisible()).toBe(false);
    expect(await report.isVisible()).toBe(true);
    const printed = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(SCREENSHOT_DIR, 'reports-print-ko.pdf'), printed);
    expect(printed.toString('latin1').match(/\/Count (\d+)/)?.[1], 'the report prints on one A4 sheet').toBe('1');
    await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('afterprint')));
    await page.emulateMedia({ media: 'screen' });

    // English, both sizes.
    await page.locator('[data-testid="lang-switch"]:visible').click();
    await expect.poll(() => page.locator('#z-title').textContent()).toMatch(/^Z-report — /);
    expect(await tile(page, 'gross').textContent()).toBe('₩11,700');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'reports-monitor-en-1920', { fullPage: false });
    await page.setViewportSize({ width: 1366, height: 768 });
    await screenshot(page, 'reports-monitor-en-1366', { fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);

    // Another day: nothing was sold, and the day is over.
    await page.getByTestId('report-date').fill('2026-01-15');
    await expect.poll(() => report.getAttribute('data-date')).toBe('2026-01-15');
    expect(await tile(page, 'gross').textContent()).toBe('₩0');
    expect(await page.getByTestId('first-order').textContent()).toBe('—');
    expect(await page.getByTestId('report-state').getAttribute('class')).toContain('closed');
    await page.locator('[data-testid="lang-switch"]:visible').click();
    await expect.poll(() => page.locator('#z-title').textContent()).toMatch(/^Z 리포트 — /);
    await screenshot(page, 'reports-monitor-ko-1366-past-day', { fullPage: false });
    await page.getByTestId('report-today').click();
    await expect.poll(() => tile(page, 'gross').textContent()).toBe('₩11,700');
    await screenshot(page, 'reports-monitor-ko-1366', { fullPage: false });

    // Back to the board: it was live all along.
    await page.getByTestId('view-board').click();
    expect(await page.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
    await screenshot(page, 'reports-monitor-board-switch-ko-1366', { fullPage: false });
    expect(cspViolations).toEqual([]);
    await context.close();
  }, 120_000);
});
