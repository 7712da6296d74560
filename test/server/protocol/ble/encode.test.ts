// Runs in: node (vitest). Encoders round-trip through the decoders (the virtual radio advertises
// with them, so a drift here would fake presence), and they refuse what a frame cannot carry.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AD_MANUFACTURER_DATA,
  decodeAdvertisingData,
  decodeManufacturerData,
  decodeServiceData,
  encodeAdStructures,
  encodeAltBeacon,
  encodeEddystone,
  encodeEddystoneUrl,
  encodeIBeacon,
  normaliseServiceUuid,
  parseAdStructures,
  parseHex,
  parseUuid,
  uuidToString,
} from '../../../../server/protocol/ble/index.js';

const uint16 = fc.integer({ min: 0, max: 0xffff });
const int8 = fc.integer({ min: -128, max: 127 });
const hexOf = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).map((b) => Buffer.from(b).toString('hex'));

describe('encoders', () => {
  it('iBeacon round-trips for any fields', () => {
    fc.assert(
      fc.property(fc.uuid(), uint16, uint16, int8, (uuid, major, minor, txPower) => {
        const data = encodeIBeacon({ uuid: uuid.toUpperCase(), major, minor, txPower });
        expect(data).toHaveLength(25);
        expect(decodeManufacturerData(data)).toEqual({ kind: 'ibeacon', uuid, major, minor, txPower });
      }),
    );
  });

  it('AltBeacon round-trips for any fields', () => {
    fc.assert(
      fc.property(uint16, hexOf(16), uint16, uint16, int8, fc.integer({ min: 0, max: 255 }), (companyId, id1, id2, id3, txPower, mfgReserved) => {
        const data = encodeAltBeacon({ companyId, id1, id2, id3, txPower, mfgReserved });
        const frame = decodeManufacturerData(data);
        // Even under Apple's id: an iBeacon needs the type byte 02 where AltBeacon has be.
        expect(frame).toEqual({ kind: 'altbeacon', id1, id2, id3, txPower, mfgReserved });
      }),
    );
  });

  it('Eddystone UID, TLM and EID round-trip', () => {
    fc.assert(
      fc.property(hexOf(10), hexOf(6), hexOf(8), int8, (namespace, instance, eid, txPower) => {
        const uid = { kind: 'eddystone-uid' as const, namespace, instance, txPower };
        expect(decodeServiceData('feaa', encodeEddystone(uid))).toEqual(uid);
        const eidFrame = { kind: 'eddystone-eid' as const, eid, txPower };
        expect(decodeServiceData('feaa', encodeEddystone(eidFrame))).toEqual(eidFrame);
      }),
    );
    fc.assert(
      fc.property(uint16, fc.integer({ min: -0x8000, max: 0x7fff }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (batteryMv, t, advCount, tenths) => {
        const tlm = { kind: 'eddystone-tlm' as const, batteryMv, temperatureC: t / 256, advCount, uptimeS: tenths / 10 };
        expect(decodeServiceData('feaa', encodeEddystone(tlm))).toEqual(tlm);
      }),
    );
  });

  it('Eddystone-URL round-trips every URL it can encode, compressing with the expansion codes', () => {
    const body = fc.array(fc.constantFrom(...'abcxyz019-_./~?=#%'.split(''), '.com', '.org/', '.info', '.gov/', '.net'), { maxLength: 10 }).map((p) => p.join(''));
    const scheme = fc.constantFrom('http://', 'https://', 'http://www.', 'https://www.');
    fc.assert(
      fc.property(scheme, body, int8, (prefix, rest, txPower) => {
        const url = prefix + rest;
        let data: Uint8Array;
        try {
          data = encodeEddystone({ kind: 'eddystone-url', url, txPower });
        } catch (error) {
          expect(String(error)).toMatch(/encoded bytes/);
          return;
        }
        expect(decodeServiceData('feaa', data)).toEqual({ kind: 'eddystone-url', url, txPower });
      }),
    );
    expect([...encodeEddystoneUrl('https://www.example.com/')]).toEqual([0x01, ...Buffer.from('example'), 0x00]);
    expect(() => encodeEddystoneUrl('ftp://x')).toThrow(RangeError);
    expect(() => encodeEddystoneUrl('https://a b')).toThrow(RangeError);
    expect(() => encodeEddystoneUrl('https://a-very-long-host-name.example/')).toThrow(/17/);
  });

  it('AD structures round-trip, and an iBeacon advertisement decodes as one', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 30 }) }), { maxLength: 5 }), (structures) => {
        const parsed = parseAdStructures(encodeAdStructures(structures));
        if (!parsed.ok) throw new Error(parsed.error);
        const plain = (list: { type: number; data: Uint8Array }[]) => list.map(({ type, data }) => ({ type, data: [...data] }));
        expect(plain(parsed.structures)).toEqual(plain(structures));
      }),
    );
    const adv = encodeAdStructures([
      { type: 0x01, data: Uint8Array.of(0x06) },
      { type: AD_MANUFACTURER_DATA, data: encodeIBeacon({ uuid: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', major: 7, minor: 9 }) },
    ]);
    expect(decodeAdvertisingData(adv)).toEqual({ kind: 'ibeacon', uuid: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', major: 7, minor: 9, txPower: -59 });
  });

  it('refuses values a frame cannot carry', () => {
    expect(() => encodeIBeacon({ uuid: 'nope', major: 1, minor: 1 })).toThrow(RangeError);
    expect(() => encodeIBeacon({ uuid: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', major: 65536, minor: 1 })).toThrow(/major/);
    expect(() => encodeIBeacon({ uuid: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', major: 1, minor: 1.5 })).toThrow(/minor/);
    expect(() => encodeAltBeacon({ id1: '00', id2: 1, id3: 1, txPower: -59 })).toThrow(/id1/);
    expect(() => encodeEddystone({ kind: 'eddystone-tlm', batteryMv: 1, temperatureC: 200, advCount: 0, uptimeS: 0 })).toThrow(/temperature/);
    expect(() => encodeAdStructures([{ type: 0xff, data: new Uint8Array(255) }])).toThrow(RangeError);
  });
});

describe('byte helpers', () => {
  it('parses hex as people paste it and explains what is wrong', () => {
    expect(parseHex('0x4C:00 02 15')).toEqual({ ok: true, bytes: Uint8Array.of(0x4c, 0x00, 0x02, 0x15) });
    expect(parseHex('')).toMatchObject({ ok: false });
    expect(parseHex('abc')).toMatchObject({ ok: false, error: expect.stringContaining('odd') });
    expect(parseHex('zz')).toMatchObject({ ok: false, error: expect.stringContaining('"z"') });
  });

  it('spells UUIDs the contract way and normalises service UUIDs', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(uuidToString(parseUuid(uuid.toUpperCase())!)).toBe(uuid);
      }),
    );
    expect(parseUuid('e2c56db5dffb48d2b060d0f5a71096e0')).toHaveLength(16);
    expect(parseUuid('e2c56db5-dffb-48d2-b060')).toBeNull();
    expect(normaliseServiceUuid('0000FEAA-0000-1000-8000-00805F9B34FB')).toBe('feaa');
    expect(normaliseServiceUuid('0xFEAA')).toBe('feaa');
    expect(normaliseServiceUuid('0001feaa')).toBe('0001feaa');
    expect(normaliseServiceUuid('6e400001-b5a3-f393-e0a9-e50e24dcca9e')).toBe('6e400001b5a3f393e0a9e50e24dcca9e');
    expect(normaliseServiceUuid('feaa0')).toBeNull();
  });
});
