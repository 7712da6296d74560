// Runs in: node (vitest). The monitor's order board store: upsert by id (never duplicated),
// stale or repeated events ignored, grouping newest first, highlight of new orders.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { HIGHLIGHT_MS, useOrdersStore } from '../../renderer/monitor/stores/orders';
import { isNewer, summariseItems } from '../../renderer/monitor/board';
import type { StaffOrder } from '../../renderer/shared/types';

let seq = 0;
function order(overrides: Partial<StaffOrder> = {}): StaffOrder {
  seq += 1;
  const at = new Date(Date.UTC(2025, 10, 25, 8, 0, seq)).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    number: seq,
    state: 'placed',
    items: [{ sku: 'A-1', name: '사과', unitPrice: 1500, quantity: 2, lineTotal: 3000 }],
    total: 3000,
    currency: 'KRW',
    orderer: { name: '김민수', contact: '010-1234-5678' },
    fulfilment: { type: 'pickup' },
    payment: { method: 'card', brand: 'visa', maskedPan: '424242******4242' },
    paymentState: 'paid',
    createdAt: at,
    updatedAt: at,
    deviceId: 'device-0001',
    ...overrides,
  };
}

const later = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

describe('monitor orders store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps one card per order id whatever repeats', () => {
    const store = useOrdersStore();
    const first = order();
    store.applySnapshot([first], 7);
    // The snapshot and the stream overlap: the same order arrives again as an event.
    expect(store.applyEvent('order.placed', first, '7')).toBe(false);
    expect(store.applyEvent('order.placed', { ...first }, '8')).toBe(false);
    expect(Object.keys(store.byId)).toEqual([first.id]);
    expect(store.counts).toEqual({ placed: 1, handed_over: 0, cancelled: 0 });
    expect(store.lastEventId).toBe(8);
  });

  it('moves an updated order between states without duplicating it', () => {
    const store = useOrdersStore();
    const placed = order();
    store.applyEvent('order.placed', placed, 1);
    const handed = { ...placed, state: 'handed_over' as const, updatedAt: later(placed.updatedAt, 60_000) };
    expect(store.applyEvent('order.updated', handed, 2)).toBe(false); // changed, but not new
    expect(store.groups.placed).toEqual([]);
    expect(store.groups.handed_over.map((o) => o.id)).toEqual([placed.id]);
    expect(store.byId[placed.id]?.state).toBe('handed_over');
  });

  it('ignores a stale event that arrives after a newer one', () => {
    const store = useOrdersStore();
    const placed = order();
    const cancelled = {
      ...placed,
      state: 'cancelled' as const,
      cancelReason: 'out of stock',
      updatedAt: later(placed.updatedAt, 1000),
    };
    store.applyEvent('order.updated', cancelled, 5);
    // A replay of the older "placed" version must not bring the order back.
    store.applyEvent('order.placed', placed, 4);
    expect(store.byId[placed.id]?.state).toBe('cancelled');
    expect(store.counts).toEqual({ placed: 0, handed_over: 0, cancelled: 1 });
    expect(store.lastEventId).toBe(5); // never goes backwards
  });

  it('lets a terminal state win a tie on updatedAt', () => {
    const placed = order();
    const handed = { ...placed, state: 'handed_over' as const };
    expect(isNewer(handed, placed)).toBe(false);
    expect(isNewer(placed, handed)).toBe(true);
    expect(isNewer(undefined, placed)).toBe(true);
  });

  it('lists each state newest first', () => {
    const store = useOrdersStore();
    const a = order();
    const b = order();
    const c = order();
    store.applySnapshot([b, a], 3);
    store.applyEvent('order.placed', c, 4);
    expect(store.groups.placed.map((o) => o.number)).toEqual([c.number, b.number, a.number]);
  });

  it('highlights a new order for a while, but not snapshot orders', () => {
    const store = useOrdersStore();
    const old = order();
    store.applySnapshot([old], 1);
    const fresh = order();
    expect(store.applyEvent('order.placed', fresh, 2)).toBe(true);
    expect(store.highlighted[fresh.id]).toBe(true);
    expect(store.highlighted[old.id]).toBeUndefined();
    vi.advanceTimersByTime(HIGHLIGHT_MS + 1);
    expect(store.highlighted[fresh.id]).toBeUndefined();
  });

  it('drops the highlight when a new order changes state (the card moves columns)', () => {
    const store = useOrdersStore();
    const fresh = order();
    store.applyEvent('order.placed', fresh, 1);
    expect(store.highlighted[fresh.id]).toBe(true);
    store.applyEvent('order.updated', { ...fresh, state: 'handed_over', updatedAt: later(fresh.updatedAt, 500) }, 2);
    expect(store.highlighted[fresh.id]).toBeUndefined();
  });

  it('ignores other event types', () => {
    const store = useOrdersStore();
    expect(store.applyEvent('cart.activity', order(), 9)).toBe(false);
    expect(store.counts.placed).toBe(0);
    expect(store.lastEventId).toBe(9);
  });

  it('resets on sign-out', () => {
    const store = useOrdersStore();
    const one = order();
    store.applySnapshot([one], 3);
    store.select(one.id);
    expect(store.selected?.id).toBe(one.id);
    store.reset();
    expect(store.byId).toEqual({});
    expect(store.selected).toBeNull();
    expect(store.lastEventId).toBe(0);
  });
});

describe('summariseItems', () => {
  it('shows the first lines and counts the rest', () => {
    const many = order({
      items: ['a', 'b', 'c', 'd', 'e'].map((sku) => ({ sku, name: sku, unitPrice: 1, quantity: 1, lineTotal: 1 })),
    });
    const summary = summariseItems(many, 3);
    expect(summary.shown.map((item) => item.name)).toEqual(['a', 'b', 'c']);
    expect(summary.more).toBe(2);
    expect(summariseItems(order(), 3).more).toBe(0);
  });
});
