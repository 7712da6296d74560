// Runs in: node (bench process). Backlog drain (issue 3, item 9): a station holds 10,000 payments'
// worth of outbox events (each payment is the checkout's `order.placed` and its
// `payment.captured`: 20,000 real outbox rows, written through OutboxRepository inside
// transactions as the station writes them), and the station's own SyncWorker sends them to the
// real central service (a child process) in signed batches until central has acknowledged all.
// Baseline: the same 20,000 events as raw batched INSERTs into central's same table of the same
// database, measured in the same run. Afterwards central is checked for duplicates (0 expected).
// SQLite by default; OMNI_BENCH_CENTRAL_DB=postgres://… measures PostgreSQL (a throw-away
// database: the rows stay).
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { systemClock } from '../store/clock.js';
import { initStation, type Station } from '../store/station.js';
import { OutboxRepository, type OutboxEvent } from '../store/modules/outbox/repository.js';
import { CentralClient } from '../store/sync/central-client.js';
import { SyncWorker } from '../store/sync/worker.js';
import { startChildServer } from './child.js';
import { rawInsertSyncEvents } from './raw-sync-events.js';
import { ratio, roundSignificant } from './stats.js';
import type { Benchmark } from './types.js';

export const PAYMENTS = 10_000;
const EVENTS_PER_PAYMENT = 2;
const GOAL_S = 10;
// Fresh store ids per run, so a PostgreSQL database can be measured again without a reset.
const RUN = randomBytes(3).toString('hex').toUpperCase();
const STATION_ID = `DRAIN-${RUN}`;
const RAW_STORE = `DRAIN-${RUN}-RAW`;

/** What central holds for one store, read from its database. */
interface Landed {
  events: number;
  distinctIds: number;
  ackSeq: number;
  /** Events central holds more than once for the same (type, order): the station's double sends. */
  duplicates: number;
}

/**
 * Fills the station's outbox as paid checkouts do: `order.placed` (payload as OrderService's
 * syncPayload) then `payment.captured` (as PaymentService's paymentPayload), through the real
 * repository inside transactions. Many payments share a transaction: only the rows matter here.
 */
export function fillOutbox(station: Station, payments: number): void {
  const outbox = new OutboxRepository(station.db);
  const start = Date.now() - payments * 10;
  const chunk = 1_000;
  for (let from = 0; from < payments; from += chunk) {
    station.db.transaction(() => {
      for (let i = from; i < Math.min(from + chunk, payments); i++) {
        const orderId = randomUUID();
        const number = i + 1;
        const quantity = 1 + (i % 3);
        const unitPrice = 500 + (i % 40) * 100;
        const total = unitPrice * quantity;
        const at = start + i * 10;
        outbox.append(
          'order.placed',
          {
            orderId,
            number,
            state: 'placed',
            total,
            currency: 'KRW',
            items: [{ sku: `SKU-${i % 200}`, unitPrice, quantity }],
            fulfilment: 'pickup',
            paymentMethod: 'card',
            paymentState: 'pending',
          },
          at,
        );
        outbox.append(
          'payment.captured',
          {
            paymentId: randomUUID(),
            orderId,
            number,
            amount: total,
            currency: 'KRW',
            method: 'card',
            state: 'paid',
            attempt: 1,
            centralPaymentId: randomUUID(),
            brand: 'visa',
            maskedPan: '424242******4242',
          },
          at + 5,
        );
      }
    })();
  }
}

async function landed(storeId: string, db: { file: string | null; url?: string }): Promise<Landed> {
  const counts = `SELECT count(*) AS events, count(DISTINCT id) AS distinct_ids FROM sync_events WHERE store_id = $1`;
  const ack = `SELECT ack_seq FROM sync_state WHERE store_id = $1`;
  if (db.file) {
    const sqlite = new Database(db.file, { readonly: true });
    try {
      sqlite.pragma('busy_timeout = 5000');
      const c = sqlite.prepare(counts.replace('$1', '?')).get(storeId) as { events: number; distinct_ids: number };
      const a = sqlite.prepare(ack.replace('$1', '?')).get(storeId) as { ack_seq: number } | undefined;
      const d = sqlite
        .prepare(
          `SELECT coalesce(sum(n - 1), 0) AS extra FROM (SELECT count(*) AS n FROM sync_events WHERE store_id = ?
           GROUP BY type, json_extract(payload, '$.orderId') HAVING count(*) > 1)`,
        )
        .get(storeId) as { extra: number };
      return { events: c.events, distinctIds: c.distinct_ids, ackSeq: a?.ack_seq ?? 0, duplicates: d.extra };
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const c = (await client.query<{ events: string; distinct_ids: string }>(counts, [storeId])).rows[0]!;
    const a = (await client.query<{ ack_seq: string }>(ack, [storeId])).rows[0];
    const d = (
      await client.query<{ extra: string }>(
        `SELECT coalesce(sum(n - 1), 0) AS extra FROM (SELECT count(*) AS n FROM sync_events WHERE store_id = $1
         GROUP BY type, (payload::json)->>'orderId' HAVING count(*) > 1) AS dup`,
        [storeId],
      )
    ).rows[0]!;
    return { events: Number(c.events), distinctIds: Number(c.distinct_ids), ackSeq: Number(a?.ack_seq ?? 0), duplicates: Number(d.extra) };
  } finally {
    await client.end();
  }
}

function rawRows(events: readonly OutboxEvent[]) {
  const now = Date.now();
  return events.map((e) => [RAW_STORE, e.id, e.seq, e.type, Date.parse(e.occurredAt), JSON.stringify(e.payload), 'x'.repeat(64), now]);
}

export const benchmark: Benchmark = {
  group: 'sync_drain',
  baseline: 'raw batched INSERTs of the same events into the same table at central, same run',
  rows: [
    {
      name: 'sync_drain_10k_s',
      unit: 's',
      better: 'lower',
      goal: { text: `drain a backlog of 10,000 payments in ≤ ${GOAL_S} s with 0 duplicates (issue 3)`, met: (row) => row.value <= GOAL_S },
    },
  ],
  async run(ctx) {
    const dbUrl = process.env.OMNI_BENCH_CENTRAL_DB;
    const events = PAYMENTS * EVENTS_PER_PAYMENT;
    ctx.log(`sync_drain: ${PAYMENTS} payments (${events} outbox events) from one station to central on ${dbUrl ? 'PostgreSQL' : 'SQLite'}`);
    const central = await startChildServer<{ keys: Record<string, string>; dbFile: string | null }>(
      new URL('./central-server.ts', import.meta.url),
      [[STATION_ID, RAW_STORE].join(','), dbUrl ?? ''],
      { name: 'central', cpuProfDir: ctx.cpuProfDir },
    );
    const stationDir = mkdtempSync(join(tmpdir(), 'omni-bench-drain-station-'));
    let station: Station | undefined;
    try {
      station = initStation({ dataDir: join(stationDir, 'data'), storeId: STATION_ID, name: 'Drain bench' }).station;
      const filling = performance.now();
      fillOutbox(station, PAYMENTS);
      const outbox = new OutboxRepository(station.db);
      const backlog = outbox.status();
      if (backlog.backlog !== events) throw new Error(`sync_drain: the outbox holds ${backlog.backlog} events, not ${events}`);
      ctx.log(`  outbox filled: ${backlog.backlog} events in ${Math.round(performance.now() - filling)} ms`);
      const snapshot = outbox.pending(events);
      if (ctx.signal.aborted) return [];

      // The station's own worker and signed client, as `serve` wires them.
      const transport = new CentralClient({ baseUrl: central.info.url, storeId: STATION_ID, storeKey: central.info.keys[STATION_ID]!, clock: systemClock });
      const worker = new SyncWorker({ outbox, transport, clock: systemClock });
      const started = performance.now();
      const sent = await worker.drain();
      const drainMs = performance.now() - started;
      const after = outbox.status();
      if (sent !== events || after.backlog !== 0 || after.ackedSeq !== events) {
        throw new Error(`sync_drain: the worker settled ${sent} events; backlog ${after.backlog}, acked ${after.ackedSeq} of ${events}`);
      }

      const db = { file: central.info.dbFile, url: dbUrl };
      const atCentral = await landed(STATION_ID, db);
      const duplicates = atCentral.duplicates + (atCentral.events - atCentral.distinctIds);
      ctx.log(
        `  central holds ${atCentral.events} events (${atCentral.distinctIds} distinct ids), ack ${atCentral.ackSeq}; duplicates: ${duplicates}`,
      );
      if (atCentral.events !== events || atCentral.ackSeq !== events || duplicates !== 0) {
        throw new Error(`sync_drain: central holds ${atCentral.events} events, ack ${atCentral.ackSeq}, ${duplicates} duplicates (expected ${events}, ${events}, 0)`);
      }

      const baselineMs = await rawInsertSyncEvents(rawRows(snapshot), db);
      const value = roundSignificant(drainMs / 1000, 4);
      const baseline = roundSignificant(baselineMs / 1000, 4);
      ctx.log(
        `  drained in ${(drainMs / 1000).toFixed(2)} s (${Math.round(events / (drainMs / 1000))} events/s); ` +
          `raw batched INSERTs of the same events: ${(baselineMs / 1000).toFixed(3)} s`,
      );
      return [{ name: 'sync_drain_10k_s', value, unit: 's', baseline, ratio: roundSignificant(ratio(drainMs, baselineMs), 4) }];
    } finally {
      station?.close();
      rmSync(stationDir, { recursive: true, force: true });
      await central.stop();
    }
  },
};
