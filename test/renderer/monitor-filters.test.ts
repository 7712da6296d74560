// Runs in: node (vitest). The order board's search and filters (renderer/monitor/filters.ts):
// what each filter keeps, counts per state of the filtered set, and the round trip through the
// URL query that lets a reload keep them (hostile query values dropped, never trusted).
import { describe, expect, it } from 'vitest';
import {
  applyFilter,
  countByState,
  emptyFilter,
  filterFromQuery,
  filterToQuery,
  isFiltering,
  presenceOf,
  timeWindow,
  type BoardFilter,
} from '../../renderer/monitor/filters';
import type { StaffOrder } from '../../renderer/shared/types';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
let seq = 0;
function order(overrides: Partial<StaffOrder> = {}): StaffOrder {
  seq += 1;
  const at = new Date(NOW - seq * 60_000).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    number: seq,
    state: 'placed',
    items: [{ sku: 'MILK-1', name: '바나나우유', unitPrice: 1500, quantity: 1, lineTotal: 1500 }],
    total: 1500,
    currency: 'KRW',
    orderer: { name: '김민지', contact: '010-1234-5678' },
    fulfilment: { type: 'pickup' },
    payment: { method: 'card' },
    paymentState: 'paid',
    createdAt: at,
    updatedAt: at,
    deviceId: 'dev-1',
    ...overrides,
  };
}
const filter = (patch: Partial<BoardFilter>): BoardFilter => ({ ...emptyFilter(), ...patch });
const numbers = (orders: StaffOrder[]): number[] => orders.map((o) => o.number).sort((a, b) => a - b);

describe('board filters', () => {
  const a = order({ orderer: { name: 'Alice Kim', contact: 'a@example.com' } }); // 1
  const b = order({ state: 'handed_over', items: [{ sku: 'RAMEN-3', name: '신라면', unitPrice: 950, quantity: 2, lineTotal: 1900 }] }); // 2
  const c = order({ state: 'cancelled', paymentState: 'refunded' }); // 3
  const d = order({ hold: 'presence_mismatch', paymentState: 'pending' }); // 4
  const e = order({ overrides: ['presence_mismatch'], orderer: { name: '박서준', contact: '010-9999-0000' } }); // 5
  const f = order({ number: 12, paymentState: 'declined', createdAt: new Date(NOW - 3 * 3_600_000).toISOString() });
  const all = [a, b, c, d, e, f];

  it('an empty filter keeps everything and says it is not filtering', () => {
    expect(isFiltering(emptyFilter())).toBe(false);
    expect(applyFilter(all, emptyFilter(), NOW)).toHaveLength(all.length);
    expect(isFiltering(filter({ text: '  ' }))).toBe(false);
  });

  it('finds by order number (with or without #), orderer name, item name and SKU, case-insensitively', () => {
    expect(numbers(applyFilter(all, filter({ text: '12' }), NOW))).toEqual([12]);
    expect(numbers(applyFilter(all, filter({ text: '#2' }), NOW))).toEqual([2]);
    expect(numbers(applyFilter(all, filter({ text: 'alice' }), NOW))).toEqual([1]);
    expect(numbers(applyFilter(all, filter({ text: '서준' }), NOW))).toEqual([5]);
    expect(numbers(applyFilter(all, filter({ text: '신라면' }), NOW))).toEqual([2]);
    expect(numbers(applyFilter(all, filter({ text: 'ramen-3' }), NOW))).toEqual([2]);
    // Full-width digits from an IME find the same order.
    expect(numbers(applyFilter(all, filter({ text: '１２' }), NOW))).toEqual([12]);
    // Every word must match.
    expect(numbers(applyFilter(all, filter({ text: 'alice 신라면' }), NOW))).toEqual([]);
    expect(numbers(applyFilter(all, filter({ text: 'nobody' }), NOW))).toEqual([]);
  });

  it('filters by state, payment state and presence; several values in one group are alternatives', () => {
    expect(numbers(applyFilter(all, filter({ states: ['handed_over', 'cancelled'] }), NOW))).toEqual([2, 3]);
    expect(numbers(applyFilter(all, filter({ payments: ['refunded', 'declined'] }), NOW))).toEqual([3, 12]);
    expect(numbers(applyFilter(all, filter({ presence: ['held'] }), NOW))).toEqual([4]);
    expect(numbers(applyFilter(all, filter({ presence: ['overridden'] }), NOW))).toEqual([5]);
    expect(numbers(applyFilter(all, filter({ presence: ['proved'] }), NOW))).toEqual([1, 2, 3, 12]);
    // Groups combine: placed AND paid.
    expect(numbers(applyFilter(all, filter({ states: ['placed'], payments: ['paid'] }), NOW))).toEqual([1, 5]);
  });

  it('presence: a held order is held even if an earlier hold of it was overridden', () => {
    const open = { state: 'placed', paymentState: 'pending' } as const;
    expect(presenceOf({ ...open, hold: 'presence_mismatch', overrides: ['presence_mismatch'] })).toBe('held');
    expect(presenceOf({ ...open, overrides: ['step_up'] })).toBe('proved');
    expect(presenceOf({ ...open, hold: 'approval_pending' })).toBe('proved');
    // A stale hold on a charged or closed order is not a hold (as on the card's badge).
    expect(presenceOf({ state: 'placed', paymentState: 'paid', hold: 'presence_mismatch' })).toBe('proved');
    expect(presenceOf({ state: 'cancelled', paymentState: 'pending', hold: 'presence_mismatch' })).toBe('proved');
  });

  it('filters by time: last hour, today (local midnight) and a custom range [from, to)', () => {
    expect(numbers(applyFilter(all, filter({ time: 'hour' }), NOW))).toEqual([1, 2, 3, 4, 5]);
    const today = timeWindow({ time: 'today', from: '', to: '' }, NOW);
    const midnight = new Date(NOW);
    midnight.setHours(0, 0, 0, 0);
    expect(today).toEqual({ from: midnight.getTime(), to: null });
    const from = new Date(NOW - 4 * 3_600_000);
    const to = new Date(NOW - 2 * 3_600_000);
    const local = (d: Date): string =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    expect(numbers(applyFilter(all, filter({ time: 'custom', from: local(from), to: local(to) }), NOW))).toEqual([12]);
    // Open ends: only "from".
    expect(numbers(applyFilter(all, filter({ time: 'custom', from: local(to) }), NOW))).toEqual([1, 2, 3, 4, 5]);
    // A broken date is an open end, not "nothing".
    expect(applyFilter(all, filter({ time: 'custom', from: 'garbage' }), NOW)).toHaveLength(all.length);
  });

  it('counts per state of the filtered set', () => {
    const kept = applyFilter(all, filter({ payments: ['paid', 'refunded'] }), NOW);
    expect(countByState(kept)).toEqual({ placed: 2, handed_over: 1, cancelled: 1 });
    expect(countByState([])).toEqual({ placed: 0, handed_over: 0, cancelled: 0 });
  });
});

describe('filters in the URL query', () => {
  it('round-trips every field and keeps unrelated parameters', () => {
    const value = filter({
      text: '신라면',
      states: ['placed', 'cancelled'],
      payments: ['paid_offline'],
      presence: ['held', 'overridden'],
      time: 'custom',
      from: '2026-11-25T09:00',
      to: '2026-11-25T18:30',
    });
    const search = filterToQuery(value, '?lang=ko');
    expect(new URLSearchParams(search).get('lang')).toBe('ko');
    expect(filterFromQuery(search)).toEqual(value);
  });

  it('an empty filter leaves a plain address, and clears an old filter from it', () => {
    expect(filterToQuery(emptyFilter())).toBe('');
    expect(filterToQuery(emptyFilter(), '?q=x&state=placed&keep=1')).toBe('?keep=1');
  });

  it('drops unknown values, bad dates and an overlong search; range dates only with "custom"', () => {
    const parsed = filterFromQuery(
      `?q=${'x'.repeat(500)}&state=placed,bogus,placed&pay=<script>,paid&presence=maybe&time=forever&from=2026-11-25T09:00`,
    );
    expect(parsed.text).toHaveLength(100);
    expect(parsed.states).toEqual(['placed']);
    expect(parsed.payments).toEqual(['paid']);
    expect(parsed.presence).toEqual([]);
    expect(parsed.time).toBe('all');
    expect(parsed.from).toBe('');
    expect(filterFromQuery('?time=custom&from=yesterday&to=2026-11-25T18:30').from).toBe('');
    expect(filterFromQuery('?time=custom&from=yesterday&to=2026-11-25T18:30').to).toBe('2026-11-25T18:30');
  });
});
