// Runs in: node (vitest). The virtual radio: emitters advertise the DESIGN.md rolling presence
// code, injected frames and JSONL replays reach listeners, bad replay lines are named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualRadio, parseReplay, ReplayError } from '../../../../../server/store/devices/radio/virtual-radio.js';
import type { BleAdvert, RadioState } from '../../../../../server/store/devices/radio/types.js';
import { newPresenceSecret, presenceCode, presenceWindow } from '../../../../../server/protocol/presence-token.js';
import { decodeAdvert, ibeaconCodeFor, ibeaconFromManufacturerData, parseUuid } from '../../../../../server/protocol/ble/index.js';
import { FakeScheduler } from './fake-scheduler.js';

const STORE_UUID = '0d9c7a52-3c1e-4f8a-9b2d-6e5f4a3b2c1d';
const SAMPLE = fileURLToPath(new URL('../../../../../resources/replay/demo.jsonl', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'omni-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup() {
  // Start a few seconds before a window boundary, so the code roll is easy to reach.
  const time = new FakeScheduler(Date.UTC(2026, 0, 1, 9, 0, 25));
  const radio = new VirtualRadio({ clock: time, timers: time });
  const adverts: BleAdvert[] = [];
  radio.onAdvert((advert) => adverts.push(advert));
  const states: RadioState[] = [];
  radio.onState((state) => states.push(state));
  return { radio, time, adverts, states };
}

describe('VirtualRadio emitters', () => {
  it('advertise iBeacons with the store UUID and the presence code of the current window', async () => {
    const { radio, time, adverts } = setup();
    const secret = newPresenceSecret();
    radio.addEmitter({ address: 'AA:00:00:00:00:01', secret, uuid: STORE_UUID, intervalMs: 500, rssi: -58 });
    await radio.start();
    time.advance(10_000);
    expect(adverts).toHaveLength(21);
    const store = parseUuid(STORE_UUID)!;
    for (const advert of adverts) {
      expect(advert).toMatchObject({ address: 'aa:00:00:00:00:01', rssi: -58 });
      const expected = presenceCode(secret, presenceWindow(advert.receivedAt));
      expect(ibeaconCodeFor(advert.manufacturerData!, store)).toBe(expected.code);
      expect(decodeAdvert(advert)).toEqual({ kind: 'ibeacon', uuid: STORE_UUID, major: expected.major, minor: expected.minor, txPower: -59 });
    }
    // The window rolled 5 s in: two different codes were sent, each in its own window.
    const codes = new Set(adverts.map((a) => ibeaconFromManufacturerData(a.manufacturerData!)!.code));
    expect(codes.size).toBe(2);
    expect(adverts[0]!.receivedAt).toBe(Date.UTC(2026, 0, 1, 9, 0, 25));
  });

  it('take RSSI as a function of time, and stop when removed or the radio stops', async () => {
    const { radio, time, adverts } = setup();
    const start = time.now();
    const remove = radio.addEmitter({ address: 'a', secret: newPresenceSecret(), uuid: STORE_UUID, rssi: (now) => -90 + (now - start) / 1000 });
    radio.addEmitter({ address: 'b', secret: newPresenceSecret(), uuid: STORE_UUID, intervalMs: 1000 });
    await radio.start();
    time.advance(3_000);
    expect(adverts.filter((a) => a.address === 'a').map((a) => a.rssi)).toEqual([-90, -89, -88, -87]);
    remove();
    time.advance(3_000);
    expect(adverts.filter((a) => a.address === 'a')).toHaveLength(4);
    expect(adverts.filter((a) => a.address === 'b')).toHaveLength(7);
    expect(radio.emitterAddresses()).toEqual(['b']);
    await radio.stop();
    time.advance(3_000);
    expect(adverts).toHaveLength(11);
    expect(time.size).toBe(0);
    expect(radio.removeEmitter('b')).toBe(true);
    expect(radio.removeEmitter('b')).toBe(false);
  });

  it('are heard only while scanning; simulated adapter states pause them', async () => {
    const { radio, time, adverts, states } = setup();
    radio.addEmitter({ address: 'a', secret: newPresenceSecret(), uuid: STORE_UUID });
    expect(() => radio.simulateState('powered-off')).toThrow(/start/);
    await radio.start();
    time.advance(1_500);
    radio.simulateState('powered-off', 'switched off in the demo');
    time.advance(5_000);
    radio.simulateState('scanning');
    time.advance(1_000);
    expect(adverts).toHaveLength(3);
    expect(states).toEqual(['scanning', 'powered-off', 'scanning']);
  });

  it('refuse bad secrets and UUIDs at once', () => {
    const { radio } = setup();
    expect(() => radio.addEmitter({ address: 'a', secret: new Uint8Array(16), uuid: STORE_UUID })).toThrow(/32 bytes/);
    expect(() => radio.addEmitter({ address: 'a', secret: newPresenceSecret(), uuid: 'store' })).toThrow(/UUID/);
    expect(() => radio.addEmitter({ address: 'a', secret: newPresenceSecret(), uuid: STORE_UUID, txPower: 300 })).toThrow(/txPower/);
    expect(radio.emitterAddresses()).toEqual([]);
  });
});

describe('VirtualRadio inject and replay', () => {
  it('injects arbitrary frames, stamped with the clock, only while scanning', async () => {
    const { radio, adverts, time } = setup();
    expect(radio.inject({ address: 'x', rssi: -70, manufacturerData: Uint8Array.of(0x4c, 0x00) })).toBe(false);
    await radio.start();
    expect(radio.inject({ address: 'x', rssi: -70, manufacturerData: Uint8Array.of(0x4c, 0x00) })).toBe(true);
    expect(radio.inject({ address: 'y', rssi: -71, receivedAt: 5 })).toBe(true);
    expect(adverts.map((a) => a.receivedAt)).toEqual([time.now(), 5]);
  });

  it('replays the shipped sample at its offsets: shelf iBeacons, Apple continuity, an Eddystone URL', async () => {
    const { radio, time, adverts } = setup();
    await radio.start();
    const start = time.now();
    const handle = await radio.replay(SAMPLE);
    expect(handle.events).toBe(16);
    time.advance(499);
    expect(adverts).toHaveLength(3);
    time.advance(10_000);
    await handle.done;
    expect(adverts).toHaveLength(16);
    expect(adverts.map((a) => a.receivedAt - start).slice(0, 5)).toEqual([0, 120, 250, 500, 1000]);
    const kinds = adverts.slice(0, 4).map((a) => decodeAdvert(a).kind);
    expect(kinds).toEqual(['ibeacon', 'ibeacon', 'other', 'eddystone-url']);
    // The raw-only line got the service data an adapter would have reported.
    expect(adverts[3]!.serviceData).toEqual([{ uuid: 'feaa', data: expect.any(Uint8Array) }]);
    expect(decodeAdvert({ serviceData: adverts[3]!.serviceData })).toMatchObject({ url: 'https://goo.gl/Aq18zF' });
    expect(time.size).toBe(0);
  });

  it('loops a replay until cancelled, and stop() ends it', async () => {
    const { radio, time, adverts } = setup();
    await radio.start();
    const handle = radio.replayEvents(
      [
        { t: 100, advert: { address: 'b', rssi: -60 } },
        { t: 0, advert: { address: 'a', rssi: -60 } },
      ],
      { loop: true, loopGapMs: 900 },
    );
    // A cycle is the last offset plus the gap: a at 0, 1000, 2000; b 100 ms after each.
    time.advance(2_500);
    expect(adverts.map((a) => a.address).join('')).toBe('ababab');
    expect(adverts.map((a) => a.receivedAt - adverts[0]!.receivedAt)).toEqual([0, 100, 1000, 1100, 2000, 2100]);
    handle.cancel();
    await handle.done;
    time.advance(3_000);
    expect(adverts).toHaveLength(6);
    const second = radio.replayEvents([{ t: 50, advert: { address: 'c', rssi: -1 } }], { loop: true });
    await radio.stop();
    await second.done;
    expect(time.size).toBe(0);
  });

  it('names the bad line of a malformed file and plays nothing of it', async () => {
    const { radio, adverts, time } = setup();
    await radio.start();
    const cases: [string, RegExp][] = [
      ['{"t":0,"address":"a","rssi":-50}\nnot json', /bad\.jsonl:2: not JSON/],
      ['{"t":0,"address":"a","rssi":-50}\n\n{"t":-1,"address":"a","rssi":-50}', /:3: "t"/],
      ['{"t":0,"rssi":-50}', /:1: "address"/],
      ['{"t":0,"address":"a","rssi":"loud"}', /:1: "rssi"/],
      ['{"t":0,"address":"a","rssi":-50,"manufacturerData":"4c0"}', /:1: "manufacturerData": odd/],
      ['{"t":0,"address":"a","rssi":-50,"serviceData":[{"uuid":"nope","data":"00"}]}', /:1: "serviceData\[0\]\.uuid"/],
      ['{"t":0,"address":"a","rssi":-50,"serviceData":[{"uuid":"feaa","data":"xx"}]}', /:1: "serviceData\[0\]\.data"/],
      ['{"t":0,"address":"a","rssi":-50,"manufacturer":"4c00"}', /:1: unknown field\(s\) "manufacturer"/],
      ['[1,2]', /:1: each line is one JSON object/],
    ];
    for (const [text, message] of cases) {
      const file = join(dir, 'bad.jsonl');
      writeFileSync(file, text);
      const error = await radio.replay(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReplayError);
      expect((error as Error).message).toMatch(message);
    }
    time.advance(10_000);
    expect(adverts).toHaveLength(0);
  });

  it('parses hex in any case, keeps broken raw data as recorded, and normalises addresses and UUIDs', () => {
    const [event, broken] = parseReplay(
      [
        '{"t":5,"address":" AA:BB:CC:DD:EE:FF ","rssi":-40,"serviceData":[{"uuid":"0000FEAA-0000-1000-8000-00805F9B34FB","data":"30F00123456789ABCDEF"}]}',
        '{"t":6,"address":"a","rssi":-40,"raw":"1aff4c00"}',
      ].join('\r\n'),
    );
    expect(event).toMatchObject({ t: 5, advert: { address: 'aa:bb:cc:dd:ee:ff', serviceData: [{ uuid: 'feaa' }] } });
    expect(decodeAdvert(event!.advert)).toEqual({ kind: 'eddystone-eid', eid: '0123456789abcdef', txPower: -16 });
    expect(broken!.advert.manufacturerData).toBeUndefined();
    expect(decodeAdvert(broken!.advert)).toMatchObject({ kind: 'other', malformed: true });
  });
});
