// Runs in: node (tests). The shopper's own live feed and the kiosk's: a tap at the kiosk reaches
// the paired phone's cart, a released hold reaches its receipt, and nothing of another shopper
// passes. The device panel reports readers and the last tap.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStation, startShopper, staffCookie, type TestStation } from '../../../../helpers/station.js';
import { SseReader } from '../../../../helpers/sse.js';
import type { HidReaderHub, HidReaderInfo, HidTap } from '../../../../../server/store/devices/hid/types.js';

/** The smallest reader hub: what a test plugs in and taps is what the station sees. */
class ScriptedReaders implements HidReaderHub {
  private infos: HidReaderInfo[] = [];
  private readonly taps = new Set<(tap: HidTap) => void>();
  private readonly plugs = new Set<(readers: HidReaderInfo[]) => void>();
  async start() {}
  async stop() {}
  readers() {
    return this.infos;
  }
  onTap(listener: (tap: HidTap) => void) {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }
  onReaders(listener: (readers: HidReaderInfo[]) => void) {
    this.plugs.add(listener);
    return () => this.plugs.delete(listener);
  }
  plug(info: HidReaderInfo) {
    this.infos = [...this.infos, info];
    for (const listener of this.plugs) listener(this.infos);
  }
  tap(readerId: string, tag: string) {
    for (const listener of this.taps) listener({ readerId, text: tag, tag, at: Date.now() });
  }
}

let t: TestStation;
let readers: ScriptedReaders;
let base: string;
const streams: SseReader[] = [];

beforeEach(async () => {
  readers = new ScriptedReaders();
  t = await createTestStation({ presence: { gate: true }, devices: { readers } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await t.close();
});

async function open(path: string, headers: Record<string, string>) {
  const reader = await SseReader.open(`${base}${path}`, headers);
  streams.push(reader);
  return reader;
}

describe('live feeds', () => {
  it('brings a kiosk tap to the paired phone and the kiosk, and nothing to another phone', async () => {
    const cookie = await staffCookie(t.app);
    readers.plug({ id: 'reader-1', vendorId: 0x08ff, productId: 0x0009, mode: 'keyboard-wedge' });
    const enrol = await t.app.inject({ method: 'POST', url: '/api/staff/kiosks', headers: { cookie }, payload: { id: 'K1', name: 'Door', readerIds: ['reader-1'] } });
    const token = (enrol.json().link as string).split('#token=')[1]!;
    const kioskCookie = (await t.app.inject({ method: 'POST', url: '/api/kiosk/session', payload: { token } })).cookies[0]!;
    const kiosk = await open('/api/kiosk/events', { cookie: `omni_kiosk=${kioskCookie.value}` });
    await kiosk.waitFor((m) => m.some((e) => e.event === 'pairing'));
    const url = JSON.parse(kiosk.messages.find((e) => e.event === 'pairing')!.data).url as string;

    const phone = await startShopper(t.app);
    const stranger = await startShopper(t.app);
    const phoneFeed = await open('/api/shopper/events', phone.headers);
    const strangerFeed = await open('/api/shopper/events', stranger.headers);
    await phoneFeed.waitFor((m) => m.some((e) => e.event === 'stream.ready'));
    await strangerFeed.waitFor((m) => m.some((e) => e.event === 'stream.ready'));

    const pair = await t.app.inject({ method: 'POST', url: '/api/presence/pair', headers: phone.headers, payload: { kioskId: 'K1', nonce: url.split('/').pop() } });
    expect(pair.statusCode).toBe(200);
    await phoneFeed.waitFor((m) => m.some((e) => e.event === 'presence'));
    readers.tap('reader-1', 'E2801160600002040000A1B2');
    await phoneFeed.waitFor((m) => m.some((e) => e.event === 'cart'));
    expect(JSON.parse(phoneFeed.messages.find((e) => e.event === 'cart')!.data).cart.items).toMatchObject([{ sku: 'RAMEN-3', quantity: 1 }]);
    await kiosk.waitFor((m) => m.some((e) => e.event === 'tap'));
    expect(kiosk.messages.map((e) => e.event)).toEqual(['stream.ready', 'pairing', 'pairing', 'paired', 'cart', 'tap']);
    // The phone's own change is in its answer: the feed does not send the cart again, the kiosk
    // (which did not make it) still shows it, and the next kiosk tap is news again.
    const own = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: phone.headers, payload: { sku: 'MILK-1' } });
    expect(own.statusCode).toBe(200);
    await kiosk.waitFor((m) => m.filter((e) => e.event === 'cart').length === 2);
    readers.tap('reader-1', 'E2801160600002040000A1B2');
    await phoneFeed.waitFor((m) => m.filter((e) => e.event === 'cart').length === 2);
    const phoneCarts = phoneFeed.messages.filter((e) => e.event === 'cart').map((e) => JSON.parse(e.data).cart.count);
    expect(phoneCarts).toEqual([1, 3]);

    const panel = (await t.app.inject({ url: '/api/staff/devices', headers: { cookie } })).json();
    expect(panel).toMatchObject({
      radio: null,
      readers: [{ id: 'reader-1', vendorId: 0x08ff, mode: 'keyboard-wedge' }],
      lastTap: { readerId: 'reader-1', kioskId: 'K1', result: 'added' },
      kiosks: [{ id: 'K1', paired: true }],
    });
    // Done on the kiosk: the screen and the phone both learn that the pairing ended.
    const done = await t.app.inject({ method: 'POST', url: '/api/kiosk/unpair', headers: { cookie: `omni_kiosk=${kioskCookie.value}` }, payload: { reason: 'done' } });
    expect(done.statusCode).toBe(204);
    await kiosk.waitFor((m) => m.some((e) => e.event === 'unpaired'));
    expect(JSON.parse(kiosk.messages.find((e) => e.event === 'unpaired')!.data)).toEqual({ reason: 'done' });
    await phoneFeed.waitFor((m) => m.some((e) => e.event === 'kiosk' && JSON.parse(e.data).kiosk === null));
    expect(phoneFeed.messages.filter((e) => e.event === 'kiosk').map((e) => JSON.parse(e.data))).toEqual([{ kiosk: { id: 'K1', name: 'Door' } }, { kiosk: null }]);
    expect(strangerFeed.messages.map((e) => e.event)).toEqual(['stream.ready']);
    // No body at all means {}: unpairing a kiosk nobody is paired at is no error.
    const bare = await t.app.inject({ method: 'POST', url: '/api/kiosk/unpair', headers: { cookie: `omni_kiosk=${kioskCookie.value}` } });
    expect(bare.statusCode).toBe(204);
    expect((await SseReader.open(`${base}/api/shopper/events`, {})).status).toBe(401);
  });
});
