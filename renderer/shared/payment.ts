// Runs in: renderer (DOM); pure, also unit-tested in node. How a payment state and a decline
// code are shown: badge tone and icon, the reason people read, the card line, and whether an
// order may be handed over or paid again.
import type { Order, OrderHold, OrderPayment, PaymentState } from './types';

export const PAYMENT_STATES = ['pending', 'paid', 'paid_offline', 'declined', 'failed', 'refunded'] as const satisfies readonly PaymentState[];

export function isPaymentState(value: unknown): value is PaymentState {
  return typeof value === 'string' && (PAYMENT_STATES as readonly string[]).includes(value);
}

/** Colour family of a badge; the text and the icon say the same, so colour is never alone. */
export type PaymentTone = 'ok' | 'info' | 'warn' | 'danger' | 'neutral';
export type PaymentIcon = 'check' | 'cloud' | 'clock' | 'cross' | 'alert' | 'undo';

export interface PaymentBadge {
  /** The state shown; an unknown state from a newer server is shown as `unknown`. */
  state: PaymentState | 'unknown';
  tone: PaymentTone;
  icon: PaymentIcon;
  /** Message key of the short label ("Paid", "Declined"). */
  labelKey: string;
}

const BADGES: Record<PaymentState, Omit<PaymentBadge, 'state' | 'labelKey'>> = {
  paid: { tone: 'ok', icon: 'check' },
  // Goods may go, but central has not confirmed yet: not the same green as paid.
  paid_offline: { tone: 'info', icon: 'cloud' },
  pending: { tone: 'warn', icon: 'clock' },
  declined: { tone: 'danger', icon: 'cross' },
  failed: { tone: 'danger', icon: 'alert' },
  refunded: { tone: 'neutral', icon: 'undo' },
};

export function paymentBadge(state: string): PaymentBadge {
  if (!isPaymentState(state)) return { state: 'unknown', tone: 'neutral', icon: 'alert', labelKey: 'paymentState.unknown' };
  return { state, ...BADGES[state], labelKey: `paymentState.${state}` };
}

/** Why a payment did not go through, as the apps word it (keys under `paymentReason.`). */
export type PaymentReason =
  | 'insufficient_funds'
  | 'expired_card'
  | 'declined'
  | 'offline_limit'
  | 'offline_limit_unconfirmed'
  | 'offline_expired'
  | 'payment_refused'
  | 'acquirer_unavailable'
  | 'failed';

const REASON_OF_CODE = new Map<string, PaymentReason>([
  ['insufficient_funds', 'insufficient_funds'],
  ['expired_card', 'expired_card'],
  // Card networks ask merchants never to tell the person holding a card that it was reported
  // stolen: it reads exactly like any other refusal by the bank.
  ['stolen_card', 'declined'],
  ['do_not_honor', 'declined'],
  ['offline_limit', 'offline_limit'],
  ['offline_limit_unconfirmed', 'offline_limit_unconfirmed'],
  ['offline_expired', 'offline_expired'],
  ['payment_refused', 'payment_refused'],
  ['acquirer_unavailable', 'acquirer_unavailable'],
]);

/**
 * The reason to show for a declined or failed payment, by its code; codes this app does not
 * know read as a plain decline or failure. Null for every other state.
 */
export function paymentReason(order: Pick<Order, 'paymentState' | 'declineCode'>): PaymentReason | null {
  if (order.paymentState !== 'declined' && order.paymentState !== 'failed') return null;
  const known = order.declineCode === undefined ? undefined : REASON_OF_CODE.get(order.declineCode);
  if (known !== undefined) return known;
  return order.paymentState === 'declined' ? 'declined' : 'failed';
}

/** Same as `paymentReason`, for a bare code (an alert): unknown codes are a plain decline. */
export function reasonOfCode(code: string | null | undefined): PaymentReason {
  return (code ? REASON_OF_CODE.get(code) : undefined) ?? 'declined';
}

const BRAND_NAMES = new Map<string, string>([
  ['visa', 'Visa'],
  ['mastercard', 'Mastercard'],
  ['amex', 'American Express'],
  ['jcb', 'JCB'],
  ['unionpay', 'UnionPay'],
  ['discover', 'Discover'],
  ['diners', 'Diners Club'],
]);

/** "visa" → "Visa"; an unknown brand is shown as sent, first letter capitalised. */
export function brandName(brand: string | undefined): string | null {
  const trimmed = brand?.trim();
  if (!trimmed) return null;
  return BRAND_NAMES.get(trimmed.toLowerCase()) ?? trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}

/** The last four digits of a masked card number ("424242******4242" → "4242"). */
export function lastFour(maskedPan: string | undefined): string | null {
  return maskedPan ? (/(\d{4})\s*$/.exec(maskedPan)?.[1] ?? null) : null;
}

/** "Visa ••••4242", "Visa", "••••4242", or null when the station knows neither. */
export function cardLabel(payment: OrderPayment): string | null {
  const brand = brandName(payment.brand);
  const last4 = lastFour(payment.maskedPan);
  if (brand && last4) return `${brand} ••••${last4}`;
  return brand ?? (last4 ? `••••${last4}` : null);
}

export const ORDER_HOLDS = ['presence_mismatch', 'approval_pending', 'step_up', 'approval_denied', 'approval_locked'] as const satisfies readonly OrderHold[];
/** The holds of the identity decision (DESIGN.md "Approval dialogue"); presence comes first. */
export const APPROVAL_HOLDS = ['approval_pending', 'step_up', 'approval_denied', 'approval_locked'] as const satisfies readonly OrderHold[];

export function isOrderHold(value: unknown): value is OrderHold {
  return typeof value === 'string' && (ORDER_HOLDS as readonly string[]).includes(value);
}

/**
 * Why a placed, unpaid order waits (DESIGN.md "Presence", "Approval dialogue"), or null: the
 * station charges it itself once the hold is cleared (a proof, the questions, a staff override).
 * A hold this app does not know reads as null (shown as a plain unpaid order).
 */
export function holdOf(order: Pick<Order, 'state' | 'paymentState' | 'hold'>): OrderHold | null {
  return order.state === 'placed' && order.paymentState === 'pending' && isOrderHold(order.hold) ? order.hold : null;
}

/** Held for any reason: placed and not charged until the hold is cleared. */
export function isHeld(order: Pick<Order, 'state' | 'paymentState' | 'hold'>): boolean {
  return holdOf(order) !== null;
}

/** Held by the identity decision (questions, ID check, denied or locked), not by presence. */
export function isApprovalHold(hold: OrderHold | null | undefined): boolean {
  return hold !== null && hold !== undefined && (APPROVAL_HOLDS as readonly string[]).includes(hold);
}

/** Paid at central or accepted offline: the goods may go. */
export function isPaid(state: PaymentState): boolean {
  return state === 'paid' || state === 'paid_offline';
}

/**
 * Why staff cannot hand an order over (a key under `monitor.handOverBlocked.`), or null when
 * they can. The server refuses an unpaid hand-over too (409 payment_required).
 */
export function handOverBlock(order: Pick<Order, 'state' | 'paymentState' | 'hold'>): string | null {
  if (order.state !== 'placed') return null; // no hand-over button at all
  if (isPaid(order.paymentState)) return null;
  const hold = holdOf(order);
  if (hold !== null) return hold;
  return isPaymentState(order.paymentState) ? order.paymentState : 'unknown';
}

/** The shopper may try another card: declined, failed, or never charged (pending). */
export function canPayAgain(order: Pick<Order, 'state' | 'paymentState' | 'hold'>): boolean {
  // A held order is charged by the station itself once the hold is cleared (or staff override).
  if (isHeld(order)) return false;
  return (
    order.state === 'placed' &&
    (order.paymentState === 'declined' || order.paymentState === 'failed' || order.paymentState === 'pending')
  );
}
