// Runs in: node (vitest). How payments read in the apps: decline code → message (a stolen card
// never named), badge per state, card line, and when an order may be handed over or paid again.
import { describe, expect, it } from 'vitest';
import {
  brandName,
  canPayAgain,
  cardLabel,
  handOverBlock,
  lastFour,
  PAYMENT_STATES,
  paymentBadge,
  paymentReason,
  reasonOfCode,
  type PaymentReason,
} from '../../renderer/shared/payment';
import { en } from '../../renderer/shared/messages/en';
import { ko } from '../../renderer/shared/messages/ko';
import type { Order, PaymentState } from '../../renderer/shared/types';

const DECLINE_CODES = [
  'insufficient_funds',
  'stolen_card',
  'expired_card',
  'do_not_honor',
  'offline_limit',
  'offline_limit_unconfirmed',
  'offline_expired',
  'payment_refused',
  'acquirer_unavailable',
];

const ALL_REASONS: PaymentReason[] = [
  'insufficient_funds',
  'expired_card',
  'declined',
  'offline_limit',
  'offline_limit_unconfirmed',
  'offline_expired',
  'payment_refused',
  'acquirer_unavailable',
  'failed',
];

/** The message at a dotted key, or undefined. */
function lookup(messages: object, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);
}

describe('paymentReason', () => {
  it('maps every decline code the station sends to a reason', () => {
    const declined = (declineCode: string) => paymentReason({ paymentState: 'declined', declineCode });
    expect(declined('insufficient_funds')).toBe('insufficient_funds');
    expect(declined('expired_card')).toBe('expired_card');
    expect(declined('do_not_honor')).toBe('declined');
    expect(declined('offline_expired')).toBe('offline_expired');
    const failed = (declineCode: string) => paymentReason({ paymentState: 'failed', declineCode });
    expect(failed('offline_limit')).toBe('offline_limit');
    expect(failed('offline_limit_unconfirmed')).toBe('offline_limit_unconfirmed');
    expect(failed('payment_refused')).toBe('payment_refused');
    expect(failed('acquirer_unavailable')).toBe('acquirer_unavailable');
  });

  it('never tells anyone a card was reported stolen: it reads exactly like do_not_honor', () => {
    const stolen = paymentReason({ paymentState: 'declined', declineCode: 'stolen_card' });
    expect(stolen).toBe(paymentReason({ paymentState: 'declined', declineCode: 'do_not_honor' }));
    expect(reasonOfCode('stolen_card')).toBe(reasonOfCode('do_not_honor'));
    for (const messages of [en, ko]) {
      const text = JSON.stringify(messages).toLowerCase();
      expect(text).not.toMatch(/stolen|도난|분실/);
    }
  });

  it('reads an unknown code as a plain decline or failure, and says nothing for other states', () => {
    expect(paymentReason({ paymentState: 'declined', declineCode: 'central_cancelled' })).toBe('declined');
    expect(paymentReason({ paymentState: 'declined' })).toBe('declined');
    expect(paymentReason({ paymentState: 'failed', declineCode: 'something_new' })).toBe('failed');
    expect(paymentReason({ paymentState: 'failed', declineCode: 'constructor' })).toBe('failed');
    expect(reasonOfCode(null)).toBe('declined');
    for (const state of ['paid', 'paid_offline', 'pending', 'refunded'] as const) {
      expect(paymentReason({ paymentState: state, declineCode: 'insufficient_funds' })).toBeNull();
    }
  });

  it('has a shopper sentence and a staff label for every reason, in Korean and English', () => {
    const reasons = new Set<PaymentReason>(ALL_REASONS);
    for (const code of DECLINE_CODES) reasons.add(reasonOfCode(code));
    for (const reason of reasons) {
      for (const messages of [en, ko]) {
        expect(lookup(messages, `paymentReason.${reason}`), reason).toEqual(expect.any(String));
        expect(lookup(messages, `monitor.paymentReason.${reason}`), reason).toEqual(expect.any(String));
      }
    }
  });
});

describe('paymentBadge', () => {
  it('gives each state its own tone, icon and text', () => {
    expect(paymentBadge('paid')).toMatchObject({ tone: 'ok', icon: 'check', labelKey: 'paymentState.paid' });
    expect(paymentBadge('paid_offline')).toMatchObject({ tone: 'info', icon: 'cloud' });
    expect(paymentBadge('pending')).toMatchObject({ tone: 'warn', icon: 'clock' });
    expect(paymentBadge('declined')).toMatchObject({ tone: 'danger', icon: 'cross' });
    expect(paymentBadge('failed')).toMatchObject({ tone: 'danger', icon: 'alert' });
    expect(paymentBadge('refunded')).toMatchObject({ tone: 'neutral', icon: 'undo' });
    // Never colour alone: states sharing a tone differ in icon and text.
    const shapes = PAYMENT_STATES.map((state) => `${paymentBadge(state).icon}`);
    expect(new Set(shapes).size).toBe(PAYMENT_STATES.length);
    for (const messages of [en, ko]) {
      const labels = PAYMENT_STATES.map((state) => lookup(messages, paymentBadge(state).labelKey));
      expect(labels.every((label) => typeof label === 'string')).toBe(true);
      expect(new Set(labels).size).toBe(PAYMENT_STATES.length);
    }
  });

  it('shows a state it does not know as unknown', () => {
    expect(paymentBadge('chargeback')).toEqual({ state: 'unknown', tone: 'neutral', icon: 'alert', labelKey: 'paymentState.unknown' });
    expect(lookup(ko, 'paymentState.unknown')).toEqual(expect.any(String));
  });
});

describe('cardLabel', () => {
  it('shows brand and last four, never more', () => {
    expect(cardLabel({ method: 'card', brand: 'visa', maskedPan: '424242******4242' })).toBe('Visa ••••4242');
    expect(cardLabel({ method: 'card', brand: 'mastercard', maskedPan: '555555******1234' })).toBe('Mastercard ••••1234');
    expect(cardLabel({ method: 'card', brand: 'amex', maskedPan: '378282*****0005' })).toBe('American Express ••••0005');
    expect(cardLabel({ method: 'card', brand: 'bccard' })).toBe('Bccard');
    expect(cardLabel({ method: 'card', maskedPan: '****9876' })).toBe('••••9876');
    expect(cardLabel({ method: 'easy_pay' })).toBeNull();
    expect(brandName('  ')).toBeNull();
    expect(lastFour('424242******4242')).toBe('4242');
    expect(lastFour('no digits')).toBeNull();
  });
});

describe('hand-over and paying again', () => {
  const order = (state: Order['state'], paymentState: PaymentState) => ({ state, paymentState });

  it('hands over only a placed order that is paid or paid offline', () => {
    expect(handOverBlock(order('placed', 'paid'))).toBeNull();
    expect(handOverBlock(order('placed', 'paid_offline'))).toBeNull();
    expect(handOverBlock(order('placed', 'pending'))).toBe('pending');
    expect(handOverBlock(order('placed', 'declined'))).toBe('declined');
    expect(handOverBlock(order('placed', 'failed'))).toBe('failed');
    expect(handOverBlock(order('placed', 'refunded'))).toBe('refunded');
    expect(handOverBlock({ state: 'placed', paymentState: 'weird' as PaymentState })).toBe('unknown');
    expect(handOverBlock(order('handed_over', 'paid'))).toBeNull();
    for (const reason of ['pending', 'declined', 'failed', 'refunded', 'unknown']) {
      expect(lookup(en, `monitor.handOverBlocked.${reason}`), reason).toEqual(expect.any(String));
      expect(lookup(ko, `monitor.handOverBlocked.${reason}`), reason).toEqual(expect.any(String));
    }
  });

  it('lets the shopper pay again only while the order is placed and not paid', () => {
    expect(canPayAgain(order('placed', 'declined'))).toBe(true);
    expect(canPayAgain(order('placed', 'failed'))).toBe(true);
    expect(canPayAgain(order('placed', 'pending'))).toBe(true);
    expect(canPayAgain(order('placed', 'paid'))).toBe(false);
    expect(canPayAgain(order('placed', 'paid_offline'))).toBe(false);
    expect(canPayAgain(order('cancelled', 'declined'))).toBe(false);
    expect(canPayAgain(order('cancelled', 'refunded'))).toBe(false);
  });
});
