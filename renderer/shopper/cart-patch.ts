// Runs in: renderer (DOM); pure, also unit-tested in node. A scan answers the line it changed and
// the cart's new totals, not the whole cart; this applies that answer to the copy the phone has.
// When the copy was already behind (a kiosk tap missed while offline, a price changed) its lines
// no longer add up to the server's totals, and the caller reloads the whole cart instead.
import type { Cart, CartLine } from '../shared/types';

export interface ScanAnswer {
  added: { sku: string; name: string };
  line: CartLine;
  count: number;
  total: number;
  currency: string | null;
}

/** The patched cart, or null when the copy cannot be trusted and the cart must be reloaded. */
export function patchCart(current: Cart | null, answer: ScanAnswer): Cart | null {
  if (!current) return null;
  const index = current.items.findIndex((line) => line.sku === answer.line.sku);
  // A new line goes last: lines are listed in the order they were first added.
  const items = index >= 0 ? current.items.map((line, i) => (i === index ? answer.line : line)) : [...current.items, answer.line];
  const count = items.reduce((sum, line) => sum + line.quantity, 0);
  const total = items.reduce((sum, line) => sum + line.lineTotal, 0);
  if (count !== answer.count || total !== answer.total) return null;
  return { items, count, total, currency: answer.currency };
}
