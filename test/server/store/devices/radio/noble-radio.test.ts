// Runs in: node (vitest). The noble adapter driven by a fake noble: no adapter, power cycles,
// refused permissions, bursts and throwing listeners, all on a hand-driven clock.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { NobleRadio, type NobleLike, type NoblePeripheral } from '../../../../../server/store/devices/radio/noble-radio.js';
import type { BleAdvert, RadioState } from '../../../../../server/store/devices/radio/types.js';
import { encodeIBeacon } from '../../../../../server/protocol/ble/index.js';
import { FakeScheduler } from './fake-scheduler.js';

/** Behaves like noble over its bindings: states arrive as events, scanning needs poweredOn. */
class FakeNoble extends EventEmitter implements NobleLike {
  state = 'unknown';
  scanning = false;
  starts: boolean[] = [];
  stops = 0;
  /** Set to make the next startScanning fail like a busy adapter does. */
  failNextStart: Error | null = null;
  /** Some bindings never confirm a scan start; then the callback is held back. */
  confirmStarts = true;

  startScanning(_uuids: string[], allowDuplicates: boolean, callback?: (error?: Error | null) => void): void {
    this.starts.push(allowDuplicates);
    if (this.state !== 'poweredOn') {
      callback?.(new Error(`Could not start scanning, state is ${this.state} (not poweredOn)`));
      return;
    }
    if (this.failNextStart) {
      const error = this.failNextStart;
      this.failNextStart = null;
      callback?.(error);
      return;
    }
    this.scanning = true;
    if (this.confirmStarts) callback?.(null);
  }

  stopScanning(): void {
    this.stops++;
    this.scanning = false;
    this.emit('scanStop');
  }

  power(state: string): void {
    this.state = state;
    if (state !== 'poweredOn') this.scanning = false;
    this.emit('stateChange', state);
  }

  discover(peripheral: NoblePeripheral): void {
    this.emit('discover', peripheral);
  }
}

function setup(loads: (() => NobleLike)[], options: { startTimeoutMs?: number } = {}) {
  const time = new FakeScheduler();
  let calls = 0;
  const load = () => {
    const next = loads[Math.min(calls, loads.length - 1)]!;
    calls++;
    return next();
  };
  const errors: unknown[] = [];
  const radio = new NobleRadio({
    load,
    clock: time,
    timers: time,
    retryInitialMs: 1_000,
    retryMaxMs: 8_000,
    startTimeoutMs: options.startTimeoutMs ?? 5_000,
    onListenerError: (error) => errors.push(error),
  });
  const states: [RadioState, string | undefined][] = [];
  radio.onState((state, detail) => states.push([state, detail]));
  const adverts: BleAdvert[] = [];
  radio.onAdvert((advert) => adverts.push(advert));
  return { radio, time, states, adverts, errors, loads: () => calls };
}

const noAdapter = () => {
  throw new Error('EAFNOSUPPORT, Address family not supported by protocol');
};

describe('NobleRadio', () => {
  it('reports unavailable when the adapter cannot be loaded, and a later retry succeeds', async () => {
    const noble = new FakeNoble();
    const { radio, time, states, loads } = setup([noAdapter, noAdapter, () => noble]);
    await radio.start();
    expect(radio.state).toBe('unavailable');
    expect(radio.detail).toMatch(/EAFNOSUPPORT/);
    expect(time.delays()).toEqual([1_000]);

    time.advance(1_000);
    expect(loads()).toBe(2);
    expect(radio.state).toBe('unavailable');
    expect(time.delays()).toEqual([2_000]);

    time.advance(2_000);
    expect(loads()).toBe(3);
    // Retries do not flicker the panel back to "starting": it stays unavailable until scanning.
    expect(radio.state).toBe('unavailable');
    noble.power('poweredOn');
    expect(radio.state).toBe('scanning');
    expect(noble.starts).toEqual([true]);
    expect(states.map(([s]) => s)).toEqual(['starting', 'unavailable', 'scanning']);
    expect(time.size).toBe(0);
  });

  it('backs off up to the cap and stops retrying once stopped', async () => {
    const { radio, time, loads, states } = setup([noAdapter]);
    await radio.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(time.delays()[0]!);
      time.advance(time.delays()[0]!);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    const before = loads();
    await radio.stop();
    expect(radio.state).toBe('stopped');
    expect(time.size).toBe(0);
    time.advance(600_000);
    expect(loads()).toBe(before);
    expect(states.at(-1)).toEqual(['stopped', undefined]);
  });

  it('resolves start() only once the adapter answered, and scans with duplicates allowed', async () => {
    const noble = new FakeNoble();
    const { radio } = setup([() => noble]);
    let started = false;
    const start = radio.start().then(() => (started = true));
    await Promise.resolve();
    expect(started).toBe(false);
    noble.power('poweredOn');
    await start;
    expect(radio.state).toBe('scanning');
    expect(noble.starts).toEqual([true]);
  });

  it('maps discovered peripherals to adverts without copying their payloads', async () => {
    const noble = new FakeNoble();
    const { radio, time, adverts } = setup([() => noble]);
    const started = radio.start();
    noble.power('poweredOn');
    await started;
    const manufacturerData = Buffer.from(encodeIBeacon({ uuid: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', major: 1, minor: 2 }));
    const serviceData = [{ uuid: 'feaa', data: Buffer.from('10f803676f6f2e676c2f417131387a46', 'hex') }];
    noble.discover({ id: 'aabbccddeeff', address: 'AA:BB:CC:DD:EE:FF', rssi: -67, advertisement: { manufacturerData, serviceData } });
    time.advance(5);
    noble.discover({ id: '3e1f8b6c8a1c4c0e', address: 'unknown', rssi: -80, advertisement: { manufacturerData: Buffer.alloc(0), serviceData: [] } });
    noble.discover({ id: 'x', rssi: -90, advertisement: null });
    expect(adverts).toHaveLength(3);
    expect(adverts[0]).toMatchObject({ address: 'aa:bb:cc:dd:ee:ff', rssi: -67, receivedAt: time.now() - 5 });
    expect(adverts[0]!.manufacturerData).toBe(manufacturerData);
    expect(adverts[0]!.serviceData).toBe(serviceData);
    expect(adverts[1]).toMatchObject({ address: '3e1f8b6c8a1c4c0e', rssi: -80, manufacturerData: undefined, serviceData: undefined });
    expect(adverts[2]).toMatchObject({ address: 'x' });
  });

  it('follows power cycles: powered-off, then scanning again on power on, every time', async () => {
    const noble = new FakeNoble();
    const { radio, time, states } = setup([() => noble]);
    const started = radio.start();
    noble.power('poweredOn');
    await started;
    for (let cycle = 0; cycle < 3; cycle++) {
      noble.power('poweredOff');
      expect(radio.state).toBe('powered-off');
      expect(time.size).toBe(0);
      time.advance(60_000);
      noble.power('poweredOn');
      expect(radio.state).toBe('scanning');
      expect(noble.scanning).toBe(true);
    }
    expect(noble.starts).toHaveLength(4);
    expect(states.map(([s]) => s)).toEqual(['starting', 'scanning', ...Array(3).fill(['powered-off', 'scanning']).flat()]);
  });

  it('treats unsupported and unauthorized adapters as unavailable, polling until they come good', async () => {
    const noble = new FakeNoble();
    const { radio, time, loads } = setup([() => noble]);
    const started = radio.start();
    noble.power('unauthorized');
    await started;
    expect(radio.state).toBe('unavailable');
    expect(radio.detail).toMatch(/permission/);
    time.advance(1_000);
    time.advance(2_000);
    expect(radio.state).toBe('unavailable');
    // The same instance is kept (noble's bindings cannot be closed, so a reload would leak one).
    expect(loads()).toBe(1);
    noble.state = 'poweredOn';
    time.advance(4_000);
    expect(radio.state).toBe('scanning');

    noble.power('unsupported');
    expect(radio.state).toBe('unavailable');
    expect(radio.detail).toMatch(/Low Energy/);
    noble.power('poweredOn');
    expect(radio.state).toBe('scanning');
    expect(time.size).toBe(0);
  });

  it('retries a scan that failed to start, and restarts one something else stopped', async () => {
    const noble = new FakeNoble();
    noble.failNextStart = new Error('Command Disallowed');
    const { radio, time } = setup([() => noble]);
    const started = radio.start();
    noble.power('poweredOn');
    await started;
    expect(radio.state).toBe('unavailable');
    expect(radio.detail).toMatch(/Command Disallowed/);
    time.advance(1_000);
    expect(radio.state).toBe('scanning');

    noble.stopScanning();
    expect(radio.state).toBe('starting');
    time.advance(1_000);
    expect(radio.state).toBe('scanning');
    expect(noble.starts).toHaveLength(3);
  });

  it('reloads noble when its adapter never reports a state or fails to initialise', async () => {
    const silent = new FakeNoble();
    const broken = new FakeNoble();
    const good = new FakeNoble();
    const { radio, time, loads } = setup([() => silent, () => broken, () => good], { startTimeoutMs: 3_000 });
    const started = radio.start();
    time.advance(3_000);
    await started;
    expect(radio.state).toBe('unavailable');
    expect(radio.detail).toMatch(/no state/);
    time.advance(1_000);
    expect(loads()).toBe(2);
    expect(silent.listenerCount('stateChange')).toBe(0);
    broken.emit('warning', 'Initialization of USB device failed: ENODEV, No such device');
    expect(radio.state).toBe('unavailable');
    expect(radio.detail).toMatch(/ENODEV/);
    time.advance(2_000);
    expect(loads()).toBe(3);
    good.power('poweredOn');
    expect(radio.state).toBe('scanning');
  });

  it('takes adverts as proof of scanning when the bindings never confirm the start', async () => {
    const noble = new FakeNoble();
    noble.confirmStarts = false;
    const { radio, adverts, time } = setup([() => noble]);
    void radio.start();
    noble.power('poweredOn');
    expect(radio.state).toBe('starting');
    noble.discover({ id: 'a', address: 'aa:aa:aa:aa:aa:aa', rssi: -50 });
    expect(radio.state).toBe('scanning');
    expect(adverts).toHaveLength(1);
    expect(time.size).toBe(0);
  });

  it('isolates throwing listeners and survives a burst', async () => {
    const noble = new FakeNoble();
    const { radio, adverts, errors } = setup([() => noble]);
    let calls = 0;
    radio.onAdvert(() => {
      calls++;
      throw new Error('listener bug');
    });
    const late: BleAdvert[] = [];
    radio.onAdvert((advert) => late.push(advert));
    const started = radio.start();
    noble.power('poweredOn');
    await started;
    const manufacturerData = Buffer.from(encodeIBeacon({ uuid: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', major: 1, minor: 2 }));
    const peripheral = { id: 'p', address: 'aa:bb:cc:dd:ee:ff', rssi: -60, advertisement: { manufacturerData } };
    for (let i = 0; i < 50_000; i++) noble.discover(peripheral);
    expect(adverts).toHaveLength(50_000);
    expect(late).toHaveLength(50_000);
    expect(calls).toBe(50_000);
    expect(errors).toHaveLength(50_000);
    expect(radio.state).toBe('scanning');
  });

  it('keeps a working instance across stop and start, and ignores it while stopped', async () => {
    const noble = new FakeNoble();
    const { radio, adverts, loads } = setup([() => noble]);
    const started = radio.start();
    noble.power('poweredOn');
    await started;
    await radio.stop();
    expect(noble.scanning).toBe(false);
    expect(noble.listenerCount('discover')).toBe(0);
    noble.discover({ id: 'a', rssi: -50 });
    expect(adverts).toHaveLength(0);
    await radio.start();
    expect(radio.state).toBe('scanning');
    expect(loads()).toBe(1);
  });
});
