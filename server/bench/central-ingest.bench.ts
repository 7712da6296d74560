// Runs in: node (bench process). Central sync ingest (issue 3): stations drain their outbox in
// signed batches of 500 into the real central service; the baseline is the same rows written as
// raw batched INSERTs into the same database, measured in the same run. SQLite by default;
// OMNI_BENCH_CENTRAL_DB=postgres://… measures PostgreSQL instead (a throw-away database: the
// rows stay).
import { randomBytes, randomUUID } from 'node:crypto';
import type { SyncEvent } from '../central/modules/sync/schemas.js';
import { signRequest } from '../protocol/signing.js';
import { uuidv7 } from '../protocol/uuidv7.js';
import { startChildServer } from './child.js';
import { rawInsertSyncEvents } from './raw-sync-events.js';
import { ratio, roundSignificant } from './stats.js';
import type { Benchmark } from './types.js';

const BATCH = 500;
// Fresh store ids per run, so a PostgreSQL database can be measured again without a reset.
const RUN = randomBytes(3).toString('hex').toUpperCase();
const STATIONS = [`BENCH-${RUN}-1`, `BENCH-${RUN}-2`];
const RAW_STORE = `BENCH-${RUN}-RAW`;

type Event = SyncEvent;

/** Payment and order events shaped like the station's outbox (server/store/modules/payments). */
function makeEvents(count: number): Event[] {
  const start = Date.now() - count;
  return Array.from({ length: count }, (_, i) => {
    const orderId = randomUUID();
    const payment = i % 2 === 1;
    return {
      id: uuidv7(start + i),
      seq: i + 1,
      type: payment ? 'payment.captured' : 'order.placed',
      occurredAt: new Date(start + i).toISOString(),
      payload: payment
        ? { paymentId: randomUUID(), orderId, number: i, amount: 1000 + (i % 50) * 100, currency: 'KRW', method: 'card', state: 'paid', brand: 'visa', maskedPan: '424242******4242' }
        : { orderId, number: i, total: 1000 + (i % 50) * 100, currency: 'KRW', lines: [{ sku: 'MILK-1', quantity: 2, unitPrice: 1500 }] },
    };
  });
}

async function drain(url: string, storeId: string, key: string, events: Event[]): Promise<void> {
  for (let i = 0; i < events.length; i += BATCH) {
    const body = JSON.stringify({ storeId, events: events.slice(i, i + BATCH) });
    const headers = signRequest({ method: 'POST', path: '/v1/sync/batches', body, storeId, key, now: Date.now() });
    const response = await fetch(`${url}/v1/sync/batches`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    const answer = (await response.json()) as { ackSeq?: number };
    if (response.status !== 200 || answer.ackSeq !== Math.min(i + BATCH, events.length)) {
      throw new Error(`central_ingest: batch at ${i} answered ${response.status} ${JSON.stringify(answer)}`);
    }
  }
}

function rawRows(events: Event[]) {
  const now = Date.now();
  return events.map((e, i) => [RAW_STORE, e.id, i + 1, e.type, Date.parse(e.occurredAt), JSON.stringify(e.payload), 'x'.repeat(64), now]);
}

export const benchmark: Benchmark = {
  group: 'central_ingest',
  baseline: 'raw batched INSERTs of the same events into the same database, same run',
  rows: [{ name: 'central_ingest_events_per_s', unit: 'events/s', better: 'higher' }],
  async run(ctx) {
    const perStation = ctx.quick ? 2_000 : 10_000;
    const dbUrl = process.env.OMNI_BENCH_CENTRAL_DB;
    ctx.log(`central_ingest: ${STATIONS.length} stations × ${perStation} events in batches of ${BATCH} into central on ${dbUrl ? 'PostgreSQL' : 'SQLite'}`);
    const central = await startChildServer<{ keys: Record<string, string>; dbFile: string | null }>(
      new URL('./central-server.ts', import.meta.url),
      [[...STATIONS, RAW_STORE].join(','), dbUrl ?? ''],
      { name: 'central', cpuProfDir: ctx.cpuProfDir },
    );
    try {
      const events = STATIONS.map(() => makeEvents(perStation));
      const started = performance.now();
      await Promise.all(STATIONS.map((storeId, i) => drain(central.info.url, storeId, central.info.keys[storeId]!, events[i]!)));
      const elapsed = performance.now() - started;
      const total = STATIONS.length * perStation;
      const baselineMs = await rawInsertSyncEvents(rawRows(events.flat()), { file: central.info.dbFile, url: dbUrl });
      const value = roundSignificant(total / (elapsed / 1000), 4);
      const baseline = roundSignificant(total / (baselineMs / 1000), 4);
      ctx.log(`  central: ${Math.round(value)} events/s (${Math.round(elapsed)} ms); raw batched INSERTs: ${Math.round(baseline)} events/s (${Math.round(baselineMs)} ms)`);
      return [{ name: 'central_ingest_events_per_s', value, unit: 'events/s', baseline, ratio: roundSignificant(ratio(value, baseline), 4) }];
    } finally {
      await central.stop();
    }
  },
};
