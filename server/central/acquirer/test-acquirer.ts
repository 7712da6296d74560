// Runs in: node (tests, demo, `central --acquirer test`). The simulated acquirer of
// docs/central-api.md: test tokens approve, decline, hang or fail. It keeps its own ledger so
// tests can assert that nothing was charged twice or left charged after a failure.
import { setTimeout as sleep } from 'node:timers/promises';
import { AcquirerUnavailable, type Acquirer, type AuthoriseRequest, type AuthoriseResult, type DeclineCode } from './types.js';

export interface TestAcquirerOptions {
  /** Added to every call, as a real acquirer's round trip. */
  latencyMs?: number;
}

export interface TestCharge {
  reference: string;
  acquirerRef: string;
  amount: number;
  currency: string;
  captured: number;
  refunded: number;
  voided: boolean;
}

const DECLINES: Record<string, DeclineCode> = {
  tok_decline_insufficient_funds: 'insufficient_funds',
  tok_decline_stolen_card: 'stolen_card',
  tok_decline_expired_card: 'expired_card',
};

const CARDS: Record<string, { brand: string; maskedPan: string }> = {
  visa: { brand: 'visa', maskedPan: '424242******4242' },
  mastercard: { brand: 'mastercard', maskedPan: '555555******4444' },
  amex: { brand: 'amex', maskedPan: '378282*****0005' },
};

function cardFor(token: string): { brand: string; maskedPan: string } {
  const brand = Object.keys(CARDS).find((b) => token.includes(b)) ?? 'visa';
  const card = CARDS[brand]!;
  // tok_test_visa_1234 shows 1234 as its last four, so tests can tell cards apart.
  const last4 = /_(\d{4})$/.exec(token)?.[1];
  return last4 ? { brand, maskedPan: card.maskedPan.slice(0, -4) + last4 } : card;
}

export class TestAcquirer implements Acquirer {
  latencyMs: number;
  /** Authorisations by central's reference; a repeated reference answers from here. */
  readonly charges = new Map<string, TestCharge>();
  readonly calls: { op: string; reference: string }[] = [];
  private counter = 0;

  constructor(options: TestAcquirerOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Money the acquirer holds or moved for central right now: authorised or captured, less voids and refunds. */
  outstanding(): number {
    let total = 0;
    for (const c of this.charges.values()) if (!c.voided) total += (c.captured > 0 ? c.captured : c.amount) - c.refunded;
    return total;
  }

  private async delay(signal: AbortSignal): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) throw new AcquirerUnavailable('timeout', 'the test acquirer call was abandoned');
  }

  async authorise(request: AuthoriseRequest, signal: AbortSignal): Promise<AuthoriseResult> {
    this.calls.push({ op: 'authorise', reference: request.reference });
    if (request.token === 'tok_network_error') {
      throw new AcquirerUnavailable('network', 'connection to the test acquirer refused');
    }
    await this.delay(signal);
    const decline = DECLINES[request.token];
    if (decline) return { approved: false, declineCode: decline, ...cardFor('visa_0002') };
    if (!/^tok_(visa|mastercard|amex|test_[A-Za-z0-9_]+|timeout)$/.test(request.token)) {
      return { approved: false, declineCode: 'do_not_honor' };
    }
    let charge = this.charges.get(request.reference);
    if (!charge) {
      charge = {
        reference: request.reference,
        acquirerRef: `acq_${++this.counter}`,
        amount: request.amount,
        currency: request.currency,
        captured: request.capture ? request.amount : 0,
        refunded: 0,
        voided: false,
      };
      this.charges.set(request.reference, charge);
    }
    if (request.token === 'tok_timeout') {
      // The worst case for central: the card is charged, but the answer never arrives.
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      throw new AcquirerUnavailable('timeout', 'the test acquirer did not answer');
    }
    return { approved: true, acquirerRef: charge.acquirerRef, ...cardFor(request.token) };
  }

  async capture(request: { reference: string; amount: number }, signal: AbortSignal): Promise<void> {
    this.calls.push({ op: 'capture', reference: request.reference });
    await this.delay(signal);
    const charge = this.charges.get(request.reference);
    if (!charge || charge.voided) throw new Error(`test acquirer: nothing to capture for ${request.reference}`);
    charge.captured = request.amount;
  }

  async cancel(request: { reference: string }, signal: AbortSignal): Promise<void> {
    this.calls.push({ op: 'cancel', reference: request.reference });
    await this.delay(signal);
    const charge = this.charges.get(request.reference);
    // Voiding what was never authorised is a no-op, as acquirers treat reversals.
    if (charge) charge.voided = true;
  }

  private readonly refunds = new Map<string, string>();

  async refund(request: { reference: string; refundReference: string; amount: number }, signal: AbortSignal): Promise<{ acquirerRef: string }> {
    this.calls.push({ op: 'refund', reference: request.reference });
    await this.delay(signal);
    const known = this.refunds.get(request.refundReference);
    if (known) return { acquirerRef: known };
    const charge = this.charges.get(request.reference);
    if (!charge || charge.voided || charge.refunded + request.amount > charge.captured) {
      throw new Error(`test acquirer: refund of ${request.amount} exceeds what ${request.reference} captured`);
    }
    charge.refunded += request.amount;
    const ref = `acq_refund_${++this.counter}`;
    this.refunds.set(request.refundReference, ref);
    return { acquirerRef: ref };
  }
}
