// Runs in: node (vitest). The monitor's stored event log keeps no orderer data (issue 8, item 5):
// the name, contact and address live in the order row only, and a monitor resuming from the
// log gets the very events it would have seen live.
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutBody, createTestStation, startShopper, type TestStation } from '../../helpers/station.js';
import type { StationEvent } from '../../../server/store/events.js';

let t: TestStation | undefined;
afterEach(async () => {
  await t?.close();
});

describe('stored monitor events', () => {
  it('leave the orderer out of the events table and put it back on resume', async () => {
    t = await createTestStation();
    const live: StationEvent[] = [];
    t.app.station.hub.subscribe((event) => live.push(event));
    const orderer = { name: 'Ha Eunbyeol', contact: '010-5555-0199' };
    const address = '대구 중구 동성로 12, 301호';
    for (const fulfilment of [{ type: 'delivery', address }, { type: 'pickup' }]) {
      const shopper = await startShopper(t.app);
      await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
      const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: checkoutBody({ orderer, fulfilment }) });
      expect(placed.statusCode).toBe(201);
    }

    const raw = t.station.db.prepare('SELECT payload FROM events').all() as { payload: string }[];
    expect(raw.length).toBeGreaterThanOrEqual(2);
    for (const { payload } of raw) {
      for (const secret of [orderer.name, orderer.contact, address]) expect(payload).not.toContain(secret);
    }
    const stored = live.filter((e) => 'id' in e);
    expect(stored.length).toBe(raw.length);
    expect(t.app.station.hub.after(0)).toEqual(stored);
    expect(stored.some((e) => JSON.stringify(e.data).includes(address))).toBe(true);
  });
});
