// Runs in: node (vitest). The card-data guard: PANs are refused wherever they hide, ids are not.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findCardData, looksLikePan, luhnValid, safeMaskedPan } from '../../../server/central/pan.js';
import { uuidv7 } from '../../../server/protocol/uuidv7.js';

describe('card data guard', () => {
  it('finds test PANs however they are written', () => {
    for (const text of ['4242424242424242', '4111 1111 1111 1111', 'card: 5555-5555-5555-4444', '378282246310005', 'tok_4000056655665556', '6011111111111117']) {
      expect(looksLikePan(text), text).toBe(true);
    }
    expect(findCardData({ a: [1, { b: 4242424242424242 }] })).toBe('/a/1/b');
    expect(findCardData({ note: 'ok', card: { cvv: '123' } })).toBe('/card/cvv');
    expect(findCardData({ 'a/b': '4242424242424242' })).toBe('/a~1b');
  });

  it('leaves ids, timestamps, amounts and phone numbers alone', () => {
    for (let i = 0; i < 20_000; i++) {
      expect(looksLikePan(randomUUID())).toBe(false);
      expect(looksLikePan(`order-${uuidv7()}`)).toBe(false);
    }
    expect(findCardData({ at: 1_764_000_000_000, amount: 12_500, phone: '010-1234-5678', seq: 99, ref: 'a1b2c3d4e5f6a7b8c9d0e1f2' })).toBeNull();
    expect(looksLikePan('4242424242424241')).toBe(false);
  });

  it('computes Luhn like the card networks', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12,18}$/), (body) => {
        const check = Array.from({ length: 10 }, (_, d) => `${body}${d}`).filter(luhnValid);
        expect(check).toHaveLength(1);
      }),
    );
  });

  it('keeps a masked PAN only if it shows at most BIN and last 4', () => {
    expect(safeMaskedPan('424242******4242')).toBe('424242******4242');
    expect(safeMaskedPan('****4242')).toBe('****4242');
    expect(safeMaskedPan('4242424242424242')).toBeNull();
    expect(safeMaskedPan('4242424*****4242')).toBeNull();
    expect(safeMaskedPan('424242******42424')).toBeNull();
    expect(safeMaskedPan(undefined)).toBeNull();
  });
});
