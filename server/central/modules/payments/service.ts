// Runs in: node. Payments at central: every acquirer call is made under a database lease on
// the payment (so instances never race on one payment) and with a reference the acquirer
// dedupes on (so a retried call never charges twice).
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { AppError } from '../../../http/errors.js';
import { uuidv7 } from '../../../protocol/uuidv7.js';
import { sha256Hex } from '../../canonical-json.js';
import type { CentralKysely } from '../../db/index.js';
import type { PaymentRow, PaymentState } from '../../db/schema.js';
import { AcquirerUnavailable, type Acquirer } from '../../acquirer/types.js';
import { requestInProgress } from '../../plugins/idempotency.js';
import type { LeaseKeeper } from '../../lease.js';
import { safeMaskedPan } from '../../pan.js';
import type { Clock } from '../../../store/clock.js';
import { iso } from '../../schemas.js';
import type { CreatePaymentBody, Payment } from './schemas.js';
import { canApply, stateAfterRefund, type PaymentAction } from './state.js';

export interface PaymentServiceOptions {
  db: CentralKysely;
  clock: Clock;
  acquirer: Acquirer;
  /** Renews the payment lease while an operation runs, however long the acquirer takes. */
  leases: LeaseKeeper;
  /** The payment lease's length without renewal: how long a dead instance blocks a payment. */
  leaseMs: number;
  /** How long central waits for the acquirer before it reverses and answers 504. */
  acquirerTimeoutMs: number;
  log: FastifyBaseLogger;
}

export class PaymentService {
  constructor(private readonly o: PaymentServiceOptions) {}

  async get(storeId: string, id: string): Promise<Payment> {
    const row = await this.o.db.selectFrom('payments').selectAll().where('id', '=', id).where('store_id', '=', storeId).executeTakeFirst();
    if (!row) throw notFound();
    return this.view(row);
  }

  /**
   * The payment a create call under `idempotencyKey` booked: the live one if any (at most one is
   * not failed), else the last failed attempt; undefined when none was booked.
   */
  async underKey(storeId: string, idempotencyKey: string): Promise<Payment | undefined> {
    const rows = await this.o.db
      .selectFrom('payments')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('idempotency_key', '=', idempotencyKey)
      .orderBy('id')
      .execute();
    const row = rows.find((r) => r.state !== 'failed') ?? rows.at(-1);
    return row && this.view(row);
  }

  async create(storeId: string, body: CreatePaymentBody, idempotencyKey: string): Promise<Payment> {
    const earlier = await this.earlierAttempt(storeId, idempotencyKey);
    if (earlier) return earlier;
    const now = this.o.clock.now();
    const id = uuidv7(now);
    let offlineAcceptedAt: number | null = null;
    if (body.offline) {
      offlineAcceptedAt = Date.parse(body.offline.acceptedAt);
      if (!Number.isFinite(offlineAcceptedAt)) throw new AppError(400, 'invalid_request', 'offline.acceptedAt is not a date.');
    }
    await this.o.db
      .insertInto('payments')
      .values({
        id,
        store_id: storeId,
        order_id: body.orderId,
        amount: body.amount,
        currency: body.currency,
        state: 'pending',
        amount_captured: 0,
        amount_refunded: 0,
        token_ref: body.token,
        brand: null,
        masked_pan: null,
        decline_code: null,
        failure_code: null,
        acquirer_ref: null,
        offline_accepted_at: offlineAcceptedAt,
        idempotency_key: idempotencyKey,
        // A new payment's own lease is its Idempotency-Key's; this only keeps other operations off.
        busy_until: now + this.o.leaseMs,
        busy_owner: null,
        created_at: now,
        updated_at: now,
        captured_at: null,
      })
      .execute();

    let result;
    try {
      result = await this.call((signal) =>
        this.o.acquirer.authorise({ reference: id, amount: body.amount, currency: body.currency, token: body.token, capture: body.capture }, signal),
      );
    } catch (error) {
      // The acquirer may have authorised even though no answer came back: reverse by reference
      // before saying "nothing charged", and keep the payment as failed for the books.
      await this.reverse(id);
      const kind = error instanceof AcquirerUnavailable ? error.kind : 'network';
      // Failed either way if a retry took the attempt over meanwhile.
      await this.finishAttempt(id, { state: 'failed', failure_code: kind === 'timeout' ? 'acquirer_timeout' : 'acquirer_network_error' });
      throw unavailable(error, this.o.log, 'nothing was charged');
    }

    const finishedAt = this.o.clock.now();
    const card = { brand: result.brand?.slice(0, 24) ?? null, masked_pan: safeMaskedPan(result.maskedPan) };
    const row = result.approved
      ? await this.finishAttempt(id, {
          ...card,
          state: body.capture ? 'captured' : 'authorized',
          amount_captured: body.capture ? body.amount : 0,
          captured_at: body.capture ? finishedAt : null,
          acquirer_ref: result.acquirerRef,
        })
      : await this.finishAttempt(id, { ...card, state: 'declined', decline_code: result.declineCode });
    if (!row) {
      // A retry on another instance presumed this one dead (its lease renewals stalled), booked
      // this attempt failed and reversed it; that reversal may have reached the acquirer before
      // this authorisation did, so it is reversed again. The retry's outcome is the answer.
      if (result.approved) await this.reverse(id);
      throw requestInProgress('This charge was taken over by a retry on another central instance; retry with the same Idempotency-Key for its outcome.');
    }
    return this.view(row);
  }

  /**
   * Books the authorise call's outcome unless a retry has claimed the attempt (marked it
   * abandoned) first: the row is the fence between a stalled first instance and its taker.
   */
  private async finishAttempt(id: string, changes: Parameters<PaymentService['finish']>[1]): Promise<PaymentRow | undefined> {
    return this.o.db
      .updateTable('payments')
      .set({ ...changes, busy_until: null, updated_at: this.o.clock.now() })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('failure_code', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Only a retry that took over the key of a request whose process died gets here with an
   * earlier attempt: its outcome stands if the acquirer answered; if it was cut off mid-call,
   * it is claimed (marked abandoned, which its first instance's late booking cannot pass),
   * reversed (the card may have been authorised) and booked failed, and a new attempt is made.
   * A taker that dies between claim and booking leaves it pending and marked: the next retry
   * claims it again and reverses again, which the acquirer treats as one reversal.
   */
  private async earlierAttempt(storeId: string, idempotencyKey: string): Promise<Payment | undefined> {
    const rows = await this.o.db
      .selectFrom('payments')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('idempotency_key', '=', idempotencyKey)
      .where('state', '!=', 'failed')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      if (row.state !== 'pending') return this.view(row);
      const booked = await this.abandon(row);
      if (booked) return this.view(booked);
    }
    return undefined;
  }

  /**
   * Claims a pending attempt cut off mid-call (the mark fences its first instance's late
   * booking), reverses it at the acquirer and books it failed. Returns the row instead when its
   * first instance booked an outcome just before the claim: that outcome stands.
   */
  private async abandon(row: PaymentRow): Promise<PaymentRow | undefined> {
    const claimed = await this.o.db
      .updateTable('payments')
      .set({ failure_code: 'abandoned', updated_at: this.o.clock.now() })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (!claimed) {
      const booked = await this.o.db.selectFrom('payments').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      return booked.state === 'failed' ? undefined : booked;
    }
    await this.reverse(row.id);
    await this.o.db
      .updateTable('payments')
      .set({ state: 'failed', busy_until: null, updated_at: this.o.clock.now() })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .execute();
    return undefined;
  }

  /** Payments pending since before `before`, through the partial index payments_pending (the state a literal, so that PostgreSQL's generic plans match the index too). */
  pendingSince(before: number) {
    return this.o.db.selectFrom('payments').selectAll().where('state', '=', sql.lit('pending')).where('created_at', '<=', before);
  }

  /**
   * Payments left pending by an instance that stopped mid-call, whose key no live request holds
   * any more: settled as a retry of their key would settle them. A station that stopped waiting
   * does not send the charge again, so without this nobody would. Returns how many were settled.
   */
  async settleAbandoned(): Promise<number> {
    const now = this.o.clock.now();
    const rows = await this.pendingSince(now - this.o.leaseMs).execute();
    let settled = 0;
    for (const row of rows) {
      const held = await this.o.db
        .selectFrom('idempotency_keys')
        .select('idem_key')
        .where('store_id', '=', row.store_id)
        .where('idem_key', '=', row.idempotency_key ?? '')
        .where('status_code', 'is', null)
        .where('locked_until', '>', now)
        .executeTakeFirst();
      if (held) continue;
      if (!(await this.abandon(row))) settled++;
    }
    return settled;
  }

  async capture(storeId: string, id: string, amount: number | undefined): Promise<Payment> {
    return this.withLease(storeId, id, 'capture', async (payment, owner) => {
      const toCapture = amount ?? payment.amount;
      if (toCapture > payment.amount) {
        throw new AppError(400, 'amount_too_large', `At most ${payment.amount} ${payment.currency} can be captured.`);
      }
      try {
        await this.call((signal) =>
          this.o.acquirer.capture({ reference: id, acquirerRef: payment.acquirer_ref!, amount: toCapture, currency: payment.currency }, signal),
        );
      } catch (error) {
        // Capture is idempotent at the acquirer by reference: the payment stays authorised and
        // the station's retry captures it (or finds it captured).
        throw unavailable(error, this.o.log);
      }
      return this.finish(id, { state: 'captured', amount_captured: toCapture, captured_at: this.o.clock.now() }, owner);
    });
  }

  async cancel(storeId: string, id: string): Promise<Payment> {
    return this.withLease(storeId, id, 'cancel', async (payment, owner) => {
      try {
        await this.call((signal) => this.o.acquirer.cancel({ reference: id, acquirerRef: payment.acquirer_ref ?? undefined }, signal));
      } catch (error) {
        throw unavailable(error, this.o.log);
      }
      return this.finish(id, { state: 'cancelled' }, owner);
    });
  }

  /** `operationKey` is stable across retries of one refund (its idempotency key), so is the acquirer's reference. */
  async refund(storeId: string, id: string, amount: number, operationKey: string): Promise<Payment> {
    return this.withLease(storeId, id, 'refund', async (payment, owner) => {
      const refundable = payment.amount_captured - payment.amount_refunded;
      if (amount > refundable) {
        throw new AppError(400, 'amount_too_large', `At most ${refundable} ${payment.currency} can still be refunded.`);
      }
      const refundReference = `rf_${sha256Hex(`${storeId}\n${operationKey}`).slice(0, 32)}`;
      let acquirerRef: string;
      try {
        ({ acquirerRef } = await this.call((signal) =>
          this.o.acquirer.refund({ reference: id, refundReference, acquirerRef: payment.acquirer_ref!, amount, currency: payment.currency }, signal),
        ));
      } catch (error) {
        throw unavailable(error, this.o.log);
      }
      const now = this.o.clock.now();
      const refunded = payment.amount_refunded + amount;
      return this.o.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('refunds')
          .values({ id: uuidv7(now), payment_id: id, store_id: storeId, order_id: payment.order_id, amount, currency: payment.currency, acquirer_ref: acquirerRef, created_at: now })
          .execute();
        return this.finish(id, { state: stateAfterRefund(payment.amount_captured, refunded), amount_refunded: refunded }, owner, trx);
      });
    });
  }

  /**
   * Runs an operation under the payment's lease, renewed while it runs. Its booking (`finish`
   * with the owner token) only lands while it still holds the lease: an instance presumed dead
   * whose lease a retry took over is refused with 409 payment_busy, and its transaction (a
   * refund's row) rolls back; the acquirer dedupes the retry's repeated call by reference.
   */
  private async withLease(
    storeId: string,
    id: string,
    action: PaymentAction,
    run: (payment: PaymentRow, owner: string) => Promise<PaymentRow>,
  ): Promise<Payment> {
    const now = this.o.clock.now();
    const owner = randomUUID();
    const payment = await this.o.db
      .updateTable('payments')
      .set({ busy_until: now + this.o.leaseMs, busy_owner: owner })
      .where('id', '=', id)
      .where('store_id', '=', storeId)
      .where((eb) => eb.or([eb('busy_until', 'is', null), eb('busy_until', '<=', now)]))
      .returningAll()
      .executeTakeFirst();
    if (!payment) {
      const exists = await this.o.db.selectFrom('payments').select('id').where('id', '=', id).where('store_id', '=', storeId).executeTakeFirst();
      if (!exists) throw notFound();
      throw new AppError(409, 'payment_busy', 'Another operation on this payment is running; retry shortly.');
    }
    const unhold = this.o.leases.hold('payment', async () => {
      const renewed = await this.o.db
        .updateTable('payments')
        .set({ busy_until: this.o.clock.now() + this.o.leaseMs })
        .where('id', '=', id)
        .where('busy_owner', '=', owner)
        .returning('id')
        .executeTakeFirst();
      return renewed !== undefined;
    });
    let done: PaymentRow | undefined;
    try {
      if (!canApply(payment.state, action)) {
        throw new AppError(409, 'payment_state', `A payment that is ${payment.state} cannot be ${PAST[action]}.`);
      }
      done = await run(payment, owner);
      return this.view(done);
    } finally {
      unhold();
      if (!done) await this.o.db.updateTable('payments').set({ busy_until: null, busy_owner: null }).where('id', '=', id).where('busy_owner', '=', owner).execute();
    }
  }

  /**
   * Writes the outcome of an operation and gives up the lease in the same statement; with the
   * lease's owner token, only while that operation still holds it.
   */
  private async finish(
    id: string,
    changes: Partial<Pick<PaymentRow, 'brand' | 'masked_pan' | 'amount_captured' | 'amount_refunded' | 'captured_at' | 'acquirer_ref' | 'decline_code' | 'failure_code'>> & { state: PaymentState },
    owner: string | null,
    db: CentralKysely = this.o.db,
  ): Promise<PaymentRow> {
    const row = await db
      .updateTable('payments')
      .set({ ...changes, busy_until: null, busy_owner: null, updated_at: this.o.clock.now() })
      .where('id', '=', id)
      .$if(owner !== null, (q) => q.where('busy_owner', '=', owner))
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError(409, 'payment_busy', 'This operation was taken over by a retry on another central instance; retry shortly.');
    return row;
  }

  private async reverse(id: string): Promise<void> {
    try {
      await this.call((signal) => this.o.acquirer.cancel({ reference: id }, signal));
    } catch (error) {
      // Left for the acquirer's own expiry of unconfirmed authorisations; people must know.
      this.o.log.error({ paymentId: id, err: error }, 'reversal of an unanswered authorisation failed');
    }
  }

  private async call<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new AcquirerUnavailable('timeout', `no answer from the acquirer within ${this.o.acquirerTimeoutMs} ms`));
      }, this.o.acquirerTimeoutMs);
    });
    try {
      return await Promise.race([run(controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async view(row: PaymentRow): Promise<Payment> {
    const refunds = await this.o.db
      .selectFrom('refunds')
      .select(['id', 'amount', 'created_at'])
      .where('payment_id', '=', row.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return {
      id: row.id,
      storeId: row.store_id,
      orderId: row.order_id,
      amount: row.amount,
      currency: row.currency,
      state: row.state,
      amountCaptured: row.amount_captured,
      amountRefunded: row.amount_refunded,
      brand: row.brand,
      maskedPan: row.masked_pan,
      ...(row.decline_code ? { declineCode: row.decline_code } : {}),
      ...(row.offline_accepted_at !== null ? { offlineAcceptedAt: iso(row.offline_accepted_at) } : {}),
      refunds: refunds.map((r) => ({ id: r.id, amount: r.amount, createdAt: iso(r.created_at) })),
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  }
}

const PAST: Record<PaymentAction, string> = { capture: 'captured', cancel: 'cancelled', refund: 'refunded' };

function notFound(): AppError {
  return new AppError(404, 'payment_not_found', 'No such payment for this store.');
}

function unavailable(error: unknown, log: FastifyBaseLogger, outcome = 'the payment is unchanged'): AppError {
  const timeout = error instanceof AcquirerUnavailable && error.kind === 'timeout';
  if (!(error instanceof AcquirerUnavailable)) log.error({ err: error }, 'acquirer call failed');
  const what = timeout ? 'The card acquirer did not answer in time' : 'The card acquirer could not be reached';
  return new AppError(timeout ? 504 : 502, 'acquirer_unavailable', `${what}; ${outcome}. Retry with the same Idempotency-Key.`);
}
