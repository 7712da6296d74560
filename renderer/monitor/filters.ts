// Runs in: renderer (DOM); pure, also unit-tested in node. Search and filters of the order
// board: which orders a filter keeps, how many of each state it keeps, and the filter's shape in
// the URL query (so a reload, or a link sent to a colleague, shows the same board).
import { holdOf, PAYMENT_STATES } from '../shared/payment';
import type { OrderState, PaymentState, StaffOrder } from '../shared/types';

export const ORDER_STATES: readonly OrderState[] = ['placed', 'handed_over', 'cancelled'];
export type PresenceFilter = 'proved' | 'held' | 'overridden';
export const PRESENCE_FILTERS: readonly PresenceFilter[] = ['proved', 'held', 'overridden'];
export type TimeFilter = 'all' | 'today' | 'hour' | 'custom';
export const TIME_FILTERS: readonly TimeFilter[] = ['all', 'today', 'hour', 'custom'];

export interface BoardFilter {
  /** Free text: order number, orderer name, item name or SKU. */
  text: string;
  /** Empty: every state (likewise payment and presence). */
  states: OrderState[];
  payments: PaymentState[];
  presence: PresenceFilter[];
  time: TimeFilter;
  /** With `custom`: local date-time as an `<input type="datetime-local">` gives it; '' is open. */
  from: string;
  to: string;
}

export const emptyFilter = (): BoardFilter => ({ text: '', states: [], payments: [], presence: [], time: 'all', from: '', to: '' });

export function isFiltering(filter: BoardFilter): boolean {
  return (
    filter.text.trim() !== '' ||
    filter.states.length > 0 ||
    filter.payments.length > 0 ||
    filter.presence.length > 0 ||
    filter.time !== 'all'
  );
}

/**
 * Where the order stands with the presence check: still held for it, let through by a staff
 * override, or past it (proved, or the gate did not ask).
 */
export function presenceOf(order: Pick<StaffOrder, 'state' | 'paymentState' | 'hold' | 'overrides'>): PresenceFilter {
  // The same rule as the held badge: a hold counts while the order is placed and not charged.
  if (holdOf(order) === 'presence_mismatch') return 'held';
  if (order.overrides?.includes('presence_mismatch')) return 'overridden';
  return 'proved';
}

/** Case- and width-insensitive (Korean and full-width digits typed on some keyboards). */
const fold = (text: string): string => text.normalize('NFKC').toLocaleLowerCase().trim();

/** The time window of a filter as epoch ms, [from, to); null ends are open. */
export function timeWindow(filter: Pick<BoardFilter, 'time' | 'from' | 'to'>, now: number): { from: number | null; to: number | null } {
  switch (filter.time) {
    case 'hour':
      return { from: now - 3_600_000, to: null };
    case 'today': {
      const midnight = new Date(now);
      midnight.setHours(0, 0, 0, 0);
      return { from: midnight.getTime(), to: null };
    }
    case 'custom': {
      const parse = (value: string): number | null => {
        const ms = value === '' ? Number.NaN : Date.parse(value);
        return Number.isFinite(ms) ? ms : null;
      };
      return { from: parse(filter.from), to: parse(filter.to) };
    }
    default:
      return { from: null, to: null };
  }
}

/** A predicate for one filter at one moment; built once, run on every order. */
export function matcher(filter: BoardFilter, now: number): (order: StaffOrder) => boolean {
  const words = fold(filter.text).split(/\s+/).filter((w) => w.length > 0);
  const states = new Set(filter.states);
  const payments = new Set(filter.payments);
  const presence = new Set(filter.presence);
  const window = timeWindow(filter, now);
  return (order) => {
    if (states.size > 0 && !states.has(order.state)) return false;
    if (payments.size > 0 && !payments.has(order.paymentState)) return false;
    if (presence.size > 0 && !presence.has(presenceOf(order))) return false;
    if (window.from !== null || window.to !== null) {
      const created = Date.parse(order.createdAt);
      if (window.from !== null && created < window.from) return false;
      if (window.to !== null && created >= window.to) return false;
    }
    return words.every((word) => matchesWord(order, word));
  };
}

function matchesWord(order: StaffOrder, word: string): boolean {
  // "#42" and "42" both find order 42; a number also finds names and SKUs that contain it.
  const digits = word.replace(/^#/, '');
  if (/^[0-9]+$/.test(digits) && String(order.number) === digits) return true;
  if (fold(order.orderer.name).includes(word)) return true;
  return order.items.some((item) => fold(item.name).includes(word) || fold(item.sku).includes(word));
}

export function applyFilter(orders: Iterable<StaffOrder>, filter: BoardFilter, now: number): StaffOrder[] {
  const keep = matcher(filter, now);
  const kept: StaffOrder[] = [];
  for (const order of orders) if (keep(order)) kept.push(order);
  return kept;
}

/** How many orders of each state a list holds (the column counts of the filtered board). */
export function countByState(orders: Iterable<StaffOrder>): Record<OrderState, number> {
  const counts: Record<OrderState, number> = { placed: 0, handed_over: 0, cancelled: 0 };
  for (const order of orders) counts[order.state] += 1;
  return counts;
}

/** URL query keys; short, since staff may read or share the address. */
const KEYS = { text: 'q', states: 'state', payments: 'pay', presence: 'presence', time: 'time', from: 'from', to: 'to' } as const;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

function listOf<T extends string>(raw: string | null, allowed: readonly T[]): T[] {
  if (raw === null) return [];
  const seen = new Set<T>();
  for (const part of raw.split(',')) if ((allowed as readonly string[]).includes(part)) seen.add(part as T);
  return allowed.filter((value) => seen.has(value));
}

/** A filter read from the address: anything unknown or malformed is dropped, never trusted. */
export function filterFromQuery(search: string): BoardFilter {
  const query = new URLSearchParams(search);
  const time = query.get(KEYS.time);
  const date = (value: string | null): string => (value !== null && LOCAL_DATE_TIME.test(value) ? value : '');
  const filter: BoardFilter = {
    text: (query.get(KEYS.text) ?? '').slice(0, 100),
    states: listOf(query.get(KEYS.states), ORDER_STATES),
    payments: listOf(query.get(KEYS.payments), PAYMENT_STATES),
    presence: listOf(query.get(KEYS.presence), PRESENCE_FILTERS),
    time: (TIME_FILTERS as readonly string[]).includes(time ?? '') ? (time as TimeFilter) : 'all',
    from: '',
    to: '',
  };
  if (filter.time === 'custom') {
    filter.from = date(query.get(KEYS.from));
    filter.to = date(query.get(KEYS.to));
  }
  return filter;
}

/**
 * The filter written into an existing query string; other parameters are kept, and an empty
 * filter leaves no trace (the plain /monitor/ address stays plain).
 */
export function filterToQuery(filter: BoardFilter, search = ''): string {
  const query = new URLSearchParams(search);
  for (const key of Object.values(KEYS)) query.delete(key);
  if (filter.text.trim() !== '') query.set(KEYS.text, filter.text.trim());
  if (filter.states.length > 0) query.set(KEYS.states, filter.states.join(','));
  if (filter.payments.length > 0) query.set(KEYS.payments, filter.payments.join(','));
  if (filter.presence.length > 0) query.set(KEYS.presence, filter.presence.join(','));
  if (filter.time !== 'all') query.set(KEYS.time, filter.time);
  if (filter.time === 'custom') {
    if (filter.from !== '') query.set(KEYS.from, filter.from);
    if (filter.to !== '') query.set(KEYS.to, filter.to);
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}
