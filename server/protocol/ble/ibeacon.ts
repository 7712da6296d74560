// Runs in: node and std (no I/O). iBeacon inside Apple manufacturer data, as noble reports it:
// 4c 00 (Apple, little-endian) 02 15 (type, length) uuid[16] major[2 BE] minor[2 BE] power[1].
// The resolver's hot path (ibeaconCodeFor) reads the bytes in place and allocates nothing.
import { checkInteger, int8, parseUuid, uint16be, uuidToString } from './bytes.js';
import { malformed, type IBeaconFrame, type OtherFrame } from './types.js';

export const APPLE_COMPANY_ID = 0x004c;
export const IBEACON_TYPE = 0x02;
export const IBEACON_LENGTH = 0x15;
/** Company id, type, length and the 21 bytes the length announces. */
export const IBEACON_MANUFACTURER_DATA_LENGTH = 25;

/** Whether the bytes start with the iBeacon prefix 4c 00 02 15 (complete or not). */
export function hasIBeaconPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x4c && bytes[1] === 0x00 && bytes[2] === IBEACON_TYPE && bytes[3] === IBEACON_LENGTH;
}

function isIBeacon(bytes: Uint8Array): boolean {
  return bytes.length >= IBEACON_MANUFACTURER_DATA_LENGTH && hasIBeaconPrefix(bytes);
}

/** An iBeacon read in place: `uuidBytes` is a view into the caller's buffer, the string is made on demand. */
export class IBeaconView {
  constructor(
    readonly uuidBytes: Uint8Array,
    readonly major: number,
    readonly minor: number,
    readonly txPower: number,
  ) {}

  get uuid(): string {
    return uuidToString(this.uuidBytes);
  }

  /** major and minor as one unsigned 32-bit integer (major high), the presence code's key. */
  get code(): number {
    return ((this.major << 16) | this.minor) >>> 0;
  }
}

/** The iBeacon in manufacturer data, or null for anything else (including truncated frames). */
export function ibeaconFromManufacturerData(bytes: Uint8Array): IBeaconView | null {
  if (!isIBeacon(bytes)) return null;
  return new IBeaconView(bytes.subarray(4, 20), uint16be(bytes, 20), uint16be(bytes, 22), int8(bytes, 24));
}

/**
 * The presence code (major << 16 | minor, unsigned) of an iBeacon whose proximity UUID is `uuid`
 * (16 bytes), or -1 for any other frame. Allocates nothing: this runs for every advert heard.
 */
export function ibeaconCodeFor(bytes: Uint8Array, uuid: Uint8Array): number {
  if (!isIBeacon(bytes)) return -1;
  for (let i = 0; i < 16; i++) if (bytes[4 + i] !== uuid[i]) return -1;
  return ((bytes[20]! << 24) | (bytes[21]! << 16) | (bytes[22]! << 8) | bytes[23]!) >>> 0;
}

/** Full decode for an Apple iBeacon-type message; malformed when its prefix is there but not its body. */
export function decodeIBeacon(bytes: Uint8Array): IBeaconFrame | OtherFrame {
  if (!isIBeacon(bytes)) {
    const detail = bytes.length >= 4 && bytes[3] !== IBEACON_LENGTH ? `length byte 0x${bytes[3]!.toString(16).padStart(2, '0')}, 0x15 expected` : `${bytes.length} bytes, ${IBEACON_MANUFACTURER_DATA_LENGTH} needed`;
    return malformed(`truncated or broken iBeacon frame: ${detail}`, { companyId: APPLE_COMPANY_ID, company: 'Apple', messageType: IBEACON_TYPE });
  }
  return {
    kind: 'ibeacon',
    uuid: uuidToString(bytes, 4),
    major: uint16be(bytes, 20),
    minor: uint16be(bytes, 22),
    txPower: int8(bytes, 24),
  };
}

export interface IBeaconFields {
  /** Proximity UUID as text (hyphens optional) or 16 bytes. */
  uuid: string | Uint8Array;
  major: number;
  minor: number;
  /** Measured power at 1 m, dBm (-128..127); -59 is a typical phone. */
  txPower?: number;
}

/** iBeacon manufacturer data (25 bytes, company id first), as a phone advertises it and noble reports it. */
export function encodeIBeacon(fields: IBeaconFields): Uint8Array {
  const uuid = typeof fields.uuid === 'string' ? parseUuid(fields.uuid) : fields.uuid;
  if (!uuid || uuid.length !== 16) throw new RangeError('an iBeacon proximity UUID is 16 bytes');
  const txPower = fields.txPower ?? -59;
  checkInteger('major', fields.major, 0, 0xffff);
  checkInteger('minor', fields.minor, 0, 0xffff);
  checkInteger('txPower', txPower, -128, 127);
  const out = new Uint8Array(IBEACON_MANUFACTURER_DATA_LENGTH);
  out[0] = 0x4c;
  out[1] = 0x00;
  out[2] = IBEACON_TYPE;
  out[3] = IBEACON_LENGTH;
  out.set(uuid, 4);
  out[20] = fields.major >> 8;
  out[21] = fields.major & 0xff;
  out[22] = fields.minor >> 8;
  out[23] = fields.minor & 0xff;
  out[24] = txPower & 0xff;
  return out;
}
