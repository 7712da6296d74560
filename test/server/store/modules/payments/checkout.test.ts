// Runs in: node (tests). Checkout pays through the real central service: approvals, declines,
// a second try with another card, and retries that must never charge twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startShopper } from '../../../../helpers/station.js';
import { createHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('checkout pays', () => {
  it('captures an approved card at once and shows the card, the state and a monitor event', async () => {
    const { orderId, response } = await h.checkout('tok_visa', [{ sku: 'MILK-1', quantity: 2 }]);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      id: orderId,
      state: 'placed',
      paymentState: 'paid',
      total: 3000,
      payment: { method: 'card', brand: 'visa', maskedPan: '424242******4242' },
    });
    expect(response.json()).not.toHaveProperty('declineCode');

    const [payment, ...more] = await h.central.paymentsFor(orderId);
    expect(more).toEqual([]);
    expect(payment).toMatchObject({ state: 'captured', amount: 3000, amount_captured: 3000, currency: 'KRW' });
    expect(h.outboxTypes()).toEqual(['order.placed', 'payment.captured']);
    const events = h.t.app.station.hub.after(0);
    expect(events.map((e) => e.type)).toEqual(['order.placed', 'order.updated']);
    expect(events[1]!.data).toMatchObject({ id: orderId, paymentState: 'paid' });
    const captured = h.t.app.station.outbox.pending(10)[1]!;
    expect(captured.payload).toMatchObject({ orderId, amount: 3000, currency: 'KRW', state: 'paid', centralPaymentId: payment!.id });
    expect(JSON.stringify(captured.payload)).not.toContain('tok_visa');
  });

  it.each([
    ['tok_decline_insufficient_funds', 'insufficient_funds', /insufficient funds/],
    ['tok_decline_stolen_card', 'stolen_card', /^The card was declined/],
    ['tok_decline_expired_card', 'expired_card', /expired/],
  ])('marks %s declined with its code, charges nothing and lets the order wait', async (token, code, message) => {
    const { orderId, response } = await h.checkout(token);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ state: 'placed', paymentState: 'declined', declineCode: code });
    expect(response.json().paymentMessage).toMatch(message);
    expect(await h.central.paymentsFor(orderId)).toMatchObject([{ state: 'declined', decline_code: code, amount_captured: 0 }]);
    expect(h.central.acquirer.outstanding()).toBe(0);
    expect(h.outboxTypes()).toEqual(['order.placed', 'payment.declined']);
  });

  it('takes a second card after a decline, then refuses to pay again', async () => {
    const first = await h.checkout('tok_decline_insufficient_funds');
    const other = await startShopper(h.t.app);
    expect((await h.pay(first, 'tok_visa', other)).statusCode).toBe(404);

    const retry = await h.pay(first, 'tok_test_mastercard_5100');
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ paymentState: 'paid', payment: { brand: 'mastercard', maskedPan: '555555******5100' } });
    expect(retry.json()).not.toHaveProperty('declineCode');
    const rows = await h.central.paymentsFor(first.orderId);
    expect(rows.map((r) => r.state).sort()).toEqual(['captured', 'declined']);

    const again = await h.pay(first, 'tok_visa');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('payment_done');
    expect(await h.central.paymentsFor(first.orderId)).toHaveLength(2);
    expect(h.outboxTypes()).toEqual(['order.placed', 'payment.declined', 'payment.captured']);
  });

  it('refuses a card number as the new token, storing nothing', async () => {
    const first = await h.checkout('tok_decline_expired_card');
    const pan = await h.pay(first, 'tok_4111111111111111');
    expect(pan.statusCode).toBe(400);
    expect(pan.json().error.code).toBe('payment_token_invalid');
    const rows = h.t.station.db.prepare('SELECT token_ref, masked_pan, brand FROM payments').all();
    expect(rows).toEqual([{ token_ref: 'tok_decline_expired_card', masked_pan: '424242******0002', brand: 'visa' }]);
    expect(JSON.stringify(h.t.station.db.prepare('SELECT * FROM orders').all())).not.toContain('4111111111111111');
  });

  it('answers a retried checkout with the same order and never pays twice, even when both arrive at once', async () => {
    const placed = await h.checkout('tok_visa');
    const retry = await h.retry(placed);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(placed.response.json());

    // A double tap: two requests for one new order at the same moment.
    const shopper = await startShopper(h.t.app);
    await h.t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'SNK-2' } });
    const body = { ...placed.body, orderId: crypto.randomUUID() };
    const both = await Promise.all([0, 1].map(() => h.t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(both.map((r) => r.json().paymentState)).toEqual(['paid', 'paid']);

    expect(await h.central.paymentsFor(placed.orderId)).toHaveLength(1);
    expect(await h.central.paymentsFor(body.orderId)).toHaveLength(1);
    expect(h.central.acquirer.charges.size).toBe(2);
    expect(h.outboxTypes().filter((t) => t === 'payment.captured')).toHaveLength(2);
  });

  it('resumes an attempt whose answer never arrived under the same key, so central charges once', async () => {
    const placed = await h.checkout('tok_visa');
    // As if the station had stopped after central captured but before the answer was stored.
    h.t.station.db.prepare("UPDATE payments SET state = 'pending', settled_attempt = 0, central_payment_id = NULL WHERE order_id = ?").run(placed.orderId);
    const retry = await h.retry(placed);
    expect(retry.json()).toMatchObject({ paymentState: 'paid' });

    const second = await h.checkout('tok_visa');
    h.t.station.db.prepare("UPDATE payments SET state = 'pending', settled_attempt = 0 WHERE order_id = ?").run(second.orderId);
    await h.t.app.station.payments.forwardDue();
    expect(await h.order(second.orderId)).toMatchObject({ paymentState: 'paid' });

    expect(await h.central.paymentsFor(placed.orderId)).toHaveLength(1);
    expect(await h.central.paymentsFor(second.orderId)).toHaveLength(1);
    expect(h.central.acquirer.charges.size).toBe(2);
  });
});

describe('staff and payment', () => {
  it('refuses to hand over before payment, and hands over once paid', async () => {
    const declined = await h.checkout('tok_decline_stolen_card');
    const refused = await h.staff('hand-over', declined.orderId);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('payment_required');
    expect(await h.order(declined.orderId)).toMatchObject({ state: 'placed' });

    expect((await h.pay(declined, 'tok_visa')).json().paymentState).toBe('paid');
    const handed = await h.staff('hand-over', declined.orderId);
    expect(handed.statusCode).toBe(200);
    expect(handed.json()).toMatchObject({ state: 'handed_over', paymentState: 'paid' });
    // A handed-over order is not paid again, nor cancelled.
    expect((await h.pay(declined, 'tok_visa')).json().error.code).toBe('order_state');
    expect((await h.staff('cancel', declined.orderId)).json().error.code).toBe('order_state');
  });

  it('refunds a paid order at central when staff cancel it', async () => {
    const { orderId } = await h.checkout('tok_visa', [{ sku: 'SNK-2', quantity: 3 }]);
    const cancelled = await h.staff('cancel', orderId);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', paymentState: 'refunded' });
    expect(await h.central.paymentsFor(orderId)).toMatchObject([{ state: 'refunded', amount_captured: 5400, amount_refunded: 5400 }]);
    expect(h.central.acquirer.outstanding()).toBe(0);
    expect(h.outboxTypes()).toEqual(['order.placed', 'payment.captured', 'payment.refunded', 'order.updated']);
    const refunded = h.t.app.station.outbox.pending(10)[2]!;
    expect(refunded.payload).toMatchObject({ orderId, amount: 5400, state: 'refunded' });
    const last = h.t.app.station.hub.after(0).at(-1)!;
    expect(last).toMatchObject({ type: 'order.updated', data: { state: 'cancelled', paymentState: 'refunded' } });
  });

  it('changes nothing when the refund cannot reach central, and refunds once it can', async () => {
    const { orderId } = await h.checkout('tok_visa');
    const before = h.t.app.station.outbox.status().lastSeq;
    await h.central.stop();
    const refused = await h.staff('cancel', orderId);
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('refund_unavailable');
    expect(await h.order(orderId)).toMatchObject({ state: 'placed', paymentState: 'paid' });
    expect(h.t.app.station.outbox.status().lastSeq).toBe(before);

    await h.central.start();
    expect((await h.staff('cancel', orderId)).json()).toMatchObject({ state: 'cancelled', paymentState: 'refunded' });
    expect(await h.central.paymentsFor(orderId)).toMatchObject([{ state: 'refunded' }]);
  });

  it('cancels an unpaid or declined order without asking central', async () => {
    const { orderId } = await h.checkout('tok_decline_expired_card');
    await h.central.stop();
    const cancelled = await h.staff('cancel', orderId);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', paymentState: 'declined' });
  });
});
