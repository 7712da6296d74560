// Runs in: node and std (no I/O). AltBeacon (github.com/AltBeacon/spec) in manufacturer data: any
// company id (little-endian), beacon code be ac, a 20-byte id (id1 16 bytes, id2 and id3 2 bytes
// each, big-endian), the reference RSSI at 1 m and one byte the manufacturer reserves.
import { checkInteger, fixedBytes, int8, toHex, uint16be } from './bytes.js';
import { malformed, type AltBeaconFrame, type OtherFrame } from './types.js';

export const ALTBEACON_CODE = 0xbeac;
export const ALTBEACON_MANUFACTURER_DATA_LENGTH = 26;
/** Radius Networks, the specification's author and the usual id in AltBeacon examples. */
export const RADIUS_NETWORKS_COMPANY_ID = 0x0118;

export function hasAltBeaconPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[2] === 0xbe && bytes[3] === 0xac;
}

export function decodeAltBeacon(bytes: Uint8Array): AltBeaconFrame | OtherFrame {
  const companyId = bytes[0]! | (bytes[1]! << 8);
  if (bytes.length < ALTBEACON_MANUFACTURER_DATA_LENGTH) {
    return malformed(`truncated AltBeacon frame: ${bytes.length} bytes, ${ALTBEACON_MANUFACTURER_DATA_LENGTH} needed`, { companyId });
  }
  return {
    kind: 'altbeacon',
    id1: toHex(bytes, 4, 20),
    id2: uint16be(bytes, 20),
    id3: uint16be(bytes, 22),
    txPower: int8(bytes, 24),
    mfgReserved: bytes[25]!,
  };
}

export interface AltBeaconFields {
  companyId?: number;
  /** 16 bytes, as hex or bytes. */
  id1: string | Uint8Array;
  id2: number;
  id3: number;
  txPower: number;
  mfgReserved?: number;
}

export function encodeAltBeacon(fields: AltBeaconFields): Uint8Array {
  const companyId = fields.companyId ?? RADIUS_NETWORKS_COMPANY_ID;
  const mfgReserved = fields.mfgReserved ?? 0;
  checkInteger('companyId', companyId, 0, 0xffff);
  checkInteger('id2', fields.id2, 0, 0xffff);
  checkInteger('id3', fields.id3, 0, 0xffff);
  checkInteger('txPower', fields.txPower, -128, 127);
  checkInteger('mfgReserved', mfgReserved, 0, 0xff);
  const out = new Uint8Array(ALTBEACON_MANUFACTURER_DATA_LENGTH);
  out[0] = companyId & 0xff;
  out[1] = companyId >> 8;
  out[2] = 0xbe;
  out[3] = 0xac;
  out.set(fixedBytes('id1', fields.id1, 16), 4);
  out[20] = fields.id2 >> 8;
  out[21] = fields.id2 & 0xff;
  out[22] = fields.id3 >> 8;
  out[23] = fields.id3 & 0xff;
  out[24] = fields.txPower & 0xff;
  out[25] = mfgReserved;
  return out;
}
