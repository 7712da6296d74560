// Runs in: node (tests). The shopper's live feed carries its own orders as they are placed and
// paid — the shopper's view, exactly what GET /api/orders/:id answers — and nothing of an order
// placed by another session of the same phone or by another phone.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startLiveCentral, type LiveCentral } from '../../../../helpers/central.js';
import { checkoutBody, createTestStation, startShopper, TEST_STORE_ID, type TestStation } from '../../../../helpers/station.js';
import { SseReader } from '../../../../helpers/sse.js';

let central: LiveCentral;
let t: TestStation;
let base: string;
const streams: SseReader[] = [];

beforeEach(async () => {
  central = await startLiveCentral();
  t = await createTestStation({ central: await central.registerStore(TEST_STORE_ID), payments: { settings: { timeoutMs: 5_000 } } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await t.close();
  await central.close();
});

async function feedOf(headers: Record<string, string>) {
  const reader = await SseReader.open(`${base}/api/shopper/events`, headers);
  streams.push(reader);
  await reader.waitFor((m) => m.some((e) => e.event === 'stream.ready'));
  return reader;
}

it('sends the shopper its own order as placed and as paid, and no one else’s', async () => {
  const phone = await startShopper(t.app);
  const samePhoneOtherSession = await startShopper(t.app, phone.deviceId);
  const stranger = await startShopper(t.app);
  const [feed, otherSessionFeed, strangerFeed] = await Promise.all([feedOf(phone.headers), feedOf(samePhoneOtherSession.headers), feedOf(stranger.headers)]);

  expect((await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: phone.headers, payload: { sku: 'MILK-1', quantity: 2 } })).statusCode).toBe(200);
  const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: phone.headers, payload: checkoutBody({ payment: { method: 'card', token: 'tok_visa' } }) });
  expect(placed.statusCode, placed.body).toBe(201);
  const orderId = placed.json<{ id: string }>().id;
  await feed.waitFor((m) => m.some((e) => e.event === 'order' && JSON.parse(e.data).order.paymentState === 'paid'));

  const frames = feed.messages.filter((e) => e.event === 'order').map((e) => JSON.parse(e.data).order as Record<string, unknown>);
  expect(frames.map((o) => [o.id, o.paymentState])).toEqual([
    [orderId, 'pending'],
    [orderId, 'paid'],
  ]);
  for (const order of frames) {
    expect(order).not.toHaveProperty('deviceId');
    expect(order).not.toHaveProperty('overrides');
    expect(order).not.toHaveProperty('holdCause');
  }
  // The last frame is the order as the shopper's own request answers it, to the field.
  const answered = await t.app.inject({ url: `/api/orders/${orderId}`, headers: phone.headers });
  expect(frames.at(-1)).toEqual(answered.json());
  expect(frames.at(-1)).toMatchObject({ total: 3_000, orderer: { contact: '010-1234-5678' }, items: [{ sku: 'MILK-1', quantity: 2 }] });

  // A second order from the other session of the same phone reaches only that session.
  expect((await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: samePhoneOtherSession.headers, payload: { sku: 'SNK-2' } })).statusCode).toBe(200);
  const other = await t.app.inject({ method: 'POST', url: '/api/orders', headers: samePhoneOtherSession.headers, payload: checkoutBody({ payment: { method: 'card', token: 'tok_visa' } }) });
  expect(other.statusCode, other.body).toBe(201);
  await otherSessionFeed.waitFor((m) => m.some((e) => e.event === 'order' && JSON.parse(e.data).order.paymentState === 'paid'));
  expect(otherSessionFeed.messages.filter((e) => e.event === 'order').every((e) => JSON.parse(e.data).order.id === other.json<{ id: string }>().id)).toBe(true);
  expect(feed.messages.filter((e) => e.event === 'order')).toHaveLength(2);
  expect(strangerFeed.messages.map((e) => e.event)).toEqual(['stream.ready']);
});
