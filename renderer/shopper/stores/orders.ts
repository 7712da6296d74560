// Runs in: renderer (DOM). The shopper's orders and the checkout attempt in progress.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError } from '../../shared/http';
import { randomUuid, testPaymentToken } from '../../shared/ids';
import type { Order, PaymentMethod } from '../../shared/types';
import { shopperApi } from '../api';
import { buildCheckoutRequest, type CheckoutAttempt, type CheckoutForm } from '../checkout';
import { readStored, writeStored } from '../../shared/storage';
import { useCartStore } from './cart';

const ATTEMPT_KEY = 'omnistation.checkoutAttempt';

function loadAttempt(): CheckoutAttempt | null {
  const raw = readStored(ATTEMPT_KEY, 'session');
  if (raw === null) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<CheckoutAttempt>;
    if (typeof parsed.orderId === 'string' && typeof parsed.token === 'string') {
      return { orderId: parsed.orderId, token: parsed.token };
    }
  } catch {
    // ignore a damaged entry
  }
  return null;
}

function newestFirst(a: Order, b: Order): number {
  return b.createdAt.localeCompare(a.createdAt) || b.number - a.number;
}

export const useOrdersStore = defineStore('orders', () => {
  const byId = ref<Record<string, Order>>({});
  const loaded = ref(false);
  /** Survives a reload of the checkout page (sessionStorage), so a retry reuses the id. */
  const attempt = ref<CheckoutAttempt | null>(loadAttempt());
  const placing = ref(false);

  const list = computed(() => Object.values(byId.value).sort(newestFirst));

  function remember(order: Order): Order {
    byId.value = { ...byId.value, [order.id]: order };
    return order;
  }

  /** The id and token of this checkout attempt, created once. */
  function currentAttempt(): CheckoutAttempt {
    if (attempt.value === null) {
      attempt.value = { orderId: randomUuid(), token: testPaymentToken() };
      writeStored(ATTEMPT_KEY, JSON.stringify(attempt.value), 'session');
    }
    return attempt.value;
  }

  function endAttempt(): void {
    attempt.value = null;
    writeStored(ATTEMPT_KEY, null, 'session');
  }

  /**
   * Places the order. A retry (double tap, network error, reload) sends the same order id, so
   * the server answers with the order it already has instead of making a second one.
   */
  let inflight: Promise<Order> | null = null;

  function placeOrder(form: CheckoutForm): Promise<Order> {
    // A second tap while the first is on its way waits for the same answer.
    inflight ??= send(form).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function send(form: CheckoutForm): Promise<Order> {
    placing.value = true;
    const current = currentAttempt();
    try {
      let order: Order;
      try {
        order = await shopperApi.placeOrder(buildCheckoutRequest(form, current));
      } catch (error) {
        // The id was used: an earlier try of this attempt did get through (its answer was
        // lost), then the form was changed. That order stands; show it.
        if (!(error instanceof ApiError) || error.code !== 'order_id_conflict') throw error;
        const existing = await shopperApi.order(current.orderId).catch(() => null);
        if (existing === null) {
          endAttempt(); // the id is spoiled without an order to show: the next try gets a new one
          throw error;
        }
        order = existing;
      }
      endAttempt();
      remember(order);
      // The server empties the cart with the order; show that.
      await useCartStore().load().catch(() => undefined);
      return order;
    } finally {
      placing.value = false;
    }
  }

  /** Order ids with a second payment on its way. */
  const paying = ref<Record<string, true>>({});
  const payments = new Map<string, Promise<Order>>();

  /**
   * Pays an own order again with a fresh token (after a decline or a failure). A second tap
   * while one is on its way waits for the same answer. If the answer is lost, the next try is
   * safe: the station settles the attempt in flight before it starts another, and refuses with
   * payment_done once the order is paid.
   */
  function payAgain(orderId: string, method: PaymentMethod): Promise<Order> {
    let inflight = payments.get(orderId);
    if (inflight === undefined) {
      paying.value = { ...paying.value, [orderId]: true };
      inflight = shopperApi
        .pay(orderId, { payment: { method, token: testPaymentToken() } })
        .then(remember)
        .catch(async (error: unknown) => {
          // Paid by an earlier try whose answer was lost, or the order moved on: show it as it is.
          if (error instanceof ApiError && (error.code === 'payment_done' || error.code === 'order_state' || error.outcomeUnknown)) {
            await loadOrder(orderId).catch(() => undefined);
          }
          throw error;
        })
        .finally(() => {
          payments.delete(orderId);
          const { [orderId]: _done, ...rest } = paying.value;
          paying.value = rest;
        });
      payments.set(orderId, inflight);
    }
    return inflight;
  }

  async function loadOrders(): Promise<void> {
    const { orders } = await shopperApi.orders();
    const next: Record<string, Order> = {};
    for (const order of orders) next[order.id] = order;
    byId.value = next;
    loaded.value = true;
  }

  /** An order as the live feed delivered it; an older copy never replaces a newer one. */
  function receive(order: Order): boolean {
    const current = byId.value[order.id];
    if (current !== undefined && Date.parse(current.updatedAt) > Date.parse(order.updatedAt)) return false;
    remember(order);
    return true;
  }

  async function loadOrder(id: string): Promise<Order> {
    return remember(await shopperApi.order(id));
  }

  return {
    byId,
    list,
    loaded,
    attempt,
    placing,
    paying,
    currentAttempt,
    endAttempt,
    placeOrder,
    payAgain,
    loadOrders,
    loadOrder,
    receive,
  };
});
