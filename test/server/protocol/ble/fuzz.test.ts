// Runs in: node (vitest). Hostile bytes through all three decode entry points: nothing throws, and
// a beacon kind comes out only when the bytes really carry that beacon's prefix.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AD_MANUFACTURER_DATA,
  BEACON_KINDS,
  decodeAdvert,
  decodeAdvertisingData,
  decodeManufacturerData,
  decodeServiceData,
  ibeaconCodeFor,
  ibeaconFromManufacturerData,
  isBeacon,
  parseAdStructures,
  serviceDataOf,
  type BleFrame,
} from '../../../../server/protocol/ble/index.js';

const RUNS = { numRuns: 2000 };
const bytes = fc.uint8Array({ maxLength: 64 });
// Short tails probe truncation; long ones reach the complete frames (fast-check favours short arrays).
const tails = fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 8, maxLength: 40 }));
const prefixed = (prefix: number[]) => tails.map((tail) => Uint8Array.from([...prefix, ...tail]));
// Random bytes rarely hit a prefix: bias half of the cases onto each known one.
const manufacturerBytes = fc.oneof(
  bytes,
  prefixed([0x4c, 0x00, 0x02, 0x15]),
  prefixed([0x4c, 0x00, 0x02]),
  prefixed([0x4c, 0x00]),
  prefixed([0x18, 0x01, 0xbe, 0xac]),
  prefixed([0x06, 0x00, 0x01]),
);
const eddystoneBytes = fc.oneof(bytes, ...[0x00, 0x10, 0x20, 0x30].map((t) => prefixed([t])), prefixed([0x20, 0x00]), prefixed([0x20, 0x01]), prefixed([0x10, 0x00, 0x03]));
const serviceUuid = fc.oneof(fc.constantFrom('feaa', 'FEAA', '0xfeaa', '0000feaa-0000-1000-8000-00805f9b34fb', 'fd6f', 'nope', ''), fc.string());
/** AD structures that mostly fit, made of the payloads above, with random garbage sometimes. */
const advertisingBytes = fc.oneof(
  bytes,
  fc
    .array(
      fc.oneof(
        manufacturerBytes.map((data) => ({ type: AD_MANUFACTURER_DATA, data })),
        eddystoneBytes.map((data) => ({ type: 0x16, data: Uint8Array.from([0xaa, 0xfe, ...data]) })),
        fc.record({ type: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 20 }) }),
      ),
      { maxLength: 4 },
    )
    .chain((structures) =>
      fc.integer({ min: -2, max: 2 }).map((skew) => {
        const out: number[] = [];
        for (const { type, data } of structures) out.push(Math.min(255, data.length + 1), type, ...data.subarray(0, 254));
        // A skew shortens or lengthens the buffer so the last length lies.
        return Uint8Array.from(skew < 0 ? out.slice(0, Math.max(0, out.length + skew)) : [...out, ...Array(skew).fill(0xaa)]);
      }),
    ),
);

function expectWellTyped(frame: BleFrame) {
  expect(['other', ...BEACON_KINDS]).toContain(frame.kind);
  expect(JSON.parse(JSON.stringify(frame))).toEqual(frame);
  for (const [key, value] of Object.entries(frame)) {
    if (['major', 'minor', 'id2', 'id3', 'mfgReserved', 'txPower', 'batteryMv', 'advCount'].includes(key)) {
      expect(Number.isInteger(value), key).toBe(true);
    }
    if (['uuid', 'id1', 'namespace', 'instance', 'eid'].includes(key)) expect(value).toBe((value as string).toLowerCase());
  }
  if (frame.kind === 'other') expect(typeof frame.reason).toBe('string');
}

/** What a beacon decoded from manufacturer data must have had in its bytes. */
function expectManufacturerPrefix(data: Uint8Array, frame: BleFrame) {
  if (frame.kind === 'ibeacon') {
    expect([...data.subarray(0, 4)]).toEqual([0x4c, 0x00, 0x02, 0x15]);
    expect(data.length).toBeGreaterThanOrEqual(25);
  } else if (frame.kind === 'altbeacon') {
    expect([...data.subarray(2, 4)]).toEqual([0xbe, 0xac]);
    expect(data.length).toBeGreaterThanOrEqual(26);
  } else {
    expect(frame.kind).toBe('other');
  }
}

const EDDYSTONE_TYPES: Record<string, number> = { 'eddystone-uid': 0x00, 'eddystone-url': 0x10, 'eddystone-tlm': 0x20, 'eddystone-eid': 0x30 };

function expectServicePrefix(uuid: string, data: Uint8Array, frame: BleFrame) {
  if (!isBeacon(frame)) return;
  expect(['feaa', '0xfeaa', '0000feaa-0000-1000-8000-00805f9b34fb', '0000feaa00001000800000805f9b34fb']).toContain(uuid.trim().toLowerCase());
  expect(data[0]).toBe(EDDYSTONE_TYPES[frame.kind]);
  if (frame.kind === 'eddystone-tlm') expect(data[1]).toBe(0x00);
}

describe('BLE decoders under fuzz', () => {
  it('manufacturer data: never throws, beacons only behind their prefix, fast path agrees', () => {
    const store = Uint8Array.from(Buffer.from('e2c56db5dffb48d2b060d0f5a71096e0', 'hex'));
    fc.assert(
      fc.property(manufacturerBytes, (data) => {
        const frame = decodeManufacturerData(data);
        expectWellTyped(frame);
        expectManufacturerPrefix(data, frame);
        const view = ibeaconFromManufacturerData(data);
        expect(view !== null).toBe(frame.kind === 'ibeacon');
        if (view && frame.kind === 'ibeacon') {
          expect({ uuid: view.uuid, major: view.major, minor: view.minor, txPower: view.txPower }).toEqual({ ...frame, kind: undefined });
          expect(ibeaconCodeFor(data, view.uuidBytes.slice())).toBe(view.code);
        }
        if (frame.kind !== 'ibeacon') expect(ibeaconCodeFor(data, store)).toBe(-1);
      }),
      RUNS,
    );
  });

  it('service data: never throws, Eddystone kinds only for 0xFEAA with the frame type byte', () => {
    fc.assert(
      fc.property(serviceUuid, eddystoneBytes, (uuid, data) => {
        const frame = decodeServiceData(uuid, data);
        expectWellTyped(frame);
        expectServicePrefix(uuid, data, frame);
      }),
      RUNS,
    );
  });

  it('raw advertising data: never throws, and a beacon is what one structure decodes to', () => {
    fc.assert(
      fc.property(advertisingBytes, (raw) => {
        const frame = decodeAdvertisingData(raw);
        expectWellTyped(frame);
        expect(decodeAdvert({ raw })).toEqual(raw.length === 0 ? expect.objectContaining({ kind: 'other' }) : frame);
        if (!isBeacon(frame)) return;
        const parsed = parseAdStructures(raw);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        const sources = parsed.structures.flatMap((s) => {
          if (s.type === AD_MANUFACTURER_DATA) {
            const decoded = decodeManufacturerData(s.data);
            expectManufacturerPrefix(s.data, decoded);
            return [decoded];
          }
          const service = serviceDataOf(s);
          if (!service?.ok) return [];
          const decoded = decodeServiceData(service.entry.uuid, service.entry.data);
          expectServicePrefix(service.entry.uuid, service.entry.data, decoded);
          return [decoded];
        });
        expect(sources).toContainEqual(frame);
      }),
      RUNS,
    );
  });

  it('never throws on values that are not what the types promise (JSON from a replay or a bridge)', () => {
    fc.assert(
      fc.property(fc.anything(), bytes, (uuid, data) => {
        expectWellTyped(decodeServiceData(uuid as string, data));
      }),
      { numRuns: 300 },
    );
  });
});
