// Runs in: renderer (DOM); unit-tested in node. Hand-over with undo: the request leaves the
// monitor only after a grace period, so "Undo" simply never sends it. A server-side revert was
// the other choice and the worse one: a handed-over order never goes back to placed (the board
// and the shopper's receipt rely on that), and its change is already in the outbox for central.
// If the page closes within the grace period, the pending hand-overs are sent at once.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../../shared/http';
import type { StaffOrder } from '../../shared/types';
import { handOverUrl } from '../api';
import { useOrdersStore } from './orders';

export const UNDO_MS = 10_000;

export interface PendingHandOver {
  id: string;
  number: number;
  /** Epoch ms when the request is sent. */
  due: number;
}

export type HandOverOutcome = { id: string; number: number } & ({ ok: true; order: StaffOrder } | { ok: false; error: unknown });

export const useHandOversStore = defineStore('monitor-handovers', () => {
  const pending = ref<PendingHandOver[]>([]);
  /** The last finished hand-over (for the board's toast); null until one finishes. */
  const lastOutcome = ref<HandOverOutcome | null>(null);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const isPending = (id: string): boolean => pending.value.some((p) => p.id === id);

  function schedule(order: Pick<StaffOrder, 'id' | 'number'>, now = Date.now()): void {
    if (isPending(order.id)) return;
    pending.value = [...pending.value, { id: order.id, number: order.number, due: now + UNDO_MS }];
    timers.set(
      order.id,
      setTimeout(() => void commit(order.id), UNDO_MS),
    );
  }

  function take(id: string): PendingHandOver | undefined {
    clearTimeout(timers.get(id));
    timers.delete(id);
    const entry = pending.value.find((p) => p.id === id);
    pending.value = pending.value.filter((p) => p.id !== id);
    return entry;
  }

  /** Staff changed their mind: nothing was sent, nothing happens. */
  function undo(id: string): boolean {
    return take(id) !== undefined;
  }

  async function commit(id: string): Promise<void> {
    const entry = take(id);
    if (!entry) return;
    try {
      const order = await useOrdersStore().handOver(id);
      lastOutcome.value = { id, number: entry.number, ok: true, order };
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) await useOrdersStore().refresh(id).catch(() => undefined);
      lastOutcome.value = { id, number: entry.number, ok: false, error };
    }
  }

  /** The page is going away: send what is pending now, with requests that outlive the page. */
  function flush(): void {
    for (const entry of pending.value) {
      clearTimeout(timers.get(entry.id));
      void fetch(handOverUrl(entry.id), {
        method: 'POST',
        keepalive: true,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }).catch(() => undefined);
    }
    timers.clear();
    pending.value = [];
  }

  function reset(): void {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    pending.value = [];
    lastOutcome.value = null;
  }

  return { pending, lastOutcome, isPending, schedule, undo, commit, flush, reset };
});
