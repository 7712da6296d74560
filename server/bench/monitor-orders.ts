// Runs in: node (bench process and browser tests). Fills a store server with open orders the way
// shoppers place them (session, cart, checkout through the real routes, in process), so the
// monitor's board can be measured and driven with hundreds of realistic cards.
import { randomUUID } from 'node:crypto';
import type { StoreApp } from '../store/app.js';

const FAMILY = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임'];
const GIVEN = ['민지', '서준', '하은', '도윤', '지우', '예준', '수아', '시우', '지민', '하준', '유나', '건우'];

export interface SeedOptions {
  /** SKUs to put in carts (the store's catalogue). */
  skus: readonly string[];
  /** How many shopper sessions share the orders (each places count / shoppers, one after another). */
  shoppers?: number;
  /** Every 4th order is a delivery with an address, the rest pick-up. */
  deliveries?: boolean;
}

async function call(app: StoreApp, method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: unknown): Promise<unknown> {
  const response = await app.inject({ method, url, headers, payload: payload as Record<string, unknown> | undefined });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.body === '' ? null : response.json();
}

/** Places `count` orders, oldest first; answers their ids in that order. */
export async function seedOrders(app: StoreApp, count: number, options: SeedOptions): Promise<string[]> {
  const shopperCount = Math.max(1, Math.min(options.shoppers ?? 20, count));
  const shoppers: Record<string, string>[] = [];
  for (let i = 0; i < shopperCount; i++) {
    const deviceId = `seed-${randomUUID()}`;
    const session = (await call(app, 'POST', '/api/sessions', {}, { deviceId })) as { token: string };
    shoppers.push({ authorization: `Bearer ${session.token}`, 'x-device-id': deviceId });
  }
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const headers = shoppers[n % shopperCount]!;
    const lines = 1 + (n % 4);
    for (let line = 0; line < lines; line++) {
      const sku = options.skus[(n * 7 + line) % options.skus.length]!;
      await call(app, 'POST', '/api/cart/items', headers, { sku });
    }
    const orderId = randomUUID();
    const name = `${FAMILY[n % FAMILY.length]}${GIVEN[Math.floor(n / FAMILY.length) % GIVEN.length]}`;
    const delivery = options.deliveries !== false && n % 4 === 3;
    await call(app, 'POST', '/api/orders', headers, {
      orderId,
      orderer: { name, contact: `010-${String(1000 + (n % 9000)).padStart(4, '0')}-${String(5678 + n).slice(-4)}` },
      fulfilment: delivery ? { type: 'delivery', address: `서울 강남구 테헤란로 ${n + 1}` } : { type: 'pickup' },
      payment: { method: 'card', token: 'tok_test_visa_4242' },
    });
    ids.push(orderId);
  }
  return ids;
}
