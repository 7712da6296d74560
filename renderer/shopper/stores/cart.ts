// Runs in: renderer (DOM). The shopper's cart as the server last reported it.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Cart, CartLine } from '../../shared/types';
import { shopperApi } from '../api';
import { patchCart } from '../cart-patch';

export const MAX_QUANTITY = 99;

export const useCartStore = defineStore('cart', () => {
  const cart = ref<Cart | null>(null);
  const loading = ref(false);
  /** SKUs with a change in flight, so a double tap does not send two changes at once. */
  const busy = ref<Record<string, boolean>>({});
  /** Changes this page has on their way; the live feed echoes them and they are not "news". */
  let ownChanges = 0;

  async function own<T>(work: () => Promise<T>): Promise<T> {
    ownChanges += 1;
    try {
      return await work();
    } finally {
      ownChanges -= 1;
    }
  }

  const items = computed<CartLine[]>(() => cart.value?.items ?? []);
  const count = computed(() => cart.value?.count ?? 0);
  const total = computed(() => cart.value?.total ?? 0);
  const currency = computed(() => cart.value?.currency ?? null);
  const isEmpty = computed(() => items.value.length === 0);
  const loaded = computed(() => cart.value !== null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      cart.value = await shopperApi.cart();
    } finally {
      loading.value = false;
    }
  }

  async function withBusy<T>(sku: string, work: () => Promise<T>): Promise<T | undefined> {
    if (busy.value[sku]) return undefined;
    busy.value = { ...busy.value, [sku]: true };
    try {
      return await work();
    } finally {
      const { [sku]: _done, ...rest } = busy.value;
      busy.value = rest;
    }
  }

  /** Adds one of the product a label names; returns the line that was added to. */
  async function scan(code: string): Promise<CartLine | undefined> {
    const answer = await own(() => shopperApi.scan(code));
    cart.value = patchCart(cart.value, answer) ?? (await own(() => shopperApi.cart()));
    return cart.value.items.find((line) => line.sku === answer.added.sku);
  }

  /** Manual code entry: adds `quantity` of a SKU; returns its line. */
  async function add(sku: string, quantity = 1): Promise<CartLine | undefined> {
    cart.value = await own(() => shopperApi.addItem(sku, quantity));
    return cart.value.items.find((line) => line.sku === sku);
  }

  /**
   * A cart the live feed delivered (a tap at a kiosk, or this phone's own change echoed back).
   * Answers the line that grew, so the app can say what a kiosk tap added; null otherwise.
   */
  function receive(next: Cart): CartLine | null {
    // This page's own change echoed back (it may arrive before the answer to the request).
    if (ownChanges > 0) {
      cart.value = next;
      return null;
    }
    const before = new Map((cart.value?.items ?? []).map((line) => [line.sku, line.quantity]));
    const known = cart.value !== null;
    cart.value = next;
    if (!known) return null;
    return next.items.find((line) => line.quantity > (before.get(line.sku) ?? 0)) ?? null;
  }

  async function setQuantity(sku: string, quantity: number): Promise<void> {
    const clamped = Math.max(0, Math.min(MAX_QUANTITY, Math.trunc(quantity)));
    await withBusy(sku, async () => {
      cart.value = await own(() => shopperApi.setQuantity(sku, clamped));
    });
  }

  async function remove(sku: string): Promise<void> {
    await withBusy(sku, async () => {
      cart.value = await own(() => shopperApi.removeItem(sku));
    });
  }

  return { cart, loading, busy, items, count, total, currency, isEmpty, loaded, load, receive, scan, add, setQuantity, remove };
});
