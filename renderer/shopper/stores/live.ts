// Runs in: renderer (DOM); unit-tested in node. What the shopper's live feed
// (GET /api/shopper/events, connected by live-feed.ts) changes: a product tapped at a kiosk
// lands in the cart, a held order turns paid (presence proven, questions answered, staff
// override) or changes hold, presence proofs arrive.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { holdOf, isHeld, isPaid } from '../../shared/payment';
import type { SseMessage } from '../../shared/sse';
import type { Cart, CartLine, Order, OrderHold, PresenceStatus } from '../../shared/types';
import { useCartStore } from './cart';
import { useOrdersStore } from './orders';
import { usePresenceStore } from './presence';

export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

function parse(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isCart = (value: unknown): value is Cart =>
  typeof value === 'object' && value !== null && Array.isArray((value as Cart).items);
const isOrder = (value: unknown): value is Order =>
  typeof value === 'object' && value !== null && typeof (value as Order).id === 'string' && typeof (value as Order).updatedAt === 'string';

export const useLiveStore = defineStore('shopper-live', () => {
  const status = ref<LiveStatus>('idle');
  /** A product that arrived from outside this page (a kiosk tap), for a toast. */
  const lastAdded = shallowRef<{ line: CartLine; seq: number } | null>(null);
  /** An order that was held (presence, identity questions, staff) and is paid now, for a toast. */
  const lastReleased = shallowRef<Order | null>(null);
  /** What held `lastReleased` before it was paid. */
  const releasedFrom = shallowRef<OrderHold | null>(null);

  let seq = 0;
  let readyCount = 0;

  /** One event of the feed. Answers false for events this app does not know or cannot read. */
  function apply(message: SseMessage): boolean {
    const data = parse(message.data);
    if (data === null) return false;
    const cart = useCartStore();
    switch (message.event) {
      case 'stream.ready': {
        status.value = 'live';
        readyCount += 1;
        if (isCart(data.cart)) cart.receive(data.cart);
        // Back after a gap: held orders may have been released meanwhile.
        if (readyCount > 1) void refreshHeld();
        return true;
      }
      case 'cart': {
        if (!isCart(data.cart)) return false;
        const grown = cart.receive(data.cart);
        if (grown !== null) lastAdded.value = { line: grown, seq: ++seq };
        return true;
      }
      case 'order': {
        if (!isOrder(data.order)) return false;
        const orders = useOrdersStore();
        const before = orders.byId[data.order.id];
        if (!orders.receive(data.order)) return true;
        if (before !== undefined && isHeld(before) && isPaid(data.order.paymentState)) {
          releasedFrom.value = holdOf(before);
          lastReleased.value = data.order;
        }
        return true;
      }
      case 'kiosk': {
        // Only the end of a pairing matters here: the phone shows its own pairing already.
        if (data.kiosk === null) usePresenceStore().unpaired();
        return true;
      }
      case 'presence': {
        if (typeof data.proven !== 'boolean') return false;
        usePresenceStore().apply(data as Pick<PresenceStatus, 'proven' | 'lastProof'>);
        return true;
      }
      default:
        return false;
    }
  }

  async function refreshHeld(): Promise<void> {
    const orders = useOrdersStore();
    for (const order of Object.values(orders.byId)) {
      if (isHeld(order)) await orders.loadOrder(order.id).catch(() => undefined);
    }
  }

  /** The connection loop (live-feed.ts) reports its state here. */
  function setStatus(next: LiveStatus): void {
    status.value = next;
  }

  return { status, lastAdded, lastReleased, releasedFrom, apply, setStatus };
});
