// Runs in: node. Payments at central: every acquirer call is made under a database lease on
// the payment (so instances never race on one payment) and with a reference the acquirer
// dedupes on (so a retried call never charges twice).
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../../http/errors.js';
import { uuidv7 } from '../../../protocol/uuidv7.js';
import { sha256Hex } from '../../canonical-json.js';
import type { CentralKysely } from '../../db/index.js';
import type { PaymentRow, PaymentState } from '../../db/schema.js';
import { AcquirerUnavailable, type Acquirer } from '../../acquirer/types.js';
import { safeMaskedPan } from '../../pan.js';
import type { Clock } from '../../../store/clock.js';
import { iso } from '../../schemas.js';
import type { CreatePaymentBody, Payment } from './schemas.js';
import { canApply, stateAfterRefund, type PaymentAction } from './state.js';

/** Longer than any acquirer call plus its reversal, so a live operation never loses its lease. */
const PAYMENT_LEASE_MS = 60_000;

export interface PaymentServiceOptions {
  db: CentralKysely;
  clock: Clock;
  acquirer: Acquirer;
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
        busy_until: now + PAYMENT_LEASE_MS,
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
      await this.finish(id, { state: 'failed', failure_code: kind === 'timeout' ? 'acquirer_timeout' : 'acquirer_network_error' });
      throw unavailable(error, this.o.log, 'nothing was charged');
    }

    const finishedAt = this.o.clock.now();
    const card = { brand: result.brand?.slice(0, 24) ?? null, masked_pan: safeMaskedPan(result.maskedPan) };
    const row = result.approved
      ? await this.finish(id, {
          ...card,
          state: body.capture ? 'captured' : 'authorized',
          amount_captured: body.capture ? body.amount : 0,
          captured_at: body.capture ? finishedAt : null,
          acquirer_ref: result.acquirerRef,
        })
      : await this.finish(id, { ...card, state: 'declined', decline_code: result.declineCode });
    return this.view(row);
  }

  /**
   * Only a retry that took over the key of a request whose process died gets here with an
   * earlier attempt: its outcome stands if the acquirer answered; if it was cut off mid-call,
   * it is reversed (the card may have been authorised) and a new attempt is made.
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
      await this.reverse(row.id);
      await this.finish(row.id, { state: 'failed', failure_code: 'abandoned' });
    }
    return undefined;
  }

  async capture(storeId: string, id: string, amount: number | undefined): Promise<Payment> {
    return this.withLease(storeId, id, 'capture', async (payment) => {
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
      return this.finish(id, { state: 'captured', amount_captured: toCapture, captured_at: this.o.clock.now() });
    });
  }

  async cancel(storeId: string, id: string): Promise<Payment> {
    return this.withLease(storeId, id, 'cancel', async (payment) => {
      try {
        await this.call((signal) => this.o.acquirer.cancel({ reference: id, acquirerRef: payment.acquirer_ref ?? undefined }, signal));
      } catch (error) {
        throw unavailable(error, this.o.log);
      }
      return this.finish(id, { state: 'cancelled' });
    });
  }

  /** `operationKey` is stable across retries of one refund (its idempotency key), so is the acquirer's reference. */
  async refund(storeId: string, id: string, amount: number, operationKey: string): Promise<Payment> {
    return this.withLease(storeId, id, 'refund', async (payment) => {
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
        return this.finish(id, { state: stateAfterRefund(payment.amount_captured, refunded), amount_refunded: refunded }, trx);
      });
    });
  }

  private async withLease(storeId: string, id: string, action: PaymentAction, run: (payment: PaymentRow) => Promise<PaymentRow>): Promise<Payment> {
    const now = this.o.clock.now();
    const payment = await this.o.db
      .updateTable('payments')
      .set({ busy_until: now + PAYMENT_LEASE_MS })
      .where('id', '=', id)
      .where('store_id', '=', storeId)
      .where((eb) => eb.or([eb('busy_until', 'is', null), eb('busy_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
    if (!payment) {
      const exists = await this.o.db.selectFrom('payments').select('id').where('id', '=', id).where('store_id', '=', storeId).executeTakeFirst();
      if (!exists) throw notFound();
      throw new AppError(409, 'payment_busy', 'Another operation on this payment is running; retry shortly.');
    }
    let done: PaymentRow | undefined;
    try {
      if (!canApply(payment.state, action)) {
        throw new AppError(409, 'payment_state', `A payment that is ${payment.state} cannot be ${PAST[action]}.`);
      }
      done = await run(payment);
      return this.view(done);
    } finally {
      if (!done) await this.o.db.updateTable('payments').set({ busy_until: null }).where('id', '=', id).execute();
    }
  }

  /** Writes the outcome of an operation and gives up the lease in the same statement. */
  private async finish(
    id: string,
    changes: Partial<Pick<PaymentRow, 'brand' | 'masked_pan' | 'amount_captured' | 'amount_refunded' | 'captured_at' | 'acquirer_ref' | 'decline_code' | 'failure_code'>> & { state: PaymentState },
    db: CentralKysely = this.o.db,
  ): Promise<PaymentRow> {
    return db
      .updateTable('payments')
      .set({ ...changes, busy_until: null, updated_at: this.o.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
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
