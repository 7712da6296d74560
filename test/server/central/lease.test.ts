// Runs in: node (vitest). The leases across two central instances on one database (SQLite file,
// and PostgreSQL when OMNI_TEST_PG_URL is set): the instance running a charge renews its short
// lease while the acquirer is slow, so a retry elsewhere waits (409) however long that takes; an
// instance that stops renewing (dead) loses the key within one lease, and the retry that takes
// over charges exactly once, even when the "dead" instance wakes up later. The same for a
// refund under the payment's own lease: refunded once.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';
import type { CentralApp } from '../../../server/central/app.js';
import type { AuthoriseRequest } from '../../../server/central/acquirer/types.js';
import { LEASE_MS } from '../../../server/central/lease.js';
import { createTestCentral, describeDialects, paymentBody, signedInject, type InjectResult, type TestCentral } from './helpers.js';

/** The lease of the charge was 60 s before it was renewed by a heartbeat. */
const OLD_LEASE_MS = 60_000;

interface PaymentJson {
  id: string;
  state: string;
  amountCaptured: number;
}

let c: TestCentral | undefined;
let openGate: (() => void) | undefined;
afterEach(async () => {
  openGate?.();
  await c?.close();
  c = undefined;
});

/**
 * Central with a patient acquirer timeout (the acquirer here is slow, not unreachable), a fast
 * heartbeat in real time (the lease itself runs on the test clock) and a short retry wait, and
 * an acquirer whose first authorisation (or refund) is held until the test opens the gate.
 */
async function setup(dialect: 'sqlite' | 'postgres', held: 'authorise' | 'refund' = 'authorise') {
  c = await createTestCentral(dialect, { acquirerTimeoutMs: 600_000, leases: { renewEveryMs: 20, waitForFirstMs: 50 } });
  const central = c;
  const second = await central.secondInstance();
  let entered = false;
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  const acquirer = central.acquirer;
  let calls = 0;
  const holdFirst = async () => {
    if (++calls === 1) {
      entered = true;
      await gate;
    }
  };
  if (held === 'authorise') {
    const authorise = acquirer.authorise.bind(acquirer);
    acquirer.authorise = async (request: AuthoriseRequest, signal: AbortSignal) => {
      await holdFirst();
      return authorise(request, signal);
    };
  } else {
    const refund = acquirer.refund.bind(acquirer);
    acquirer.refund = async (request: Parameters<typeof refund>[0], signal: AbortSignal) => {
      await holdFirst();
      return refund(request, signal);
    };
  }
  const on = (app: CentralApp, body: unknown, key: string, url = '/v1/payments') =>
    signedInject(app, central.clock, central.storeKey, 'POST', url, body, { 'idempotency-key': key });
  const leaseOf = async (key: string) =>
    central.db.central.db.selectFrom('idempotency_keys').select(['locked_until', 'status_code']).where('idem_key', '=', key).executeTakeFirstOrThrow();
  /** Waits (by event, not by time) until the holder has pushed the lease one length past now. */
  const renewed = (key: string) =>
    vi.waitFor(
      async () => {
        expect(Number((await leaseOf(key)).locked_until)).toBe(central.clock.now() + LEASE_MS);
      },
      { timeout: 10_000, interval: 10 },
    );
  const waitEntered = () => vi.waitFor(() => expect(entered).toBe(true), { timeout: 10_000, interval: 5 });
  return { central, first: central.app, second, on, leaseOf, renewed, waitEntered };
}

function expectInProgress(answer: InjectResult): void {
  expect(answer.statusCode, answer.body).toBe(409);
  expect(answer.json().error.code).toBe('request_in_progress');
  // A station may wait a lease before asking again: by then the answer is stored or the key free.
  expect(answer.headers['retry-after']).toBe(String(LEASE_MS / 1000));
}

describeDialects('idempotency lease', (dialect) => {
  it('is renewed while a slow acquirer call runs, past the old 60 s: the retry elsewhere gets 409, then the stored answer', { timeout: 60_000 }, async () => {
    const { central, first, second, on, renewed, waitEntered } = await setup(dialect);
    expect(LEASE_MS).toBeLessThan(OLD_LEASE_MS);
    const key = randomUUID();
    const body = paymentBody({ amount: 4_200 });
    const running = on(first, body, key);
    await waitEntered();
    // 72 s of test time in steps shorter than one lease; after each, the holder's heartbeat
    // has renewed it, and a retry on the other instance is told the charge is still running.
    for (let elapsed = 0; elapsed < OLD_LEASE_MS + 10_000; elapsed += LEASE_MS - 1_000) {
      central.clock.advance(LEASE_MS - 1_000);
      await renewed(key);
      expectInProgress(await on(second, body, key));
    }
    expect(first.central.leases.size).toBe(1);
    openGate!();
    const answer = await running;
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json<PaymentJson>()).toMatchObject({ state: 'captured', amountCaptured: 4_200 });
    const retry = await on(second, body, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(answer.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // One attempt, one authorisation, no reversal: the retries never took over.
    const rows = await central.db.central.db.selectFrom('payments').select(['state', 'failure_code']).execute();
    expect(rows).toEqual([{ state: 'captured', failure_code: null }]);
    expect(central.acquirer.calls.map((call) => call.op)).toEqual(['authorise']);
    expect(central.acquirer.outstanding()).toBe(4_200);
    expect(first.central.leases.size).toBe(0);
  });

  it('runs out within one short lease once its instance stops renewing; the retry elsewhere charges exactly once', { timeout: 60_000 }, async () => {
    const { central, first, second, on, leaseOf, renewed, waitEntered } = await setup(dialect);
    const key = randomUUID();
    const body = paymentBody({ amount: 7_700 });
    const running = on(first, body, key);
    await waitEntered();
    central.clock.advance(5_000);
    await renewed(key);
    // The first instance dies mid-charge: it renews nothing more.
    first.central.leases.stop();
    central.clock.advance(LEASE_MS - 1);
    expectInProgress(await on(second, body, key));
    central.clock.advance(1);
    const retry = await on(second, body, key);
    expect(retry.statusCode, retry.body).toBe(201);
    const taken = retry.json<PaymentJson>();
    expect(taken).toMatchObject({ state: 'captured', amountCaptured: 7_700 });
    const db = central.db.central.db;
    const byKey = () => db.selectFrom('payments').select(['id', 'state', 'failure_code']).where('idempotency_key', '=', key).orderBy('id').execute();
    const rows = await byKey();
    expect(rows.map((r) => [r.state, r.failure_code])).toEqual([
      ['failed', 'abandoned'],
      ['captured', null],
    ]);
    expect(rows[1]!.id).toBe(taken.id);
    expect((await leaseOf(key)).status_code).toBe(201);

    // The "dead" instance was only stalled: its acquirer call now answers "approved", after the
    // taker's reversal reached the acquirer. Its booking is refused, it reverses what it just
    // authorised, stores nothing and tells its caller to retry.
    openGate!();
    const late = await running;
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json().error.code).toBe('request_in_progress');
    expect((await byKey()).map((r) => [r.state, r.failure_code])).toEqual([
      ['failed', 'abandoned'],
      ['captured', null],
    ]);
    // Exactly one charge held at the acquirer: the taker's. The first attempt is voided.
    expect(central.acquirer.outstanding()).toBe(7_700);
    expect(central.acquirer.charges.get(rows[0]!.id)?.voided).toBe(true);
    // Any retry, on either instance, now reads the taker's answer.
    for (const app of [first, second]) {
      const again = await on(app, body, key);
      expect(again.statusCode).toBe(201);
      expect(again.body).toBe(retry.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
  });

  it('keeps a slow refund’s payment lease while its instance lives; once it dies, the retry refunds once and the late first is refused', { timeout: 60_000 }, async () => {
    const { central, first, second, on, leaseOf, waitEntered } = await setup(dialect, 'refund');
    const db = central.db.central.db;
    const created = await on(first, paymentBody({ amount: 10_000 }), randomUUID());
    const paymentId = created.json<PaymentJson>().id;
    const refundUrl = `/v1/payments/${paymentId}/refunds`;
    const key = randomUUID();
    const running = on(first, { amount: 4_000 }, key, refundUrl);
    await waitEntered();
    const busyUntil = async () => Number((await db.selectFrom('payments').select('busy_until').where('id', '=', paymentId).executeTakeFirstOrThrow()).busy_until);
    // Alive past the old 60 s: both its key and the payment stay leased, renewed each step.
    for (let elapsed = 0; elapsed < OLD_LEASE_MS + 10_000; elapsed += LEASE_MS - 1_000) {
      central.clock.advance(LEASE_MS - 1_000);
      await vi.waitFor(
        async () => {
          expect(await busyUntil()).toBe(central.clock.now() + LEASE_MS);
          expect(Number((await leaseOf(key)).locked_until)).toBe(central.clock.now() + LEASE_MS);
        },
        { timeout: 10_000, interval: 10 },
      );
    }
    // Another operation on the payment, from the other instance, is told to wait.
    const other = await on(second, { amount: 1_000 }, randomUUID(), refundUrl);
    expect([other.statusCode, other.json().error.code]).toEqual([409, 'payment_busy']);

    first.central.leases.stop();
    central.clock.advance(LEASE_MS - 1);
    expectInProgress(await on(second, { amount: 4_000 }, key, refundUrl));
    central.clock.advance(1);
    const retry = await on(second, { amount: 4_000 }, key, refundUrl);
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json<PaymentJson & { amountRefunded: number; refunds: unknown[] }>()).toMatchObject({ state: 'partially_refunded', amountRefunded: 4_000, refunds: [expect.anything()] });

    // The stalled first instance's refund call now answers (the acquirer dedupes it by the
    // reference derived from the key); its booking is refused and its refund row rolled back.
    openGate!();
    const late = await running;
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'payment_busy']);
    expect(await db.selectFrom('refunds').select('amount').where('payment_id', '=', paymentId).execute()).toEqual([{ amount: 4_000 }]);
    const row = await db.selectFrom('payments').select(['amount_refunded', 'busy_until', 'busy_owner']).where('id', '=', paymentId).executeTakeFirstOrThrow();
    expect([Number(row.amount_refunded), row.busy_until, row.busy_owner]).toEqual([4_000, null, null]);
    expect(central.acquirer.charges.get(paymentId)?.refunded).toBe(4_000);
    expect(central.acquirer.outstanding()).toBe(6_000);
    const again = await on(first, { amount: 4_000 }, key, refundUrl);
    expect(again.body).toBe(retry.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });
});
