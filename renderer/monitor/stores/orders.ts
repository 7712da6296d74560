// Runs in: renderer (DOM); unit-tested in node. The order board: every order by id (upserted,
// never duplicated), the last event id seen, new-order highlights and the selected order.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StaffOrder } from '../../shared/types';
import { staffApi } from '../api';
import { groupByState, isNewer } from '../board';

export const HIGHLIGHT_MS = 8000;

export const useOrdersStore = defineStore('monitor-orders', () => {
  const byId = ref<Record<string, StaffOrder>>({});
  const lastEventId = ref(0);
  const highlighted = ref<Record<string, true>>({});
  const selectedId = ref<string | null>(null);
  const loaded = ref(false);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const groups = computed(() => groupByState(Object.values(byId.value)));
  const counts = computed(() => ({
    placed: groups.value.placed.length,
    handed_over: groups.value.handed_over.length,
    cancelled: groups.value.cancelled.length,
  }));
  const selected = computed(() => (selectedId.value === null ? null : (byId.value[selectedId.value] ?? null)));

  /** Puts an order on the board, unless the board already has a newer version. */
  function upsert(order: StaffOrder): boolean {
    const current = byId.value[order.id];
    if (!isNewer(current, order)) return false;
    byId.value[order.id] = order;
    // A highlight marks an arrival only; a card that moves to another column is not new.
    if (current !== undefined && current.state !== order.state) unhighlight(order.id);
    return true;
  }

  function unhighlight(id: string): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    delete highlighted.value[id];
  }

  function noteEventId(id: number | string | undefined): void {
    const value = typeof id === 'string' ? Number(id) : id;
    if (value !== undefined && Number.isFinite(value) && value > lastEventId.value) lastEventId.value = value;
  }

  function highlight(id: string): void {
    highlighted.value[id] = true;
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(() => {
        delete highlighted.value[id];
        timers.delete(id);
      }, HIGHLIGHT_MS),
    );
  }

  /** The snapshot from GET /api/staff/orders. */
  function applySnapshot(orders: StaffOrder[], eventId: number): void {
    for (const order of orders) upsert(order);
    noteEventId(eventId);
    loaded.value = true;
  }

  /**
   * One event from the stream. Returns true when it put a new order on the board (the caller
   * announces it). A repeated or stale event changes nothing.
   */
  function applyEvent(type: string, order: StaffOrder, eventId?: number | string): boolean {
    noteEventId(eventId);
    if (type !== 'order.placed' && type !== 'order.updated') return false;
    const isNew = byId.value[order.id] === undefined;
    const changed = upsert(order);
    if (changed && isNew && type === 'order.placed') highlight(order.id);
    return changed && isNew;
  }

  async function load(): Promise<void> {
    const { orders, lastEventId: eventId } = await staffApi.orders();
    applySnapshot(orders, eventId);
  }

  async function refresh(id: string): Promise<StaffOrder> {
    const order = await staffApi.order(id);
    upsert(order);
    return order;
  }

  async function handOver(id: string): Promise<StaffOrder> {
    const order = await staffApi.handOver(id);
    upsert(order);
    return order;
  }

  async function cancel(id: string, reason?: string): Promise<StaffOrder> {
    const order = await staffApi.cancel(id, reason);
    upsert(order);
    return order;
  }

  function select(id: string | null): void {
    selectedId.value = id;
  }

  function reset(): void {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    byId.value = {};
    highlighted.value = {};
    selectedId.value = null;
    lastEventId.value = 0;
    loaded.value = false;
  }

  return {
    byId,
    lastEventId,
    highlighted,
    selectedId,
    loaded,
    groups,
    counts,
    selected,
    upsert,
    applySnapshot,
    applyEvent,
    load,
    refresh,
    handOver,
    cancel,
    select,
    reset,
  };
});
