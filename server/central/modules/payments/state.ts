// Runs in: node. The payment state machine, explicit so that an illegal transition is refused
// in one place rather than by scattered ifs.
import type { PaymentState } from '../../db/schema.js';

export type PaymentAction = 'capture' | 'cancel' | 'refund';

/**
 * pending → authorized | captured | declined | failed (set by the authorise call itself)
 * authorized → captured (capture) | cancelled (cancel)
 * captured | partially_refunded → partially_refunded | refunded (refund)
 * declined, cancelled, refunded, failed: final.
 */
const ALLOWED: Record<PaymentAction, readonly PaymentState[]> = {
  capture: ['authorized'],
  cancel: ['authorized'],
  refund: ['captured', 'partially_refunded'],
};

export function canApply(state: PaymentState, action: PaymentAction): boolean {
  return ALLOWED[action].includes(state);
}

export function stateAfterRefund(amountCaptured: number, amountRefunded: number): PaymentState {
  return amountRefunded >= amountCaptured ? 'refunded' : 'partially_refunded';
}

export const FINAL_STATES: readonly PaymentState[] = ['declined', 'cancelled', 'refunded', 'failed'];
