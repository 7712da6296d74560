// Runs in: node (vitest). Issue 3, item 8a: kill -9 the store server at random moments during a
// burst of checkouts, restart it on the same data and port, carry on, let sync finish — and every
// order and payment a shopper saw acknowledged is at central exactly once. Real processes: central
// (SQLite) and the store server are `omnistation` children; shoppers use HTTP. The kill moments
// come from a seeded PRNG: OMNI_FAULT_SEED=<seed printed on failure> replays them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  centralView,
  duplicates,
  exactlyOnceProblems,
  faultSeed,
  Gate,
  newLog,
  newShopper,
  readDb,
  Sandbox,
  seededRandom,
  shop,
  SKUS,
  sleep,
  staffSignIn,
  startCentral,
  startStation,
  stationView,
  waitForDrain,
  type CentralProcess,
  type StationProcess,
} from './harness.js';

const CYCLES = 20;
const SHOPPERS = 4;
/** How long a restarted station may take to acknowledge its first checkout before the test fails. */
const RECOVERY_LIMIT_MS = 20_000;

const sandbox = new Sandbox();
let central: CentralProcess;
let station: StationProcess;
let cookie: string;

beforeAll(async () => {
  // A little acquirer latency keeps each charge in flight long enough for kills to land inside it.
  central = await startCentral(sandbox, { acquirerLatencyMs: 15 });
  station = await startStation(sandbox, central.url);
  cookie = await staffSignIn(station);
}, 60_000);

afterAll(async () => {
  await sandbox.cleanup();
});

describe('kill -9 of the store server during checkouts (8a)', () => {
  it(`keeps every acknowledged order and payment exactly once at central across ${CYCLES} kill/restart cycles`, async ({ onTestFailed }) => {
    const seed = faultSeed();
    const timeline: string[] = [];
    onTestFailed(() => {
      console.error(`kill9: seed ${seed} (replay with OMNI_FAULT_SEED=${seed})\n  ${timeline.join('\n  ')}`);
    });
    const random = seededRandom(seed);
    const started = performance.now();

    const shoppers = await Promise.all(Array.from({ length: SHOPPERS }, (_, i) => newShopper(station.url, i + 1)));
    const gate = new Gate();
    const log = newLog();
    // What each kill left behind on the station's disk, read before the restart picks it up.
    const cut = { charges: 0, beforeCharge: 0 };
    let shopping = true;
    let ended: PromiseSettledResult<void>[];
    const loops = shoppers.map((shopper, i) =>
      shop({
        stationUrl: station.url,
        shopper,
        gate,
        log,
        skus: SKUS,
        random: seededRandom(seed + i + 1),
        keepGoing: () => shopping,
        allowedStates: ['paid', 'paid_offline'],
      }),
    );

    try {
      let ackedAtStart = 0;
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        const runFor = Math.round(40 + random() * 260);
        const downFor = Math.round(random() * 80);
        await sleep(runFor);
        // Every (re)started station must acknowledge a checkout before it is killed again: that is
        // what proves it recovers each time, however slow the box makes the first one.
        const recovering = performance.now();
        while (log.acknowledged.length === ackedAtStart) {
          if (performance.now() - recovering > RECOVERY_LIMIT_MS) {
            throw new Error(`cycle ${cycle}: no checkout acknowledged within ${RECOVERY_LIMIT_MS} ms of the station (re)starting`);
          }
          await sleep(10);
        }
        const before = log.acknowledged.length;
        gate.close();
        await station.kill9();
        const left = readDb(station.dbFile, (db) =>
          db.prepare('SELECT coalesce(sum(attempts > settled_attempt), 0) AS charging, coalesce(sum(attempts = 0), 0) AS unpaid FROM payments').get(),
        ) as { charging: number; unpaid: number };
        cut.charges += left.charging;
        cut.beforeCharge += left.unpaid;
        await sleep(downFor);
        await station.start();
        ackedAtStart = log.acknowledged.length;
        gate.open();
        timeline.push(
          `cycle ${cycle}: ran ${runFor} ms, killed after ${before} acknowledged checkouts ` +
            `(left ${left.charging} charges unanswered, ${left.unpaid} orders not yet charged), down ${downFor} ms, restarted`,
        );
      }
    } finally {
      shopping = false;
      gate.open();
      // Settled, not all: a failed restart must surface as itself, not as the shoppers' give-up.
      ended = await Promise.allSettled(loops);
    }
    const gaveUp = ended.find((r) => r.status === 'rejected');
    if (gaveUp) throw gaveUp.reason;
    const burstMs = performance.now() - started;

    const status = await waitForDrain(station, cookie, 30_000);
    const c = centralView(central);
    const s = stationView(station);
    const summary =
      `seed ${seed}: ${CYCLES} kills in ${Math.round(burstMs)} ms, ${log.acknowledged.length} checkouts acknowledged ` +
      `(${log.resent} resent after a kill, ${log.noAnswer} requests cut or refused; the kills left ${cut.charges} charges ` +
      `unanswered and ${cut.beforeCharge} orders not yet charged on disk), ${s.orders.length} orders at the station, ` +
      `${s.lastSeq} outbox events, ${c.events} at central`;
    console.log(`kill9: ${summary}`);
    timeline.push(summary);

    // The burst did what it is for: kills cut requests in flight, and checkouts went through.
    expect(station.starts).toBe(CYCLES + 1);
    expect(log.unexpected, 'answers the scenario does not allow').toEqual([]);
    expect(log.acknowledged.length, 'a checkout acknowledged by every run of the station').toBeGreaterThanOrEqual(CYCLES);
    expect(log.noAnswer, 'no kill landed during a request').toBeGreaterThan(0);
    expect(new Set(log.acknowledged.map((a) => a.orderId)).size, 'an order acknowledged twice').toBe(log.acknowledged.length);

    // Every order and payment the shopper saw acknowledged is at central exactly once.
    for (const seen of log.acknowledged) {
      expect(c.placed.get(seen.orderId), `order.placed events at central for ${seen.orderId}`).toBe(1);
      const payments = c.payments.get(seen.orderId) ?? [];
      expect(payments.map((p) => [p.state, p.amount_captured]), `central payments for ${seen.orderId} (${seen.paymentState})`).toEqual([
        ['captured', seen.total],
      ]);
      expect(c.capturedEvents.get(seen.orderId), `payment.captured events at central for ${seen.orderId}`).toBe(1);
    }

    // And beyond what shoppers saw: nothing at central twice, nothing of the station missing.
    expect(duplicates(c.placed)).toEqual([]);
    expect(duplicates(c.capturedEvents)).toEqual([]);
    expect([...c.payments].filter(([, rows]) => rows.length > 1).map(([orderId]) => orderId), 'orders with two payments at central').toEqual([]);
    expect(c.distinctEventIds).toBe(c.events);
    for (const order of s.orders) {
      expect(order.paymentState, `station payment of ${order.id}`).toBe('paid');
      expect(c.placed.get(order.id), `order.placed at central for station order ${order.id}`).toBe(1);
      expect(c.payments.get(order.id)?.length, `central payments for station order ${order.id}`).toBe(1);
    }
    expect(c.payments.size).toBe(s.orders.length);

    // The outbox is fully acknowledged, contiguously, and central holds exactly it.
    expect(s.unacked).toBe(0);
    expect(status.sync).toMatchObject({ backlog: 0, lastSeq: s.lastSeq, ackedSeq: s.lastSeq });
    expect(c.ackSeq).toBe(s.lastSeq);
    expect(c.events).toBe(s.lastSeq);
    expect(c.eventsByType).toEqual(s.outboxByType);
    // The bench's kill -9 trials judge a trial with this same check.
    expect(exactlyOnceProblems(log.acknowledged, c, s)).toEqual([]);
  }, 300_000);
});
