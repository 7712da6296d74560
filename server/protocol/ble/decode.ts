// Runs in: node and std (no I/O). The three entry points of CONTRACT.md "ble-decode output":
// manufacturer data, service data for a UUID, and raw advertising data. None of them throws on any
// input: broken bytes come back as `other` with `malformed: true` and the reason.
import { AD_MANUFACTURER_DATA, parseAdStructures, serviceDataOf } from './ad.js';
import { decodeAltBeacon, hasAltBeaconPrefix } from './altbeacon.js';
import { normaliseServiceUuid } from './bytes.js';
import { decodeEddystone, EDDYSTONE_SERVICE_UUID } from './eddystone.js';
import { APPLE_COMPANY_ID, decodeIBeacon, IBEACON_TYPE } from './ibeacon.js';
import { isBeacon, malformed, other, type BleFrame, type OtherFrame } from './types.js';

export const MICROSOFT_COMPANY_ID = 0x0006;

/** A few company ids seen around shops, named for the monitor; the rest print as numbers. */
const COMPANIES: Record<number, string> = {
  0x0006: 'Microsoft',
  0x004c: 'Apple',
  0x0059: 'Nordic Semiconductor',
  0x0075: 'Samsung',
  0x0087: 'Garmin',
  0x00e0: 'Google',
  0x0118: 'Radius Networks',
};

/** Apple continuity message types (the byte after the company id), as reverse-engineered publicly. */
const APPLE_TYPES: Record<number, string> = {
  0x03: 'AirPrint',
  0x05: 'AirDrop',
  0x06: 'HomeKit',
  0x07: 'proximity pairing',
  0x08: 'Hey Siri',
  0x09: 'AirPlay target',
  0x0a: 'AirPlay source',
  0x0b: 'Magic Switch',
  0x0c: 'Handoff',
  0x0d: 'tethering target',
  0x0e: 'tethering source',
  0x0f: 'nearby action',
  0x10: 'nearby info',
  0x12: 'Find My',
};

const MICROSOFT_SCENARIOS: Record<number, string> = {
  0x01: 'Connected Devices Platform (CDP) beacon',
  0x03: 'Swift Pair',
};

const SERVICES: Record<string, string> = {
  fd6f: 'Exposure Notification',
  fe2c: 'Google Fast Pair',
  fe9f: 'Google',
  feaa: 'Eddystone',
};

function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

/** Manufacturer data as noble reports it: the company id (little-endian) first. */
export function decodeManufacturerData(bytes: Uint8Array): BleFrame {
  if (bytes.length < 2) return malformed(`manufacturer data of ${bytes.length} byte(s) has no 2-byte company id`);
  const companyId = bytes[0]! | (bytes[1]! << 8);
  if (companyId === APPLE_COMPANY_ID && bytes[2] === IBEACON_TYPE) return decodeIBeacon(bytes);
  if (hasAltBeaconPrefix(bytes)) return decodeAltBeacon(bytes);
  const company = COMPANIES[companyId];
  if (companyId === APPLE_COMPANY_ID) {
    if (bytes.length < 3) return other('Apple manufacturer data without a message', { companyId, company });
    const messageType = bytes[2]!;
    const name = APPLE_TYPES[messageType] ?? 'unknown type';
    return other(`Apple continuity message ${hex(messageType, 2)} (${name}), not an iBeacon`, { companyId, company, messageType });
  }
  if (companyId === MICROSOFT_COMPANY_ID) {
    if (bytes.length < 3) return other('Microsoft manufacturer data without a scenario', { companyId, company });
    const messageType = bytes[2]!;
    const name = MICROSOFT_SCENARIOS[messageType] ?? `scenario ${hex(messageType, 2)}`;
    return other(`Microsoft ${name}: not a proximity beacon`, { companyId, company, messageType });
  }
  const who = company ?? `company ${hex(companyId, 4)}`;
  return other(`manufacturer data of ${who}, not a beacon format`, company ? { companyId, company } : { companyId });
}

/** Service data (the bytes after the UUID) of `uuid`, in any usual spelling ("feaa", "0xFEAA", 128-bit). */
export function decodeServiceData(uuid: string, data: Uint8Array): BleFrame {
  // Replay files and bridged adverts arrive from JSON: the type is a hope, not a fact.
  const serviceUuid = typeof uuid === 'string' ? normaliseServiceUuid(uuid) : null;
  if (serviceUuid === null) {
    return malformed(typeof uuid === 'string' ? `"${uuid.slice(0, 64)}" is not a service UUID` : `a service UUID is text, not ${typeof uuid}`);
  }
  if (serviceUuid === EDDYSTONE_SERVICE_UUID) return decodeEddystone(data);
  const name = SERVICES[serviceUuid];
  return other(`service data of ${name ? `${name} (${serviceUuid})` : serviceUuid}, not a beacon format`, { serviceUuid });
}

/**
 * Raw advertising data (AD structures). The first beacon found wins; otherwise a broken structure
 * makes the whole advertisement malformed; otherwise the first manufacturer or service data says
 * what it is.
 */
export function decodeAdvertisingData(bytes: Uint8Array): BleFrame {
  if (bytes.length === 0) return malformed('empty advertisement');
  const parsed = parseAdStructures(bytes);
  if (!parsed.ok) return malformed(parsed.error);
  if (parsed.structures.length === 0) return malformed('advertisement holds only padding');
  const candidates: BleFrame[] = [];
  for (const structure of parsed.structures) {
    if (structure.type === AD_MANUFACTURER_DATA) {
      candidates.push(decodeManufacturerData(structure.data));
      continue;
    }
    const service = serviceDataOf(structure);
    if (service === null) continue;
    candidates.push(service.ok ? decodeServiceData(service.entry.uuid, service.entry.data) : malformed(service.error));
  }
  const types = parsed.structures.map((s) => hex(s.type, 2)).join(', ');
  return pick(candidates, `no manufacturer or service data in the advertisement (AD types ${types})`);
}

export interface AdvertPayload {
  manufacturerData?: Uint8Array;
  serviceData?: readonly { uuid: string; data: Uint8Array }[];
  raw?: Uint8Array;
}

/** An advert as a radio reports it (BleAdvert or any subset of its payload fields). */
export function decodeAdvert(advert: AdvertPayload): BleFrame {
  const candidates: BleFrame[] = [];
  if (advert.manufacturerData) candidates.push(decodeManufacturerData(advert.manufacturerData));
  for (const entry of advert.serviceData ?? []) candidates.push(decodeServiceData(entry.uuid, entry.data));
  if (advert.raw && advert.raw.length > 0) candidates.push(decodeAdvertisingData(advert.raw));
  return pick(candidates, 'advertisement without manufacturer or service data');
}

function pick(candidates: readonly BleFrame[], emptyReason: string): BleFrame {
  let firstMalformed: OtherFrame | undefined;
  let firstOther: OtherFrame | undefined;
  for (const frame of candidates) {
    if (isBeacon(frame)) return frame;
    if (frame.malformed) firstMalformed ??= frame;
    else firstOther ??= frame;
  }
  return firstMalformed ?? firstOther ?? other(emptyReason);
}
