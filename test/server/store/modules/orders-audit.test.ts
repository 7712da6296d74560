// Runs in: node (vitest). An order's audit trail for staff (GET /api/staff/orders/:id/history)
// and the audited look at the orderer's contact (POST /api/staff/orders/:id/contact): what the
// trail lists, in order, with who and why where the station knows it; staff only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutBody, createTestStation, startShopper, staffCookie, type TestStation } from '../../../helpers/station.js';
import { historyFromSnapshots } from '../../../../server/store/modules/orders/history.js';
import { SseReader } from '../../../helpers/sse.js';

let t: TestStation;
let cookie: string;
beforeEach(async () => {
  t = await createTestStation();
  cookie = await staffCookie(t.app);
});
afterEach(async () => {
  await t.close();
});

async function place(fulfilment: object = { type: 'pickup' }): Promise<string> {
  const shopper = await startShopper(t.app);
  await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
  const body = checkoutBody({ orderer: { name: '김민지', contact: '010-1234-5678' }, fulfilment });
  expect((await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body })).statusCode).toBe(201);
  return body.orderId;
}

const history = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/staff/orders/${id}/history`, headers: { cookie } })).json() as {
    entries: { at: string; kind: string; hold?: string; staffName?: string; reason?: string }[];
    sync: { connected: boolean; pending: number; oldestPendingAt?: string };
  };

describe('order audit trail', () => {
  it("says how many of the order's changes central has not acknowledged yet", async () => {
    const id = await place();
    const other = await place();
    const before = await history(id);
    // No central here: the order's change waits in the outbox, and the other order's is not counted.
    expect(before.sync).toEqual({ connected: false, pending: 1, oldestPendingAt: expect.any(String) });
    t.clock.advance(60_000);
    // A refused action (an unpaid order cannot be handed over) leaves nothing more to send.
    expect((await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/hand-over`, headers: { cookie }, payload: {} })).statusCode).toBe(409);
    expect((await history(id)).sync.pending).toBe(1);
    // Central acknowledges everything so far (as the sync loop would).
    const { lastSeq } = t.app.station.outbox.status();
    t.app.station.outbox.acknowledge(lastSeq, t.clock.now());
    expect((await history(id)).sync).toEqual({ connected: false, pending: 0 });
    expect((await history(other)).sync.pending).toBe(0);
  });

  it('lists placed, held, the override with who and why, paid, handed over and contact views, in time order', async () => {
    const id = await place({ type: 'delivery', address: '서울 강남구 테헤란로 1' });
    t.clock.advance(60_000);
    t.app.station.orders.setHold(id, 'presence_mismatch');
    t.clock.advance(60_000);
    t.app.station.orders.override(id, 'presence_mismatch', '박매니저', 'Shopper seen at the counter');
    t.clock.advance(60_000);
    // As the payments module leaves it once central captured the charge (its own event is
    // not written here: the next order event, the hand-over, carries the paid state).
    t.station.db.prepare("UPDATE payments SET state = 'paid' WHERE order_id = ?").run(id);
    t.clock.advance(60_000);
    const shown = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/contact`, headers: { cookie }, payload: {} });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({ name: '김민지', contact: '010-1234-5678', address: '서울 강남구 테헤란로 1' });
    t.clock.advance(60_000);
    expect((await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/hand-over`, headers: { cookie }, payload: {} })).statusCode).toBe(200);

    const { entries } = await history(id);
    expect(entries.map((e) => e.kind)).toEqual(['placed', 'held', 'override', 'contact_viewed', 'paid', 'handed_over']);
    expect(entries[1]).toMatchObject({ hold: 'presence_mismatch' });
    expect(entries[2]).toMatchObject({ hold: 'presence_mismatch', staffName: '박매니저', reason: 'Shopper seen at the counter' });
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The trail names no orderer data.
    expect(JSON.stringify(entries)).not.toMatch(/김민지|010-1234|테헤란로/);
    // Each look at the contact is its own audit row.
    await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/contact`, headers: { cookie }, payload: {} });
    expect(t.station.db.prepare('SELECT count(*) AS n FROM order_audit WHERE order_id = ?').get(id)).toEqual({ n: 2 });
  });

  it('lists a cancellation with its reason', async () => {
    const id = await place();
    t.clock.advance(1000);
    const cancelled = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/cancel`, headers: { cookie }, payload: { reason: 'out of stock' } });
    expect(cancelled.statusCode).toBe(200);
    const { entries } = await history(id);
    expect(entries.map((e) => e.kind)).toEqual(['placed', 'cancelled']);
    expect(entries[1]).toMatchObject({ reason: 'out of stock' });
  });

  it('is staff only, and answers an unknown order like any other missing one', async () => {
    const id = await place();
    const shopper = await startShopper(t.app);
    for (const request of [
      { method: 'GET' as const, url: `/api/staff/orders/${id}/history` },
      { method: 'POST' as const, url: `/api/staff/orders/${id}/contact`, payload: {} },
    ]) {
      expect((await t.app.inject(request)).statusCode).toBe(401);
      expect((await t.app.inject({ ...request, headers: shopper.headers })).statusCode).toBe(401);
      const missing = await t.app.inject({ ...request, url: request.url.replace(id, '00000000-0000-4000-8000-000000000000'), headers: { cookie } });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: { code: 'order_not_found', message: expect.any(String) } });
    }
    expect(t.station.db.prepare('SELECT count(*) AS n FROM order_audit').get()).toEqual({ n: 0 });
  });

  it('derives payment changes and holds from event snapshots', () => {
    const trail = historyFromSnapshots([
      { at: 1, data: { state: 'placed', paymentState: 'pending', hold: 'approval_pending' } },
      { at: 2, data: { state: 'placed', paymentState: 'pending' } },
      { at: 3, data: { state: 'placed', paymentState: 'declined' } },
      { at: 4, data: { state: 'placed', paymentState: 'paid_offline' } },
      { at: 5, data: { state: 'cancelled', paymentState: 'refunded', cancelReason: 'changed mind' } },
    ]);
    expect(trail.map(({ at, entry }) => `${at}:${entry.kind}${entry.hold ? `(${entry.hold})` : ''}`)).toEqual([
      '1:placed',
      '1:held(approval_pending)',
      '2:hold_cleared(approval_pending)',
      '3:declined',
      '4:paid_offline',
      '5:refunded',
      '5:cancelled',
    ]);
  });
});

describe('orderer data on staff screens', () => {
  it('goes out masked from every staff route and the live stream; in clear only from the audited look', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const live = await SseReader.open(`${base}/api/staff/events?after=0`, { cookie });
    try {
      const id = await place({ type: 'delivery', address: '서울 강남구 테헤란로 1 101호' });
      const masked = { orderer: { name: '김민지', contact: '010-****-5678' }, fulfilment: { type: 'delivery', address: '서울 강남구 ****' } };
      expect((await t.app.inject({ url: `/api/staff/orders/${id}`, headers: { cookie } })).json()).toMatchObject(masked);
      expect((await t.app.inject({ url: '/api/staff/orders', headers: { cookie } })).json().orders[0]).toMatchObject(masked);
      const cancelled = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/cancel`, headers: { cookie }, payload: { reason: 'test' } });
      expect(cancelled.json()).toMatchObject(masked);

      // Live and replayed (a reconnecting monitor) alike.
      await live.waitFor((messages) => messages.filter((m) => m.event?.startsWith('order.')).length >= 2);
      const replay = await SseReader.open(`${base}/api/staff/events?after=0`, { cookie });
      try {
        await replay.waitFor((messages) => messages.filter((m) => m.event?.startsWith('order.')).length >= 2);
        for (const message of [...live.messages, ...replay.messages].filter((m) => m.event?.startsWith('order.'))) {
          expect(message.data).not.toContain('1234');
          expect(message.data).not.toContain('테헤란로');
          expect(JSON.parse(message.data)).toMatchObject(masked);
        }
      } finally {
        replay.close();
      }

      const look = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/contact`, headers: { cookie }, payload: {} });
      expect(look.json()).toEqual({ name: '김민지', contact: '010-1234-5678', address: '서울 강남구 테헤란로 1 101호' });
      expect((await history(id)).entries.filter((e) => e.kind === 'contact_viewed')).toHaveLength(1);
    } finally {
      live.close();
    }
  });
});
