// Runs in: node (vitest). Issue 8, item 4, the short soak in npm test: 50 simulated phones and 2
// kiosks (server/bench/soak-load.ts, the bench's scenario) against a real station on a port,
// registered with a real central (test acquirer), presence gate on with the virtual radio and
// kiosk readers. Asserts behaviour, not speed: no request refused or failed, every acknowledged
// order paid at the station and captured once at central, every scan seen on the monitor, and
// the server's per-shopper structures (live-feed listeners, kiosk pairings, payment locks,
// sockets, radio emitters) back at their baseline once the shoppers have left.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CENTRAL_ADMIN_TOKEN, startLiveCentral, type LiveCentral } from '../../helpers/central.js';
import { openRemoteMonitor } from '../../../server/bench/remote-monitor.js';
import { runSoak, type SoakResult } from '../../../server/bench/soak-load.js';
import { inMemoryCounts, SOAK_PIN, SOAK_STORE_ID, startSoakStation, type SoakStation } from '../../../server/bench/soak-station.js';

const PER_SHOPPER = ['hubListeners', 'hubDeviceListeners', 'cartListeners', 'cartWatchers', 'pairingListeners', 'kioskStreamListeners', 'pairedKiosks', 'paymentLocks', 'connections', 'radioEmitters'];

let central: LiveCentral;
let soak: SoakStation;
let dir: string;
let before: Record<string, number>;
let during: Record<string, number> | undefined;
let result: SoakResult;

beforeAll(async () => {
  central = await startLiveCentral();
  const registered = await fetch(`${central.url}/admin/stores`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CENTRAL_ADMIN_TOKEN}` },
    body: JSON.stringify({ storeId: SOAK_STORE_ID, name: 'Soak store', address: '서울 강남구 테헤란로 1' }),
  });
  expect(registered.status).toBe(201);
  const { storeKey } = (await registered.json()) as { storeKey: string };
  dir = mkdtempSync(join(tmpdir(), 'omni-soak-'));
  soak = await startSoakStation({ dataDir: join(dir, 'data'), centralUrl: central.url, storeKey, products: 40, kiosks: 2 });
  before = await inMemoryCounts(soak.server.app, soak.radio);
  const controller = new AbortController();
  // The highest each count reached while the shoppers were in: proof that the measure sees them.
  const sample = setInterval(() => {
    void inMemoryCounts(soak.server.app, soak.radio).then((counts) => {
      during = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.max(v, during?.[k] ?? 0)]));
    });
  }, 250);
  try {
    result = await runSoak({
      url: soak.server.url,
      pin: SOAK_PIN,
      labels: soak.labels,
      skus: soak.skus,
      tags: soak.tags,
      shoppers: 50,
      kiosks: 2,
      warmupMs: 1_000,
      durationMs: 11_000,
      thinkMs: [100, 400],
      scansPerVisit: [2, 5],
      devices: soak.devices,
      signal: controller.signal,
      // As the bench does: the staff monitor in a process of its own, a second one in this.
      openMonitor: openRemoteMonitor,
    });
  } finally {
    clearInterval(sample);
  }
}, 90_000);

afterAll(async () => {
  await soak?.close();
  await central?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('store soak: 50 phones and 2 kiosks', () => {
  it('answers every request as the scenario expects and shows every scan on the monitor', () => {
    expect(result.firstErrors).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.unseenScans).toBe(0);
    // Not a vacuous run: both kinds of shopper bought something, scans and taps were timed.
    expect(result.phoneVisits).toBeGreaterThan(20);
    expect(result.kioskVisits).toBeGreaterThan(1);
    expect(result.scanToMonitor.length).toBeGreaterThan(50);
    // The monitor in this process saw the same scans as the one in its own.
    expect(result.scanToMonitorInProcess.length).toBe(result.scanToMonitor.length);
    expect(result.tapToKiosk.length).toBeGreaterThan(0);
  });

  it('loses no acknowledged order: each is paid at the station and captured once at central', { timeout: 60_000 }, async () => {
    const db = soak.server.station.db;
    // Sync drains in the background; every outbox event acknowledged means central has it all.
    for (let waited = 0; (db.prepare('SELECT count(*) AS n FROM outbox WHERE acked_at IS NULL').get() as { n: number }).n > 0; waited += 100) {
      if (waited > 45_000) throw new Error('the outbox did not drain');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(result.acknowledged.length).toBe(result.phoneVisits + result.kioskVisits);
    const stateOf = db.prepare('SELECT o.total, p.state FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = ?');
    for (const order of result.acknowledged) {
      expect(order.paymentState).toBe('paid');
      expect(stateOf.get(order.orderId)).toEqual({ total: order.total, state: 'paid' });
      const charged = await central.paymentsFor(order.orderId);
      expect(charged.map((p) => [p.state, Number(p.amount_captured)])).toEqual([['captured', order.total]]);
    }
    const stationOrders = (db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
    expect(stationOrders).toBe(result.acknowledged.length);
    const events = await central.db.db
      .selectFrom('sync_events')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('id').distinct().as('ids')])
      .where('store_id', '=', SOAK_STORE_ID)
      .executeTakeFirstOrThrow();
    const lastSeq = (db.prepare('SELECT max(seq) AS n FROM outbox').get() as { n: number }).n;
    expect({ n: Number(events.n), ids: Number(events.ids) }).toEqual({ n: lastSeq, ids: lastSeq });
  });

  it('returns the per-shopper structures to their baseline once the shoppers have left', async () => {
    // During the run the same counts were up: the measure sees the shoppers, so a return is a return.
    expect(during).toBeDefined();
    // Each phone feed follows its device's events: by a listener of every event or by one of its own.
    expect(during!.hubListeners! + during!.hubDeviceListeners!).toBeGreaterThan(before.hubListeners! + before.hubDeviceListeners! + 10);
    // Each phone feed follows its cart: by a listener of every change or by a watcher of its own.
    expect(during!.cartListeners! + during!.cartWatchers!).toBeGreaterThan(before.cartListeners! + before.cartWatchers! + 10);
    expect(during!.kioskStreamListeners).toBe(2);
    expect(during!.radioEmitters).toBeGreaterThan(0);
    // Sockets close on the server a moment after the client drops them.
    let after = await inMemoryCounts(soak.server.app, soak.radio);
    for (let i = 0; i < 50 && after.connections !== before.connections; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await inMemoryCounts(soak.server.app, soak.radio);
    }
    const pick = (counts: Record<string, number>) => Object.fromEntries(PER_SHOPPER.map((k) => [k, counts[k]]));
    expect(pick(after)).toEqual(pick(before));
    // Bounded by design rather than by presence: one entry per session, never per request.
    const sessions = (soak.server.station.db.prepare('SELECT count(*) AS n FROM shopper_sessions').get() as { n: number }).n;
    expect(after.sessionCache).toBeLessThanOrEqual(sessions);
    expect(after.resolverSessions).toBeLessThanOrEqual(sessions);
    expect(after.presenceTracked).toBe(after.resolverSessions);
  });
});
