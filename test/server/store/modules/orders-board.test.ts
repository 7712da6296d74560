// Runs in: node (vitest). The staff board's order list (GET /api/staff/orders): the page is read
// in a few queries for all its orders, and must say exactly what each order's own view says —
// items in line order, payment, holds and the holds staff lifted (`overrides`, for the presence
// filter), which never reach the shopper.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutBody, createTestStation, startShopper, staffCookie, type TestStation } from '../../../helpers/station.js';
import { seedOrders } from '../../../../server/bench/monitor-orders.js';

let t: TestStation;
beforeEach(async () => {
  t = await createTestStation();
});
afterEach(async () => {
  await t.close();
});

describe('staff order list', () => {
  it('answers every order exactly as its own view does, newest first, with lifted holds for staff only', async () => {
    const ids = await seedOrders(t.app, 12, { skus: ['MILK-1', 'SNK-2', 'RAMEN-3'], shoppers: 3 });
    const cookie = await staffCookie(t.app);
    // One order held for presence and overridden by staff, one paid, one held now.
    t.app.station.orders.setHold(ids[2]!, 'presence_mismatch');
    const overridden = await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${ids[2]}/override`,
      headers: { cookie },
      payload: { hold: 'presence_mismatch', staffName: '박매니저', reason: 'Saw the shopper at the counter' },
    });
    expect(overridden.statusCode).toBe(200);
    t.app.station.orders.setHold(ids[5]!, 'presence_mismatch');

    const list = await t.app.inject({ method: 'GET', url: '/api/staff/orders', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    const { orders } = list.json() as { orders: { id: string; number: number; items: unknown[]; overrides?: string[] }[] };
    expect(orders.map((o) => o.number)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    for (const order of orders) {
      const one = await t.app.inject({ method: 'GET', url: `/api/staff/orders/${order.id}`, headers: { cookie } });
      expect(order).toEqual(one.json());
    }
    const byId = new Map(orders.map((o) => [o.id, o]));
    expect(byId.get(ids[2]!)!.overrides).toEqual(['presence_mismatch']);
    expect(byId.get(ids[5]!)).toMatchObject({ hold: 'presence_mismatch' });
    expect(byId.get(ids[5]!)).not.toHaveProperty('overrides');
    // Order 4 put 4 scans in its cart (MILK-1 twice, merged into one line), lines in cart order.
    const lines = byId.get(ids[3]!)!.items as { sku: string; quantity: number }[];
    expect(lines.map((l) => `${l.sku}×${l.quantity}`)).toEqual(['MILK-1×2', 'RAMEN-3×1', 'SNK-2×1']);

    const filtered = await t.app.inject({ method: 'GET', url: '/api/staff/orders?state=placed&limit=3', headers: { cookie } });
    expect((filtered.json() as { orders: unknown[] }).orders).toHaveLength(3);
  });

  it('never shows the shopper which holds staff lifted', async () => {
    const shopper = await startShopper(t.app);
    await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
    const body = checkoutBody();
    expect((await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body })).statusCode).toBe(201);
    t.app.station.orders.setHold(body.orderId, 'presence_mismatch');
    const cookie = await staffCookie(t.app);
    await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${body.orderId}/override`,
      headers: { cookie },
      payload: { hold: 'presence_mismatch', staffName: 'Kim', reason: 'checked in person' },
    });
    const own = (await t.app.inject({ method: 'GET', url: `/api/orders/${body.orderId}`, headers: shopper.headers })).json();
    expect(own).not.toHaveProperty('overrides');
    const list = (await t.app.inject({ method: 'GET', url: '/api/orders', headers: shopper.headers })).json() as { orders: object[] };
    expect(list.orders[0]).not.toHaveProperty('overrides');
  });
});
