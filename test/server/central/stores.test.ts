// Runs in: node (vitest). Store registration, the admin token and signed-request checks, on
// SQLite and PostgreSQL.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { logSink } from '../../helpers/log-sink.js';
import { buildCentralApp } from '../../../server/central/app.js';
import { centralLogger } from '../../../server/central/server.js';
import { TestAcquirer } from '../../../server/central/acquirer/test-acquirer.js';
import { ManualClock } from '../../../server/store/clock.js';
import { signRequest } from '../../../server/protocol/signing.js';
import { ADMIN_TOKEN, createTestCentral, createTestDb, describeDialects, signedInject, STORE_ID, T0, type TestCentral, type TestDb } from './helpers.js';

describeDialects('central stores and auth', (dialect) => {
  let c: TestCentral;
  beforeEach(async () => {
    c = await createTestCentral(dialect);
  });
  afterEach(async () => {
    await c.close();
  });

  it('registers a store once, returns its key only then, and lists stores without keys', async () => {
    const created = await c.admin('POST', '/admin/stores', { storeId: 'BUSAN-0002', name: '해운대점', address: '부산 해운대구 1' });
    expect(created.statusCode).toBe(201);
    const store = created.json<{ storeKey: string; storeId: string }>();
    expect(Buffer.from(store.storeKey, 'base64url')).toHaveLength(32);
    expect((await c.admin('POST', '/admin/stores', { storeId: 'BUSAN-0002', name: 'x', address: 'y' })).json()).toEqual({
      error: { code: 'store_exists', message: expect.any(String) },
    });
    const list = await c.admin('GET', '/admin/stores');
    expect(list.json<{ stores: { storeId: string }[] }>().stores.map((s) => s.storeId)).toEqual(['BUSAN-0002', STORE_ID]);
    expect(list.body).not.toContain(store.storeKey);
    const rows = await c.db.central.db.selectFrom('stores').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(store.storeKey);
    const settings = await c.db.central.db.selectFrom('settings').selectAll().execute();
    expect(JSON.stringify(settings)).not.toContain(ADMIN_TOKEN);
  });

  it('needs the admin token, and refuses bad store input with a 4xx', async () => {
    const none = await c.app.inject({ method: 'GET', url: '/admin/stores' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('admin_required');
    const wrong = await c.app.inject({ method: 'GET', url: '/admin/stores', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    for (const body of [{ storeId: 'lower', name: 'a', address: 'b' }, { storeId: 'OK-01', name: '', address: 'b' }, { storeId: 'OK-01', name: 'a', address: 'b', extra: 1 }, {}]) {
      const response = await c.admin('POST', '/admin/stores', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    const notJson = await c.app.inject({ method: 'POST', url: '/admin/stores', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, payload: '{' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('invalid_json');
  });

  it('accepts a correctly signed station request and refuses stale, replayed, forged and foreign ones with 401', async () => {
    expect((await c.signed('GET', '/v1/sync/state')).json()).toEqual({ ackSeq: 0 });

    const stale = signRequest({ method: 'GET', path: '/v1/sync/state', storeId: STORE_ID, key: c.storeKey, now: T0 - 6 * 60_000 });
    const refusal = (r: { statusCode: number; json(): unknown }) => [r.statusCode, (r.json() as { error: { code: string } }).error.code];
    expect(refusal(await c.app.inject({ method: 'GET', url: '/v1/sync/state', headers: stale }))).toEqual([401, 'stale_request']);

    const once = signRequest({ method: 'GET', path: '/v1/sync/state', storeId: STORE_ID, key: c.storeKey, now: T0 });
    expect((await c.app.inject({ method: 'GET', url: '/v1/sync/state', headers: once })).statusCode).toBe(200);
    expect(refusal(await c.app.inject({ method: 'GET', url: '/v1/sync/state', headers: once }))).toEqual([401, 'replayed_request']);
    // Another instance on the same database knows the nonce too.
    const second = await c.secondInstance();
    expect(refusal(await second.inject({ method: 'GET', url: '/v1/sync/state', headers: once }))).toEqual([401, 'replayed_request']);

    const otherKey = Buffer.alloc(32, 1).toString('base64url');
    expect(refusal(await c.signed('GET', '/v1/sync/state', undefined, {}, { storeId: STORE_ID, key: otherKey }))).toEqual([401, 'bad_signature']);
    expect(refusal(await c.signed('GET', '/v1/sync/state', undefined, {}, { storeId: 'NOPE-0009', key: c.storeKey }))).toEqual([401, 'bad_signature']);
    const other = (await c.admin('POST', '/admin/stores', { storeId: 'BUSAN-0002', name: 'b', address: 'b' })).json<{ storeKey: string }>();
    // A station that signs with its own key but claims another store's id.
    expect(refusal(await c.signed('GET', '/v1/sync/state', undefined, {}, { storeId: 'BUSAN-0002', key: c.storeKey }))).toEqual([401, 'bad_signature']);
    expect((await c.signed('GET', '/v1/sync/state', undefined, {}, { storeId: 'BUSAN-0002', key: other.storeKey })).statusCode).toBe(200);
    expect(refusal(await c.app.inject({ method: 'GET', url: '/v1/sync/state' }))).toEqual([401, 'bad_signature']);

    const headers = signRequest({ method: 'POST', path: '/v1/sync/batches', body: '{"storeId":"SEOUL-0001","events":[]}', storeId: STORE_ID, key: c.storeKey, now: T0 });
    const tampered = await c.app.inject({ method: 'POST', url: '/v1/sync/batches', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"storeId":"SEOUL-0001","events":[] }' });
    expect(refusal(tampered)).toEqual([401, 'bad_signature']);
    // Signed by one store, naming another in the body.
    expect(refusal(await c.signed('POST', '/v1/sync/batches', { storeId: 'BUSAN-0002', events: [] }))).toEqual([403, 'store_mismatch']);
  });

  it('issues a new key on request; the old one stops working at once', async () => {
    const rotated = await c.admin('POST', `/admin/stores/${STORE_ID}/key`);
    expect(rotated.statusCode).toBe(201);
    const newKey = rotated.json<{ storeKey: string }>().storeKey;
    expect((await c.signed('GET', '/v1/sync/state')).statusCode).toBe(401);
    expect((await c.signed('GET', '/v1/sync/state', undefined, {}, { storeId: STORE_ID, key: newKey })).statusCode).toBe(200);
    expect((await c.admin('POST', '/admin/stores/NONE-0001/key')).statusCode).toBe(404);
  });

  it('purges nonces once they could no longer pass the freshness check', async () => {
    await c.signed('GET', '/v1/sync/state');
    expect(await c.app.central.purgeExpired(T0 + 60_000)).toEqual({ idempotencyKeys: 0, nonces: 0 });
    expect(await c.app.central.purgeExpired(T0 + 7 * 60_000)).toEqual({ idempotencyKeys: 0, nonces: 1 });
  });
});

describeDialects('central admin token and logs', (dialect) => {
  let db: TestDb;
  afterEach(async () => {
    await db.drop();
  });

  it('makes an admin token on first start only, and logs refusals without secrets', async () => {
    db = await createTestDb(dialect);
    const { stream: sink, lines } = logSink();
    const clock = new ManualClock(T0);
    const app = await buildCentralApp({ db: db.central, acquirer: new TestAcquirer(), clock, logger: centralLogger('info', sink), purgeEveryMs: 0 });
    const token = await app.central.stores.ensureAdminToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await app.central.stores.ensureAdminToken()).toBeUndefined();
    const created = await app.inject({ method: 'POST', url: '/admin/stores', headers: { authorization: `Bearer ${token}` }, payload: { storeId: STORE_ID, name: 'n', address: 'a' } });
    const storeKey = created.json<{ storeKey: string }>().storeKey;
    const good = await signedInject(app, clock, storeKey, 'GET', '/v1/sync/state');
    expect(good.statusCode).toBe(200);
    const forged = await signedInject(app, clock, Buffer.alloc(32, 3).toString('base64url'), 'GET', '/v1/sync/state');
    expect(forged.statusCode).toBe(401);
    await app.inject({ method: 'GET', url: '/admin/stores', headers: { authorization: 'Bearer guess-guess-guess' } });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('signed request refused');
    expect(log).toContain('"refusal":"bad_signature"');
    expect(log).toContain('admin request refused');
    for (const secret of [token!, storeKey, 'guess-guess-guess']) expect(log).not.toContain(secret);
  });
});
