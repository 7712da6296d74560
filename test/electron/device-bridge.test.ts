// Runs in: node (vitest). The device bridge event flow: real drivers in the main process (fakes
// and the virtual HID hub here) → messages (structured-cloned, as a MessagePort would) → the
// bridged devices in the utility process → the real store server started there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BleAdvert, BleScanner, RadioState } from '../../server/store/devices/radio/types.js';
import { VirtualHidHub } from '../../server/store/devices/hid/virtual-reader.js';
import { generateStoreId, initStation, isStation } from '../../server/store/station.js';
import { startStoreServer } from '../../server/store/server.js';
import { MainDeviceBridge } from '../../electron/main/device-bridge.js';
import { BridgedBleScanner, BridgedHidReaderHub, routeDeviceMessage } from '../../electron/utility/bridged-devices.js';
import { runStoreHost, type ParentPortLike } from '../../electron/utility/store-host.js';
import type { MainToUtility, UtilityToMain } from '../../electron/shared/utility-messages.js';

class FakeRadio implements BleScanner {
  state: RadioState = 'stopped';
  starts = 0;
  private adverts = new Set<(a: BleAdvert) => void>();
  private states = new Set<(s: RadioState, d?: string) => void>();
  async start() {
    this.starts += 1;
    this.set('scanning');
  }
  async stop() {
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
  advert(a: BleAdvert) {
    for (const l of this.adverts) l(a);
  }
  set(state: RadioState, detail?: string) {
    this.state = state;
    for (const l of this.states) l(state, detail);
  }
}

/** Main ⇄ utility over an in-memory "port" that clones like postMessage does. */
function link() {
  const toUtility: ((event: { data: unknown }) => void)[] = [];
  let toMain: (message: UtilityToMain) => void = () => {};
  const port: ParentPortLike = {
    postMessage: (message) => queueMicrotask(() => toMain(structuredClone(message))),
    on: (_event, listener) => toUtility.push(listener),
  };
  return {
    port,
    sendToUtility: (message: MainToUtility) => {
      const data = structuredClone(message);
      queueMicrotask(() => toUtility.forEach((l) => l({ data })));
    },
    onMain: (handler: (message: UtilityToMain) => void) => {
      toMain = handler;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('bridged devices (utility side)', () => {
  it('the scanner re-emits adverts and state, and start() resolves on the main process\'s answer', async () => {
    const posted: UtilityToMain[] = [];
    const radio = new BridgedBleScanner((m) => posted.push(m));
    const readers = new BridgedHidReaderHub((m) => posted.push(m));
    const adverts: BleAdvert[] = [];
    const states: RadioState[] = [];
    radio.onAdvert((a) => adverts.push(a));
    radio.onState((s) => states.push(s));
    const started = radio.start();
    expect(posted).toEqual([{ type: 'radio-command', command: 'start' }]);
    let done = false;
    void started.then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    routeDeviceMessage({ type: 'radio-state', state: 'scanning', detail: null }, radio, readers);
    await started;
    expect(radio.state).toBe('scanning');
    const advert = { address: 'aa:bb', rssi: -60, receivedAt: 1, manufacturerData: new Uint8Array([0x4c, 0, 2, 0x15]) };
    routeDeviceMessage({ type: 'radio-advert', advert: structuredClone(advert) }, radio, readers);
    expect(adverts).toEqual([advert]);
    // The same state again is not a change.
    routeDeviceMessage({ type: 'radio-state', state: 'scanning', detail: null }, radio, readers);
    expect(states).toEqual(['scanning']);
  });

  it('the reader hub tracks plugged readers, taps and issues; a throwing listener does not stop the others', async () => {
    const radio = new BridgedBleScanner(() => {});
    const readers = new BridgedHidReaderHub(() => {});
    const seen: string[] = [];
    readers.onTap(() => {
      throw new Error('consumer bug');
    });
    readers.onTap((t) => seen.push(`tap ${t.tag}`));
    readers.onReaders((r) => seen.push(`readers ${r.length}`));
    readers.onIssue((i) => seen.push(`issue ${i.message}`));
    const info = { id: 'r1', vendorId: 1, productId: 2, mode: 'keyboard-wedge' as const };
    routeDeviceMessage({ type: 'hid-readers', readers: [info], unavailable: null }, radio, readers);
    routeDeviceMessage({ type: 'hid-readers', readers: [info], unavailable: null }, radio, readers);
    routeDeviceMessage({ type: 'hid-tap', tap: { readerId: 'r1', text: '04A1', tag: '04A1', at: 1 } }, radio, readers);
    routeDeviceMessage({ type: 'hid-issue', issue: { readerId: 'r1', message: 'not a tag', at: 2 } }, radio, readers);
    routeDeviceMessage({ type: 'hid-readers', readers: [], unavailable: 'node-hid did not load' }, radio, readers);
    expect(seen).toEqual(['readers 1', 'tap 04A1', 'issue not a tag', 'readers 0']);
    expect(readers.unavailable()).toBe('node-hid did not load');
    expect(routeDeviceMessage({ type: 'shutdown' }, radio, readers)).toBe(false);
  });

  it('start() does not hang when the main process never answers', async () => {
    vi.useFakeTimers();
    try {
      const radio = new BridgedBleScanner(() => {});
      let done = false;
      const started = radio.start().then(() => (done = true));
      await vi.advanceTimersByTimeAsync(4_999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await started;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('main device bridge', () => {
  it('forwards adverts, state, readers, taps and issues, and keeps the device panel status', async () => {
    const sent: MainToUtility[] = [];
    const radio = new FakeRadio();
    const hub = new VirtualHidHub({ viaReports: false });
    const bridge = new MainDeviceBridge({ factories: { radio: () => radio, readers: () => hub }, send: (m) => sent.push(m) });
    await bridge.open();
    await bridge.handle({ type: 'radio-command', command: 'start' });
    await bridge.handle({ type: 'hid-command', command: 'start' });
    expect(radio.starts).toBe(1);
    hub.plug({ id: 'reader-1', product: 'ACR122' });
    radio.advert({ address: 'aa', rssi: -50, receivedAt: 5 });
    hub.tap('reader-1', '04A1B2C3');
    const types = sent.map((m) => m.type);
    expect(types).toEqual(['radio-state', 'radio-state', 'hid-readers', 'hid-readers', 'radio-advert', 'hid-tap']);
    expect(sent.at(-1)).toMatchObject({ type: 'hid-tap', tap: { readerId: 'reader-1', tag: '04A1B2C3' } });
    expect(bridge.status()).toEqual({
      radio: { state: 'scanning', detail: null, advertsSeen: 1, enabled: true },
      readers: {
        detail: null,
        connected: [{ id: 'reader-1', product: 'ACR122', vendorId: expect.any(Number), productId: expect.any(Number), mode: 'keyboard-wedge', taps: 1 }],
        // The wizard's live test: what the reader sent and the tag it made of it.
        lastRead: { readerId: 'reader-1', text: '04A1B2C3', tag: '04A1B2C3', at: expect.any(Number) },
        lastIssue: null,
      },
    });
    sent.length = 0;
    bridge.replay();
    expect(sent).toEqual([
      { type: 'radio-state', state: 'scanning', detail: null },
      { type: 'hid-readers', readers: [expect.objectContaining({ id: 'reader-1' })], unavailable: null },
    ]);
    await bridge.close();
  });

  it('the wizard turns the radio off and on while running; a running scan carries over', async () => {
    const sent: MainToUtility[] = [];
    const radios: FakeRadio[] = [];
    const make = () => {
      const radio = new FakeRadio();
      radios.push(radio);
      return radio;
    };
    const statuses: boolean[] = [];
    const bridge = new MainDeviceBridge({ factories: { radio: make }, send: (m) => sent.push(m), onStatus: (s) => statuses.push(s.radio.enabled) });
    await bridge.open();
    await bridge.handle({ type: 'radio-command', command: 'start' });
    sent.length = 0;
    await bridge.reopenRadio(undefined);
    expect(radios[0]!.state).toBe('stopped');
    expect(bridge.status().radio).toEqual({ state: 'absent', detail: 'BLE radio turned off in the station settings', advertsSeen: 0, enabled: false });
    expect(sent).toEqual([{ type: 'radio-state', state: 'unavailable', detail: 'BLE radio turned off in the station settings' }]);
    await bridge.reopenRadio(make);
    // The store server had asked for a scan: the new radio scans without being asked again.
    expect(radios[1]!.starts).toBe(1);
    expect(bridge.status().radio).toMatchObject({ state: 'scanning', enabled: true });
    expect(sent.at(-1)).toEqual({ type: 'radio-state', state: 'scanning', detail: null });
    expect(statuses.at(-1)).toBe(true);
    await bridge.close();
  });

  it('a read that is no tag id shows in the live test as an issue with its text', async () => {
    const hub = new VirtualHidHub({ viaReports: false });
    const bridge = new MainDeviceBridge({ factories: { readers: () => hub }, send: () => {} });
    await bridge.open();
    await bridge.handle({ type: 'hid-command', command: 'start' });
    hub.plug({ id: 'reader-1' });
    hub.type('reader-1', 'hello');
    expect(bridge.status().readers.lastIssue).toMatchObject({ readerId: 'reader-1', text: expect.stringContaining('hello') });
    expect(bridge.status().readers.lastRead).toBeNull();
    await bridge.close();
  });

  it('a driver that fails to load leaves the station running with the device absent', async () => {
    const sent: MainToUtility[] = [];
    const logs: string[] = [];
    const bridge = new MainDeviceBridge({
      factories: {
        radio: () => {
          throw new Error('no bluetooth-hci-socket for this Electron');
        },
      },
      send: (m) => sent.push(m),
      log: (_l, m) => logs.push(m),
    });
    await bridge.open();
    expect(bridge.status()).toMatchObject({ radio: { state: 'absent', detail: expect.stringMatching(/bluetooth-hci-socket/) }, readers: { detail: 'no HID reader driver in this build' } });
    await bridge.handle({ type: 'radio-command', command: 'start' });
    // The store server is told "unavailable", the state its radio contract knows.
    expect(sent).toEqual([{ type: 'radio-state', state: 'unavailable', detail: expect.stringMatching(/failed to load/) }]);
    expect(logs.join()).toMatch(/radio driver failed to load/);
  });
});

describe('store server in the utility process, fed by the main process\'s devices', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  // A real store server starts in-process here: slow on a busy 2-core machine.
  it('first start creates the data folder, readers and taps reach the device panel, shutdown closes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-utility-'));
    const channel = link();
    const exits: number[] = [];
    runStoreHost(channel.port, { isStation, initStation, generateStoreId, startStoreServer, logger: false }, (code) => exits.push(code));
    const hub = new VirtualHidHub({ viaReports: false });
    const radio = new FakeRadio();
    const bridge = new MainDeviceBridge({ factories: { radio: () => radio, readers: () => hub }, send: channel.sendToUtility });
    const fromUtility: UtilityToMain[] = [];
    channel.onMain((message) => {
      fromUtility.push(message);
      if (message.type === 'radio-command' || message.type === 'hid-command') void bridge.handle(message);
      if (message.type === 'ready') bridge.replay();
    });
    await bridge.open();
    hub.plug({ id: 'reader-1', product: 'Kiosk reader' });

    channel.sendToUtility({
      type: 'start',
      request: { dataDir: join(dir, 'station'), port: 0, host: '127.0.0.1', rendererDir: join(dir, 'no-renderer'), secrets: null, storeId: 'SHOP-0042', storeName: 'Gangnam shop' },
    });
    const ready = await until(() => fromUtility.find((m) => m.type === 'ready'), 15_000);
    if (ready.type !== 'ready') throw new Error('unreachable');
    expect(ready.storeId).toBe('SHOP-0042');
    expect(ready.firstRunPin).toMatch(/^\d{4,12}$/);
    // startStoreServer started the bridged devices, which asked the main process to start the real ones.
    expect(fromUtility.filter((m) => m.type === 'radio-command' || m.type === 'hid-command').map((m) => m.type).sort()).toEqual(['hid-command', 'radio-command']);
    expect(radio.starts).toBe(1);

    const health = await fetch(`${ready.url}/health`);
    expect(await health.json()).toEqual({ ok: true });
    const login = await fetch(`${ready.url}/api/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: ready.firstRunPin }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const panel = async () => (await (await fetch(`${ready.url}/api/staff/devices`, { headers: { cookie } })).json()) as { readers: { id: string }[]; lastTap: { readerId: string } | null };
    expect((await until(async () => ((await panel()).readers.length === 1 ? panel() : false))).readers[0]!.id).toBe('reader-1');

    hub.tap('reader-1', '04A1B2C3D4');
    const tapped = await until(async () => {
      const p = await panel();
      return p.lastTap ? p : false;
    });
    expect(tapped.lastTap!.readerId).toBe('reader-1');

    hub.unplug('reader-1');
    await until(async () => (await panel()).readers.length === 0);

    channel.sendToUtility({ type: 'shutdown' });
    await until(() => fromUtility.some((m) => m.type === 'stopped'));
    expect(exits).toEqual([0]);
    await expect(fetch(`${ready.url}/health`)).rejects.toThrow();
    await bridge.close();
  }, 60_000);

  it('a start that fails reports why and exits non-zero', async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-utility-'));
    const channel = link();
    const exits: number[] = [];
    const fromUtility: UtilityToMain[] = [];
    channel.onMain((m) => fromUtility.push(m));
    runStoreHost(channel.port, { isStation, initStation, generateStoreId, startStoreServer, logger: false }, (code) => exits.push(code));
    channel.sendToUtility({
      type: 'start',
      request: { dataDir: join(dir, 'station'), port: 0, host: '127.0.0.1', rendererDir: dir, secrets: null, storeId: 'not a store id', storeName: null },
    });
    const failed = await until(() => fromUtility.find((m) => m.type === 'start-failed'));
    expect(failed).toMatchObject({ message: expect.stringMatching(/store id/) });
    expect(exits).toEqual([1]);
  });
});
