// Runs in: node (tests). Which sessions the radio resolves: memory follows the phones in the
// store, not every visit of the day. A phone is tracked while its feed is open, while the radio
// hears it, and for half a minute after it asked for its status; a returning phone is tracked again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStation, startShopper, staffCookie, checkoutBody, type Shopper, type TestStation } from '../../../../helpers/station.js';
import { SseReader } from '../../../../helpers/sse.js';
import { VirtualRadio } from '../../../../../server/store/devices/radio/virtual-radio.js';
import { encodeIBeacon } from '../../../../../server/protocol/ble/index.js';
import { presenceCode, presenceWindow } from '../../../../../server/protocol/presence-token.js';

let t: TestStation;
let radio: VirtualRadio;
let base: string;
const streams: SseReader[] = [];

beforeEach(async () => {
  radio = new VirtualRadio({ clock: { now: () => t.clock.now() } });
  t = await createTestStation({ presence: { gate: true }, devices: { radio } });
  await radio.start();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await radio.stop();
  await t.close();
});

const presence = () => t.app.station.presence;

async function askStatus(shopper: Shopper): Promise<Buffer> {
  const status = (await t.app.inject({ url: '/api/presence', headers: shopper.headers })).json();
  return Buffer.from(status.secret, 'base64url');
}

function advertise(secret: Buffer, rssi = -60, times = 8): void {
  const uuid = presence().storeUuid;
  for (let i = 0; i < times; i++) {
    const { major, minor } = presenceCode(secret, presenceWindow(t.clock.now()));
    radio.inject({ address: 'aa:bb:cc:dd:ee:02', rssi, manufacturerData: encodeIBeacon({ uuid, major, minor }) });
    t.clock.advance(200);
  }
}

async function proven(shopper: Shopper): Promise<boolean> {
  return (await t.app.inject({ url: '/api/presence', headers: shopper.headers })).json().proven as boolean;
}

describe('tracked sessions', () => {
  it('lets a phone go half a minute after its status call when nothing else holds it, and takes it back on the next', async () => {
    const shopper = await startShopper(t.app);
    const secret = await askStatus(shopper);
    expect(presence().trackedSessions).toBe(1);

    t.clock.advance(29_000);
    presence().syncTracked();
    expect(presence().trackedSessions).toBe(1);
    t.clock.advance(2_000);
    presence().syncTracked();
    expect(presence().trackedSessions).toBe(0);

    // Untracked, its adverts prove nothing...
    advertise(secret);
    expect(presence().trackedSessions).toBe(0);
    // ...until the phone asks again (the app does on opening and on reconnecting).
    expect(await proven(shopper)).toBe(false);
    advertise(secret);
    expect(await proven(shopper)).toBe(true);
  });

  it('keeps a phone the radio keeps hearing, and lets it go 30 s after the radio last heard it', async () => {
    const shopper = await startShopper(t.app);
    const secret = await askStatus(shopper);
    for (let i = 0; i < 5; i++) {
      t.clock.advance(20_000);
      advertise(secret);
      presence().syncTracked();
    }
    expect(presence().trackedSessions).toBe(1);
    t.clock.advance(29_000);
    presence().syncTracked();
    expect(presence().trackedSessions).toBe(1);
    t.clock.advance(2_000);
    presence().syncTracked();
    expect(presence().trackedSessions).toBe(0);
  });

  it('keeps a phone whose feed is open however long it is silent, and lets it go once the feed is closed', async () => {
    const shopper = await startShopper(t.app);
    const feed = await SseReader.open(`${base}/api/shopper/events`, shopper.headers);
    streams.push(feed);
    await feed.waitFor((messages) => messages.some((m) => m.event === 'stream.ready'));
    expect(presence().trackedSessions).toBe(1);
    t.clock.advance(30 * 60_000);
    presence().syncTracked();
    expect(presence().trackedSessions).toBe(1);

    feed.close();
    // The station learns of the close a moment later; the half minute runs from then.
    await expect
      .poll(() => {
        t.clock.advance(31_000);
        presence().syncTracked();
        return presence().trackedSessions;
      })
      .toBe(0);
  });

  it('still shows staff the RSSI trend of an order whose phone is no longer tracked', async () => {
    const cookie = await staffCookie(t.app);
    const shopper = await startShopper(t.app);
    const secret = await askStatus(shopper);
    advertise(secret, -58, 20);
    await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
    const body = checkoutBody({ payment: { method: 'card', token: 'tok_visa' } });
    expect((await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body })).statusCode).toBe(201);
    const trend = async () =>
      (await t.app.inject({ url: `/api/staff/orders/${body.orderId}/presence`, headers: { cookie } })).json().rssiTrend as unknown[];
    const before = await trend();
    expect(before.length).toBeGreaterThan(0);

    t.clock.advance(120_000);
    presence().syncTracked();
    expect(presence().trackedSessions).toBe(0);
    expect(await trend()).toEqual(before);
  });
});
