// Runs in: node (vitest). Back-office reports: ledger (JSON and CSV), refunds, and the
// reconciliation of synced station totals against central's, on SQLite and PostgreSQL.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { uuidv7 } from '../../../server/protocol/uuidv7.js';
import { createTestCentral, describeDialects, paymentBody, STORE_ID, T0, type TestCentral } from './helpers.js';

describeDialects('central reports', (dialect) => {
  let c: TestCentral;
  beforeEach(async () => {
    c = await createTestCentral(dialect);
  });
  afterEach(async () => {
    await c.close();
  });

  const pay = async (orderId: string, amount: number, extra: Record<string, unknown> = {}) =>
    (await c.pay('/v1/payments', paymentBody({ orderId, amount, ...extra }))).json<{ id: string }>().id;
  let seq = 0;
  const stationEvents = (list: { type: string; payload: Record<string, unknown>; at?: number }[]) =>
    c.signed('POST', '/v1/sync/batches', {
      storeId: STORE_ID,
      events: list.map((e) => ({ id: uuidv7(), seq: ++seq, type: e.type, occurredAt: new Date(e.at ?? T0).toISOString(), payload: e.payload })),
    });

  it('lists the day ledger with totals per currency, as JSON and as CSV', async () => {
    const first = await pay('order-1', 15_000);
    await pay('order-2', 2_500, { token: 'tok_decline_insufficient_funds' });
    await pay('order-3', 999, { currency: 'USD' });
    await c.pay(`/v1/payments/${first}/refunds`, { amount: 5_000 });
    c.clock.advance(24 * 3600_000);
    await pay('-2-1', 700);

    const ledger = await c.admin('GET', `/admin/reports/ledger?storeId=${STORE_ID}&from=2026-11-25&to=2026-11-26`);
    expect(ledger.statusCode).toBe(200);
    const body = ledger.json<{ days: unknown[]; payments: { orderId: string; maskedPan: string }[] }>();
    expect(body.days).toEqual([
      { date: '2026-11-25', currency: 'KRW', payments: 2, declined: 1, authorized: 15_000, captured: 15_000, refunded: 5_000, net: 10_000 },
      { date: '2026-11-25', currency: 'USD', payments: 1, declined: 0, authorized: 999, captured: 999, refunded: 0, net: 999 },
      { date: '2026-11-26', currency: 'KRW', payments: 1, declined: 0, authorized: 700, captured: 700, refunded: 0, net: 700 },
    ]);
    expect(body.payments.map((p) => p.orderId)).toEqual(['order-1', 'order-2', 'order-3', '-2-1']);

    const oneDay = await c.admin('GET', `/admin/reports/ledger?storeId=${STORE_ID}&from=2026-11-26&to=2026-11-26`);
    expect(oneDay.json<{ payments: unknown[] }>().payments).toHaveLength(1);

    const csv = await c.admin('GET', `/admin/reports/ledger?storeId=${STORE_ID}&from=2026-11-25&to=2026-11-26&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('date,payment_id,order_id,state,currency,amount,amount_captured,amount_refunded,brand,masked_pan,decline_code,offline,created_at');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^2026-11-25,[0-9a-f-]{36},order-1,partially_refunded,KRW,15000,15000,5000,visa,424242\*{6}4242,,no,2026-11-25T09:00:00.000Z$/);
    expect(lines[2]).toContain(',declined,KRW,2500,0,0,');
    // A spreadsheet must not run an order id as a formula.
    expect(lines[4]).toContain(",'-2-1,");
  });

  it('lists refunds for a date range', async () => {
    const id = await pay('order-9', 8_000);
    await c.pay(`/v1/payments/${id}/refunds`, { amount: 1_000 });
    c.clock.advance(3600_000);
    await c.pay(`/v1/payments/${id}/refunds`, { amount: 2_000 });
    const report = await c.admin('GET', `/admin/reports/refunds?storeId=${STORE_ID}&from=2026-11-25&to=2026-11-25`);
    expect(report.json<{ refunds: { paymentId: string; orderId: string; amount: number }[] }>().refunds.map((r) => [r.paymentId, r.orderId, r.amount])).toEqual([
      [id, 'order-9', 1_000],
      [id, 'order-9', 2_000],
    ]);
    const csv = await c.admin('GET', `/admin/reports/refunds?storeId=${STORE_ID}&from=2026-11-25&to=2026-11-25&format=csv`);
    expect(csv.body.split('\r\n')[0]).toBe('date,refund_id,payment_id,order_id,currency,amount,created_at');
  });

  it('reconciles station totals against central totals and lists every mismatch', async () => {
    const a = await pay('order-a', 10_000);
    await c.pay(`/v1/payments/${a}/refunds`, { amount: 4_000 });
    await pay('order-b', 3_000);
    await pay('order-c', 5_000);
    await pay('order-offline', 1_200, { offline: { acceptedAt: new Date(T0 - 3600_000).toISOString() } });
    await pay('order-late', 900, { offline: { acceptedAt: new Date(T0 - 24 * 3600_000).toISOString() } });
    await pay('order-x', 100, { token: 'tok_decline_expired_card' });
    // A charge refunded after the shopper was refused (it went through unseen), then paid again.
    const unseen = await pay('order-again', 2_000);
    await c.pay(`/v1/payments/${unseen}/refunds`, { amount: 2_000 });
    await pay('order-again', 2_000);
    const synced = await stationEvents([
      { type: 'order.placed', payload: { orderId: 'order-a' } },
      { type: 'payment.captured', payload: { orderId: 'order-a', amount: 10_000, currency: 'KRW' } },
      { type: 'payment.refunded', payload: { orderId: 'order-a', amount: 4_000, currency: 'KRW' } },
      { type: 'payment.captured', payload: { orderId: 'order-b', amount: 3_500, currency: 'KRW' } },
      { type: 'payment.offline_accepted', payload: { orderId: 'order-offline', amount: 1_200, currency: 'KRW' }, at: T0 - 3600_000 },
      { type: 'payment.captured', payload: { orderId: 'order-offline', amount: 1_200, currency: 'KRW', offlineAcceptedAt: new Date(T0 - 3600_000).toISOString() } },
      { type: 'payment.offline_accepted', payload: { orderId: 'order-d', amount: 700, currency: 'KRW' } },
      { type: 'payment.offline_accepted', payload: { orderId: 'order-x', amount: 100, currency: 'KRW' } },
      { type: 'payment.declined', payload: { orderId: 'order-x', amount: 100, currency: 'KRW' } },
      { type: 'payment.captured', payload: { orderId: 'order-z', currency: 'KRW' } },
      { type: 'payment.captured', payload: { orderId: 'order-again', amount: 2_000, currency: 'KRW', attempt: 1 } },
      { type: 'payment.refunded', payload: { orderId: 'order-again', amount: 2_000, currency: 'KRW', attempt: 1 } },
      { type: 'payment.captured', payload: { orderId: 'order-again', amount: 2_000, currency: 'KRW', attempt: 2 } },
    ]);
    expect(synced.statusCode).toBe(200);

    const report = await c.admin('GET', `/admin/reports/reconciliation?storeId=${STORE_ID}&date=2026-11-25`);
    expect(report.statusCode).toBe(200);
    const body = report.json<{ balanced: boolean; mismatches: unknown[]; totals: unknown[]; unreadableEvents: string[] }>();
    expect(body.balanced).toBe(false);
    expect(body.mismatches).toEqual([
      { orderId: 'order-b', currency: 'KRW', reason: 'amount_differs', station: { captured: 3_500, refunded: 0 }, central: { captured: 3_000, refunded: 0 } },
      { orderId: 'order-c', currency: 'KRW', reason: 'missing_at_station', station: { captured: 0, refunded: 0 }, central: { captured: 5_000, refunded: 0 } },
      { orderId: 'order-d', currency: 'KRW', reason: 'missing_at_central', station: { captured: 700, refunded: 0 }, central: { captured: 0, refunded: 0 } },
    ]);
    expect(body.totals).toEqual([
      { currency: 'KRW', station: { captured: 19_400, refunded: 6_000, net: 13_400 }, central: { captured: 23_200, refunded: 6_000, net: 17_200 } },
    ]);
    expect(body.unreadableEvents).toHaveLength(1);

    const dayBefore = await c.admin('GET', `/admin/reports/reconciliation?storeId=${STORE_ID}&date=2026-11-24`);
    expect(dayBefore.json()).toMatchObject({
      balanced: false,
      mismatches: [{ orderId: 'order-late', reason: 'missing_at_station', central: { captured: 900, refunded: 0 } }],
    });
  });

  it('refuses bad report queries with a 4xx and needs the admin token', async () => {
    for (const query of [
      `storeId=${STORE_ID}&from=2026-02-30&to=2026-03-01`,
      `storeId=${STORE_ID}&from=2026-03-02&to=2026-03-01`,
      `storeId=${STORE_ID}&from=2026-01-01&to=2026-12-31`,
      `storeId=${STORE_ID}&from=yesterday&to=2026-03-01`,
      `storeId=${STORE_ID}&from=2026-03-01&to=2026-03-01&format=xlsx`,
      `from=2026-03-01&to=2026-03-01`,
    ]) {
      const response = await c.admin('GET', `/admin/reports/ledger?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBeTypeOf('string');
    }
    expect((await c.admin('GET', '/admin/reports/ledger?storeId=NONE-0001&from=2026-03-01&to=2026-03-01')).statusCode).toBe(404);
    expect((await c.admin('GET', '/admin/reports/reconciliation?storeId=NONE-0001&date=2026-03-01')).statusCode).toBe(404);
    expect((await c.app.inject({ method: 'GET', url: `/admin/reports/ledger?storeId=${STORE_ID}&from=2026-03-01&to=2026-03-01` })).statusCode).toBe(401);
  });
});
