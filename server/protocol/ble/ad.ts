// Runs in: node and std (no I/O). Advertising data as it is on air: a list of AD structures, each
// one length byte (covering type and data), one type byte and the data (Core Spec Vol 3 Part C §11).
// A zero length ends the significant part early; what follows is padding.
import { normaliseServiceUuid, toHex } from './bytes.js';

export const AD_FLAGS = 0x01;
export const AD_COMPLETE_16BIT_UUIDS = 0x03;
export const AD_COMPLETE_LOCAL_NAME = 0x09;
export const AD_SERVICE_DATA_16 = 0x16;
export const AD_SERVICE_DATA_32 = 0x20;
export const AD_SERVICE_DATA_128 = 0x21;
export const AD_MANUFACTURER_DATA = 0xff;

export interface AdStructure {
  type: number;
  /** A view into the parsed bytes. */
  data: Uint8Array;
}

export type AdParse = { ok: true; structures: AdStructure[] } | { ok: false; error: string };

export function parseAdStructures(bytes: Uint8Array): AdParse {
  const structures: AdStructure[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = bytes[offset]!;
    if (length === 0) break;
    const end = offset + 1 + length;
    if (end > bytes.length) {
      return {
        ok: false,
        error: `AD structure at offset ${offset} announces ${length} bytes but only ${bytes.length - offset - 1} follow`,
      };
    }
    structures.push({ type: bytes[offset + 1]!, data: bytes.subarray(offset + 2, end) });
    offset = end;
  }
  return { ok: true, structures };
}

export function encodeAdStructures(structures: readonly { type: number; data: Uint8Array }[]): Uint8Array {
  const total = structures.reduce((sum, s) => sum + 2 + s.data.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const { type, data } of structures) {
    if (data.length > 254) throw new RangeError(`AD structure of type 0x${type.toString(16)} holds at most 254 bytes`);
    out[offset] = data.length + 1;
    out[offset + 1] = type;
    out.set(data, offset + 2);
    offset += 2 + data.length;
  }
  return out;
}

export interface ServiceDataEntry {
  /** BleAdvert form: 4 or 32 lower-case hex digits (8 for a 32-bit UUID off the base). */
  uuid: string;
  data: Uint8Array;
}

/** The UUID bytes of service data structures are little-endian on air. */
const SERVICE_DATA_UUID_BYTES: Record<number, number> = {
  [AD_SERVICE_DATA_16]: 2,
  [AD_SERVICE_DATA_32]: 4,
  [AD_SERVICE_DATA_128]: 16,
};

export type ServiceDataParse = { ok: true; entry: ServiceDataEntry } | { ok: false; error: string };

/** Splits a 0x16 / 0x20 / 0x21 structure's data into its service UUID and payload. */
export function serviceDataOf(structure: AdStructure): ServiceDataParse | null {
  const uuidBytes = SERVICE_DATA_UUID_BYTES[structure.type];
  if (uuidBytes === undefined) return null;
  const { data } = structure;
  if (data.length < uuidBytes) {
    return { ok: false, error: `service data structure (type 0x${structure.type.toString(16)}) is shorter than its ${uuidBytes}-byte UUID` };
  }
  const bigEndian = Uint8Array.from(data.subarray(0, uuidBytes)).reverse();
  const uuid = normaliseServiceUuid(toHex(bigEndian))!;
  return { ok: true, entry: { uuid, data: data.subarray(uuidBytes) } };
}

export type AdvertFields =
  | { ok: true; manufacturerData?: Uint8Array; serviceData?: ServiceDataEntry[] }
  | { ok: false; error: string };

/**
 * The manufacturer and service data an adapter would report for raw advertising data (the first
 * manufacturer data structure, every service data one), so raw replays feed the same fast paths.
 */
export function advertFieldsFromAd(bytes: Uint8Array): AdvertFields {
  const parsed = parseAdStructures(bytes);
  if (!parsed.ok) return parsed;
  let manufacturerData: Uint8Array | undefined;
  let serviceData: ServiceDataEntry[] | undefined;
  for (const structure of parsed.structures) {
    if (structure.type === AD_MANUFACTURER_DATA) {
      manufacturerData ??= structure.data;
      continue;
    }
    const service = serviceDataOf(structure);
    if (service === null) continue;
    if (!service.ok) return service;
    (serviceData ??= []).push(service.entry);
  }
  return { ok: true, manufacturerData, serviceData };
}
