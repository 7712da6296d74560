// Runs in: node. What central needs from a card acquirer. Every call carries a reference central
// chose (the payment or refund id) that the acquirer treats as its idempotency key, so a call
// repeated after a lost answer never charges twice.
export interface CardDetails {
  brand: string;
  /** BIN (first 6) and last 4 at most; anything else masked. */
  maskedPan: string;
}

export type DeclineCode = 'insufficient_funds' | 'stolen_card' | 'expired_card' | 'do_not_honor';

export type AuthoriseResult =
  | ({ approved: true; acquirerRef: string } & CardDetails)
  | ({ approved: false; declineCode: DeclineCode } & Partial<CardDetails>);

export interface AuthoriseRequest {
  reference: string;
  amount: number;
  currency: string;
  token: string;
  /** Authorise and capture in one step. */
  capture: boolean;
}

export interface Acquirer {
  authorise(request: AuthoriseRequest, signal: AbortSignal): Promise<AuthoriseResult>;
  capture(request: { reference: string; acquirerRef: string; amount: number; currency: string }, signal: AbortSignal): Promise<void>;
  /** Voids an authorisation; also the reversal sent after a timed-out authorise. */
  cancel(request: { reference: string; acquirerRef?: string }, signal: AbortSignal): Promise<void>;
  refund(
    request: { reference: string; refundReference: string; acquirerRef: string; amount: number; currency: string },
    signal: AbortSignal,
  ): Promise<{ acquirerRef: string }>;
}

/** The acquirer could not be reached or did not answer: the outcome is unknown to central. */
export class AcquirerUnavailable extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    message: string,
  ) {
    super(message);
  }
}
