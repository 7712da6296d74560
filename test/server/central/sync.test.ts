// Runs in: node (vitest). Sync ingest: each event stored once, the ack is the highest
// contiguous seq; duplicate, out-of-order and concurrent delivery (issue 3, 8c and 8d), on
// SQLite and PostgreSQL.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { uuidv7 } from '../../../server/protocol/uuidv7.js';
import type { SyncEvent } from '../../../server/central/modules/sync/schemas.js';
import { createTestCentral, describeDialects, signedInject, STORE_ID, T0, type InjectResult, type TestCentral } from './helpers.js';

type Event = SyncEvent;

function events(from: number, to: number): Event[] {
  return Array.from({ length: to - from + 1 }, (_, i) => {
    const seq = from + i;
    return {
      id: uuidv7(T0 + seq),
      seq,
      type: seq % 2 ? 'order.placed' : 'payment.captured',
      occurredAt: new Date(T0 + seq * 1000).toISOString(),
      payload: { orderId: `order-${seq}`, amount: 1000 + seq, currency: 'KRW', lines: [{ sku: 'MILK-1', quantity: 2 }] },
    };
  });
}

const ack = (r: InjectResult) => {
  if (r.statusCode !== 200) throw new Error(`${r.statusCode} ${r.body}`);
  return r.json<{ ackSeq: number }>().ackSeq;
};

describeDialects('central sync ingest', (dialect) => {
  let c: TestCentral;
  beforeEach(async () => {
    c = await createTestCentral(dialect);
  });
  afterEach(async () => {
    await c.close();
  });
  const send = (batch: Event[]) => c.signed('POST', '/v1/sync/batches', { storeId: STORE_ID, events: batch });
  const stored = async () => (await c.db.central.db.selectFrom('sync_events').select(['id', 'seq']).orderBy('seq').execute()).map((r) => r.seq);

  it('stores in-order batches and acks the last seq', async () => {
    const all = events(1, 20);
    expect(ack(await send(all.slice(0, 10)))).toBe(10);
    expect(ack(await send(all.slice(10)))).toBe(20);
    expect(ack(await c.signed('GET', '/v1/sync/state'))).toBe(20);
    expect(await stored()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const first = await c.db.central.db.selectFrom('sync_events').selectAll().where('seq', '=', 1).executeTakeFirstOrThrow();
    expect(JSON.parse(first.payload)).toEqual(all[0]!.payload);
    expect(first.occurred_at).toBe(T0 + 1000);
  });

  it('stores a duplicate batch once, whatever the field order, and acks the same', async () => {
    const batch = events(1, 5);
    expect(ack(await send(batch))).toBe(5);
    const reordered = batch.map((e) => ({ payload: Object.fromEntries(Object.entries(e.payload).reverse()), occurredAt: e.occurredAt, type: e.type, seq: e.seq, id: e.id }));
    expect(ack(await send(reordered as Event[]))).toBe(5);
    // A batch that repeats an event within itself is fine too.
    const twice = events(6, 7);
    expect(ack(await send([...twice, ...twice]))).toBe(7);
    expect(await stored()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('accepts out-of-order batches and acks only the contiguous prefix', async () => {
    const all = events(1, 30);
    expect(ack(await send(all.slice(20, 30)))).toBe(0);
    expect(ack(await send(all.slice(0, 10)))).toBe(10);
    expect(ack(await send(all.slice(0, 5)))).toBe(10);
    expect(ack(await send([all[14]!, all[12]!, all[10]!]))).toBe(11);
    expect(ack(await send(all.slice(10, 20).reverse()))).toBe(30);
    expect((await stored()).length).toBe(30);
  });

  it('refuses a conflicting reuse with 409 and stores nothing of that batch', async () => {
    const [a, b] = events(1, 2);
    expect(ack(await send([a!]))).toBe(1);
    const conflicts = [
      [{ ...a!, seq: 5 }],
      [{ ...a!, payload: { orderId: 'other' } }],
      [{ ...a!, type: 'order.updated' }],
      [b!, { ...events(3, 3)[0]!, seq: 1 }],
      [b!, { ...b!, payload: {} }],
    ];
    for (const batch of conflicts) {
      const response = await send(batch);
      expect(response.statusCode, JSON.stringify(batch)).toBe(409);
      expect(response.json().error.code).toBe('event_conflict');
    }
    expect(await stored()).toEqual([1]);
  });

  it('refuses malformed batches with a 4xx', async () => {
    const [e] = events(1, 1);
    const bad = [
      { storeId: STORE_ID, events: events(1, 501) },
      { storeId: STORE_ID, events: [{ ...e, id: 'not-a-uuid' }] },
      { storeId: STORE_ID, events: [{ ...e, id: '0190a5b2-1c3d-4e5f-8a9b-0c1d2e3f4a5b' }] },
      { storeId: STORE_ID, events: [{ ...e, seq: 0 }] },
      { storeId: STORE_ID, events: [{ ...e, seq: 1.5 }] },
      { storeId: STORE_ID, events: [{ ...e, occurredAt: 'yesterday' }] },
      { storeId: STORE_ID, events: [{ ...e, type: 'DROP TABLE' }] },
      { storeId: STORE_ID, events: [{ ...e, extra: true }] },
      { storeId: STORE_ID },
    ];
    for (const body of bad) {
      const response = await c.signed('POST', '/v1/sync/batches', body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(response.json().error).toBeDefined();
    }
    const huge = await c.signed('POST', '/v1/sync/batches', { storeId: STORE_ID, events: [{ ...e, payload: { pad: 'x'.repeat(5 * 1024 * 1024) } }] });
    expect([huge.statusCode, huge.json().error.code]).toEqual([413, 'body_too_large']);
    const form = await c.signed('POST', '/v1/sync/batches', undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBeGreaterThanOrEqual(400);
    expect(form.statusCode).toBeLessThan(500);
    const withCard = await send([{ ...e!, payload: { note: 'card 4111 1111 1111 1111' } }]);
    expect([withCard.statusCode, withCard.json().error.code]).toEqual([400, 'card_data_refused']);
    expect(await stored()).toEqual([]);
  });

  it('stores once and acks correctly when two instances get the same batches at once', async () => {
    const second = await c.secondInstance();
    const all = events(1, 200);
    const viaSecond = (batch: Event[]) => signedInject(second, c.clock, c.storeKey, 'POST', '/v1/sync/batches', { storeId: STORE_ID, events: batch });
    const [a, b] = await Promise.all([send(all), viaSecond(all)]);
    expect([ack(a), ack(b)]).toEqual([200, 200]);
    // Halves of a gap arriving at different instances at once: the later commit sees both.
    const more = events(201, 400);
    const results = await Promise.all([send(more.slice(100)), viaSecond(more.slice(0, 100)), send(more.slice(0, 100)), viaSecond(more.slice(100))]);
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(Math.max(...results.map(ack))).toBe(400);
    expect(ack(await c.signed('GET', '/v1/sync/state'))).toBe(400);
    const rows = await c.db.central.db.selectFrom('sync_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(400);
  });
});
