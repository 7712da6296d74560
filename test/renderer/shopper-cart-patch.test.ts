// Runs in: node. The phone patches its cart copy from a scan's answer (the changed line and the
// totals) and asks for the whole cart only when its copy no longer adds up.
import { describe, expect, it } from 'vitest';
import { patchCart, type ScanAnswer } from '../../renderer/shopper/cart-patch';
import type { Cart, CartLine } from '../../renderer/shared/types';

const line = (sku: string, quantity: number, unitPrice = 1000): CartLine => ({
  sku,
  name: sku,
  unitPrice,
  quantity,
  lineTotal: unitPrice * quantity,
  currency: 'KRW',
});
const cart = (...items: CartLine[]): Cart => ({
  items,
  count: items.reduce((n, l) => n + l.quantity, 0),
  total: items.reduce((n, l) => n + l.lineTotal, 0),
  currency: items.length ? 'KRW' : null,
});
const answer = (changed: CartLine, count: number, total: number): ScanAnswer => ({
  added: { sku: changed.sku, name: changed.name },
  line: changed,
  count,
  total,
  currency: 'KRW',
});

describe('patchCart', () => {
  it('replaces the changed line in place', () => {
    const next = patchCart(cart(line('A', 1), line('B', 2)), answer(line('A', 2), 4, 4000));
    expect(next).toEqual(cart(line('A', 2), line('B', 2)));
  });

  it('adds a new line last, as the server lists lines in the order first added', () => {
    const next = patchCart(cart(line('A', 1)), answer(line('C', 1, 500), 2, 1500));
    expect(next?.items.map((l) => l.sku)).toEqual(['A', 'C']);
    expect(next).toMatchObject({ count: 2, total: 1500, currency: 'KRW' });
  });

  it('starts an empty cart', () => {
    expect(patchCart(cart(), answer(line('A', 1), 1, 1000))).toEqual(cart(line('A', 1)));
  });

  it('asks for a reload when the copy missed a change (a kiosk tap) or a price moved', () => {
    // The server counts a line this copy never saw.
    expect(patchCart(cart(line('A', 1)), answer(line('A', 2), 3, 3000))).toBeNull();
    // Same quantities, but another line's price changed since the copy was taken.
    expect(patchCart(cart(line('A', 1), line('B', 1)), answer(line('A', 2), 3, 3500))).toBeNull();
  });

  it('asks for a reload when there is no copy yet', () => {
    expect(patchCart(null, answer(line('A', 1), 1, 1000))).toBeNull();
  });
});
