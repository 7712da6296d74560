// Runs in: node (vitest). Issue 3, item 8b: central is down (its process stopped) while shoppers
// keep buying; the station accepts small payments offline within its limits and refuses beyond
// them; central comes back on the same port and data, and the backlog — outbox events and
// offline payments — drains exactly once. Real processes, as in kill9.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  centralView,
  checkout,
  duplicates,
  EXPENSIVE,
  faultSeed,
  Gate,
  newLog,
  newShopper,
  PRODUCTS,
  Sandbox,
  seededRandom,
  shop,
  SKUS,
  staffSignIn,
  startCentral,
  startStation,
  stationView,
  waitForDrain,
  type CentralProcess,
  type Shopper,
  type ShoppingLog,
  type StaffStatus,
  type StationProcess,
} from './harness.js';

const SHOPPERS = 3;
// Far inside offline_max_outstanding (300,000 KRW): at most 1,800 KRW each.
const MAX_OFFLINE_ORDERS = 40;

const sandbox = new Sandbox();
let central: CentralProcess;
let station: StationProcess;
let cookie: string;
let shoppers: Shopper[];

beforeAll(async () => {
  central = await startCentral(sandbox);
  station = await startStation(sandbox, central.url, [...PRODUCTS, EXPENSIVE]);
  cookie = await staffSignIn(station);
  shoppers = await Promise.all(Array.from({ length: SHOPPERS + 1 }, (_, i) => newShopper(station.url, i + 1)));
}, 60_000);

afterAll(async () => {
  await sandbox.cleanup();
});

async function status(): Promise<StaffStatus> {
  const answer = await call<StaffStatus>(`${station.url}/api/staff/status`, { headers: { cookie } });
  expect(answer.status).toBe(200);
  return answer.body;
}

/** Every shopper buys until `ms` have passed (or `cap` checkouts were acknowledged in this phase). */
async function phase(log: ShoppingLog, random: () => number, ms: number, allowedStates: string[], cap = Infinity): Promise<void> {
  const end = Date.now() + ms;
  const first = log.acknowledged.length;
  await Promise.all(
    shoppers.slice(0, SHOPPERS).map((shopper, i) =>
      shop({
        stationUrl: station.url,
        shopper,
        gate: new Gate(),
        log,
        random: seededRandom(Math.floor(random() * 2 ** 32) + i),
        keepGoing: () => Date.now() < end && log.acknowledged.length - first < cap,
        allowedStates,
        pauseMs: 40,
        skus: SKUS,
      }),
    ),
  );
}

describe('central down while shoppers keep buying (8b)', () => {
  it('accepts payments offline within the limits, then drains the backlog exactly once when central returns', async ({ onTestFailed }) => {
    const seed = faultSeed();
    onTestFailed(() => console.error(`central-outage: seed ${seed} (replay with OMNI_FAULT_SEED=${seed})`));
    const random = seededRandom(seed);

    // Online: paid at once.
    const online = newLog();
    await phase(online, random, 600, ['paid']);

    // Central goes away; the station keeps selling.
    await central.stop();
    const outageStarted = Date.now();
    const offline = newLog();
    // Each shopper checks the cap before its next order, so all of them may pass it at once.
    await phase(offline, random, 1500 + Math.round(random() * 1000), ['paid_offline'], MAX_OFFLINE_ORDERS - (SHOPPERS - 1));
    // One payment above offline_max_per_payment is refused, and nothing is charged for it.
    const big = shoppers[SHOPPERS]!;
    expect((await call(`${station.url}/api/cart/items`, { method: 'POST', headers: big.headers, json: { sku: EXPENSIVE.sku } })).status).toBe(200);
    const refusedLog = newLog();
    const refused = await checkout({ stationUrl: station.url, shopper: big, gate: new Gate(), log: refusedLog, allowedStates: ['failed'] }, randomUUID());
    expect(refusedLog.unexpected).toEqual([]);
    expect(refused).toMatchObject({ status: 201, paymentState: 'failed', total: EXPENSIVE.price });
    const refusedAnswer = await call<{ declineCode?: string; paymentMessage?: string }>(`${station.url}/api/orders/${refused!.orderId}`, { headers: big.headers });
    expect(refusedAnswer.body).toMatchObject({ declineCode: 'offline_limit', paymentMessage: expect.stringMatching(/offline limit/) });

    const during = await status();
    const offlineTotal = offline.acknowledged.reduce((sum, a) => sum + a.total, 0);
    expect(during.payments.offline).toMatchObject({ count: offline.acknowledged.length, outstanding: offlineTotal });
    expect(during.sync.backlog).toBeGreaterThan(0);
    expect(during.sync.lastError).not.toBeNull();
    // Nothing reached central while it was down.
    const beforeReturn = centralView(central);
    expect(beforeReturn.payments.size).toBe(online.acknowledged.length);

    // Central returns on the same port and data; shoppers carry on meanwhile.
    await central.start();
    const outageMs = Date.now() - outageStarted;
    const after = newLog();
    await phase(after, random, 800, ['paid']);
    const drainStarted = Date.now();
    // The station's workers back off up to 60 s while central is away (capped exponential, full
    // jitter) and a nudge does not cut a backoff short: after a few seconds' outage they usually
    // come back within seconds, rarely after tens of seconds.
    const final = await waitForDrain(station, cookie, 75_000);
    const drainMs = Date.now() - drainStarted;

    const c = centralView(central);
    const s = stationView(station);
    console.log(
      `central-outage: seed ${seed}: ${online.acknowledged.length} paid before, ${offline.acknowledged.length} accepted offline ` +
        `(${offlineTotal} KRW) during a ${outageMs} ms outage, ${after.acknowledged.length} paid after; ` +
        `backlog of ${during.sync.backlog} events drained ${drainMs} ms after the last checkout; ${c.events} events at central`,
    );

    for (const log of [online, offline, after]) expect(log.unexpected).toEqual([]);
    expect(offline.acknowledged.length).toBeGreaterThan(0);
    expect(offline.acknowledged.length).toBeLessThanOrEqual(MAX_OFFLINE_ORDERS);

    // Every order the shoppers saw acknowledged is at central once, every payment charged once.
    const paid = [...online.acknowledged, ...offline.acknowledged, ...after.acknowledged];
    for (const seen of paid) {
      expect(c.placed.get(seen.orderId), `order.placed at central for ${seen.orderId}`).toBe(1);
      expect(c.capturedEvents.get(seen.orderId), `payment.captured at central for ${seen.orderId}`).toBe(1);
      const rows = c.payments.get(seen.orderId) ?? [];
      expect(rows.map((p) => [p.state, p.amount_captured]), `central payments for ${seen.orderId}`).toEqual([['captured', seen.total]]);
    }
    for (const seen of offline.acknowledged) {
      expect(c.payments.get(seen.orderId)![0]!.offline_accepted_at, `offline acceptance recorded for ${seen.orderId}`).not.toBeNull();
    }
    expect(c.placed.get(refused!.orderId)).toBe(1);
    expect(c.payments.has(refused!.orderId), 'the refused payment reached central').toBe(false);

    // Counts at central equal what the station acknowledged, with no duplicates.
    expect(c.payments.size).toBe(paid.length);
    expect([...c.payments.values()].reduce((sum, rows) => sum + rows.reduce((n, p) => n + p.amount_captured, 0), 0)).toBe(
      paid.reduce((sum, a) => sum + a.total, 0),
    );
    expect(c.eventsByType['payment.offline_accepted']).toBe(offline.acknowledged.length);
    expect(c.eventsByType['payment.failed']).toBe(1);
    expect(c.eventsByType['order.placed']).toBe(paid.length + 1);
    expect(duplicates(c.placed)).toEqual([]);
    expect(duplicates(c.capturedEvents)).toEqual([]);
    expect(c.distinctEventIds).toBe(c.events);

    // The station's side: offline payments confirmed, outbox fully acknowledged and all at central.
    expect(final.payments.offline).toMatchObject({ count: 0, outstanding: 0 });
    expect(s.orders.filter((o) => o.offline).map((o) => o.paymentState)).toEqual(offline.acknowledged.map(() => 'paid'));
    expect(s.unacked).toBe(0);
    expect(final.sync).toMatchObject({ backlog: 0, lastSeq: s.lastSeq, ackedSeq: s.lastSeq });
    expect(c.ackSeq).toBe(s.lastSeq);
    expect(c.events).toBe(s.lastSeq);
    expect(c.eventsByType).toEqual(s.outboxByType);
  }, 150_000);
});
