// Runs in: node. Carts are served from memory and written through to SQLite: these tests prove
// the copy in memory never disagrees with the database — after a price change from another
// connection, a rolled-back transaction, a failed write, or a cart that fell out of the cache.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CartRepository } from '../../../../server/store/modules/carts/repository.js';
import { checkoutBody, createTestStation, insertProducts, startShopper, type TestStation } from '../../../helpers/station.js';

let t: TestStation;
beforeEach(async () => {
  t = await createTestStation();
});
afterEach(async () => {
  await t.close();
});

async function shopperWith(items: Record<string, number>) {
  const shopper = await startShopper(t.app);
  for (const [sku, quantity] of Object.entries(items)) {
    const added = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku, quantity } });
    expect(added.statusCode).toBe(200);
  }
  return shopper;
}

function changePriceElsewhere(sku: string, price: number): void {
  const other = new Database(join(t.dir, 'data', 'station.db'));
  try {
    other.prepare('UPDATE products SET price = ? WHERE sku = ?').run(price, sku);
  } finally {
    other.close();
  }
}

const cartOf = async (shopper: { headers: Record<string, string> }) =>
  (await t.app.inject({ method: 'GET', url: '/api/cart', headers: shopper.headers })).json();

describe('carts in memory', () => {
  it('prices a cached cart at the new price once another process changes the catalogue', async () => {
    const shopper = await shopperWith({ 'MILK-1': 2 });
    expect((await cartOf(shopper)).total).toBe(3000);
    // The CLI import runs in its own process with its own connection while the station serves.
    changePriceElsewhere('MILK-1', 1700);
    await expect.poll(async () => (await cartOf(shopper)).total, { timeout: 2000, interval: 50 }).toBe(3400);
    expect((await cartOf(shopper)).items[0].unitPrice).toBe(1700);
  });

  it('places an order at the price of the moment, even right after another process changed it', async () => {
    const shopper = await shopperWith({ 'MILK-1': 2 });
    expect((await cartOf(shopper)).total).toBe(3000);
    changePriceElsewhere('MILK-1', 1900);
    const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: checkoutBody() });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().total).toBe(3800);
  });

  it('sees a catalogue import through the same connection as well', async () => {
    const shopper = await shopperWith({ 'SNK-2': 1 });
    expect((await cartOf(shopper)).total).toBe(1800);
    insertProducts(t.station, [{ sku: 'SNK-2', name: '새우깡', nameEn: 'Shrimp crackers', price: 2100 }]);
    await expect.poll(async () => (await cartOf(shopper)).total, { timeout: 2000, interval: 50 }).toBe(2100);
    expect((await cartOf(shopper)).items[0].name).toBe('새우깡');
  });

  it('keeps the cart when the transaction that emptied it rolls back', async () => {
    const shopper = await shopperWith({ 'MILK-1': 1, 'SNK-2': 2 });
    const before = await cartOf(shopper);
    const { carts } = t.app.station;
    expect(() =>
      t.station.db.transaction(() => {
        carts.clear(shopper.sessionId);
        // Read inside the transaction: the cleared state, which must not outlive the rollback.
        expect(carts.view(shopper.sessionId).items).toEqual([]);
        throw new Error('payment row refused');
      })(),
    ).toThrow('payment row refused');
    expect(await cartOf(shopper)).toEqual(before);
  });

  it('changes nothing in memory when the write is refused by the database', async () => {
    const shopper = await shopperWith({ 'MILK-1': 1 });
    const before = await cartOf(shopper);
    t.station.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON cart_items BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const refused = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'SNK-2' } });
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    expect(await cartOf(shopper)).toEqual(before);
  });

  it('reads a cart back from the database after it fell out of the cache, in the order added', async () => {
    const { station } = t;
    const carts = new CartRepository(station.db, { maxCachedCarts: 2 });
    const sessions = await Promise.all([1, 2, 3].map(async () => (await startShopper(t.app)).sessionId));
    carts.add(sessions[0]!, 'SNK-2', 1, 1000);
    carts.add(sessions[0]!, 'MILK-1', 2, 2000);
    carts.add(sessions[1]!, 'MILK-1', 1, 3000);
    carts.add(sessions[2]!, 'MILK-1', 1, 4000);
    // The first cart is the least recently used of three with room for two.
    const fresh = new CartRepository(station.db);
    expect(carts.view(sessions[0]!)).toEqual(fresh.view(sessions[0]!));
    expect(carts.view(sessions[0]!).items.map((i) => [i.sku, i.quantity])).toEqual([
      ['SNK-2', 1],
      ['MILK-1', 2],
    ]);
    carts.add(sessions[0]!, 'SNK-2', 1, 5000);
    expect(new CartRepository(station.db).view(sessions[0]!).items.map((i) => i.quantity)).toEqual([2, 2]);
  });

  it('agrees with a cart read fresh from the database after any sequence of changes', async () => {
    const shopper = await shopperWith({});
    const { carts } = t.app.station;
    const skus = ['MILK-1', 'SNK-2', 'MILK-1', 'SNK-2'];
    let now = 10_000;
    for (const [i, sku] of skus.entries()) {
      carts.add(shopper.sessionId, sku, i + 1, now++);
      expect(carts.view(shopper.sessionId)).toEqual(new CartRepository(t.station.db).view(shopper.sessionId));
    }
    carts.setQuantity(shopper.sessionId, 'SNK-2', 7);
    expect(carts.view(shopper.sessionId)).toEqual(new CartRepository(t.station.db).view(shopper.sessionId));
    carts.removeItem(shopper.sessionId, 'MILK-1');
    expect(carts.view(shopper.sessionId)).toEqual(new CartRepository(t.station.db).view(shopper.sessionId));
    expect(carts.view(shopper.sessionId).items.map((i) => [i.sku, i.quantity])).toEqual([['SNK-2', 7]]);
  });

  it('tells a session watcher about its own cart only, and forgets it once it leaves', async () => {
    const { carts } = t.app.station;
    const [a, b] = await Promise.all([startShopper(t.app), startShopper(t.app)]);
    const seen: string[] = [];
    const stopA = carts.watch(a.sessionId, () => seen.push(`a:${carts.view(a.sessionId).count}`));
    const stopB = carts.watch(b.sessionId, () => seen.push(`b:${carts.view(b.sessionId).count}`));
    carts.add(a.sessionId, 'MILK-1', 2, 1);
    carts.add(b.sessionId, 'SNK-2', 1, 2);
    stopA();
    carts.add(a.sessionId, 'MILK-1', 1, 3);
    expect(seen).toEqual(['a:2', 'b:1']);
    stopB();
    expect((carts as unknown as { watchers: Map<string, unknown> }).watchers.size).toBe(0);
  });
});
