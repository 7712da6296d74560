// Runs in: node (vitest). Payments at central: state machines, the test acquirer's outcomes,
// Stripe-like idempotency and card-data refusal, on SQLite and PostgreSQL.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { createTestCentral, describeDialects, paymentBody, signedInject, type InjectResult, type TestCentral } from './helpers.js';

interface PaymentJson {
  id: string;
  state: string;
  amount: number;
  amountCaptured: number;
  amountRefunded: number;
  brand: string | null;
  maskedPan: string | null;
  declineCode?: string;
  refunds: { id: string; amount: number }[];
}

const codeOf = (r: InjectResult) => [r.statusCode, r.json<{ error: { code: string } }>().error?.code ?? r.body];

describeDialects('central payments', (dialect) => {
  let c: TestCentral;
  beforeEach(async () => {
    c = await createTestCentral(dialect);
  });
  afterEach(async () => {
    await c.close();
  });

  const create = async (overrides: Record<string, unknown> = {}, key?: string) => {
    const response = await c.pay('/v1/payments', paymentBody(overrides), key);
    return { response, payment: response.json<PaymentJson>() };
  };

  it('authorises and captures in one step, keeping only token, brand and masked PAN', async () => {
    const { response, payment } = await create({ token: 'tok_mastercard', amount: 31_900 });
    expect(response.statusCode).toBe(201);
    expect(payment).toMatchObject({ state: 'captured', amount: 31_900, amountCaptured: 31_900, amountRefunded: 0, brand: 'mastercard', maskedPan: '555555******4444' });
    expect((await c.signed('GET', `/v1/payments/${payment.id}`)).json()).toEqual(payment);
    const row = await c.db.central.db.selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirstOrThrow();
    expect(row.token_ref).toBe('tok_mastercard');
    expect(row.masked_pan).toBe('555555******4444');
  });

  it('captures part of an authorisation, then refunds partially and fully; over-refunds are refused', async () => {
    const { payment } = await create({ capture: false, amount: 10_000 });
    expect(payment.state).toBe('authorized');
    const captured = await c.pay(`/v1/payments/${payment.id}/capture`, { amount: 8_000 });
    expect(captured.statusCode).toBe(200);
    expect(captured.json()).toMatchObject({ state: 'captured', amountCaptured: 8_000 });
    const partial = await c.pay(`/v1/payments/${payment.id}/refunds`, { amount: 3_000 });
    expect(partial.statusCode).toBe(201);
    expect(partial.json()).toMatchObject({ state: 'partially_refunded', amountRefunded: 3_000 });
    expect(codeOf(await c.pay(`/v1/payments/${payment.id}/refunds`, { amount: 5_001 }))).toEqual([400, 'amount_too_large']);
    const rest = await c.pay(`/v1/payments/${payment.id}/refunds`, { amount: 5_000 });
    expect(rest.json<PaymentJson>()).toMatchObject({ state: 'refunded', amountRefunded: 8_000 });
    expect(rest.json<PaymentJson>().refunds.map((r) => r.amount)).toEqual([3_000, 5_000]);
    expect(codeOf(await c.pay(`/v1/payments/${payment.id}/refunds`, { amount: 1 }))).toEqual([409, 'payment_state']);
    expect(c.acquirer.outstanding()).toBe(0);
  });

  it('refuses illegal transitions with 409 payment_state', async () => {
    const authorised = (await create({ capture: false })).payment;
    expect(codeOf(await c.pay(`/v1/payments/${authorised.id}/refunds`, { amount: 1 }))).toEqual([409, 'payment_state']);
    expect(codeOf(await c.pay(`/v1/payments/${authorised.id}/capture`, { amount: authorised.amount + 1 }))).toEqual([400, 'amount_too_large']);
    // A cancel may come without a body.
    const cancelled = await c.signed('POST', `/v1/payments/${authorised.id}/cancel`, undefined, { 'idempotency-key': randomUUID() });
    expect(cancelled.json()).toMatchObject({ state: 'cancelled' });
    expect(codeOf(await c.pay(`/v1/payments/${authorised.id}/capture`, {}))).toEqual([409, 'payment_state']);
    expect(codeOf(await c.pay(`/v1/payments/${authorised.id}/cancel`, {}))).toEqual([409, 'payment_state']);

    const captured = (await create()).payment;
    expect(codeOf(await c.pay(`/v1/payments/${captured.id}/cancel`, {}))).toEqual([409, 'payment_state']);
    expect(codeOf(await c.pay(`/v1/payments/${captured.id}/capture`, {}))).toEqual([409, 'payment_state']);

    const declined = (await create({ token: 'tok_decline_stolen_card' })).payment;
    for (const [path, body] of [['capture', {}], ['cancel', {}], ['refunds', { amount: 1 }]] as const) {
      expect(codeOf(await c.pay(`/v1/payments/${declined.id}/${path}`, body))).toEqual([409, 'payment_state']);
    }
    expect(codeOf(await c.pay(`/v1/payments/${randomUUID()}/capture`, {}))).toEqual([404, 'payment_not_found']);
  });

  it('answers declines as 201 with a decline code, and charges nothing', async () => {
    for (const code of ['insufficient_funds', 'stolen_card', 'expired_card']) {
      const { response, payment } = await create({ token: `tok_decline_${code}` });
      expect(response.statusCode).toBe(201);
      expect(payment).toMatchObject({ state: 'declined', declineCode: code, amountCaptured: 0 });
    }
    expect(c.acquirer.outstanding()).toBe(0);
  });

  it('answers 504 on an acquirer timeout and 502 on a network error, reverses, and lets the retry run', async () => {
    const key = randomUUID();
    const body = paymentBody({ token: 'tok_timeout' });
    const timedOut = await c.pay('/v1/payments', body, key);
    expect(codeOf(timedOut)).toEqual([504, 'acquirer_unavailable']);
    // The test acquirer did authorise before going silent; central's reversal voided it.
    expect(c.acquirer.charges.size).toBe(1);
    expect(c.acquirer.outstanding()).toBe(0);
    const failed = await c.db.central.db.selectFrom('payments').select(['state', 'failure_code']).execute();
    expect(failed).toEqual([{ state: 'failed', failure_code: 'acquirer_timeout' }]);
    // Nothing definite happened, so the same key runs again rather than replaying the 504.
    expect((await c.pay('/v1/payments', body, key)).statusCode).toBe(504);

    expect(codeOf(await c.pay('/v1/payments', paymentBody({ token: 'tok_network_error' })))).toEqual([502, 'acquirer_unavailable']);
    expect(c.acquirer.outstanding()).toBe(0);
  });

  it('replays the first response to a retry with the same key, and refuses the key for another body', async () => {
    const key = randomUUID();
    const body = paymentBody();
    const first = await c.pay('/v1/payments', body, key);
    const retry = await c.pay('/v1/payments', { ...body }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // Field order does not make another request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await c.pay('/v1/payments', reordered, key)).body).toBe(first.body);
    expect(codeOf(await c.pay('/v1/payments', { ...body, amount: body.amount + 1 }, key))).toEqual([409, 'idempotency_key_reused']);
    const id = first.json<PaymentJson>().id;
    expect(codeOf(await c.pay(`/v1/payments/${id}/refunds`, { amount: 1 }, key))).toEqual([409, 'idempotency_key_reused']);
    expect(c.acquirer.charges.size).toBe(1);

    // A refund's retry replays, so the money goes back once.
    const refundKey = randomUUID();
    await c.pay(`/v1/payments/${id}/refunds`, { amount: body.amount }, refundKey);
    const again = await c.pay(`/v1/payments/${id}/refunds`, { amount: body.amount }, refundKey);
    expect(again.statusCode).toBe(201);
    expect(again.json<PaymentJson>().refunds).toHaveLength(1);
    // A refused transition is an answer too: its retry gets the same 409.
    const cancelKey = randomUUID();
    expect(codeOf(await c.pay(`/v1/payments/${id}/cancel`, {}, cancelKey))).toEqual([409, 'payment_state']);
    const refusedAgain = await c.pay(`/v1/payments/${id}/cancel`, {}, cancelKey);
    expect(codeOf(refusedAgain)).toEqual([409, 'payment_state']);
    expect(refusedAgain.headers['idempotent-replayed']).toBe('true');
  });

  it('needs an Idempotency-Key on every change', async () => {
    const response = await c.signed('POST', '/v1/payments', paymentBody());
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    const tooLong = await c.pay('/v1/payments', paymentBody(), 'k'.repeat(256));
    expect(tooLong.statusCode).toBe(400);
  });

  it('expires keys after 24 h and purges them', async () => {
    const key = randomUUID();
    await c.pay('/v1/payments', paymentBody(), key);
    c.clock.advance(23 * 3600_000);
    expect(codeOf(await c.pay('/v1/payments', paymentBody(), key))).toEqual([409, 'idempotency_key_reused']);
    c.clock.advance(3600_000);
    expect((await c.pay('/v1/payments', paymentBody(), key)).statusCode).toBe(201);
    c.clock.advance(24 * 3600_000 + 1);
    await c.pay('/v1/payments', paymentBody());
    expect((await c.app.central.purgeExpired()).idempotencyKeys).toBe(1);
  });

  it('takes over the key of a request whose process died without charging twice', async () => {
    const db = c.db.central.db;
    const dieAfter = async (key: string, paymentState?: 'pending') => {
      // What a central killed between the acquirer's answer and the stored response leaves.
      await db.updateTable('idempotency_keys').set({ status_code: null, response_body: null, locked_until: c.clock.now() + 60_000 }).where('idem_key', '=', key).execute();
      if (paymentState) await db.updateTable('payments').set({ state: paymentState, amount_captured: 0 }).where('idempotency_key', '=', key).execute();
    };
    const key = randomUUID();
    const body = paymentBody();
    const first = (await c.pay('/v1/payments', body, key)).json<PaymentJson>();
    await dieAfter(key);
    // Once its lease has run out, the first request is presumed dead and a retry takes over.
    c.clock.advance(61_000);
    const retried = await c.pay('/v1/payments', body, key);
    expect(retried.statusCode).toBe(201);
    expect(retried.json<PaymentJson>().id).toBe(first.id);
    expect(c.acquirer.calls.filter((call) => call.op === 'authorise')).toHaveLength(1);

    // Cut off mid-call: the earlier authorisation is reversed, a new attempt charges once.
    const key2 = randomUUID();
    const body2 = paymentBody({ amount: 700 });
    await c.pay('/v1/payments', body2, key2);
    await dieAfter(key2, 'pending');
    c.clock.advance(61_000);
    const again = await c.pay('/v1/payments', body2, key2);
    expect(again.json<PaymentJson>()).toMatchObject({ state: 'captured', amount: 700 });
    const rows = await db.selectFrom('payments').select(['state', 'failure_code']).where('idempotency_key', '=', key2).orderBy('id').execute();
    expect(rows).toEqual([{ state: 'failed', failure_code: 'abandoned' }, { state: 'captured', failure_code: null }]);
    expect(c.acquirer.outstanding()).toBe(body.amount + 700);
  });

  it('settles a payment an instance left pending mid-call once no live request holds its key', async () => {
    const db = c.db.central.db;
    const key = `omni-pay-${randomUUID()}-1`;
    await c.pay('/v1/payments', paymentBody({ amount: 900 }), key);
    // What a central killed mid-call to the acquirer leaves: a pending payment, its key held.
    await db.updateTable('idempotency_keys').set({ status_code: null, response_body: null, locked_until: c.clock.now() + 60_000 }).where('idem_key', '=', key).execute();
    await db.updateTable('payments').set({ state: 'pending', amount_captured: 0 }).where('idempotency_key', '=', key).execute();
    const attempt = async () => (await c.signed('GET', `/v1/payment-attempts/${key}`)).json<{ state: string; payment?: PaymentJson }>();
    // While the key's lease runs, the request may still be alive: left alone, shown running.
    expect(await c.app.central.payments.settleAbandoned()).toBe(0);
    expect(await attempt()).toEqual({ key, state: 'in_progress' });
    c.clock.advance(61_000);
    // Its holder is gone: what it booked is the answer, pending until the sweep settles it.
    expect(await attempt()).toMatchObject({ state: 'done', payment: { state: 'pending' } });
    expect(await c.app.central.payments.settleAbandoned()).toBe(1);
    expect(await attempt()).toMatchObject({ state: 'done', payment: { state: 'failed', amountCaptured: 0 } });
    // Reversed at the acquirer: nothing is left charged.
    expect(c.acquirer.outstanding()).toBe(0);
    expect(await c.app.central.payments.settleAbandoned()).toBe(0);
    // Once a minute on every instance: through the partial index, not a scan of the ledger.
    if (dialect === 'sqlite') {
      const { sql: text, parameters } = c.app.central.payments.pendingSince(c.clock.now()).compile();
      const plan = await c.db.central.db.executeQuery(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${text}`, [...parameters]));
      expect(JSON.stringify(plan.rows)).toContain('payments_pending');
    }
  });

  it('makes one payment when identical requests race, on one instance and across two', async () => {
    const key = randomUUID();
    const body = paymentBody();
    c.acquirer.latencyMs = 30;
    const second = await c.secondInstance();
    const tries = await Promise.all([
      ...Array.from({ length: 4 }, () => c.pay('/v1/payments', body, key)),
      ...Array.from({ length: 4 }, () => signedInject(second, c.clock, c.storeKey, 'POST', '/v1/payments', body, { 'idempotency-key': key })),
    ]);
    expect(tries.map((t) => t.statusCode)).toEqual(Array(8).fill(201));
    expect(new Set(tries.map((t) => t.body)).size).toBe(1);
    expect(await c.db.central.db.selectFrom('payments').select('id').execute()).toHaveLength(1);
    expect(c.acquirer.calls.filter((call) => call.op === 'authorise')).toHaveLength(1);
  });

  it('lets one of two racing operations on a payment win and refuses the other', async () => {
    const { payment } = await create({ capture: false });
    c.acquirer.latencyMs = 30;
    const [capture, cancel] = await Promise.all([c.pay(`/v1/payments/${payment.id}/capture`, {}), c.pay(`/v1/payments/${payment.id}/cancel`, {})]);
    const codes = [capture, cancel].map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409]);
    const loser = [capture, cancel].find((r) => r.statusCode === 409)!;
    expect(['payment_busy', 'payment_state']).toContain(loser.json().error.code);
  });

  it('refuses card numbers in any field and float or negative money', async () => {
    expect(codeOf(await c.pay('/v1/payments', paymentBody({ orderId: '4242424242424242' })))).toEqual([400, 'card_data_refused']);
    expect(codeOf(await c.pay('/v1/payments', paymentBody({ orderId: 'ord-5555-5555-5555-4444' })))).toEqual([400, 'card_data_refused']);
    for (const bad of [{ token: '4242424242424242' }, { amount: 12.5 }, { amount: '100' }, { amount: -1 }, { amount: 0 }, { amount: 2 ** 53 }, { capture: 'true' }, { currency: 'krw' }, { pan: '4242424242424242' }, { cvv: '123' }]) {
      const response = await c.pay('/v1/payments', paymentBody(bad));
      expect(response.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect(await c.db.central.db.selectFrom('payments').select('id').execute()).toEqual([]);
    const idem = await c.db.central.db.selectFrom('idempotency_keys').select('response_body').execute();
    expect(JSON.stringify(idem)).not.toContain('4242424242424242');
  });

  it('keeps each store to its own payments', async () => {
    const { payment } = await create();
    const other = (await c.admin('POST', '/admin/stores', { storeId: 'BUSAN-0002', name: 'b', address: 'b' })).json<{ storeKey: string }>();
    const asOther = { storeId: 'BUSAN-0002', key: other.storeKey };
    expect(codeOf(await c.signed('GET', `/v1/payments/${payment.id}`, undefined, {}, asOther))).toEqual([404, 'payment_not_found']);
    expect(codeOf(await c.signed('POST', `/v1/payments/${payment.id}/refunds`, { amount: 1 }, { 'idempotency-key': 'k1' }, asOther))).toEqual([404, 'payment_not_found']);
  });

  it('tells what became of a create call by its key, without running or changing anything', async () => {
    const attempt = async (key: string, as?: { storeId: string; key: string }) => {
      const response = await c.signed('GET', `/v1/payment-attempts/${encodeURIComponent(key)}`, undefined, {}, as);
      expect(response.statusCode).toBe(200);
      return response.json<{ key: string; state: string; payment?: PaymentJson }>();
    };
    // Never sent: unknown, and asking books nothing.
    const never = `omni-pay-${randomUUID()}-1`;
    expect(await attempt(never)).toEqual({ key: never, state: 'unknown' });
    expect(await c.db.central.db.selectFrom('idempotency_keys').select('idem_key').execute()).toEqual([]);

    const captured = `omni-pay-${randomUUID()}-1`;
    const { payment } = await create({}, captured);
    expect(await attempt(captured)).toEqual({ key: captured, state: 'done', payment });
    const declined = `omni-pay-${randomUUID()}-1`;
    await create({ token: 'tok_decline_insufficient_funds' }, declined);
    expect(await attempt(declined)).toMatchObject({ state: 'done', payment: { state: 'declined', amountCaptured: 0 } });
    // Refused by validation before it ran (any printable key is asked about as it was sent).
    const refused = `weird/key?${randomUUID()}`;
    expect((await c.pay('/v1/payments', paymentBody({ currency: 'usd' }), refused)).statusCode).toBe(400);
    expect(await attempt(refused)).toEqual({ key: refused, state: 'unknown' });

    // Running: in progress until it is answered.
    const running = `omni-pay-${randomUUID()}-1`;
    // Below the test central's 200 ms acquirer timeout.
    c.acquirer.latencyMs = 120;
    const slow = c.pay('/v1/payments', paymentBody(), running);
    await expect.poll(async () => (await attempt(running)).state, { timeout: 3_000, interval: 5 }).toBe('in_progress');
    expect((await slow).statusCode).toBe(201);
    expect(await attempt(running)).toMatchObject({ state: 'done', payment: { state: 'captured' } });

    // A payment outlives its key, which expires after a day.
    c.clock.advance(24 * 60 * 60 * 1000 + 1);
    await c.app.central.purgeExpired();
    expect(await attempt(captured)).toEqual({ key: captured, state: 'done', payment });
    expect(c.acquirer.calls.filter((call) => call.op === 'authorise')).toHaveLength(3);

    // Another store sees nothing of this one's attempts.
    const other = (await c.admin('POST', '/admin/stores', { storeId: 'BUSAN-0002', name: 'b', address: 'b' })).json<{ storeKey: string }>();
    expect(await attempt(captured, { storeId: 'BUSAN-0002', key: other.storeKey })).toEqual({ key: captured, state: 'unknown' });
  });

  it('records when an offline payment was accepted at the station', async () => {
    const { payment } = await create({ offline: { acceptedAt: '2026-11-25T08:30:00.000Z' } });
    expect(payment).toMatchObject({ state: 'captured', offlineAcceptedAt: '2026-11-25T08:30:00.000Z' });
  });
});
