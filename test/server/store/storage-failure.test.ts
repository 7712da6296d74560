// Runs in: node (vitest). Issue 8, item 3: a station whose disk fills up or whose database turns
// read-only refuses checkout with a 503 `storage_unavailable` in the error shape (never a 500 or a
// crash), the monitor's status names the problem, nothing is half-written, and the file stays
// intact. Disk full is `PRAGMA max_page_count` at the current size (SQLite's own SQLITE_FULL);
// read-only is `PRAGMA query_only` (SQLITE_READONLY), since a chmod means nothing to root, which
// runs CI here, nor to a connection already open.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutBody, createTestStation, startShopper, staffCookie, type Shopper, type TestStation } from '../../helpers/station.js';
import { DATABASE_FILE } from '../../../server/store/station.js';

const PRODUCTS = Array.from({ length: 30 }, (_, i) => ({ sku: `LONG-${i}`, name: `${'가나다라마바사아자차카타파하'.repeat(8)} ${i}`, price: 100 + i }));

let t: TestStation | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function counts(db: Database.Database) {
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_items) AS items,
              (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM outbox) AS outbox`,
    )
    .get();
}

async function checkout(station: TestStation, shopper: Shopper) {
  return station.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: checkoutBody({ orderId: randomUUID() }) });
}

async function status(station: TestStation, cookie: string) {
  const response = await station.app.inject({ url: '/api/staff/status', headers: { cookie } });
  expect(response.statusCode).toBe(200);
  return response.json().storage;
}

describe.each([
  {
    name: 'disk full',
    state: 'full',
    code: 'SQLITE_FULL',
    // No page beyond what the file has now: the next insert that needs one fails.
    break: (db: Database.Database) => db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`),
    mend: (db: Database.Database) => db.pragma('max_page_count = 1073741823'),
  },
  {
    name: 'read-only database',
    state: 'read_only',
    code: 'SQLITE_READONLY',
    break: (db: Database.Database) => db.pragma('query_only = ON'),
    mend: (db: Database.Database) => db.pragma('query_only = OFF'),
  },
])('$name', ({ state, code, break: breakIt, mend }) => {
  it('refuses checkout with 503 storage_unavailable, shows it on the monitor, corrupts nothing, and recovers', async () => {
    t = await createTestStation({ products: PRODUCTS });
    const cookie = await staffCookie(t.app);
    const shopper = await startShopper(t.app);
    // A cart of many long-named lines: its order lines need pages the file does not have yet.
    for (const { sku } of PRODUCTS) {
      const added = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku } });
      expect(added.statusCode).toBe(200);
    }
    // No free pages left over from earlier deletes: "full" means full for this checkout.
    t.station.db.exec('VACUUM');
    expect(await status(t, cookie)).toEqual({ state: 'ok', code: null, since: null, lastFailureAt: null });
    const before = counts(t.station.db);

    breakIt(t.station.db);
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await checkout(t, shopper);
      expect(refused.statusCode, refused.body).toBe(503);
      expect(refused.json()).toEqual({ error: { code: 'storage_unavailable', message: expect.stringMatching(/cannot save/) } });
    }
    // Reads still work: the monitor sees why, and the shopper's cart is still there.
    const shown = await status(t, cookie);
    expect(shown).toMatchObject({ state, code: expect.stringMatching(new RegExp(`^${code}`)) });
    expect(Date.parse(shown.since)).toBeLessThanOrEqual(Date.parse(shown.lastFailureAt));
    expect((await t.app.inject({ url: '/api/cart', headers: shopper.headers })).statusCode).toBe(200);
    // Nothing half-written: every refused checkout rolled back whole.
    expect(counts(t.station.db)).toEqual(before);
    expect(t.station.db.pragma('integrity_check', { simple: true })).toBe('ok');

    mend(t.station.db);
    const paid = await checkout(t, shopper);
    expect(paid.statusCode, paid.body).toBe(201);
    expect(await status(t, cookie)).toMatchObject({ state: 'ok', code: null });
    // And a fresh connection to the file, as after a restart, finds it whole.
    const reopened = new Database(join(t.station.dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((reopened.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n).toBe((before as { orders: number }).orders + 1);
    } finally {
      reopened.close();
    }
  });
});
