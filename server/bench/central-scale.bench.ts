// Runs in: node (bench process). Central scale (issue 8, items 4 and 7): central instances as
// child processes on ONE PostgreSQL database, 50 simulated stations each charging payments
// (POST /v1/payments, Idempotency-Key per order) and syncing their outbox events in signed
// batches, spread over the instances round-robin as a load balancer would; a refused connection
// takes an instance out of rotation for a while (a passive health check) and the request goes to
// the next one. Phase 1: one instance (the baseline). Phase 2: two instances, and at two thirds
// of it the second is killed with SIGKILL. Afterwards every station's payments must be in the
// ledger exactly once, with the totals the stations saw acknowledged, and every event synced
// once. A station is a loop in this process, not a store server: the store side is soak_store.
// Skips, saying why, when no PostgreSQL can be had (server/bench/postgres.ts).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { signRequest } from '../protocol/signing.js';
import { uuidv7 } from '../protocol/uuidv7.js';
import type { SyncEvent } from '../central/modules/sync/schemas.js';
import { startChildServer, type ChildServer } from './child.js';
import { HttpClient } from './http.js';
import { seededRandom, sleep } from './load.js';
import { benchPostgres } from './postgres.js';
import { percentile, ratio, roundSignificant } from './stats.js';
import type { BenchContext, BenchRow, Benchmark } from './types.js';

const STATIONS = 50;
/** Events a station lets pile up before it syncs (two per payment): small batches, many requests. */
const SYNC_EVERY_EVENTS = 10;
const MAX_BATCH = 500;
/** How long a refused instance stays out of rotation. */
const OUT_OF_ROTATION_MS = 5_000;

type Instance = { name: string; http: HttpClient; downUntil: number };

/** Round robin over the instances in rotation, shared by all stations as one balancer is. */
class Balancer {
  private next = 0;
  constructor(readonly instances: Instance[]) {}

  pick(): Instance {
    const now = performance.now();
    for (let i = 0; i < this.instances.length; i++) {
      const instance = this.instances[this.next++ % this.instances.length]!;
      if (instance.downUntil <= now) return instance;
    }
    // All out of rotation: try anyway, as a balancer with no healthy backend still forwards.
    return this.instances[this.next++ % this.instances.length]!;
  }
}

interface PhaseStats {
  payments: number;
  syncLatencies: number[];
  /** When each sync request ended (performance.now()), to split a phase at the kill. */
  syncEndedAt: number[];
  chargeLatencies: number[];
  /** Requests sent again: no answer (instance killed), 409 in progress, 5xx. */
  retries: number;
  unexpected: string[];
}

class Station {
  seq = 0;
  acked = 0;
  private outbox: SyncEvent[] = [];
  /** What this station saw acknowledged: the figures the ledger must match. */
  paid = new Map<string, number>();
  total = 0;
  private readonly random: () => number;

  constructor(
    readonly storeId: string,
    private readonly key: string,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** A signed request through the balancer, sent again until it gets an answer it can act on. */
  private async send(lb: Balancer, stats: PhaseStats, path: string, body: unknown, headers: Record<string, string> = {}) {
    const json = JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      if (attempt > 400) throw new Error(`${this.storeId} ${path}: no usable answer after 400 attempts`);
      const instance = lb.pick();
      // Signed per attempt: a resend needs a fresh nonce, or central refuses it as a replay.
      const signature = signRequest({ method: 'POST', path, body: json, storeId: this.storeId, key: this.key, now: Date.now() });
      try {
        const answer = await instance.http.request(path, { method: 'POST', headers: { ...signature, ...headers }, json: body });
        if (answer.status >= 500 || answer.status === 409 || answer.status === 429) {
          const code = (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
          if (answer.status === 409 && code !== 'request_in_progress' && code !== 'payment_busy') return answer;
          stats.retries++;
          await sleep(100);
          continue;
        }
        return answer;
      } catch {
        instance.downUntil = performance.now() + OUT_OF_ROTATION_MS;
        stats.retries++;
        await sleep(10);
      }
    }
  }

  async pay(lb: Balancer, stats: PhaseStats): Promise<void> {
    const orderId = randomUUID();
    const amount = 1000 + Math.floor(this.random() * 490) * 100;
    const started = performance.now();
    const answer = await this.send(
      lb,
      stats,
      '/v1/payments',
      { orderId, amount, currency: 'KRW', token: 'tok_visa', capture: true },
      { 'idempotency-key': `omni-pay-${orderId}-1` },
    );
    stats.chargeLatencies.push(performance.now() - started);
    const payment = JSON.parse(answer.body) as { id?: string; state?: string; amountCaptured?: number };
    if (answer.status !== 201 || payment.state !== 'captured') {
      stats.unexpected.push(`${this.storeId} charge ${orderId}: ${answer.status} ${answer.body.slice(0, 200)}`);
      return;
    }
    this.paid.set(orderId, amount);
    this.total += amount;
    stats.payments++;
    const number = this.paid.size;
    const at = Date.now();
    this.outbox.push(
      { id: uuidv7(at), seq: ++this.seq, type: 'order.placed', occurredAt: new Date(at).toISOString(), payload: { orderId, number, total: amount, currency: 'KRW' } },
      {
        id: uuidv7(at),
        seq: ++this.seq,
        type: 'payment.captured',
        occurredAt: new Date(at).toISOString(),
        payload: { paymentId: randomUUID(), orderId, number, amount, currency: 'KRW', method: 'card', state: 'paid', attempt: 1, centralPaymentId: payment.id },
      },
    );
    if (this.outbox.length >= SYNC_EVERY_EVENTS) await this.sync(lb, stats);
  }

  async sync(lb: Balancer, stats: PhaseStats): Promise<void> {
    while (this.outbox.length > 0) {
      const events = this.outbox.slice(0, MAX_BATCH);
      const started = performance.now();
      const answer = await this.send(lb, stats, '/v1/sync/batches', { storeId: this.storeId, events });
      stats.syncLatencies.push(performance.now() - started);
      stats.syncEndedAt.push(performance.now());
      const ack = (JSON.parse(answer.body) as { ackSeq?: number }).ackSeq;
      if (answer.status !== 200 || typeof ack !== 'number' || ack < events.at(-1)!.seq) {
        stats.unexpected.push(`${this.storeId} sync up to ${events.at(-1)!.seq}: ${answer.status} ${answer.body.slice(0, 200)}`);
        return;
      }
      this.acked = ack;
      this.outbox = this.outbox.filter((e) => e.seq > ack);
    }
  }
}

function newStats(): PhaseStats {
  return { payments: 0, syncLatencies: [], syncEndedAt: [], chargeLatencies: [], retries: 0, unexpected: [] };
}

/** Every station pays back to back until `until()` says stop, then syncs what is left. */
async function drive(stations: Station[], lb: Balancer, stats: PhaseStats, keepGoing: () => boolean, signal: AbortSignal): Promise<void> {
  await Promise.all(
    stations.map(async (station) => {
      while (keepGoing() && !signal.aborted) await station.pay(lb, stats);
      await station.sync(lb, stats);
    }),
  );
}

export const benchmark: Benchmark = {
  group: 'central_scale',
  baseline: 'one central instance on the same PostgreSQL database, the same 50 stations, same run; exactly-once rows: payments acknowledged / the stations’ total',
  rows: [
    { name: 'central_scale_payments_per_s', unit: 'payments/s', better: 'higher' },
    { name: 'central_scale_sync_p99_ms', unit: 'ms', better: 'lower' },
    { name: 'central_scale_sync_p99_with_kill_ms', unit: 'ms', better: 'lower' },
    {
      name: 'central_scale_payment_errors',
      unit: 'payments',
      better: 'lower',
      goal: { text: 'every acknowledged payment in the ledger exactly once, across the kill', met: (r) => r.value === 0 },
    },
    {
      name: 'central_scale_ledger_diff',
      unit: 'KRW',
      better: 'lower',
      goal: { text: 'ledger totals equal the stations’ totals', met: (r) => r.value === 0 },
    },
  ],
  async run(ctx) {
    const oneMs = ctx.quick ? 5_000 : 20_000;
    const twoMs = ctx.quick ? 9_000 : 30_000;
    const killAt = Math.round((twoMs * 2) / 3);
    const database = await benchPostgres(ctx.log).catch((error: Error) => {
      ctx.log(`  ${error.message}`);
      return null;
    });
    if (!database) {
      ctx.log('central_scale: SKIPPED, no PostgreSQL reachable (set OMNI_BENCH_PG_URL=postgres://…, or install postgresql as .ci/postgres.sh does)');
      return [];
    }
    ctx.log(
      `central_scale: ${STATIONS} stations, PostgreSQL from ${database.source}; ${oneMs / 1000} s on one instance, ` +
        `then ${twoMs / 1000} s on two with the second killed (SIGKILL) at ${killAt / 1000} s`,
    );
    const storeIds = Array.from({ length: STATIONS }, (_, i) => `SCALE-${String(i + 1).padStart(4, '0')}`);
    const children: ChildServer<{ keys: Record<string, string> }>[] = [];
    const clients: HttpClient[] = [];
    try {
      const start = (stores: string[], name: string) =>
        startChildServer<{ keys: Record<string, string> }>(new URL('./central-scale-server.ts', import.meta.url), [database.url, stores.join(',')], {
          name,
          cpuProfDir: ctx.cpuProfDir,
        });
      const a = await start(storeIds, 'central-a');
      children.push(a);
      const b = await start([], 'central-b');
      children.push(b);
      const instance = (name: string, child: ChildServer<unknown>): Instance => {
        const http = new HttpClient((child.info as { url: string }).url, STATIONS + 8);
        clients.push(http);
        return { name, http, downUntil: 0 };
      };
      const ia = instance('a', a);
      const ib = instance('b', b);
      const stations = storeIds.map((id, i) => new Station(id, a.info.keys[id]!, 0x5ca1e + i));

      // Phase 1: one instance.
      const one = newStats();
      let until = performance.now() + oneMs;
      await drive(stations, new Balancer([ia]), one, () => performance.now() < until, ctx.signal);
      const oneRate = one.payments / (oneMs / 1000);
      ctx.log(
        `  one instance: ${one.payments} payments (${Math.round(oneRate)}/s), sync p99 ${percentile(one.syncLatencies, 99).toFixed(1)} ms over ` +
          `${one.syncLatencies.length} batches, charge p99 ${percentile(one.chargeLatencies, 99).toFixed(1)} ms`,
      );

      // Phase 2: two instances, the second killed two thirds in.
      const two = newStats();
      const phaseStart = performance.now();
      until = phaseStart + twoMs;
      let beforeKill = 0;
      let killedAt = Number.POSITIVE_INFINITY;
      const killer = (async () => {
        await sleep(killAt);
        beforeKill = two.payments;
        killedAt = performance.now();
        process.kill(b.pid, 'SIGKILL');
        ctx.log(`  killed instance b (pid ${b.pid}) after ${beforeKill} payments`);
      })();
      await drive(stations, new Balancer([ia, ib]), two, () => performance.now() < until, ctx.signal);
      await killer;
      const drainMs = performance.now() - phaseStart - twoMs;
      const twoRate = beforeKill / (killAt / 1000);
      const syncBeforeKill = two.syncLatencies.filter((_, i) => two.syncEndedAt[i]! < killedAt);
      ctx.log(
        `  two instances: ${beforeKill} payments before the kill (${Math.round(twoRate)}/s), ${two.payments} in all, ` +
          `${two.retries} requests resent; sync p99 ${percentile(syncBeforeKill, 99).toFixed(1)} ms before the kill, ` +
          `${percentile(two.syncLatencies, 99).toFixed(1)} ms over all ${two.syncLatencies.length} batches, ` +
          `charge p99 ${percentile(two.chargeLatencies, 99).toFixed(1)} ms, max ${Math.max(...two.chargeLatencies).toFixed(0)} ms; ` +
          `the last stations finished ${Math.round(drainMs)} ms after the phase`,
      );
      const unexpected = [...one.unexpected, ...two.unexpected];
      for (const line of unexpected.slice(0, 5)) ctx.log(`  unexpected: ${line}`);

      const check = await ledgerCheck(ctx, database.url, stations);
      const stationsTotal = stations.reduce((sum, s) => sum + s.total, 0);
      const acknowledged = stations.reduce((sum, s) => sum + s.paid.size, 0);
      const row = (name: string, unit: string, value: number, baseline: number): BenchRow => {
        const v = roundSignificant(value, 4);
        const b = roundSignificant(baseline, 4);
        return { name, value: v, unit, baseline: b, ratio: roundSignificant(ratio(v, b), 4) };
      };
      return [
        row('central_scale_payments_per_s', 'payments/s', twoRate, oneRate),
        row('central_scale_sync_p99_ms', 'ms', percentile(syncBeforeKill, 99), percentile(one.syncLatencies, 99)),
        row('central_scale_sync_p99_with_kill_ms', 'ms', percentile(two.syncLatencies, 99), percentile(one.syncLatencies, 99)),
        { name: 'central_scale_payment_errors', value: check.paymentErrors + unexpected.length, unit: 'payments', baseline: acknowledged, ratio: roundSignificant(ratio(check.paymentErrors + unexpected.length, acknowledged), 4) },
        { name: 'central_scale_ledger_diff', value: check.ledgerDiff, unit: 'KRW', baseline: stationsTotal, ratio: roundSignificant(ratio(check.ledgerDiff, stationsTotal), 4) },
      ];
    } finally {
      for (const client of clients) client.close();
      await Promise.all(children.map((c) => c.stop()));
      await database.drop().catch((error: Error) => ctx.log(`  dropping the bench database: ${error.message}`));
    }
  },
};

/**
 * Reads the shared database: each station's payments once each with its amount (payments table),
 * each event once (sync_events), the acknowledgement at the station's last sequence, and the
 * captured totals of both the payments ledger and the synced events against the stations' own.
 */
async function ledgerCheck(ctx: BenchContext, url: string, stations: Station[]): Promise<{ paymentErrors: number; ledgerDiff: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // An attempt cut by the kill stays 'pending' until a retry takes over after the lease; central
    // then reverses it at the acquirer and books it 'failed' (abandoned) beside the new payment:
    // a record of the attempt, nothing captured. Exactly once means one live row per order.
    const payments = await client.query<{ store_id: string; order_id: string; n: number; captured: string; abandoned: number; failed_captured: string }>(
      `SELECT store_id, order_id,
              count(*) FILTER (WHERE state <> 'failed')::int AS n,
              coalesce(sum(amount_captured) FILTER (WHERE state <> 'failed'), 0)::bigint AS captured,
              count(*) FILTER (WHERE state = 'failed')::int AS abandoned,
              coalesce(sum(amount_captured) FILTER (WHERE state = 'failed'), 0)::bigint AS failed_captured
         FROM payments GROUP BY store_id, order_id`,
    );
    const events = await client.query<{ store_id: string; n: number; ids: number; max_seq: string; captured: string | null }>(
      `SELECT store_id, count(*)::int AS n, count(DISTINCT id)::int AS ids, max(seq)::bigint AS max_seq,
              sum(CASE WHEN type = 'payment.captured' THEN (payload::json->>'amount')::bigint END)::bigint AS captured
         FROM sync_events GROUP BY store_id`,
    );
    const acks = await client.query<{ store_id: string; ack_seq: string }>('SELECT store_id, ack_seq::bigint AS ack_seq FROM sync_state');
    const byOrder = new Map(payments.rows.map((r) => [`${r.store_id}/${r.order_id}`, r]));
    const eventsOf = new Map(events.rows.map((r) => [r.store_id, r]));
    const ackOf = new Map(acks.rows.map((r) => [r.store_id, Number(r.ack_seq)]));
    let paymentErrors = 0;
    let ledgerDiff = 0;
    const problems: string[] = [];
    for (const station of stations) {
      for (const [orderId, amount] of station.paid) {
        const row = byOrder.get(`${station.storeId}/${orderId}`);
        if (!row || row.n !== 1 || Number(row.captured) !== amount || Number(row.failed_captured) !== 0) {
          paymentErrors++;
          problems.push(`${station.storeId} ${orderId}: ${row ? `${row.n} rows, ${row.captured} captured` : 'missing'} (acknowledged ${amount})`);
        }
      }
      const ledger = payments.rows.filter((r) => r.store_id === station.storeId).reduce((sum, r) => sum + Number(r.captured), 0);
      const extra = payments.rows.filter((r) => r.store_id === station.storeId && r.n > 0 && !station.paid.has(r.order_id));
      paymentErrors += extra.length;
      if (extra.length > 0) problems.push(`${station.storeId}: ${extra.length} payments at central the station never saw acknowledged`);
      const synced = eventsOf.get(station.storeId);
      ledgerDiff += Math.abs(ledger - station.total) + Math.abs(Number(synced?.captured ?? 0) - station.total);
      if (!synced || synced.n !== station.seq || synced.ids !== station.seq || Number(synced.max_seq) !== station.seq || ackOf.get(station.storeId) !== station.seq) {
        paymentErrors++;
        problems.push(`${station.storeId}: ${synced?.n ?? 0} events (${synced?.ids ?? 0} ids), ack ${ackOf.get(station.storeId) ?? 0}; the station's last seq ${station.seq}`);
      }
    }
    const total = stations.reduce((sum, s) => sum + s.total, 0);
    const abandoned = payments.rows.reduce((n, r) => n + r.abandoned, 0);
    ctx.log(
      `  ledger: ${payments.rows.length} orders paid (${abandoned} attempts abandoned by the kill, booked failed), ${events.rows.reduce((n, r) => n + r.n, 0)} events for ${stations.length} stations; ` +
        `stations' total ${total.toLocaleString('en')} KRW; ${problems.length === 0 ? 'every payment and event exactly once, totals equal' : `${problems.length} problems`}`,
    );
    for (const p of problems.slice(0, 10)) ctx.log(`  PROBLEM ${p}`);
    return { paymentErrors, ledgerDiff };
  } finally {
    await client.end();
  }
}
