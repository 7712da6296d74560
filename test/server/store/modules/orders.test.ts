import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { checkoutBody, createTestStation, startShopper, staffCookie, type TestStation } from '../../../helpers/station.js';

let t: TestStation;
beforeEach(async () => {
  t = await createTestStation();
});
afterEach(async () => {
  await t.close();
});

async function shopperWithCart() {
  const shopper = await startShopper(t.app);
  await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1', quantity: 2 } });
  await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'RAMEN-3' } });
  return shopper;
}

describe('checkout', () => {
  it('turns the cart into a placed order with the orderer data and empties the cart', async () => {
    const shopper = await shopperWithCart();
    const body = checkoutBody({ fulfilment: { type: 'delivery', address: '서울시 강남구 테헤란로 1' } });
    const response = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({
      id: body.orderId,
      number: 1,
      state: 'placed',
      total: 2 * 1500 + 950,
      currency: 'KRW',
      orderer: { name: '김민지', contact: '010-1234-5678' },
      fulfilment: { type: 'delivery', address: '서울시 강남구 테헤란로 1' },
      payment: { method: 'card' },
      // No central to pay through: the order waits, unpaid.
      paymentState: 'pending',
    });
    expect(order.items).toHaveLength(2);
    expect(order).not.toHaveProperty('deviceId');
    expect(JSON.stringify(order)).not.toContain('tok_test');
    const cart = (await t.app.inject({ method: 'GET', url: '/api/cart', headers: shopper.headers })).json();
    expect(cart.items).toEqual([]);
  });

  it('answers a retry with the first order and never makes a second one', async () => {
    const shopper = await shopperWithCart();
    const body = checkoutBody();
    const first = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    const retry = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const count = t.station.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number };
    expect(count.n).toBe(1);
    const events = t.station.db.prepare("SELECT count(*) AS n FROM events WHERE type = 'order.placed'").get() as { n: number };
    expect(events.n).toBe(1);
  });

  it('refuses the same order id with another body, from another shopper, or on an empty cart', async () => {
    const shopper = await shopperWithCart();
    const body = checkoutBody();
    await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    const changed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: { ...body, orderer: { name: 'Other', contact: 'a@b.co' } } });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('order_id_conflict');
    const other = await shopperWithCart();
    const hijack = await t.app.inject({ method: 'POST', url: '/api/orders', headers: other.headers, payload: body });
    expect(hijack.statusCode).toBe(409);
    const empty = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: checkoutBody() });
    expect(empty.statusCode).toBe(409);
    expect(empty.json().error.code).toBe('cart_empty');
  });

  it.each([
    ['a card number as token', { payment: { method: 'card', token: 'tok_4111111111111111' } }, 'payment_token_invalid'],
    ['a bad contact', { orderer: { name: 'Kim', contact: 'call me' } }, 'contact_invalid'],
    ['delivery without address', { fulfilment: { type: 'delivery' } }, 'invalid_request'],
    ['an unknown payment method', { payment: { method: 'cash', token: 'tok_12345678' } }, 'invalid_request'],
    ['a non-uuid order id', { orderId: 'order-1' }, 'invalid_request'],
  ])('refuses %s with a 400 and keeps the cart', async (_name, override, code) => {
    const shopper = await shopperWithCart();
    const response = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: checkoutBody(override) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    const cart = (await t.app.inject({ method: 'GET', url: '/api/cart', headers: shopper.headers })).json();
    expect(cart.count).toBe(3);
    expect((t.station.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n).toBe(0);
  });

  it("shows a shopper only their own orders", async () => {
    const a = await shopperWithCart();
    const b = await startShopper(t.app);
    const body = checkoutBody();
    await t.app.inject({ method: 'POST', url: '/api/orders', headers: a.headers, payload: body });
    expect((await t.app.inject({ method: 'GET', url: `/api/orders/${body.orderId}`, headers: a.headers })).statusCode).toBe(200);
    const peek = await t.app.inject({ method: 'GET', url: `/api/orders/${body.orderId}`, headers: b.headers });
    expect(peek.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: b.headers })).json().orders).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: a.headers })).json().orders).toHaveLength(1);
  });
});

describe('staff actions', () => {
  // Handing over a paid order: test/server/store/modules/payments (it needs central to pay).
  it('cancels a placed order once, refuses to hand over an unpaid one, and refuses illegal transitions', async () => {
    const shopper = await shopperWithCart();
    const body = checkoutBody();
    await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    const cookie = await staffCookie(t.app);
    const unpaid = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${body.orderId}/hand-over`, headers: { cookie } });
    expect(unpaid.statusCode).toBe(409);
    expect(unpaid.json().error.code).toBe('payment_required');
    const cancelled = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${body.orderId}/cancel`, headers: { cookie }, payload: { reason: 'late' } });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', cancelReason: 'late', paymentState: 'pending', deviceId: shopper.deviceId });
    for (const action of ['cancel', 'hand-over']) {
      const again = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${body.orderId}/${action}`, headers: { cookie }, payload: {} });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('order_state');
    }
    const missing = await t.app.inject({ method: 'POST', url: `/api/staff/orders/${randomUUID()}/cancel`, headers: { cookie }, payload: {} });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses staff routes without a staff session and a wrong PIN', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/orders' })).statusCode).toBe(401);
    const shopper = await startShopper(t.app);
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/orders', headers: shopper.headers })).statusCode).toBe(401);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/staff/session', payload: { pin: '000000' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('pin_wrong');
    expect(wrong.cookies).toEqual([]);
  });

  it('lists orders newest first with the event id to resume from, and signs out', async () => {
    const cookie = await staffCookie(t.app);
    for (let i = 0; i < 3; i++) {
      const shopper = await shopperWithCart();
      await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: checkoutBody() });
    }
    const list = (await t.app.inject({ method: 'GET', url: '/api/staff/orders', headers: { cookie } })).json();
    expect(list.orders.map((o: { number: number }) => o.number)).toEqual([3, 2, 1]);
    expect(list.lastEventId).toBe(3);
    const placedOnly = (await t.app.inject({ method: 'GET', url: '/api/staff/orders?state=cancelled', headers: { cookie } })).json();
    expect(placedOnly.orders).toEqual([]);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/staff/session', headers: { cookie } })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/orders', headers: { cookie } })).statusCode).toBe(401);
  });
});
