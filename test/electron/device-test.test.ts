// Runs in: node (vitest). The wizard's live test of a reader and of the radio before IT saves them,
// with the virtual HID hub (real report decoders) and a fake BLE scanner: a reader opened for the
// test alone or watched through the device bridge when the station has it open, what it decoded,
// a read that is no card id, a reader that is not plugged in, and the radio's adverts per second.
import { describe, expect, it } from 'vitest';
import { VirtualHidHub } from '../../server/store/devices/hid/virtual-reader.js';
import type { BleAdvert, BleScanner, RadioState } from '../../server/store/devices/radio/types.js';
import type { WizardDevicesInput } from '../../electron/shared/bridge-api.js';
import type { MainToUtility } from '../../electron/shared/utility-messages.js';
import { MainDeviceBridge, type DeviceFactories } from '../../electron/main/device-bridge.js';
import { DeviceLiveTest } from '../../electron/main/device-test.js';

class FakeRadio implements BleScanner {
  state: RadioState = 'stopped';
  starts = 0;
  stops = 0;
  private adverts = new Set<(a: BleAdvert) => void>();
  private states = new Set<(s: RadioState, d?: string) => void>();
  constructor(private readonly startsAs: RadioState = 'scanning') {}
  async start() {
    this.starts += 1;
    this.set(this.startsAs, this.startsAs === 'scanning' ? undefined : 'adapter is powered off');
  }
  async stop() {
    this.stops += 1;
    this.set('stopped');
  }
  onAdvert(l: (a: BleAdvert) => void) {
    this.adverts.add(l);
    return () => void this.adverts.delete(l);
  }
  onState(l: (s: RadioState, d?: string) => void) {
    this.states.add(l);
    return () => void this.states.delete(l);
  }
  advert(n: number) {
    for (let i = 0; i < n; i += 1) for (const l of this.adverts) l({ address: `aa:bb:cc:00:00:${i}`, rssi: -60, receivedAt: 1 });
  }
  set(state: RadioState, detail?: string) {
    this.state = state;
    for (const l of this.states) l(state, detail);
  }
}

const ACR = { vendorId: 0x072f, productId: 0x2200, mode: 'keyboard-wedge' as const, format: 'hex' as const };
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A bridge with no devices open, and a factory that hands out the test's own hub and radio. */
async function setup(options: { hub?: VirtualHidHub; radio?: FakeRadio; bridgeFactories?: DeviceFactories; readerTimeoutMs?: number; wait?: (ms: number) => Promise<void> } = {}) {
  const sent: MainToUtility[] = [];
  const bridge = new MainDeviceBridge({ factories: options.bridgeFactories ?? {}, send: (m) => sent.push(m) });
  await bridge.open();
  const asked: WizardDevicesInput[] = [];
  const test = new DeviceLiveTest({
    bridge,
    factories: (devices) => {
      asked.push(devices);
      return {
        ...(options.hub ? { readers: () => options.hub! } : {}),
        ...(options.radio ? { radio: () => options.radio! } : {}),
      };
    },
    ...(options.readerTimeoutMs === undefined ? {} : { readerTimeoutMs: options.readerTimeoutMs }),
    ...(options.wait ? { wait: options.wait } : {}),
  });
  return { bridge, test, asked, sent };
}

describe('live test of a reader before saving', () => {
  it('opens the chosen reader alone, answers with the id it decoded, and closes it again', async () => {
    const hub = new VirtualHidHub();
    hub.plug({ id: '/dev/hidraw3', vendorId: 0x072f, productId: 0x2200, product: 'ACR1252U' }, { format: 'hex' });
    const { test, asked, sent } = await setup({ hub });
    const result = test.testReader(ACR);
    await tick();
    expect(asked).toEqual([{ radio: false, readers: [ACR] }]);
    // The card held to it goes through the reader's real decoder.
    hub.tap('/dev/hidraw3', '04A1B2C3');
    expect(await result).toMatchObject({ ok: true, readerId: '/dev/hidraw3', product: 'ACR1252U', tag: '04A1B2C3' });
    // Stopped afterwards: a later tap reaches nobody; the store server never saw the test tap.
    expect(hub.tap('/dev/hidraw3', '04A1B2C3')).toBeNull();
    expect(sent.filter((m) => m.type === 'hid-tap')).toEqual([]);
  });

  it('a read that is no card id, a reader that is not plugged in, and no card at all each say so', async () => {
    const hub = new VirtualHidHub();
    hub.plug({ id: 'r1', vendorId: 0x072f, productId: 0x2200 });
    const { test } = await setup({ hub, readerTimeoutMs: 30 });
    const garbage = test.testReader(ACR);
    await tick();
    hub.type('r1', 'hello');
    expect(await garbage).toEqual({ ok: false, message: { code: 'reader.notTag', params: { text: expect.stringContaining('hello') } } });
    expect(await test.testReader({ ...ACR, productId: 0x2201 })).toEqual({ ok: false, message: { code: 'reader.notFound', params: { ids: '072f:2201' } } });
    expect(await test.testReader(ACR)).toEqual({ ok: false, message: { code: 'reader.noTap', params: { seconds: 0 } } });
  });

  it('one test at a time; bad input is refused like the saved settings', async () => {
    const hub = new VirtualHidHub();
    hub.plug({ id: 'r1', vendorId: 0x072f, productId: 0x2200 });
    const { test } = await setup({ hub });
    const first = test.testReader(ACR);
    await expect(test.testReader(ACR)).rejects.toMatchObject({ code: 'test.busy' });
    await tick();
    hub.tap('r1', '0A0B0C0D');
    await expect(first).resolves.toMatchObject({ ok: true, tag: '0A0B0C0D' });
    await expect(test.testReader({ vendorId: 70000, productId: 1, mode: 'raw' })).rejects.toMatchObject({ code: 'readers.badIds' });
  });

  it('a reader the station has open already is watched through the bridge, not opened twice', async () => {
    const stationHub = new VirtualHidHub();
    stationHub.plug({ id: 'station-reader', vendorId: 0x072f, productId: 0x2200, product: 'ACR1252U' });
    const { bridge, test, asked } = await setup({ bridgeFactories: { readers: () => stationHub } });
    await bridge.handle({ type: 'hid-command', command: 'start' });
    const result = test.testReader(ACR);
    await tick();
    stationHub.tap('station-reader', '04A1B2C3');
    expect(await result).toMatchObject({ ok: true, readerId: 'station-reader', tag: '04A1B2C3' });
    expect(asked).toEqual([]);
  });

  it('a driver that cannot load is reported, not thrown', async () => {
    const { bridge } = await setup();
    const test = new DeviceLiveTest({
      bridge,
      factories: () => ({
        readers: () => {
          throw new Error('node-hid is not built for this Electron');
        },
      }),
    });
    expect(await test.testReader(ACR)).toEqual({ ok: false, message: { code: 'reader.driver', params: { reason: 'node-hid is not built for this Electron' } } });
  });
});

describe('live test of the radio', () => {
  it('radio off in the settings: opened for the test, adverts per second counted, closed again', async () => {
    const radio = new FakeRadio();
    const { test, asked } = await setup({ radio, wait: async () => radio.advert(12) });
    expect(await test.testRadio()).toEqual({ ok: true, state: 'scanning', adverts: 12, seconds: 3, perSecond: 4 });
    expect(asked).toEqual([{ radio: true, readers: [] }]);
    expect({ starts: radio.starts, stops: radio.stops, state: radio.state }).toEqual({ starts: 1, stops: 1, state: 'stopped' });
  });

  it('an adapter that cannot scan says why', async () => {
    const radio = new FakeRadio('powered-off');
    const { test } = await setup({ radio, wait: async () => {} });
    expect(await test.testRadio()).toEqual({ ok: false, state: 'powered-off', message: { code: 'radio.unavailable', params: { state: 'powered-off', detail: 'adapter is powered off' } } });
    expect(radio.stops).toBe(1);
  });

  it('the station\'s own radio, before the store server started it: scanned for the test only, adverts kept from the store', async () => {
    const radio = new FakeRadio();
    const { bridge, test, asked, sent } = await setup({ bridgeFactories: { radio: () => radio }, wait: async () => radio.advert(9) });
    expect(await test.testRadio()).toMatchObject({ ok: true, adverts: 9, perSecond: 3 });
    expect(asked).toEqual([]);
    expect(radio.state).toBe('stopped');
    expect(sent.filter((m) => m.type === 'radio-advert')).toEqual([]);
    // Once the store server scans, the test leaves the radio running and adverts flow on.
    await bridge.handle({ type: 'radio-command', command: 'start' });
    expect(await test.testRadio()).toMatchObject({ ok: true, adverts: 9 });
    expect(radio.state).toBe('scanning');
    expect(sent.filter((m) => m.type === 'radio-advert')).toHaveLength(9);
    expect(bridge.status().radio.advertsSeen).toBe(18);
  });
});
