// Runs in: renderer (DOM); unit-tested in node. The order board: every order by id (upserted,
// never duplicated), the last event id seen, new-order highlights and the selected order; and
// where the event stream resumes (remembered across reloads, so alerts stored while this
// monitor was closed still arrive).
import { defineStore } from 'pinia';
import { computed, markRaw, ref } from 'vue';
import { readStored, writeStored } from '../../shared/storage';
import type { OrderHold, StaffOrder, StaffOrderList } from '../../shared/types';
import { staffApi } from '../api';
import { approvalHeldCount, groupByState, heldCount, isNewer } from '../board';

export const HIGHLIGHT_MS = 8000;
export const CURSOR_STORAGE_KEY = 'omnistation.monitor.eventCursor';

function savedCursor(): number | null {
  const raw = readStored(CURSOR_STORAGE_KEY);
  const value = raw === null ? Number.NaN : Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

export const useOrdersStore = defineStore('monitor-orders', () => {
  const byId = ref<Record<string, StaffOrder>>({});
  const lastEventId = ref(0);
  const highlighted = ref<Record<string, true>>({});
  const selectedId = ref<string | null>(null);
  const loaded = ref(false);
  /** The last stored event id the stream delivered (null until the stream first opens). */
  const streamCursor = ref<number | null>(null);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const groups = computed(() => groupByState(Object.values(byId.value)));
  const counts = computed(() => ({
    placed: groups.value.placed.length,
    handed_over: groups.value.handed_over.length,
    cancelled: groups.value.cancelled.length,
  }));
  /** Placed orders held for presence (not charged until proven or overridden). */
  const held = computed(() => heldCount(groups.value.placed));
  /** Placed orders held by the identity decision (questions, ID check, denied, locked). */
  const approvalHeld = computed(() => approvalHeldCount(groups.value.placed));
  const selected = computed(() => (selectedId.value === null ? null : (byId.value[selectedId.value] ?? null)));

  /** Puts an order on the board, unless the board already has a newer version. */
  function upsert(order: StaffOrder): boolean {
    const current = byId.value[order.id];
    if (!isNewer(current, order)) return false;
    // An order is replaced whole, never changed in place: no deep proxies for hundreds of
    // cards' items and payments (the board's first paint with 500 orders pays for each one).
    byId.value[order.id] = markRaw(order);
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
    const value = typeof id === 'string' && id.length > 0 ? Number(id) : id;
    if (value === undefined || typeof value !== 'number' || !Number.isSafeInteger(value)) return;
    if (value > lastEventId.value) lastEventId.value = value;
    if (streamCursor.value !== null && value > streamCursor.value) {
      streamCursor.value = value;
      writeStored(CURSOR_STORAGE_KEY, String(value));
    }
  }

  /**
   * Where the stream (re)opens: after the last event it delivered. The first time, after the
   * last event this monitor saw before a reload (order events replayed from there change
   * nothing on the board; alerts among them do show), or after the snapshot when there is none
   * or it is beyond this station's events (another station's database).
   */
  function streamStart(): number {
    if (streamCursor.value === null) {
      const saved = savedCursor();
      streamCursor.value = saved !== null && saved <= lastEventId.value ? saved : lastEventId.value;
      writeStored(CURSOR_STORAGE_KEY, String(streamCursor.value));
    }
    return streamCursor.value;
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
    // One assignment for the whole snapshot: upserting 500 orders one by one into the reactive
    // map would notify the board 500 times before its first paint.
    const next = { ...byId.value };
    for (const order of orders) {
      const current = next[order.id];
      if (!isNewer(current, order)) continue;
      next[order.id] = markRaw(order);
      if (current !== undefined && current.state !== order.state) unhighlight(order.id);
    }
    byId.value = next;
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

  let prefetched: Promise<StaffOrderList> | null = null;

  /**
   * Starts reading the board while the app still checks the staff session: first paint then
   * waits for one round trip, not two in a row. A failed prefetch (signed out) is never used.
   */
  function prefetch(): void {
    const request = staffApi.orders();
    request.catch(() => undefined);
    prefetched = request;
  }

  async function load(): Promise<void> {
    const early = prefetched;
    prefetched = null;
    const list = early ? await early.catch(() => staffApi.orders()) : await staffApi.orders();
    applySnapshot(list.orders, list.lastEventId);
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

  /** Lifts the order's hold (audited) and answers the order as it is now (paid, usually). */
  async function override(id: string, hold: OrderHold, staffName: string, reason: string): Promise<StaffOrder> {
    const order = await staffApi.override(id, hold, staffName, reason);
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
    streamCursor.value = null;
    loaded.value = false;
  }

  return {
    byId,
    lastEventId,
    highlighted,
    selectedId,
    loaded,
    streamCursor,
    groups,
    counts,
    held,
    approvalHeld,
    selected,
    upsert,
    noteEventId,
    streamStart,
    applySnapshot,
    applyEvent,
    prefetch,
    load,
    refresh,
    handOver,
    override,
    cancel,
    select,
    reset,
  };
});
