// Runs in: node. Checkout pays through central: authorise and capture in one call under an
// Idempotency-Key per attempt, accept offline within limits when central cannot answer, forward
// offline payments later, refund when staff cancel. Every payment change commits durably with
// its monitor event and its outbox event.
import { AppError } from '../../errors.js';
import { durableCommit, type Db } from '../../db.js';
import type { Clock } from '../../clock.js';
import type { EventHub, StoredEvent } from '../../events.js';
import type { Order, OrderHold, StaffOrder } from '../../schemas.js';
import { CentralError, classifyFailure, type CentralRequestOptions } from '../../sync/central-client.js';
import type { OutboxRepository } from '../outbox/repository.js';
import { refusePanLike, type OrderService } from '../orders/service.js';
import type { PaymentInput } from '../orders/schemas.js';
import type { ShopperIdentity } from '../sessions/repository.js';
import type { PaymentChanges, PaymentRepository, PaymentRow } from './repository.js';
import type { PaymentSettings } from './settings.js';
import { KeyedLock } from '../../keyed-lock.js';
import { MAX_CLOCK_SKEW_MS } from '../../../protocol/signing.js';

/** The part of the signed central client payments use (CentralClient is one). */
export interface CentralRequester {
  /** Optional: tells when central answered, so waiting workers need not sit out a backoff. */
  onAnswer?(listener: () => void): void;
  /** Optional: this station's clock minus central's, as last seen (CentralClient has it). */
  readonly clockOffsetMs?: number | null;
  /** Optional: tells of each clock offset read off central's answers. */
  onClockOffset?(listener: (offsetMs: number) => void): void;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    options?: CentralRequestOptions,
  ): Promise<unknown>;
}

/** The fields of central's Payment (docs/central-api.md) the station keeps. */
interface CentralPayment {
  id: string;
  state: string;
  brand: string | null;
  maskedPan: string | null;
  declineCode?: string;
  amountCaptured: number;
  amountRefunded: number;
}

type Outcome = { payment: CentralPayment } | { refused: { code: string; message: string } };

type PaymentEvent = 'payment.captured' | 'payment.offline_accepted' | 'payment.declined' | 'payment.failed' | 'payment.refunded';

/**
 * Central could not carry the attempt out. `maybeDone`: the request left the station and no
 * answer came, so central may have run it. `nothingCharged`: central answered that its acquirer
 * failed and it reversed, which settles the attempt for good.
 */
class CentralUnavailable extends Error {
  constructor(
    readonly maybeDone: boolean,
    readonly nothingCharged: boolean,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Central answered the lookup or the undo of an unconfirmed charge with a refusal (a 4xx that
 * is neither "busy" nor its signature check): the same request gets the same answer, so it is
 * not central being away.
 */
class CentralRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SETTLED_FOR_GOOD = new Set(['paid', 'paid_offline', 'refunded']);

// Shoppers read these; the code beside them says more to staff. A stolen card is not named to
// the person holding it, as acquirers ask of merchants.
const MESSAGES: Record<string, string> = {
  insufficient_funds: 'The card was declined for insufficient funds. Please try another card.',
  expired_card: 'The card has expired. Please try another card.',
  offline_expired:
    'This payment was accepted while the payment service was unreachable and could not be confirmed within the time allowed.',
  payment_refused: 'The payment service refused this payment; nothing was charged. Please try another card or ask staff.',
  acquirer_unavailable: 'The card network did not answer; nothing was charged. Please try again.',
};
const DECLINED = 'The card was declined. Please try another card.';
const UNCONFIRMED_NOT_CHARGED =
  'The payment service did not answer in time, and this payment could not be accepted offline. Central has since confirmed that nothing was charged.';
const UNCONFIRMED_REFUNDED =
  'The payment service did not answer in time, and this payment could not be accepted offline. The charge went through after the station stopped waiting and has been refunded in full.';

/**
 * How long central may still accept a charge request after the station sent it: central refuses a
 * request whose signed time is MAX_CLOCK_SKEW_MS away from its own clock, and the two clocks may
 * differ by as much again. A charge central has not heard of after this never will be.
 */
const UNANSWERED_CHARGE_LIVES_MS = 2 * MAX_CLOCK_SKEW_MS + 60_000;

/** GET /v1/payment-attempts/:key (docs/central-api.md). */
interface CentralAttempt {
  state: 'unknown' | 'in_progress' | 'done';
  payment?: CentralPayment;
}

/**
 * Decides whether a placed order may be charged now (DESIGN.md "Presence", device match; the
 * approval dialogue), and if not, why it waits. Asked before the first attempt of an order and
 * before every retry. May ask central (approval profiles), hence possibly async.
 */
export interface PaymentGate {
  holdFor(order: { id: string; deviceId: string; sessionId: string }): OrderHold | null | Promise<OrderHold | null>;
}

// What the shopper reads when a retry meets a hold.
const HOLD_REFUSALS: Record<OrderHold, [string, string]> = {
  presence_mismatch: ['presence_required', 'Show that you are in the store first: scan the kiosk code or tap your card at the kiosk.'],
  approval_pending: ['approval_required', 'Answer the identity questions on your phone first.'],
  step_up: ['step_up_required', 'Please show your ID at the counter; staff will complete the payment.'],
  approval_denied: ['approval_denied', 'The identity questions were not passed. Please show your ID at the counter.'],
  approval_locked: ['approval_locked', 'Identity questions are locked for your contact after failed attempts. Please show your ID at the counter.'],
};

export interface PaymentServiceOptions {
  db: Db;
  payments: PaymentRepository;
  orders: OrderService;
  hub: EventHub;
  outbox: OutboxRepository;
  clock: Clock;
  /** Null while the store is not registered with central: orders then stay pending. */
  central: CentralRequester | null;
  settings: PaymentSettings;
  /** The store's currency, in which offline limits are counted. */
  currency: string;
  /** After an offline acceptance commits: the forwarder has work. */
  onOfflineAccepted?: () => void;
  /** Without one every placed order is charged at once. */
  gate?: PaymentGate;
  /** Where the forwarder reports an order central will not settle (the server's log). */
  log?: { warn(message: string): void };
}

export class PaymentService {
  private readonly locks = new KeyedLock();
  /** Unconfirmed charges central refused to settle, with the refusal last logged for each. */
  private readonly refusedUndos = new Map<string, string>();

  constructor(private readonly o: PaymentServiceOptions) {}

  /**
   * Charges a freshly placed order (or, for a retried checkout, resumes the attempt whose answer
   * never arrived). A retry that finds the payment settled leaves it alone: never a second charge.
   */
  async afterCheckout(orderId: string): Promise<void> {
    await this.exclusive(orderId, async () => {
      let row = this.row(orderId);
      if (this.o.orders.status(orderId).state !== 'placed') return;
      if (row.amount === 0 && row.state === 'pending' && row.attempts === 0) {
        await this.settle(row, { state: 'paid' }, 'payment.captured');
        return;
      }
      if (row.attempts === 0 && (await this.held(orderId))) return;
      if (!this.o.central) return;
      if (row.attempts === 0) row = await this.beginAttempt(row);
      else if (row.attempts === row.settled_attempt) return;
      await this.charge(row, true);
    });
  }

  /** The shopper tries again, with another token, after a decline or a failure. */
  async pay(shopper: ShopperIdentity, orderId: string, input: PaymentInput): Promise<Order> {
    refusePanLike(input.token);
    this.o.orders.forShopper(shopper, orderId);
    if (!this.o.central) {
      throw new AppError(503, 'payments_unavailable', 'This station cannot take payments: it is not connected to the payment service. Please ask staff.');
    }
    await this.exclusive(orderId, async () => {
      const state = this.o.orders.status(orderId).state;
      if (state !== 'placed') throw new AppError(409, 'order_state', `An order that is ${state} cannot be paid.`);
      const row = await this.whenReachable(
        () => this.settleLastAttempt(this.row(orderId), true),
        () => new AppError(503, 'payment_unavailable', 'The payment service cannot confirm the last attempt yet; nothing new was charged. Please try again in a moment.'),
      );
      if (SETTLED_FOR_GOOD.has(row.state)) throw new AppError(409, 'payment_done', 'This order is already paid.');
      const hold = await this.held(orderId);
      if (hold) throw new AppError(409, ...HOLD_REFUSALS[hold]);
      await this.charge(await this.beginAttempt(row, input), true);
    });
    return this.o.orders.forShopper(shopper, orderId);
  }

  /** Refunds a paid order through central first; when that fails, nothing changes. */
  async cancel(orderId: string, reason?: string): Promise<StaffOrder> {
    return this.exclusive(orderId, async () => {
      this.o.orders.check(orderId, 'cancel');
      let row = this.row(orderId);
      const central = this.o.central;
      if (central) {
        // Money that may be on its way must be known before the order can be cancelled.
        row = await this.whenReachable(
          async () => {
            // Sending it again would charge a card for an order being cancelled: look it up instead.
            // Still in doubt afterwards, the forwarder keeps watching it (and refunds a late charge).
            if (isUnconfirmed(row)) {
              try {
                await this.undoUnanswered(row);
              } catch (error) {
                if (!(error instanceof CentralRefusal)) throw error;
                throw new AppError(409, 'central_refused', `The payment service refused to settle this order's last payment attempt (${error.code}), so it cannot be cancelled yet. Nothing was changed.`);
              }
              return this.row(orderId);
            }
            const settled = await this.settleLastAttempt(row, false);
            return settled.state === 'paid_offline' ? this.forward(settled) : settled;
          },
          () => new AppError(502, 'central_unavailable', "The payment service cannot be reached to settle this order's payment, so it cannot be cancelled yet. Nothing was changed; try again shortly."),
        );
      }
      if (row.state !== 'paid') return this.o.orders.transition(orderId, 'cancel', reason);
      if (row.amount > 0) {
        if (!central || !row.central_payment_id) {
          throw new AppError(409, 'refund_unavailable', 'This payment cannot be refunded from this station. Nothing was changed.');
        }
        await this.refund(central, row);
      }
      const number = this.o.orders.status(orderId).number;
      return this.o.orders.transition(orderId, 'cancel', reason, (now) => {
        const refunded = this.o.payments.update(orderId, { state: 'refunded' }, now);
        this.o.outbox.append('payment.refunded', paymentPayload(refunded, number), now);
      });
    });
  }

  /**
   * The forwarder's work: gives up offline payments past their expiry, forwards the others, and
   * resumes attempts whose answer never arrived. Throws while central is away, to back off.
   */
  async forwardDue(): Promise<void> {
    if (!this.o.central) return;
    const cutoff = this.o.clock.now() - this.o.settings.offlineExpiryMs;
    for (const orderId of this.o.payments.offlineAcceptedBefore(cutoff)) {
      await this.exclusive(orderId, async () => {
        const row = this.row(orderId);
        if (row.state !== 'paid_offline' || row.offline_accepted_at! > cutoff) return;
        await this.settle(row, { state: 'declined', decline_code: 'offline_expired', decline_message: MESSAGES.offline_expired! }, 'payment.declined', true);
      });
    }
    for (const orderId of this.o.payments.waitingForCentral()) {
      // A shopper's or staff request is on it right now: look again as soon as it lets go,
      // rather than at the next idle poll (an offline acceptance nudges us while holding it).
      const held = this.locks.held(orderId);
      if (held) {
        void held.then(() => this.o.onOfflineAccepted?.());
        continue;
      }
      await this.exclusive(orderId, async () => {
        const row = this.row(orderId);
        if (row.attempts > row.settled_attempt) await this.charge(row, false);
        else if (row.state === 'paid_offline') await this.forward(row);
      });
    }
    const unconfirmed = this.o.payments.unconfirmed();
    for (const orderId of this.refusedUndos.keys()) if (!unconfirmed.includes(orderId)) this.refusedUndos.delete(orderId);
    for (const orderId of unconfirmed) {
      // A shopper paying again right now settles the attempt first (settleLastAttempt).
      if (this.locks.held(orderId)) continue;
      try {
        await this.exclusive(orderId, () => this.undoUnanswered(this.row(orderId)));
        this.refusedUndos.delete(orderId);
      } catch (error) {
        if (!(error instanceof CentralRefusal)) throw error;
        // One order central will not settle must not hold up the others, nor back the forwarder
        // off: it is asked again next round, and logged once per reason for IT.
        if (this.refusedUndos.get(orderId) !== error.code) {
          this.refusedUndos.set(orderId, error.code);
          this.o.log?.warn(`payment forwarding: central refused to settle the unconfirmed charge of order ${orderId} (${error.code}: ${error.message}); asked again each round`);
        }
      }
    }
  }

  /**
   * A charge that timed out and was then refused offline: the shopper was told it may still go
   * through. Central is asked what became of it, without sending it again (which would carry it
   * out): if it was charged, it is refunded, and either way the order says nothing is owed or
   * taken. While central holds it running, or may still receive it, it is asked again later.
   */
  private async undoUnanswered(row: PaymentRow): Promise<void> {
    if (!isUnconfirmed(row)) return;
    const central = this.o.central!;
    const attempt = await this.ask(() => central.request('GET', `/v1/payment-attempts/${encodeURIComponent(attemptKey(row))}`) as Promise<CentralAttempt>);
    // A payment still pending at central is one whose instance stopped mid-call: central settles
    // it (its sweep, or a retry of its key), and the next round reads the outcome.
    if (attempt.state === 'in_progress' || attempt.payment?.state === 'pending') return;
    if (attempt.state === 'unknown' && this.o.clock.now() - row.updated_at < UNANSWERED_CHARGE_LIVES_MS) return;
    const payment = attempt.payment;
    const taken = payment ? payment.amountCaptured - payment.amountRefunded : 0;
    const key = { 'Idempotency-Key': `omni-undo-${row.order_id}-${row.attempts}` };
    if (payment && taken > 0) await this.ask(() => central.request('POST', `/v1/payments/${payment.id}/refunds`, { amount: taken }, key));
    else if (payment?.state === 'authorized') await this.ask(() => central.request('POST', `/v1/payments/${payment.id}/cancel`, {}, key));
    const now = this.o.clock.now();
    const stored: StoredEvent[] = [];
    await durableCommit(this.o.db, () => {
      const next = this.o.payments.update(
        row.order_id,
        { outcome_unknown: 0, decline_code: 'offline_limit', decline_message: taken > 0 ? UNCONFIRMED_REFUNDED : UNCONFIRMED_NOT_CHARGED },
        now,
      );
      const view = this.o.orders.forStaff(row.order_id);
      if (payment && taken > 0) {
        // Central's books hold the charge and its refund; the station's synced events say the same.
        const charged = { ...next, central_payment_id: payment.id, brand: payment.brand, masked_pan: payment.maskedPan };
        this.o.outbox.append('payment.captured', paymentPayload({ ...charged, state: 'paid' }, view.number), now);
        this.o.outbox.append('payment.refunded', paymentPayload({ ...charged, state: 'refunded' }, view.number), now);
      }
      stored.push(this.o.hub.record('order.updated', row.order_id, view, now));
    });
    for (const e of stored) this.o.hub.publish(e);
  }

  offlineStatus() {
    const { settings, currency } = this.o;
    const totals = this.o.payments.offlineTotals(currency);
    return {
      count: totals.count,
      outstanding: totals.outstanding,
      currency,
      maxPerPayment: settings.offlineMaxPerPayment,
      maxOutstanding: settings.offlineMaxOutstanding,
      expiresAfterHours: settings.offlineExpiryMs / 3_600_000,
      oldestAcceptedAt: totals.oldestAcceptedAt === null ? null : new Date(totals.oldestAcceptedAt).toISOString(),
    };
  }

  /**
   * Before a new attempt or a cancellation: an attempt whose answer never arrived, or that timed
   * out and was then refused offline, may have been carried out at central. Sending it again
   * under its key learns what central did (or does it now), so a second card is never charged
   * on top of the first.
   */
  private async settleLastAttempt(row: PaymentRow, interactive: boolean): Promise<PaymentRow> {
    if (row.attempts > row.settled_attempt) return this.charge(row, interactive);
    if (row.state === 'failed' && row.outcome_unknown === 1) return this.charge(row, false);
    return row;
  }

  /** Sends the latest attempt; interactively, central's absence is decided offline on the spot. */
  private async charge(row: PaymentRow, interactive: boolean): Promise<PaymentRow> {
    let outcome: Outcome;
    try {
      outcome = await this.send(row, false, interactive ? this.o.settings.timeoutMs : undefined);
    } catch (error) {
      if (!(error instanceof CentralUnavailable)) throw error;
      if (interactive) return this.acceptOffline(row, error.maybeDone);
      if (!error.nothingCharged) throw error;
      const settled = { settled_attempt: row.attempts, outcome_unknown: 0 as const };
      // Already shown as failed: only the doubt about the attempt goes, nothing to announce.
      if (row.state === 'failed') return durableCommit(this.o.db, () => this.o.payments.update(row.order_id, settled, this.o.clock.now()));
      const failed = { ...settled, state: 'failed' as const, decline_code: 'acquirer_unavailable', decline_message: MESSAGES.acquirer_unavailable! };
      return this.settle(row, failed, 'payment.failed');
    }
    return this.apply(row, outcome, false);
  }

  /** A call to central that carries no charge: its failure is central being away, or a refusal for good. */
  private async ask<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'refused') throw new CentralRefusal(failure.code, failure.message);
      throw new CentralUnavailable(failure.maybeDone, false, failure.message);
    }
  }

  private async forward(row: PaymentRow): Promise<PaymentRow> {
    let outcome = await this.send(row, true);
    // The checkout attempt did reach central and finished there after the station stopped
    // waiting: central keeps that answer under the key for the request as first sent.
    if ('refused' in outcome && outcome.refused.code === 'idempotency_key_reused') outcome = await this.send(row, false);
    return this.apply(row, outcome, true);
  }

  private async send(row: PaymentRow, offline: boolean, timeoutMs?: number): Promise<Outcome> {
    const body = {
      orderId: row.order_id,
      amount: row.amount,
      currency: row.currency,
      token: row.token_ref,
      capture: true,
      ...(offline ? { offline: { acceptedAt: new Date(row.offline_accepted_at!).toISOString() } } : {}),
    };
    const key = attemptKey(row);
    try {
      return { payment: (await this.o.central!.request('POST', '/v1/payments', body, { 'Idempotency-Key': key }, { timeoutMs })) as CentralPayment };
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'refused') return { refused: failure };
      const nothingCharged = error instanceof CentralError && error.code === 'acquirer_unavailable';
      throw new CentralUnavailable(failure.maybeDone, nothingCharged, failure.message);
    }
  }

  private async refund(central: CentralRequester, row: PaymentRow): Promise<void> {
    try {
      await central.request(
        'POST',
        `/v1/payments/${row.central_payment_id}/refunds`,
        { amount: row.amount },
        { 'Idempotency-Key': `omni-refund-${row.order_id}` },
      );
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'refused') {
        throw new AppError(409, 'refund_refused', `The payment service refused the refund (${failure.code}); the order was not cancelled.`);
      }
      throw new AppError(502, 'refund_unavailable', 'The payment service cannot be reached to refund this order. Nothing was changed; try again shortly.');
    }
  }

  /** `offline`: the payment had been accepted offline, so anything but paid is an alert. */
  private apply(row: PaymentRow, outcome: Outcome, offline: boolean): Promise<PaymentRow> {
    const settled = { settled_attempt: row.attempts, outcome_unknown: 0 as const };
    if ('refused' in outcome) {
      const message = `${MESSAGES.payment_refused} (${outcome.refused.code})`;
      return this.settle(row, { ...settled, state: 'failed', decline_code: 'payment_refused', decline_message: message }, 'payment.failed', offline);
    }
    const p = outcome.payment;
    const card = { central_payment_id: p.id, brand: p.brand, masked_pan: p.maskedPan };
    if (p.state === 'captured') {
      return this.settle(row, { ...settled, ...card, state: 'paid', decline_code: null, decline_message: null }, 'payment.captured');
    }
    const declined = p.state === 'declined';
    const code = declined ? (p.declineCode ?? 'declined') : `central_${p.state}`;
    return this.settle(
      row,
      { ...settled, ...card, state: declined ? 'declined' : 'failed', decline_code: code, decline_message: MESSAGES[code] ?? DECLINED },
      declined ? 'payment.declined' : 'payment.failed',
      offline,
    );
  }

  private async acceptOffline(row: PaymentRow, maybeDone: boolean): Promise<PaymentRow> {
    const settled = { settled_attempt: row.attempts, outcome_unknown: maybeDone ? (1 as const) : (0 as const) };
    // No await between the limit check and the write, so no other acceptance slips in between.
    const refusal = this.offlineRefusal(row, maybeDone);
    if (refusal) {
      // A request that timed out may still be carried out at central: the shopper must not be told
      // that nothing was charged. Paying again first settles that attempt under its key, so the
      // card is never charged twice (settleLastAttempt).
      const code = maybeDone ? 'offline_limit_unconfirmed' : 'offline_limit';
      return this.settle(row, { ...settled, state: 'failed', decline_code: code, decline_message: refusal }, 'payment.failed');
    }
    const accepted = await this.settle(
      row,
      { ...settled, state: 'paid_offline', offline_accepted_at: this.o.clock.now(), decline_code: null, decline_message: null },
      'payment.offline_accepted',
    );
    this.o.onOfflineAccepted?.();
    return accepted;
  }

  private offlineRefusal(row: PaymentRow, maybeDone: boolean): string | null {
    const { settings, currency } = this.o;
    const money = (amount: number) => `${amount.toLocaleString('en-US')} ${currency}`;
    const why =
      row.currency !== currency
        ? `only ${currency} payments can be accepted offline`
        : row.amount > settings.offlineMaxPerPayment
          ? `it is above the offline limit of ${money(settings.offlineMaxPerPayment)} per payment`
          : this.o.payments.offlineTotals(currency).outstanding + row.amount > settings.offlineMaxOutstanding
            ? `the station's limit of ${money(settings.offlineMaxOutstanding)} in offline payments is reached`
            : null;
    if (!why) return null;
    return maybeDone
      ? `The payment service did not answer in time, and this payment cannot be accepted offline: ${why}. The charge may still go through; paying again will not charge twice. Please try again in a moment or ask staff.`
      : `The payment service cannot be reached, and this payment cannot be accepted offline: ${why}. Nothing was charged; please try again in a moment or ask staff.`;
  }

  /** Records a new attempt before it is sent, so a station that stops mid-call resumes it under its key. */
  private beginAttempt(row: PaymentRow, input?: PaymentInput): Promise<PaymentRow> {
    return durableCommit(this.o.db, () =>
      this.o.payments.update(
        row.order_id,
        { attempts: row.attempts + 1, outcome_unknown: 0, ...(input ? { method: input.method, token_ref: input.token } : {}) },
        this.o.clock.now(),
      ),
    );
  }

  /** A payment change with the order's monitor event and its outbox event, committed durably. */
  private async settle(row: PaymentRow, changes: PaymentChanges, event: PaymentEvent, offline = false): Promise<PaymentRow> {
    const now = this.o.clock.now();
    const stored: StoredEvent[] = [];
    const updated = await durableCommit(this.o.db, () => {
      const next = this.o.payments.update(row.order_id, changes, now);
      const view = this.o.orders.forStaff(row.order_id);
      stored.push(this.o.hub.record('order.updated', row.order_id, view, now));
      this.o.outbox.append(event, paymentPayload(next, view.number), now);
      // Stored like order events, so a monitor that was away still gets it on resume.
      if (offline && next.state !== 'paid') {
        stored.push(this.o.hub.record('alert.offline_declined', row.order_id, alertPayload(next, view, now), now));
      }
      return next;
    });
    for (const e of stored) this.o.hub.publish(e);
    return updated;
  }

  private async whenReachable(work: () => Promise<PaymentRow>, otherwise: () => AppError): Promise<PaymentRow> {
    try {
      return await work();
    } catch (error) {
      throw error instanceof CentralUnavailable ? otherwise() : error;
    }
  }

  /** Asks the gate and records its answer on the order; the hold when the order must wait. */
  private async held(orderId: string): Promise<OrderHold | null> {
    if (!this.o.gate) return null;
    const hold = await this.o.gate.holdFor(this.o.orders.gateView(orderId));
    this.o.orders.setHold(orderId, hold);
    return hold;
  }

  /**
   * One payment operation per order at a time (the station is one process): a retried request
   * waits for the one in flight and then finds its outcome.
   */
  private exclusive<T>(orderId: string, run: () => Promise<T>): Promise<T> {
    return this.locks.run(orderId, run);
  }

  private row(orderId: string): PaymentRow {
    const row = this.o.payments.forOrder(orderId);
    if (!row) throw new AppError(404, 'order_not_found', 'No such order.');
    return row;
  }
}

/** Refused after a charge that was sent and never answered (acceptOffline): it may have gone through. */
function isUnconfirmed(row: PaymentRow): boolean {
  return row.state === 'failed' && row.outcome_unknown === 1 && row.attempts === row.settled_attempt;
}

/**
 * One key per attempt: a resend of the attempt is the same request to central, a new attempt
 * (another card) is a new one.
 */
function attemptKey(row: PaymentRow): string {
  return `omni-pay-${row.order_id}-${row.attempts}`;
}

/** What central learns of a payment: amounts and card display data, never the token. */
function paymentPayload(row: PaymentRow, number: number) {
  return {
    paymentId: row.id,
    orderId: row.order_id,
    number,
    amount: row.amount,
    currency: row.currency,
    method: row.method,
    state: row.state,
    attempt: row.settled_attempt,
    ...(row.central_payment_id ? { centralPaymentId: row.central_payment_id } : {}),
    ...(row.brand ? { brand: row.brand } : {}),
    ...(row.masked_pan ? { maskedPan: row.masked_pan } : {}),
    ...(row.decline_code ? { declineCode: row.decline_code } : {}),
    ...(row.offline_accepted_at !== null ? { offlineAcceptedAt: new Date(row.offline_accepted_at).toISOString() } : {}),
  };
}

function alertPayload(row: PaymentRow, order: StaffOrder, now: number) {
  return {
    orderId: row.order_id,
    number: order.number,
    amount: row.amount,
    currency: row.currency,
    paymentState: row.state,
    declineCode: row.decline_code,
    message: `Order ${order.number}: a payment of ${row.amount.toLocaleString('en-US')} ${row.currency} accepted offline was not confirmed by the payment service (${row.decline_code}).`,
    offlineAcceptedAt: row.offline_accepted_at === null ? null : new Date(row.offline_accepted_at).toISOString(),
    at: new Date(now).toISOString(),
  };
}
