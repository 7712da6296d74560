// Runs in: node (tests). The radio as a presence proof: a phone advertising its rolling code near
// the station proves presence and releases its held order; a weak signal, a replayed code or
// another store's UUID proves nothing; the device panel and the order evidence show the radio.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveCentral, type LiveCentral } from '../../../../helpers/central.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, TEST_STORE_ID, type Shopper, type TestStation } from '../../../../helpers/station.js';
import { VirtualRadio } from '../../../../../server/store/devices/radio/virtual-radio.js';
import { encodeIBeacon } from '../../../../../server/protocol/ble/index.js';
import { presenceCode, presenceWindow } from '../../../../../server/protocol/presence-token.js';

let central: LiveCentral;
let t: TestStation;
let radio: VirtualRadio;
let cookie: string;

beforeEach(async () => {
  central = await startLiveCentral();
  const clock = { now: () => t.clock.now() };
  radio = new VirtualRadio({ clock });
  t = await createTestStation({
    central: await central.registerStore(TEST_STORE_ID),
    payments: { settings: { timeoutMs: 1_000 } },
    presence: { gate: true },
    devices: { radio },
  });
  await radio.start();
  cookie = await staffCookie(t.app);
});
afterEach(async () => {
  await radio.stop();
  await t.close();
  await central.close();
});

/** What the phone learns from GET /api/presence, and adverts of its code as the radio hears them. */
async function advertiser(shopper: Shopper) {
  const status = (await t.app.inject({ url: '/api/presence', headers: shopper.headers })).json();
  const secret = Buffer.from(status.secret, 'base64url');
  return {
    status,
    advertise(rssi: number, times = 8, options: { window?: number; uuid?: string } = {}) {
      for (let i = 0; i < times; i++) {
        const { major, minor } = presenceCode(secret, options.window ?? presenceWindow(t.clock.now()));
        radio.inject({ address: 'aa:bb:cc:dd:ee:01', rssi, manufacturerData: encodeIBeacon({ uuid: options.uuid ?? status.proximityUuid, major, minor }) });
        t.clock.advance(200);
      }
    },
  };
}

async function checkout(shopper: Shopper) {
  await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
  const body = checkoutBody({ payment: { method: 'card', token: 'tok_visa' } });
  const response = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
  return { orderId: body.orderId, order: response.json() };
}

async function paymentState(orderId: string) {
  for (let i = 0; i < 100; i++) {
    const order = (await t.app.inject({ url: `/api/staff/orders/${orderId}`, headers: { cookie } })).json();
    if (order.paymentState !== 'pending') return order.paymentState as string;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return 'pending';
}

describe('BLE presence', () => {
  it('gives the phone its secret and the store UUID, and proves presence from a strong signal', async () => {
    const shopper = await startShopper(t.app);
    const phone = await advertiser(shopper);
    expect(phone.status).toMatchObject({ windowSeconds: 30, proven: false });
    expect(phone.status.proximityUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Buffer.from(phone.status.secret, 'base64url')).toHaveLength(32);

    const { orderId, order } = await checkout(shopper);
    expect(order.hold).toBe('presence_mismatch');
    phone.advertise(-60);
    expect(await paymentState(orderId)).toBe('paid');
    const evidence = (await t.app.inject({ url: `/api/staff/orders/${orderId}/presence`, headers: { cookie } })).json();
    expect(evidence.proofs).toMatchObject([{ kind: 'ble', source: TEST_STORE_ID }]);
    expect(evidence.proofs[0].rssi).toBeGreaterThan(-75);
    expect(evidence.rssiTrend.length).toBeGreaterThan(0);

    const panel = (await t.app.inject({ url: '/api/staff/devices', headers: { cookie } })).json();
    expect(panel.radio).toMatchObject({ state: 'scanning', resolved: 8, present: 1, replays: 0, clones: 0 });
  });

  it('does not take a weak signal, a replayed window or another store’s UUID as proof', async () => {
    const shopper = await startShopper(t.app);
    const phone = await advertiser(shopper);
    const { orderId } = await checkout(shopper);
    phone.advertise(-95);
    // A code recorded now and played back 90 s later is outside w-1..w+1.
    const recorded = presenceWindow(t.clock.now());
    t.clock.advance(90_000);
    phone.advertise(-60, 8, { window: recorded });
    phone.advertise(-60, 8, { uuid: '11111111-2222-3333-4444-555555555555' });
    expect(await paymentState(orderId)).toBe('pending');
    expect(t.station.db.prepare('SELECT count(*) AS n FROM presence_proofs').get()).toEqual({ n: 0 });
    const panel = (await t.app.inject({ url: '/api/staff/devices', headers: { cookie } })).json();
    expect(panel.radio.replays).toBe(8);
  });

  it('records one proof a minute while the phone stays, not one per advert', async () => {
    const shopper = await startShopper(t.app);
    const phone = await advertiser(shopper);
    phone.advertise(-60, 100); // 20 s of adverts
    expect(t.station.db.prepare('SELECT count(*) AS n FROM presence_proofs').get()).toEqual({ n: 1 });
    phone.advertise(-60, 250); // 50 s more
    expect(t.station.db.prepare('SELECT count(*) AS n FROM presence_proofs').get()).toEqual({ n: 2 });
  });
});
