// Runs in: node (vitest). Issue 8, item 4: lock contention on the store database (SQLITE_BUSY
// when another connection holds the write lock past busy_timeout, SQLITE_LOCKED for a locked
// table) is answered 503 `storage_busy` with Retry-After in the error shape, never a 500; the
// transaction rolled back whole, the disk is not reported as failing, and a retry succeeds.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandling, storageBusyOf } from '../../../server/http/errors.js';
import { DATABASE_FILE } from '../../../server/store/station.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, type TestStation } from '../../helpers/station.js';

let t: TestStation | undefined;
let other: Database.Database | undefined;
afterEach(async () => {
  other?.close();
  other = undefined;
  await t?.close();
  t = undefined;
});

function counts(db: Database.Database) {
  return db
    .prepare('SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM outbox) AS outbox')
    .get();
}

describe('store database busy', () => {
  it('answers 503 storage_busy while another connection holds the write lock, saves nothing, and the retry succeeds', async () => {
    t = await createTestStation();
    const cookie = await staffCookie(t.app);
    const shopper = await startShopper(t.app);
    const added = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
    expect(added.statusCode).toBe(200);
    // The station's own 5 s wait would only slow the test down; the outcome is the same.
    t.station.db.pragma('busy_timeout = 20');
    const before = counts(t.station.db);

    // A second process on the same file (a backup tool, a stray CLI) takes the write lock.
    other = new Database(join(t.station.dataDir, DATABASE_FILE));
    other.exec('BEGIN IMMEDIATE');
    const body = checkoutBody();
    const refused = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    expect(refused.statusCode, refused.body).toBe(503);
    expect(refused.json()).toEqual({ error: { code: 'storage_busy', message: expect.stringMatching(/busy/) } });
    expect(refused.headers['retry-after']).toBe('1');
    // Cart writes meet the same lock and the same answer.
    const cartRefused = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'SNK-2' } });
    expect(cartRefused.statusCode, cartRefused.body).toBe(503);
    expect(cartRefused.json().error.code).toBe('storage_busy');
    // Reads go on (WAL), and the disk is not reported as failing: contention is not a disk fault.
    const status = await t.app.inject({ url: '/api/staff/status', headers: { cookie } });
    expect(status.json().storage).toEqual({ state: 'ok', code: null, since: null, lastFailureAt: null });
    other.exec('ROLLBACK');
    expect(counts(t.station.db)).toEqual(before);

    // The shopper app resends the same order id: it is placed once, as a first send.
    const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.json()).toMatchObject({ id: body.orderId, total: 1500 });
    expect(counts(t.station.db)).toMatchObject({ orders: (before as { orders: number }).orders + 1 });
    expect(t.station.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('the shared error handler', () => {
  it.each(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE'])(
    'maps %s to 503 storage_busy with Retry-After',
    async (code) => {
      const app = Fastify({ logger: false });
      installErrorHandling(app, { internalMessage: 'internal' });
      app.post('/write', async () => {
        throw Object.assign(new Error('database is locked'), { code });
      });
      try {
        const response = await app.inject({ method: 'POST', url: '/write' });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({ error: { code: 'storage_busy', message: expect.any(String) } });
        expect(response.headers['retry-after']).toBe('1');
      } finally {
        await app.close();
      }
    },
  );

  it('leaves other SQLite errors alone', () => {
    expect(storageBusyOf({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(false);
    expect(storageBusyOf({ code: 'SQLITE_FULL' })).toBe(false);
    expect(storageBusyOf(new Error('no code'))).toBe(false);
    expect(storageBusyOf(null)).toBe(false);
  });
});
