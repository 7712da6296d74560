// Runs in: node (tests). The Z-report through app.inject: a station paying through a live central,
// orders placed by test shoppers on a fake clock around local midnight (Asia/Seoul), refunds on
// the day they happen, an offline payment, an empty day, and refused dates; CSV and PDF exports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startLiveCentral, type LiveCentral } from '../../helpers/central.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, TEST_STORE_ID, type TestStation } from '../../helpers/station.js';
import { writeSetting } from '../../../server/store/station.js';
import { dayBounds, localDay, localHour } from '../../../server/store/modules/reports/zone.js';
import { CANCELLED_BETWEEN } from '../../../server/store/modules/reports/service.js';

const KST = 9 * 3600_000;
/** An instant given as Seoul wall-clock time. */
const seoul = (day: string, time: string) => Date.parse(`${day}T${time}:00Z`) - KST;

let central: LiveCentral;
let t: TestStation;
let cookie = '';
const ids: Record<string, string> = {};

async function at(instant: number): Promise<void> {
  t.clock.advance(instant - t.clock.now());
  // Staff sessions last 12 h of the fake clock; a fresh one for every step keeps them valid.
  cookie = await staffCookie(t.app);
}

async function order(
  name: string,
  lines: { sku: string; quantity: number }[],
  options: { token?: string; method?: 'card' | 'easy_pay'; delivery?: boolean } = {},
): Promise<Record<string, unknown>> {
  const shopper = await startShopper(t.app);
  for (const line of lines) {
    const added = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: line });
    expect(added.statusCode, added.body).toBe(200);
  }
  const body = checkoutBody({
    payment: { method: options.method ?? 'card', token: options.token ?? 'tok_visa' },
    fulfilment: options.delivery ? { type: 'delivery', address: '서울 중구 세종대로 110' } : { type: 'pickup' },
  });
  const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
  expect(placed.statusCode, placed.body).toBe(201);
  ids[name] = body.orderId;
  return placed.json();
}

async function staff(action: 'hand-over' | 'cancel', name: string): Promise<void> {
  const response = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${ids[name]}/${action}`, headers: { cookie }, payload: {} });
  expect(response.statusCode, response.body).toBe(200);
}

async function report(query = '') {
  const response = await t.app.inject({ url: `/api/staff/reports/z${query}`, headers: { cookie } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

beforeAll(async () => {
  central = await startLiveCentral();
  t = await createTestStation({
    central: await central.registerStore(TEST_STORE_ID),
    payments: { settings: { timeoutMs: 1_000 }, forwarder: { baseDelayMs: 20, maxDelayMs: 100, idlePollMs: 50 } },
  });
  writeSetting(t.station.db, 'time_zone', 'Asia/Seoul');

  // 25 Nov (Seoul): A handed over, B by easy pay for delivery, C declined, D refunded the same
  // evening, E one minute before midnight.
  await at(seoul('2026-11-25', '18:00'));
  expect(await order('A', [{ sku: 'MILK-1', quantity: 2 }])).toMatchObject({ paymentState: 'paid', total: 3000 });
  await staff('hand-over', 'A');
  await at(seoul('2026-11-25', '18:30'));
  expect(await order('B', [{ sku: 'SNK-2', quantity: 1 }], { method: 'easy_pay', delivery: true })).toMatchObject({ paymentState: 'paid' });
  await at(seoul('2026-11-25', '19:10'));
  expect(await order('C', [{ sku: 'RAMEN-3', quantity: 1 }], { token: 'tok_decline_insufficient_funds' })).toMatchObject({ paymentState: 'declined' });
  await at(seoul('2026-11-25', '20:00'));
  expect(await order('D', [{ sku: 'SNK-2', quantity: 3 }])).toMatchObject({ paymentState: 'paid', total: 5400 });
  await at(seoul('2026-11-25', '20:05'));
  await staff('cancel', 'D');
  await at(seoul('2026-11-25', '23:59'));
  await order('E', [{ sku: 'MILK-1', quantity: 1 }]);

  // 26 Nov: F at midnight sharp, B (of the 25th) refunded at 01:00, G accepted offline.
  await at(seoul('2026-11-26', '00:00'));
  await order('F', [{ sku: 'SNK-2', quantity: 1 }]);
  await at(seoul('2026-11-26', '01:00'));
  await staff('cancel', 'B');
  await at(seoul('2026-11-26', '09:30'));
  await central.stop();
  expect(await order('G', [{ sku: 'MILK-1', quantity: 1 }])).toMatchObject({ paymentState: 'paid_offline' });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await central?.close();
});

describe('Z-report', () => {
  it('adds up a business day in the station time zone: sales, refunds, cancellations, breakdowns', async () => {
    const z = await report('?date=2026-11-25');
    expect(z).toMatchObject({
      reportNumber: 'Z-TEST-001-20261125',
      storeId: TEST_STORE_ID,
      date: '2026-11-25',
      timeZone: 'Asia/Seoul',
      from: '2026-11-24T15:00:00.000Z',
      to: '2026-11-25T15:00:00.000Z',
      closed: true,
      generatedAt: new Date(seoul('2026-11-26', '09:30')).toISOString(),
      currency: 'KRW',
      // B was cancelled on the 26th: it is a cancelled order of the 25th now.
      orders: { total: 5, placed: 2, handedOver: 1, cancelled: 2 },
      // A + B + D + E: B and D were refunded later, but they were sales of this day.
      gross: { count: 4, amount: 3000 + 1800 + 5400 + 1500 },
      // Only D was refunded on the 25th; B's refund belongs to the 26th.
      refunds: { count: 1, amount: 5400 },
      cancellations: { count: 1, amount: 5400 },
      net: 11700 - 5400,
      byPaymentMethod: [
        { method: 'card', count: 3, amount: 9900 },
        { method: 'easy_pay', count: 1, amount: 1800 },
      ],
      byPaymentState: [
        { state: 'pending', count: 0, amount: 0 },
        { state: 'paid', count: 2, amount: 4500 },
        { state: 'paid_offline', count: 0, amount: 0 },
        { state: 'declined', count: 1, amount: 950 },
        { state: 'failed', count: 0, amount: 0 },
        { state: 'refunded', count: 2, amount: 7200 },
      ],
      byFulfilment: [
        { type: 'pickup', count: 3, amount: 9900 },
        { type: 'delivery', count: 1, amount: 1800 },
      ],
      topProducts: [
        { sku: 'SNK-2', name: '새우깡', quantity: 4, amount: 7200 },
        { sku: 'MILK-1', name: '바나나우유', quantity: 3, amount: 4500 },
      ],
      firstOrderAt: new Date(seoul('2026-11-25', '18:00')).toISOString(),
      lastOrderAt: new Date(seoul('2026-11-25', '23:59')).toISOString(),
      otherCurrencies: [],
    });
    expect(z.hourly).toHaveLength(24);
    const hours = Object.fromEntries((z.hourly as { hour: number; count: number; amount: number }[]).filter((h) => h.count > 0).map((h) => [h.hour, [h.count, h.amount]]));
    expect(hours).toEqual({ 18: [2, 4800], 20: [1, 5400], 23: [1, 1500] });
  });

  it('defaults to today in the station zone and counts a later refund of an earlier order on its own day', async () => {
    const z = await report();
    expect(z).toMatchObject({
      date: '2026-11-26',
      closed: false,
      orders: { total: 2, placed: 2, handedOver: 0, cancelled: 0 },
      gross: { count: 2, amount: 1800 + 1500 },
      refunds: { count: 1, amount: 1800 },
      cancellations: { count: 1, amount: 1800 },
      net: 3300 - 1800,
      byPaymentState: expect.arrayContaining([
        { state: 'paid', count: 1, amount: 1800 },
        { state: 'paid_offline', count: 1, amount: 1500 },
      ]),
      firstOrderAt: new Date(seoul('2026-11-26', '00:00')).toISOString(),
    });
    // F at 00:00 sharp opens the 26th's first hour.
    expect(z.hourly[0]).toEqual({ hour: 0, count: 1, amount: 1800 });
  });

  it('moves the day boundary with the time zone setting', async () => {
    writeSetting(t.station.db, 'time_zone', 'UTC');
    try {
      // In UTC, F (15:00Z on the 25th) falls on the 25th too.
      const z = await report('?date=2026-11-25');
      expect(z).toMatchObject({ timeZone: 'UTC', from: '2026-11-25T00:00:00.000Z', orders: { total: 6 } });
    } finally {
      writeSetting(t.station.db, 'time_zone', 'Asia/Seoul');
    }
  });

  it('answers an empty day with zeros, 24 empty hours and no first or last order', async () => {
    const z = await report('?date=2026-11-20');
    expect(z).toMatchObject({
      reportNumber: 'Z-TEST-001-20261120',
      closed: true,
      orders: { total: 0, placed: 0, handedOver: 0, cancelled: 0 },
      gross: { count: 0, amount: 0 },
      refunds: { count: 0, amount: 0 },
      cancellations: { count: 0, amount: 0 },
      net: 0,
      byPaymentMethod: [],
      topProducts: [],
      firstOrderAt: null,
      lastOrderAt: null,
    });
    expect(z.hourly.every((h: { count: number; amount: number }) => h.count === 0 && h.amount === 0)).toBe(true);
    expect(z.byFulfilment).toEqual([
      { type: 'pickup', count: 0, amount: 0 },
      { type: 'delivery', count: 0, amount: 0 },
    ]);
  });

  it.each(['2026-02-30', '2026-13-01', '25-11-2026', '20261125', 'today', '1969-12-31', '2026-11-25T00:00', ''])(
    'refuses the date %j with 400 date_invalid and a message saying the format',
    async (date) => {
      for (const ext of ['', '.csv', '.pdf']) {
        const response = await t.app.inject({ url: `/api/staff/reports/z${ext}?date=${encodeURIComponent(date)}`, headers: { cookie } });
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe('date_invalid');
        expect(response.json().error.message).toContain('YYYY-MM-DD');
      }
    },
  );

  it('refuses unknown parameters and languages in the error shape, and callers without a staff session', async () => {
    const extra = await t.app.inject({ url: '/api/staff/reports/z?day=2026-11-25', headers: { cookie } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('invalid_request');
    const lang = await t.app.inject({ url: '/api/staff/reports/z.csv?lang=fr', headers: { cookie } });
    expect(lang.statusCode).toBe(400);
    for (const ext of ['', '.csv', '.pdf']) {
      const anonymous = await t.app.inject({ url: `/api/staff/reports/z${ext}` });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.code).toBe('staff_required');
    }
  });
});

describe('Z-report exports', () => {
  it('CSV: RFC 4180 with a UTF-8 BOM, stable codes, labels in the asked language, Korean names intact', async () => {
    const response = await t.app.inject({ url: '/api/staff/reports/z.csv?date=2026-11-25&lang=ko', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="z-report-TEST-001-2026-11-25.csv"');
    const bytes = response.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.includes('\r\n')).toBe(true);
    const rows = parse(text, { bom: true, relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual(['section', 'item', 'label', 'count', 'amount', 'value']);
    const find = (section: string, item: string) => rows.find((row) => row[0] === section && row[1] === item);
    expect(find('report', 'number')?.[5]).toBe('Z-TEST-001-20261125');
    expect(find('sales', 'gross')).toEqual(['sales', 'gross', '총매출', '4', '11700', '']);
    expect(find('sales', 'refunds')).toEqual(['sales', 'refunds', '환불', '1', '5400', '']);
    expect(find('sales', 'net')).toEqual(['sales', 'net', '순매출', '', '6300', '']);
    expect(find('payment_method', 'easy_pay')).toEqual(['payment_method', 'easy_pay', '간편결제', '1', '1800', '']);
    expect(find('top_product', 'SNK-2')).toEqual(['top_product', 'SNK-2', '새우깡', '4', '7200', '']);
    expect(find('hour', '18')).toEqual(['hour', '18', '18:00–19:00', '2', '4800', '']);
    expect(rows.filter((row) => row[0] === 'hour')).toHaveLength(24);

    const english = await t.app.inject({ url: '/api/staff/reports/z.csv?date=2026-11-25&lang=en', headers: { cookie } });
    const englishRows = parse(english.body, { bom: true }) as string[][];
    expect(englishRows.find((row) => row[1] === 'gross')?.[2]).toBe('Gross sales');
  });

  it('PDF: an A4 document with Pretendard embedded', async () => {
    const response = await t.app.inject({ url: '/api/staff/reports/z.pdf?date=2026-11-25&lang=ko', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe('attachment; filename="z-report-TEST-001-2026-11-25.pdf"');
    if (process.env.OMNI_REPORT_PDF) (await import('node:fs')).writeFileSync(process.env.OMNI_REPORT_PDF, response.rawPayload);
    const pdf = response.rawPayload.toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+Pretendard-Bold/);
    expect(pdf).toContain('/Count 1');
  });
});

describe('business days in a zone with daylight saving', () => {
  it('are 23 and 25 hours long on the change days, 24 otherwise, each from local midnight', () => {
    const zone = 'America/New_York';
    const hours = (day: string) => {
      const { start, end } = dayBounds(day, zone);
      return { start: new Date(start).toISOString(), hours: (end - start) / 3600_000 };
    };
    expect(hours('2026-03-07')).toEqual({ start: '2026-03-07T05:00:00.000Z', hours: 24 });
    expect(hours('2026-03-08')).toEqual({ start: '2026-03-08T05:00:00.000Z', hours: 23 });
    expect(hours('2026-11-01')).toEqual({ start: '2026-11-01T04:00:00.000Z', hours: 25 });
    expect(hours('2026-11-02')).toEqual({ start: '2026-11-02T05:00:00.000Z', hours: 24 });
    // After the spring change, 03:30 local is 07:30 UTC: hour 3, not 2.
    expect(localHour(Date.parse('2026-03-08T07:30:00Z'), zone)).toBe(3);
    expect(localDay(Date.parse('2026-03-09T03:59:00Z'), zone)).toBe('2026-03-08');
    // Seoul has no clock change; Kathmandu is 5:45 ahead.
    expect(hours('2026-11-25')).toMatchObject({ hours: 24 });
    expect(new Date(dayBounds('2026-11-25', 'Asia/Kathmandu').start).toISOString()).toBe('2026-11-24T18:15:00.000Z');
  });
});

describe('Z-report queries', () => {
  it('find a day’s cancellations through their own index, not by reading every cancelled order', () => {
    const plan = (t.station.db.prepare(`EXPLAIN QUERY PLAN ${CANCELLED_BETWEEN}`).all(0, 1) as { detail: string }[]).map((row) => row.detail);
    expect(plan.join('\n')).toMatch(/USING INDEX orders_cancelled_at \(updated_at>\? AND updated_at<\?\)/);
  });
});
