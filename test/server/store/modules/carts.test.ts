import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labelPath } from '../../../../server/protocol/label.js';
import { createTestStation, startShopper, TEST_STORE_ID, type TestStation } from '../../../helpers/station.js';
import { SESSION_IDLE_MS } from '../../../../server/store/modules/sessions/repository.js';

let t: TestStation;
beforeEach(async () => {
  t = await createTestStation();
});
afterEach(async () => {
  await t.close();
});

const scanCode = (sku: string, storeId = TEST_STORE_ID) => labelPath(t.station.labelKey, storeId, sku);

describe('cart', () => {
  it('adds a product from a genuine label and totals it', async () => {
    const shopper = await startShopper(t.app);
    const first = await t.app.inject({ method: 'POST', url: '/api/cart/scan', headers: shopper.headers, payload: { code: `https://station.test${scanCode('MILK-1')}` } });
    expect(first.statusCode).toBe(200);
    const second = await t.app.inject({ method: 'POST', url: '/api/cart/scan', headers: shopper.headers, payload: { code: scanCode('MILK-1') } });
    // The answer is the changed line and the new totals, not the whole cart.
    expect(second.json()).toEqual({
      added: { sku: 'MILK-1', name: '바나나우유' },
      line: { sku: 'MILK-1', name: '바나나우유', nameEn: 'Banana milk', unitPrice: 1500, quantity: 2, lineTotal: 3000, currency: 'KRW' },
      count: 2,
      total: 3000,
      currency: 'KRW',
    });
    await t.app.inject({ method: 'POST', url: '/api/cart/scan', headers: shopper.headers, payload: { code: scanCode('SNK-2') } });
    const cart = (await t.app.inject({ method: 'GET', url: '/api/cart', headers: shopper.headers })).json();
    expect(cart.items.map((i: { sku: string; quantity: number }) => [i.sku, i.quantity])).toEqual([
      ['MILK-1', 2],
      ['SNK-2', 1],
    ]);
    expect(cart.total).toBe(2 * 1500 + 1800);
    expect(cart.count).toBe(3);
    expect(cart.currency).toBe('KRW');
    expect(cart.items[0].nameEn).toBe('Banana milk');
  });

  it.each([
    ['forged signature', () => scanCode('MILK-1').replace(/s=(.)/, (_m, c: string) => `s=${c === 'A' ? 'B' : 'A'}`), 400, 'label_bad_signature'],
    ['truncated signature', () => scanCode('MILK-1').slice(0, -1), 400, 'label_malformed'],
    ['another store', () => scanCode('MILK-1', 'OTHER-9'), 400, 'label_other_store'],
    ['unknown sku', () => scanCode('NOPE-0'), 404, 'product_not_found'],
    ['not a label', () => 'hello world', 400, 'label_malformed'],
  ])('refuses a label with a %s and changes nothing', async (_name, code, status, errorCode) => {
    const shopper = await startShopper(t.app);
    const response = await t.app.inject({ method: 'POST', url: '/api/cart/scan', headers: shopper.headers, payload: { code: code() } });
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(errorCode);
    const cart = (await t.app.inject({ method: 'GET', url: '/api/cart', headers: shopper.headers })).json();
    expect(cart.items).toEqual([]);
  });

  it('changes quantities, removes lines, and refuses what breaks the limits', async () => {
    const shopper = await startShopper(t.app);
    const add = (sku: string, quantity?: number) =>
      t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku, quantity } });
    expect((await add('MILK-1', 3)).json().count).toBe(3);
    const set = await t.app.inject({ method: 'PUT', url: '/api/cart/items/MILK-1', headers: shopper.headers, payload: { quantity: 5 } });
    expect(set.json().items[0].quantity).toBe(5);
    expect((await add('MILK-1', 95)).json().error.code).toBe('quantity_limit');
    expect((await add('USD-4')).json().error.code).toBe('currency_mismatch');
    const zero = await t.app.inject({ method: 'PUT', url: '/api/cart/items/MILK-1', headers: shopper.headers, payload: { quantity: 0 } });
    expect(zero.json().items).toEqual([]);
    const missing = await t.app.inject({ method: 'DELETE', url: '/api/cart/items/MILK-1', headers: shopper.headers });
    expect(missing.statusCode).toBe(404);
    const bad = await t.app.inject({ method: 'PUT', url: '/api/cart/items/MILK-1', headers: shopper.headers, payload: { quantity: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
  });

  it('keeps every cart to its own shopper and device', async () => {
    const a = await startShopper(t.app);
    const b = await startShopper(t.app);
    await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: a.headers, payload: { sku: 'MILK-1' } });
    const bCart = (await t.app.inject({ method: 'GET', url: '/api/cart', headers: b.headers })).json();
    expect(bCart.items).toEqual([]);
    // A's token presented from another device is not A's session.
    const stolen = await t.app.inject({ method: 'GET', url: '/api/cart', headers: { ...a.headers, 'x-device-id': b.deviceId } });
    expect(stolen.statusCode).toBe(401);
    expect(stolen.json().error.code).toBe('session_required');
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/cart' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('resumes the session of a device that presents its token', async () => {
    const a = await startShopper(t.app);
    const again = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: a.headers, payload: { deviceId: a.deviceId } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ sessionId: a.sessionId, resumed: true });
    const other = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: a.headers, payload: { deviceId: 'another-device-1' } });
    expect(other.statusCode).toBe(201);
    expect(other.json().sessionId).not.toBe(a.sessionId);
  });

  it('ends a session left unused for a day: its token is refused and presenting it starts a new one', async () => {
    const a = await startShopper(t.app);
    await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: a.headers, payload: { sku: 'MILK-1' } });
    t.clock.advance(SESSION_IDLE_MS + 60_001);
    const cart = await t.app.inject({ method: 'GET', url: '/api/cart', headers: a.headers });
    expect(cart.statusCode).toBe(401);
    expect(cart.json().error.code).toBe('session_required');
    const again = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: a.headers, payload: { deviceId: a.deviceId } });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ resumed: false });
    expect(again.json().sessionId).not.toBe(a.sessionId);
    const fresh = await t.app.inject({
      method: 'GET',
      url: '/api/cart',
      headers: { authorization: `Bearer ${again.json().token}`, 'x-device-id': a.deviceId },
    });
    expect(fresh.json()).toMatchObject({ items: [], count: 0 });
  });
});

describe('product codes', () => {
  it('accepts short codes and refuses the dot segments . and ..', async () => {
    await t.close();
    t = await createTestStation({ products: [{ sku: 'AB', name: 'Short code', price: 100 }] });
    const shopper = await startShopper(t.app);
    const short = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'AB' } });
    expect(short.statusCode).toBe(200);
    for (const sku of ['.', '..']) {
      const dots = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku } });
      expect(dots.statusCode).toBe(400);
    }
  });
});

describe('cart order', () => {
  it('lists lines in the order they were first added, not by code', async () => {
    const shopper = await startShopper(t.app);
    for (const sku of ['SNK-2', 'MILK-1', 'RAMEN-3']) {
      await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku } });
      t.clock.advance(1000);
    }
    await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'SNK-2' } });
    const cart = (await t.app.inject({ method: 'GET', url: '/api/cart', headers: shopper.headers })).json();
    expect(cart.items.map((i: { sku: string }) => i.sku)).toEqual(['SNK-2', 'MILK-1', 'RAMEN-3']);
  });
});
