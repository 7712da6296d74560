// Runs in: renderer (DOM); pure, also unit-tested in node. Order board rules: which version of
// an order wins, ordering, grouping by state and the short items summary on a card.
import { holdOf, isApprovalHold } from '../shared/payment';
import type { OrderState, StaffOrder } from '../shared/types';

/** Terminal states rank above "placed": an order never goes back to placed. */
const STATE_RANK: Record<OrderState, number> = { placed: 0, handed_over: 1, cancelled: 1 };

/**
 * Whether `incoming` should replace `current`. Events can repeat (a snapshot and a replayed
 * event carry the same order) or, across a reconnect, arrive late; the newer version wins.
 */
export function isNewer(current: StaffOrder | undefined, incoming: StaffOrder): boolean {
  if (current === undefined) return true;
  const byTime = Date.parse(incoming.updatedAt) - Date.parse(current.updatedAt);
  if (byTime !== 0) return byTime > 0;
  return STATE_RANK[incoming.state] >= STATE_RANK[current.state];
}

export type Groups = Record<OrderState, StaffOrder[]>;

/** Each state's orders newest first: by creation time, then by order number. */
export function groupByState(orders: Iterable<StaffOrder>): Groups {
  const groups: Groups = { placed: [], handed_over: [], cancelled: [] };
  // Each time parsed once, not twice per comparison: a board of 500 is sorted on every change.
  const created = new Map<StaffOrder, number>();
  for (const order of orders) {
    groups[order.state].push(order);
    created.set(order, Date.parse(order.createdAt));
  }
  const newest = (a: StaffOrder, b: StaffOrder): number => created.get(b)! - created.get(a)! || b.number - a.number;
  for (const list of Object.values(groups)) list.sort(newest);
  return groups;
}

export interface ItemsSummary {
  shown: { name: string; quantity: number }[];
  more: number;
}

/** The first `max` lines of an order for a card, and how many more there are. */
export function summariseItems(order: Pick<StaffOrder, 'items'>, max = 3): ItemsSummary {
  return {
    shown: order.items.slice(0, max).map(({ name, quantity }) => ({ name, quantity })),
    more: Math.max(0, order.items.length - max),
  };
}

/** Orders held for presence (placed, not charged): staff may need to act on them. */
export function heldCount(orders: Iterable<StaffOrder>): number {
  let count = 0;
  for (const order of orders) if (holdOf(order) === 'presence_mismatch') count += 1;
  return count;
}

/** Orders held by the identity decision (questions open, ID check, denied, locked). */
export function approvalHeldCount(orders: Iterable<StaffOrder>): number {
  let count = 0;
  for (const order of orders) if (isApprovalHold(holdOf(order))) count += 1;
  return count;
}

/** Comma or space separated reader ids as typed by staff → a clean, de-duplicated list. */
export function parseReaderIds(text: string): string[] {
  return [...new Set(text.split(/[,\s]+/).map((id) => id.trim()).filter((id) => id.length > 0))];
}
