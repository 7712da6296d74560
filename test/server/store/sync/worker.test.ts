import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, SyncWorker, type SyncTransport } from '../../../../server/store/sync/worker.js';
import type { OutboxEvent } from '../../../../server/store/modules/outbox/repository.js';
import { RetryLoop, retryDelay } from '../../../../server/store/sync/retry-loop.js';
import { CentralError } from '../../../../server/store/sync/central-client.js';
import { productionLogger } from '../../../../server/store/server.js';
import { logSink } from '../../../helpers/log-sink.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, type TestStation } from '../../../helpers/station.js';

/** An in-memory central: stores each seq once and acks the highest contiguous one. */
class FakeCentral implements SyncTransport {
  readonly stored = new Map<number, OutboxEvent>();
  readonly deliveries: number[][] = [];
  down = false;
  forgetAbove: number | undefined;

  async sendBatch(events: readonly OutboxEvent[]) {
    if (this.down) throw new Error('connect ECONNREFUSED');
    this.deliveries.push(events.map((e) => e.seq));
    for (const event of events) {
      if (this.forgetAbove !== undefined && event.seq > this.forgetAbove) continue;
      const seen = this.stored.get(event.seq);
      if (seen && seen.id !== event.id) throw new Error('conflict');
      this.stored.set(event.seq, event);
    }
    let ackSeq = 0;
    while (this.stored.has(ackSeq + 1)) ackSeq++;
    return { ackSeq };
  }
}

let t: TestStation;
beforeEach(async () => {
  t = await createTestStation();
});
afterEach(async () => {
  await t.close();
});

async function placeOrders(n: number, app = t.app): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const shopper = await startShopper(app);
    await app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
    const body = checkoutBody();
    const response = await app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    expect(response.statusCode).toBe(201);
    ids.push(body.orderId);
  }
  return ids;
}

describe('outbox', () => {
  it('gets one event per order change, in the transaction of the change, without orderer data', async () => {
    const [id] = await placeOrders(1);
    const cookie = await staffCookie(t.app);
    await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/cancel`, headers: { cookie }, payload: {} });
    // A refused change leaves no trace.
    await t.app.inject({ method: 'POST', url: `/api/staff/orders/${id}/hand-over`, headers: { cookie } });
    const empty = await startShopper(t.app);
    await t.app.inject({ method: 'POST', url: '/api/orders', headers: empty.headers, payload: checkoutBody() });

    const events = t.app.station.outbox.pending(10);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'order.placed'],
      [2, 'order.updated'],
    ]);
    expect(events[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(events[1]!.payload).toMatchObject({ orderId: id, state: 'cancelled', total: 1500, currency: 'KRW' });
    expect(JSON.stringify(events)).not.toContain('김민지');
    expect(JSON.stringify(events)).not.toContain('010-1234-5678');
  });
});

describe('sync worker', () => {
  it('sends the outbox in seq order in batches and settles it on the ack', async () => {
    await placeOrders(5);
    const central = new FakeCentral();
    const worker = new SyncWorker({ outbox: t.app.station.outbox, transport: central, clock: t.clock, batchSize: 2 });
    expect(await worker.drain()).toBe(5);
    expect(central.deliveries).toEqual([[1, 2], [3, 4], [5]]);
    expect(t.app.station.outbox.status()).toMatchObject({ backlog: 0, lastSeq: 5, ackedSeq: 5 });
    expect(await worker.drain()).toBe(0);
  });

  it('keeps everything while central is down and delivers it once when it returns', async () => {
    await placeOrders(3);
    const central = new FakeCentral();
    central.down = true;
    const errors: number[] = [];
    const worker = new SyncWorker({
      outbox: t.app.station.outbox,
      transport: central,
      clock: t.clock,
      baseDelayMs: 5,
      maxDelayMs: 20,
      idlePollMs: 10,
      onError: (_e, attempt) => errors.push(attempt),
    });
    worker.start();
    await expect.poll(() => errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.slice(0, 3)).toEqual([1, 2, 3]);
    expect(worker.status).toMatchObject({ state: 'retrying', lastError: 'connect ECONNREFUSED' });
    expect(t.app.station.outbox.status().backlog).toBe(3);
    await placeOrders(2);
    central.down = false;
    await expect.poll(() => t.app.station.outbox.status().backlog).toBe(0);
    await worker.stop();
    expect([...central.stored.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(worker.status.attempt).toBe(0);
  });

  it('settles only what central acknowledged contiguously and resends the rest', async () => {
    await placeOrders(4);
    const central = new FakeCentral();
    central.forgetAbove = 2;
    const worker = new SyncWorker({ outbox: t.app.station.outbox, transport: central, clock: t.clock });
    expect(await worker.drain()).toBe(2);
    expect(t.app.station.outbox.status()).toMatchObject({ backlog: 2, ackedSeq: 2 });
    central.forgetAbove = undefined;
    expect(await worker.drain()).toBe(2);
    expect(central.deliveries).toEqual([[1, 2, 3, 4], [3, 4]]);
  });

  it('wakes at once when nudged instead of waiting for the next poll', async () => {
    const central = new FakeCentral();
    const worker = new SyncWorker({ outbox: t.app.station.outbox, transport: central, clock: t.clock, idlePollMs: 60_000 });
    worker.start();
    await expect.poll(() => worker.status.state).toBe('idle');
    await placeOrders(1);
    worker.nudge();
    await expect.poll(() => central.stored.size).toBe(1);
    await worker.stop();
  });
});

describe('gathering', () => {
  it('sends what arrives within the linger after a nudge in one batch', async () => {
    const central = new FakeCentral();
    // Long enough that placing the next two orders (durable commits) cannot outlast it on a slow box.
    const worker = new SyncWorker({ outbox: t.app.station.outbox, transport: central, clock: t.clock, idlePollMs: 60_000, lingerMs: 2_000 });
    worker.start();
    await expect.poll(() => worker.status.state).toBe('idle');
    for (let i = 0; i < 3; i++) {
      await placeOrders(1);
      worker.nudge();
    }
    await expect.poll(() => central.stored.size, { timeout: 5_000 }).toBe(3);
    expect(central.deliveries).toEqual([[1, 2, 3]]);
    await worker.stop();
  });

  it('stops at once while lingering, leaving the events for the next start', async () => {
    const central = new FakeCentral();
    const worker = new SyncWorker({ outbox: t.app.station.outbox, transport: central, clock: t.clock, idlePollMs: 60_000, lingerMs: 60_000 });
    worker.start();
    await expect.poll(() => worker.status.state).toBe('idle');
    await placeOrders(1);
    worker.nudge();
    const started = performance.now();
    await worker.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(central.deliveries).toEqual([]);
    expect(t.app.station.outbox.status().backlog).toBe(1);
  });

  it('does not read the outbox again after a batch shorter than the limit', async () => {
    await placeOrders(3);
    const central = new FakeCentral();
    const outbox = t.app.station.outbox;
    const reads = vi.spyOn(outbox, 'pending');
    const worker = new SyncWorker({ outbox, transport: central, clock: t.clock, batchSize: 2 });
    expect(await worker.drain()).toBe(3);
    // [1, 2] was full, so there may be more: read again; [3] was short, so that was all.
    expect(reads).toHaveBeenCalledTimes(2);
    expect(central.deliveries).toEqual([[1, 2], [3]]);
  });
});

describe('backoff', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const max = (attempt: number) => backoffDelay(attempt, 500, 60_000, () => 0.999999);
    expect([1, 2, 3, 4].map(max)).toEqual([499, 999, 1999, 3999]);
    expect(max(20)).toBe(59_999);
    expect(backoffDelay(5, 500, 60_000, () => 0)).toBe(0);
  });
});

describe('station status for the monitor', () => {
  it('shows an unregistered station with its outbox backlog', async () => {
    await placeOrders(2);
    const cookie = await staffCookie(t.app);
    const status = await t.app.inject({ url: '/api/staff/status', headers: { cookie } });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({
      storeId: 'TEST-001',
      sync: { central: null, state: 'not_registered', backlog: 2, lastSeq: 2, ackedSeq: 0 },
    });
    expect((await t.app.inject({ url: '/api/staff/status' })).statusCode).toBe(401);
  });
});

describe('retry loop after an outage', () => {
  it('ends a long backoff at once when central is known to answer again', async () => {
    await placeOrders(2);
    const central = new FakeCentral();
    central.down = true;
    let failures = 0;
    const worker = new SyncWorker({
      outbox: t.app.station.outbox,
      transport: central,
      clock: t.clock,
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      random: () => 0.99,
      onError: () => failures++,
    });
    worker.start();
    await expect.poll(() => failures).toBe(1);
    central.down = false;
    // A nudge (new work) does not cut a backoff short: that would hammer a central that is down.
    worker.nudge();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.app.station.outbox.status().backlog).toBe(2);
    worker.retryNow();
    await expect.poll(() => t.app.station.outbox.status().backlog).toBe(0);
    await worker.stop();
  });
});

describe('retry loop recovery', () => {
  it('reports the end of a run of failures once, with its length, and not after plain successes', async () => {
    let calls = 0;
    const recovered: number[] = [];
    const loop = new RetryLoop(
      async () => {
        calls++;
        if (calls >= 2 && calls <= 4) throw new Error('connect ECONNREFUSED');
      },
      { clock: t.clock, baseDelayMs: 1, maxDelayMs: 2, idlePollMs: 1, onRecovered: (failures) => recovered.push(failures) },
    );
    loop.start();
    await expect.poll(() => calls).toBeGreaterThanOrEqual(8);
    await loop.stop();
    expect(recovered).toEqual([3]);
  });

  it("puts central's outage and its end in the station's log", async () => {
    const sink = logSink();
    const central = new FakeCentral();
    central.down = true;
    const logged = await createTestStation({ syncTransport: central, logger: productionLogger('info', sink.stream) });
    try {
      await placeOrders(1, logged.app);
      logged.app.station.sync!.start();
      const about = (prefix: string) => sink.entries().filter((l) => l.msg.startsWith(prefix));
      await expect.poll(() => about('sync: central did not take').length).toBe(1);
      expect(about('sync: central did not take')[0]).toMatchObject({ level: 40, msg: 'sync: central did not take the work (connect ECONNREFUSED); retrying with backoff' });
      central.down = false;
      await expect.poll(() => about('sync: central took the work again').length).toBe(1);
      expect(about('sync: central took the work again')[0]!.level).toBe(30);
    } finally {
      await logged.close();
    }
  });
});

describe('retry loop when central says when to come back', () => {
  const busy = (retryAfterMs?: number) => new CentralError(409, 'request_in_progress', 'busy', retryAfterMs);

  it('waits at least what Retry-After asked, never past its cap, and backs off as usual otherwise', () => {
    expect(retryDelay(busy(3_000), 200, 60_000)).toBe(3_000);
    expect(retryDelay(busy(3_000), 5_000, 60_000)).toBe(5_000);
    expect(retryDelay(busy(600_000), 200, 60_000)).toBe(60_000);
    expect(retryDelay(busy(), 200, 60_000)).toBe(200);
    expect(retryDelay(new Error('socket hang up'), 200, 60_000)).toBe(200);
  });

  it('does not come back before that time, even when central answers someone else', async () => {
    const attempts: number[] = [];
    const loop = new RetryLoop(
      async () => {
        attempts.push(performance.now());
        if (attempts.length === 1) throw busy(400);
      },
      { clock: t.clock, baseDelayMs: 10, maxDelayMs: 60_000, random: () => 0, idlePollMs: 60_000 },
    );
    loop.start();
    await expect.poll(() => loop.status.state).toBe('retrying');
    expect(loop.status.nextRetryAt).toBe(new Date(t.clock.now() + 400).toISOString());
    // The signal that ends an outage's backoff (central answered another call) must not end this wait.
    loop.retryNow();
    await expect.poll(() => attempts.length, { timeout: 3_000 }).toBe(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(390);
    await loop.stop();
  });
});
