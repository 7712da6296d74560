import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labelPath } from '../../../../server/protocol/label.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, TEST_STORE_ID, type TestStation } from '../../../helpers/station.js';
import { SseReader } from '../../../helpers/sse.js';

let t: TestStation;
let base: string;
const readers: SseReader[] = [];

beforeEach(async () => {
  t = await createTestStation();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterEach(async () => {
  for (const reader of readers.splice(0)) reader.close();
  await t.close();
});

async function placeOrder() {
  const shopper = await startShopper(t.app);
  await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'SNK-2' } });
  const body = checkoutBody();
  await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
  return body.orderId;
}

async function open(path: string, headers: Record<string, string>) {
  const reader = await SseReader.open(`${base}${path}`, headers);
  readers.push(reader);
  return reader;
}

describe('monitor event stream', () => {
  it('refuses anyone but staff', async () => {
    const reader = await open('/api/staff/events', {});
    expect(reader.status).toBe(401);
  });

  it('delivers new orders live, and scans as cart activity', async () => {
    const cookie = await staffCookie(t.app);
    const reader = await open('/api/staff/events', { cookie });
    expect(reader.status).toBe(200);
    const shopper = await startShopper(t.app);
    await t.app.inject({ method: 'POST', url: '/api/cart/scan', headers: shopper.headers, payload: { code: labelPath(t.station.labelKey, TEST_STORE_ID, 'MILK-1') } });
    await reader.waitFor((m) => m.some((e) => e.event === 'cart.activity'));
    const orderId = await placeOrder();
    await reader.waitFor((m) => m.some((e) => e.event === 'order.placed'));
    const placed = reader.messages.find((e) => e.event === 'order.placed')!;
    expect(JSON.parse(placed.data)).toMatchObject({ id: orderId, state: 'placed', number: 1 });
    expect(placed.id).toBe('1');
    const activity = reader.messages.find((e) => e.event === 'cart.activity')!;
    expect(activity.id).toBeUndefined();
    expect(JSON.parse(activity.data)).toMatchObject({ sku: 'MILK-1', quantity: 1 });
  });

  it('resumes after Last-Event-ID with every missed event exactly once', async () => {
    const cookie = await staffCookie(t.app);
    const first = await placeOrder();
    const second = await placeOrder();
    await t.app.inject({ method: 'POST', url: `/api/staff/orders/${first}/cancel`, headers: { cookie }, payload: {} });
    // The monitor saw event 1 and lost its connection; events 2 and 3 happened meanwhile.
    const reader = await open('/api/staff/events', { cookie, 'last-event-id': '1' });
    const third = await placeOrder();
    await reader.waitFor((m) => m.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const seen = reader.messages.filter((m) => m.id !== undefined);
    expect(reader.messages[0]!.event).toBe('stream.ready');
    expect(seen.map((m) => m.id)).toEqual(['2', '3', '4']);
    expect(seen.map((m) => [m.event, JSON.parse(m.data).id])).toEqual([
      ['order.placed', second],
      ['order.updated', first],
      ['order.placed', third],
    ]);
  });

  it('starts after ?after= when no Last-Event-ID is sent, and prefers the header', async () => {
    const cookie = await staffCookie(t.app);
    await placeOrder();
    await placeOrder();
    const byQuery = await open('/api/staff/events?after=1', { cookie });
    await byQuery.waitFor((m) => m.length >= 2);
    expect(byQuery.messages.map((m) => m.id)).toEqual([undefined, '2']);
    const byHeader = await open('/api/staff/events?after=0', { cookie, 'last-event-id': '2' });
    await placeOrder();
    await byHeader.waitFor((m) => m.length >= 2);
    expect(byHeader.messages.map((m) => m.id)).toEqual([undefined, '3']);
  });
});

describe('monitor event stream under load', () => {
  it('sends the events of one loop turn in one socket write, in order', async () => {
    const cookie = await staffCookie(t.app);
    const serverSockets: Socket[] = [];
    t.app.server.on('connection', (socket: Socket) => serverSockets.push(socket));
    const reader = await open('/api/staff/events', { cookie });
    await reader.waitFor((m) => m.length >= 1);
    expect(serverSockets).toHaveLength(1);
    const socket = serverSockets[0]! as Socket & { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method].bind(socket);
      socket[method] = (...args: unknown[]) => {
        writes++;
        original(...args);
      };
    }
    // Twenty scans handled by twenty callbacks of the same loop turn, as requests read together are.
    const skus = Array.from({ length: 20 }, (_, i) => `SKU-${i + 1}`);
    for (const sku of skus) setImmediate(() => t.app.station.hub.publish({ type: 'cart.activity', data: { sku, quantity: 1 } }));
    await reader.waitFor((m) => m.length >= 1 + skus.length);
    expect(reader.messages.slice(1).map((m) => JSON.parse(m.data).sku)).toEqual(skus);
    expect(writes).toBe(1);
  });
});

describe('shutdown', () => {
  it('ends open event streams so a connected monitor cannot hold the server open', async () => {
    const cookie = await staffCookie(t.app);
    const reader = await open('/api/staff/events', { cookie });
    await reader.waitFor((m) => m.length >= 1);
    const started = Date.now();
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
