// Runs in: node (tests). Central away or slow: offline acceptance within the limits, refusal
// beyond them, forwarding when central returns (exactly once), and the alert for a later decline.
import { afterEach, describe, expect, it } from 'vitest';
import { SseReader } from '../../../../helpers/sse.js';
import { logSink } from '../../../../helpers/log-sink.js';
import { productionLogger } from '../../../../../server/store/server.js';
import { createHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  h = await createHarness(options);
  return h;
}

async function status(h: Harness) {
  return (await h.t.app.inject({ url: '/api/staff/status', headers: { cookie: h.cookie } })).json();
}

describe('offline acceptance', () => {
  it('accepts a payment offline when central is unreachable, and forwards it once central is back', async () => {
    const h = await harness();
    await h.central.stop();
    const { orderId, response } = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 2 }]);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ paymentState: 'paid_offline', state: 'placed' });
    expect(h.outboxTypes()).toEqual(['order.placed', 'payment.offline_accepted']);
    expect((await status(h)).payments).toMatchObject({
      enabled: true,
      offline: { count: 1, outstanding: 3000, currency: 'KRW', maxPerPayment: 50_000, maxOutstanding: 300_000, expiresAfterHours: 24 },
    });
    // Goods may leave: the station carries the risk within its limits.
    expect((await h.staff('hand-over', orderId)).json()).toMatchObject({ state: 'handed_over', paymentState: 'paid_offline' });

    h.t.app.station.forwarder!.start();
    await expect.poll(() => h.t.app.station.forwarder!.status.attempt).toBeGreaterThanOrEqual(2);
    // Between attempts it waits in 'retrying' (an attempt in flight shows 'working' for a moment).
    await expect.poll(() => h.t.app.station.forwarder!.status.state).toBe('retrying');
    await h.central.start();
    await expect.poll(async () => (await h.order(orderId)).paymentState, { timeout: 5000 }).toBe('paid');

    const rows = await h.central.paymentsFor(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'captured', amount_captured: 3000, offline_accepted_at: h.t.clock.now() });
    expect(h.outboxTypes()).toEqual(['order.placed', 'payment.offline_accepted', 'order.updated', 'payment.captured']);
    const captured = h.t.app.station.outbox.pending(10)[3]!;
    expect(captured.payload).toMatchObject({ orderId, state: 'paid', offlineAcceptedAt: new Date(h.t.clock.now()).toISOString() });
    expect((await status(h)).payments.offline).toMatchObject({ count: 0, outstanding: 0 });
  });

  it('accepts offline when central does not answer in time, and nothing is left charged', async () => {
    const h = await harness({ settings: { timeoutMs: 200 }, acquirerTimeoutMs: 800 });
    const started = Date.now();
    const { orderId, response } = await h.checkout('tok_timeout');
    expect(Date.now() - started).toBeLessThan(800);
    expect(response.json()).toMatchObject({ paymentState: 'paid_offline' });
    // Central gives up on its acquirer by itself and reverses.
    await expect.poll(async () => (await h.central.paymentsFor(orderId))[0]?.state, { timeout: 3000 }).toBe('failed');
    expect(h.central.acquirer.outstanding()).toBe(0);
  });

  it("accepts offline when central answers that its acquirer cannot be reached (502)", async () => {
    const h = await harness();
    const { orderId, response } = await h.checkout('tok_network_error');
    expect(response.json()).toMatchObject({ paymentState: 'paid_offline' });
    expect(await h.central.paymentsFor(orderId)).toMatchObject([{ state: 'failed', amount_captured: 0 }]);
  });

  it('refuses beyond the per-payment limit with a clear message, charging nothing', async () => {
    const h = await harness();
    await h.central.stop();
    const { orderId, response } = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 34 }]);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ paymentState: 'failed', declineCode: 'offline_limit', total: 51_000 });
    expect(response.json().paymentMessage).toMatch(/cannot be accepted offline: it is above the offline limit of 50,000 KRW per payment\. Nothing was charged/);
    expect(h.outboxTypes()).toEqual(['order.placed', 'payment.failed']);
    expect((await h.staff('hand-over', orderId)).json().error.code).toBe('payment_required');
    await h.central.start();
    expect(await h.central.paymentsFor(orderId)).toEqual([]);
  });

  it('refuses once the outstanding offline total would pass its limit', async () => {
    const h = await harness({ settings: { offlineMaxOutstanding: 5_000 } });
    await h.central.stop();
    const first = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 2 }]);
    const second = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 2 }]);
    expect(first.response.json().paymentState).toBe('paid_offline');
    expect(second.response.json()).toMatchObject({ paymentState: 'failed', declineCode: 'offline_limit' });
    expect(second.response.json().paymentMessage).toMatch(/limit of 5,000 KRW in offline payments is reached/);
    expect((await status(h)).payments.offline).toMatchObject({ count: 1, outstanding: 3000, maxOutstanding: 5000 });
  });

  it('settles a timed-out attempt before the shopper pays with another card, so the first is never charged too', async () => {
    const h = await harness({ settings: { timeoutMs: 400 }, acquirerTimeoutMs: 2000 });
    const placed = await h.checkout('tok_timeout', [{ sku: 'MILK-1', quantity: 34 }]);
    // The request was sent and not answered: central may still carry it out, so no "nothing charged".
    expect(placed.response.json()).toMatchObject({ paymentState: 'failed', declineCode: 'offline_limit_unconfirmed' });
    expect((await h.order(placed.orderId)).paymentMessage).toMatch(/may still go through; paying again will not charge twice/);
    await h.central.stop();
    const unreachable = await h.pay(placed, 'tok_visa');
    expect(unreachable.statusCode).toBe(503);
    expect(unreachable.json().error.code).toBe('payment_unavailable');
    await h.central.start();
    const paid = await h.pay(placed, 'tok_visa');
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ paymentState: 'paid', total: 51_000 });
    const rows = await h.central.paymentsFor(placed.orderId);
    expect(rows.filter((r) => r.state === 'captured')).toHaveLength(1);
    expect(h.central.acquirer.outstanding()).toBe(51_000);
  });

  it('refunds a charge that completed at central after it was refused offline, and says so', async () => {
    // The charge runs well past the station's wait, so the first look below finds it still running
    // even on a loaded machine.
    const h = await harness({ settings: { timeoutMs: 150 }, acquirerLatencyMs: 1_500 });
    const placed = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 34 }]);
    // Refused offline (over the limit) while the charge was still running at central.
    expect(placed.response.json()).toMatchObject({ paymentState: 'failed', declineCode: 'offline_limit_unconfirmed', total: 51_000 });
    // While central still runs it, the forwarder leaves it be.
    await h.t.app.station.payments.forwardDue();
    expect((await h.order(placed.orderId)).declineCode).toBe('offline_limit_unconfirmed');
    // It went through there; the forwarder's next round asks what became of it and refunds it.
    await expect.poll(async () => (await h.central.paymentsFor(placed.orderId))[0]?.state, { timeout: 3000 }).toBe('captured');
    // (Not while central shows the payment pending, as an instance that stopped mid-call leaves it.)
    const central = h.central.db.db;
    await central.updateTable('payments').set({ state: 'pending' }).where('order_id', '=', placed.orderId).execute();
    await h.t.app.station.payments.forwardDue();
    expect((await h.order(placed.orderId)).declineCode).toBe('offline_limit_unconfirmed');
    await central.updateTable('payments').set({ state: 'captured' }).where('order_id', '=', placed.orderId).execute();
    await h.t.app.station.payments.forwardDue();
    expect((await h.order(placed.orderId)).declineCode).toBe('offline_limit');
    expect(await h.order(placed.orderId)).toMatchObject({ paymentState: 'failed', paymentMessage: expect.stringMatching(/refunded in full/) });
    const [charged] = await h.central.paymentsFor(placed.orderId);
    expect(charged).toMatchObject({ state: 'refunded', amount_captured: 51_000 });
    expect(h.central.acquirer.outstanding()).toBe(0);
    // Central's books and the station's synced events agree: a capture and its refund.
    expect(h.outboxTypes().filter((type) => type === 'payment.captured' || type === 'payment.refunded')).toEqual(['payment.captured', 'payment.refunded']);
    // Paying again, central quick again, is a new charge, made once.
    h.central.acquirer.latencyMs = 0;
    const again = await h.pay(placed, 'tok_mastercard');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ paymentState: 'paid', total: 51_000 });
    expect(h.central.acquirer.outstanding()).toBe(51_000);
    expect((await h.central.paymentsFor(placed.orderId)).map((p) => p.state).sort()).toEqual(['captured', 'refunded']);
  });

  it('goes on with the other unconfirmed charges when central refuses to settle one, and says so once', async () => {
    const sink = logSink();
    const h = await harness({ settings: { timeoutMs: 150 }, acquirerLatencyMs: 1_500, logger: productionLogger('info', sink.stream) });
    const stuck = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 34 }]);
    // Placed later, so the forwarder comes to it after the one it cannot settle.
    h.t.clock.advance(1_000);
    const other = await h.checkout('tok_mastercard', [{ sku: 'MILK-1', quantity: 34 }]);
    for (const placed of [stuck, other]) {
      expect(placed.response.json()).toMatchObject({ declineCode: 'offline_limit_unconfirmed' });
      await expect.poll(async () => (await h.central.paymentsFor(placed.orderId))[0]?.state).toBe('captured');
    }
    // The undo of the first is refused for good: its key was already used for another refund.
    const [charged] = await h.central.paymentsFor(stuck.orderId);
    await h.client!.request('POST', `/v1/payments/${charged!.id}/refunds`, { amount: 1 }, { 'Idempotency-Key': `omni-undo-${stuck.orderId}-1` });
    await h.t.app.station.payments.forwardDue();
    await h.t.app.station.payments.forwardDue();
    // The other is settled all the same, and the forwarder did not take the refusal for an outage.
    expect(await h.order(other.orderId)).toMatchObject({ declineCode: 'offline_limit', paymentMessage: expect.stringMatching(/refunded in full/) });
    expect((await h.central.paymentsFor(other.orderId))[0]).toMatchObject({ state: 'refunded' });
    expect(await h.order(stuck.orderId)).toMatchObject({ declineCode: 'offline_limit_unconfirmed' });
    const warnings = sink.entries().filter((e) => e.msg.includes(stuck.orderId));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, msg: expect.stringContaining('idempotency_key_reused') });
    // Staff cannot cancel it either, and are told why; nothing changes.
    const cancel = await h.staff('cancel', stuck.orderId);
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json().error).toMatchObject({ code: 'central_refused', message: expect.stringMatching(/idempotency_key_reused.*Nothing was changed/) });
    expect(await h.order(stuck.orderId)).toMatchObject({ state: 'placed', declineCode: 'offline_limit_unconfirmed' });
  });

  it('never sends an unanswered charge again: one central never received is closed once it can no longer arrive', async () => {
    const h = await harness();
    await h.central.stop();
    const placed = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 34 }]);
    // As if the request had left the station and been lost on the way, unanswered.
    h.t.station.db
      .prepare("UPDATE payments SET outcome_unknown = 1, decline_code = 'offline_limit_unconfirmed' WHERE order_id = ?")
      .run(placed.orderId);
    await h.central.start();
    // Central has not heard of it, but a request signed minutes ago could still reach it.
    await h.t.app.station.payments.forwardDue();
    expect((await h.order(placed.orderId)).declineCode).toBe('offline_limit_unconfirmed');
    h.t.clock.advance(10 * 60_000);
    await h.t.app.station.payments.forwardDue();
    expect((await h.order(placed.orderId)).declineCode).toBe('offline_limit_unconfirmed');
    // Past twice the allowed clock skew central refuses it for good: nothing was charged.
    h.t.clock.advance(2 * 60_000);
    await h.t.app.station.payments.forwardDue();
    expect(await h.order(placed.orderId)).toMatchObject({ paymentState: 'failed', declineCode: 'offline_limit', paymentMessage: expect.stringMatching(/nothing was charged/) });
    expect(await h.central.paymentsFor(placed.orderId)).toEqual([]);
    expect(h.central.acquirer.calls.filter((call) => call.op === 'authorise')).toEqual([]);
  });

  it('never charges twice when the attempt that timed out did complete at central', async () => {
    const h = await harness({ settings: { timeoutMs: 150 }, acquirerLatencyMs: 500 });
    const placed = await h.checkout('tok_visa');
    expect(placed.response.json().paymentState).toBe('paid_offline');
    await expect.poll(async () => (await h.central.paymentsFor(placed.orderId))[0]?.state, { timeout: 3000 }).toBe('captured');
    const retry = await h.retry(placed);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().paymentState).toBe('paid_offline');

    await h.t.app.station.payments.forwardDue();
    expect(await h.order(placed.orderId)).toMatchObject({ paymentState: 'paid' });
    expect(await h.central.paymentsFor(placed.orderId)).toHaveLength(1);
    expect(h.central.acquirer.charges.size).toBe(1);
  });
});

describe('after central returns', () => {
  it('raises a stored alert for an offline payment central later declines', async () => {
    const h = await harness();
    await h.central.stop();
    const { orderId } = await h.checkout('tok_decline_stolen_card', [{ sku: 'SNK-2', quantity: 2 }]);
    await h.staff('hand-over', orderId);
    await h.central.start();
    await h.t.app.station.payments.forwardDue();

    expect(await h.order(orderId)).toMatchObject({ state: 'handed_over', paymentState: 'declined', declineCode: 'stolen_card' });
    const alert = h.t.app.station.hub.after(0).find((e) => e.type === 'alert.offline_declined');
    expect(alert?.data).toMatchObject({ orderId, number: 1, amount: 3600, currency: 'KRW', paymentState: 'declined', declineCode: 'stolen_card' });
    expect(h.outboxTypes().slice(-1)).toEqual(['payment.declined']);
    // The monitor's feed replays it after a reconnect, like any stored event.
    await h.t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = h.t.app.server.address();
    const reader = await SseReader.open(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/staff/events?after=0`, { cookie: h.cookie });
    try {
      await reader.waitFor((m) => m.some((e) => e.event === 'alert.offline_declined'));
      expect(reader.messages.find((e) => e.event === 'alert.offline_declined')!.id).toBe(String(alert!.id));
    } finally {
      reader.close();
    }
  });

  it("keeps an offline payment while central refuses the station's signature, and forwards it once that is mended", async () => {
    // The station's clock runs 10 minutes fast (central allows 5): every signed request is refused.
    let skewMs = 10 * 60_000;
    const h = await harness({ signingClock: { now: () => Date.now() + skewMs } });
    const placed = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 2 }]);
    // Not a refusal of the card: nothing ran at central, so the station decides offline, as when central is away.
    expect(placed.response.json()).toMatchObject({ paymentState: 'paid_offline', state: 'placed' });
    expect(await h.staff('hand-over', placed.orderId)).toMatchObject({ statusCode: 200 });
    // Forwarding is refused the same way: the goods are gone, so the payment must not be given up.
    await expect(h.t.app.station.payments.forwardDue()).rejects.toThrow(/timestamp is too far/);
    expect(await h.order(placed.orderId)).toMatchObject({ paymentState: 'paid_offline' });
    expect(h.t.app.station.hub.after(0).filter((e) => e.type === 'alert.offline_declined')).toEqual([]);
    expect(await h.central.paymentsFor(placed.orderId)).toEqual([]);
    // IT sets the clock right: the next round forwards it, charged once.
    skewMs = 0;
    await h.t.app.station.payments.forwardDue();
    expect(await h.order(placed.orderId)).toMatchObject({ state: 'handed_over', paymentState: 'paid' });
    expect((await h.central.paymentsFor(placed.orderId)).map((p) => [p.state, p.amount_captured])).toEqual([['captured', 3000]]);
  });

  it('gives up an offline payment not forwarded within 24 hours and raises the alert', async () => {
    const h = await harness();
    await h.central.stop();
    const { orderId } = await h.checkout('tok_visa');
    h.t.clock.advance(24 * 60 * 60 * 1000 + 1);
    await h.signInAgain();
    // Central is still away: expiry does not wait for it.
    await h.t.app.station.payments.forwardDue();
    expect(await h.order(orderId)).toMatchObject({ paymentState: 'declined', declineCode: 'offline_expired' });
    expect(h.t.app.station.hub.after(0).filter((e) => e.type === 'alert.offline_declined')).toHaveLength(1);
    await h.central.start();
    await h.t.app.station.payments.forwardDue();
    expect(await h.central.paymentsFor(orderId)).toEqual([]);
  });

  it('cancels an order whose charge is in doubt without sending the charge again, and refunds it if it went through', async () => {
    // Never reached central: cancelled at once, nothing sent, closed once it can no longer arrive.
    const h = await harness({ settings: { timeoutMs: 150 }, acquirerLatencyMs: 500 });
    await h.central.stop();
    const lost = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 34 }]);
    h.t.station.db.prepare("UPDATE payments SET outcome_unknown = 1, decline_code = 'offline_limit_unconfirmed' WHERE order_id = ?").run(lost.orderId);
    await h.central.start();
    expect((await h.staff('cancel', lost.orderId)).json()).toMatchObject({ state: 'cancelled', paymentState: 'failed', declineCode: 'offline_limit_unconfirmed' });
    h.t.clock.advance(12 * 60_000);
    await h.signInAgain();
    await h.t.app.station.payments.forwardDue();
    expect(await h.order(lost.orderId)).toMatchObject({ state: 'cancelled', declineCode: 'offline_limit' });
    expect(h.central.acquirer.calls.filter((call) => call.op === 'authorise')).toEqual([]);

    // Went through after the station stopped waiting: the cancel refunds it.
    const late = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 34 }]);
    expect(late.response.json()).toMatchObject({ declineCode: 'offline_limit_unconfirmed' });
    await expect.poll(async () => (await h.central.paymentsFor(late.orderId))[0]?.state, { timeout: 3000 }).toBe('captured');
    expect((await h.staff('cancel', late.orderId)).json()).toMatchObject({ state: 'cancelled', paymentState: 'failed', declineCode: 'offline_limit' });
    expect(await h.central.paymentsFor(late.orderId)).toMatchObject([{ state: 'refunded', amount_refunded: 51_000 }]);
    expect(h.central.acquirer.outstanding()).toBe(0);
  });

  it('forwards before it cancels: an offline payment is captured at central, then refunded', async () => {
    const h = await harness();
    await h.central.stop();
    const { orderId } = await h.checkout('tok_visa');
    const refused = await h.staff('cancel', orderId);
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('central_unavailable');
    expect(await h.order(orderId)).toMatchObject({ state: 'placed', paymentState: 'paid_offline' });
    await h.central.start();
    expect((await h.staff('cancel', orderId)).json()).toMatchObject({ state: 'cancelled', paymentState: 'refunded' });
    expect(await h.central.paymentsFor(orderId)).toMatchObject([{ state: 'refunded', amount_refunded: 1500 }]);
  });
});
