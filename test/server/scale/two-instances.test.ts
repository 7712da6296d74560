// Runs in: node (vitest). Issue 8, item 7's evidence: two central app instances on one database
// (PostgreSQL when OMNI_TEST_PG_URL is set, skipped visibly otherwise, as the other central
// tests are; also one SQLite file) and a few stations whose every sync batch and every charge
// reaches both instances at once, twice each, as a load balancer retrying on another backend
// would send them. Each event and each payment is stored exactly once, both instances
// acknowledge the same sequence, and the ledger's totals equal the stations' own.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { CentralApp } from '../../../server/central/app.js';
import type { SyncEvent } from '../../../server/central/modules/sync/schemas.js';
import { uuidv7 } from '../../../server/protocol/uuidv7.js';
import { createTestCentral, describeDialects, signedInject, STORE_ID, type InjectResult, type TestCentral } from '../central/helpers.js';

const ORDERS_PER_STORE = 12;

interface Station {
  storeId: string;
  key: string;
  orders: { orderId: string; amount: number }[];
  events: SyncEvent[];
  total: number;
}

function stationOf(storeId: string, key: string, n: number): Station {
  const orders = Array.from({ length: ORDERS_PER_STORE }, (_, i) => ({ orderId: randomUUID(), amount: 1000 + n * 100 + i * 10 }));
  const at = Date.UTC(2026, 10, 25, 9);
  const events = orders.flatMap(({ orderId, amount }, i): SyncEvent[] => [
    { id: uuidv7(at + i), seq: 2 * i + 1, type: 'order.placed', occurredAt: new Date(at + i).toISOString(), payload: { orderId, number: i + 1, total: amount, currency: 'KRW' } },
    {
      id: uuidv7(at + i),
      seq: 2 * i + 2,
      type: 'payment.captured',
      occurredAt: new Date(at + i).toISOString(),
      payload: { paymentId: randomUUID(), orderId, number: i + 1, amount, currency: 'KRW', method: 'card', state: 'paid', attempt: 1 },
    },
  ]);
  return { storeId, key, orders, events, total: orders.reduce((sum, o) => sum + o.amount, 0) };
}

/** The same request to both instances, twice each, all at once. */
async function toBoth(instances: CentralApp[], t: TestCentral, s: Station, url: string, body: unknown, headers: Record<string, string> = {}): Promise<InjectResult[]> {
  return Promise.all(
    [...instances, ...instances].map((app) => signedInject(app, t.clock, s.key, 'POST', url, body, headers, s.storeId)),
  );
}

let t: TestCentral | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describeDialects('two central instances on one database', (dialect) => {
  it('store every duplicate sync batch and charge exactly once, with the stations’ totals', { timeout: 60_000 }, async () => {
    t = await createTestCentral(dialect);
    const central = t;
    const instances = [central.app, await central.secondInstance()];
    const stations = [stationOf(STORE_ID, central.storeKey, 0)];
    for (const n of [1, 2]) {
      const storeId = `SCALE-T${n}`;
      const created = await central.admin('POST', '/admin/stores', { storeId, name: `Store ${n}`, address: '서울 마포구 월드컵북로 396' });
      expect(created.statusCode, created.body).toBe(201);
      stations.push(stationOf(storeId, created.json<{ storeKey: string }>().storeKey, n));
    }

    await Promise.all(
      stations.map(async (s) => {
        // Charges: each one at both instances at once under one Idempotency-Key.
        for (const { orderId, amount } of s.orders) {
          const key = `omni-pay-${orderId}-1`;
          let answers = await toBoth(instances, central, s, '/v1/payments', { orderId, amount, currency: 'KRW', token: 'tok_visa', capture: true }, { 'idempotency-key': key });
          // A retry that found the first still running is told so (409) and sends again later.
          for (let round = 0; answers.some((a) => a.statusCode === 409) && round < 20; round++) {
            expect(answers.filter((a) => a.statusCode === 409).map((a) => a.json().error.code)).toEqual(
              answers.filter((a) => a.statusCode === 409).map(() => 'request_in_progress'),
            );
            answers = await toBoth(instances, central, s, '/v1/payments', { orderId, amount, currency: 'KRW', token: 'tok_visa', capture: true }, { 'idempotency-key': key });
          }
          for (const answer of answers) expect(answer.statusCode, answer.body).toBe(201);
          const ids = new Set(answers.map((a) => a.json<{ id: string }>().id));
          expect(ids.size).toBe(1);
          expect(answers[0]!.json()).toMatchObject({ state: 'captured', amountCaptured: amount });
        }
        // Sync: the first half, then all of it (overlapping), each batch to both at once.
        const half = s.events.slice(0, ORDERS_PER_STORE);
        for (const answer of await toBoth(instances, central, s, '/v1/sync/batches', { storeId: s.storeId, events: half })) {
          expect(answer.statusCode, answer.body).toBe(200);
          expect(answer.json()).toEqual({ ackSeq: half.length });
        }
        for (const answer of await toBoth(instances, central, s, '/v1/sync/batches', { storeId: s.storeId, events: s.events })) {
          expect(answer.statusCode, answer.body).toBe(200);
          expect(answer.json()).toEqual({ ackSeq: s.events.length });
        }
      }),
    );

    const db = central.db.central.db;
    const payments = await db.selectFrom('payments').select(['store_id', 'order_id', 'state', 'amount_captured']).execute();
    const events = await db.selectFrom('sync_events').select(['store_id', 'id', 'seq', 'type', 'payload']).execute();
    for (const s of stations) {
      const mine = payments.filter((p) => p.store_id === s.storeId);
      // One payment per order, captured at the station's amount; nothing else for this store.
      expect(mine.map((p) => [p.order_id, p.state, Number(p.amount_captured)]).sort()).toEqual(
        s.orders.map((o) => [o.orderId, 'captured', o.amount]).sort(),
      );
      expect(mine.reduce((sum, p) => sum + Number(p.amount_captured), 0)).toBe(s.total);
      const synced = events.filter((e) => e.store_id === s.storeId);
      expect(synced.map((e) => Number(e.seq)).sort((a, b) => a - b)).toEqual(s.events.map((e) => e.seq));
      expect(new Set(synced.map((e) => e.id)).size).toBe(s.events.length);
      const capturedTotal = synced
        .filter((e) => e.type === 'payment.captured')
        .reduce((sum, e) => sum + (JSON.parse(e.payload) as { amount: number }).amount, 0);
      expect(capturedTotal).toBe(s.total);
      // Both instances report the same acknowledgement from the shared table.
      for (const app of instances) {
        const state = await signedInject(app, central.clock, s.key, 'GET', '/v1/sync/state', undefined, {}, s.storeId);
        expect(state.json()).toEqual({ ackSeq: s.events.length });
      }
    }
  });
});
