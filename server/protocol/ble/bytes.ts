// Runs in: node and std (no I/O). Hex, UUID and integer helpers the BLE codecs share; readers take
// explicit offsets so decoders never slice (the presence resolver decodes ~100k adverts/s).

const HEX = '0123456789abcdef';
const BYTE_HEX: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4]! + HEX[i & 15]!);

/** Lower-case hex of bytes[start, end). */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += BYTE_HEX[bytes[i]!]!;
  return out;
}

export type HexParse = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/**
 * Parses hex as people paste it: an optional 0x, upper or lower case, and spaces or colons between
 * bytes ("4C:00:02:15" from a sniffer) are accepted; anything else is refused with the reason.
 */
export function parseHex(text: string): HexParse {
  let clean = text.trim().replace(/[\s:]/g, '');
  if (/^0x/i.test(clean)) clean = clean.slice(2);
  if (clean === '') return { ok: false, error: 'no hex digits' };
  const bad = /[^0-9a-fA-F]/.exec(clean);
  if (bad) return { ok: false, error: `"${bad[0]}" is not a hex digit` };
  if (clean.length % 2 !== 0) return { ok: false, error: `odd number of hex digits (${clean.length})` };
  return { ok: true, bytes: Uint8Array.from(Buffer.from(clean, 'hex')) };
}

/** Lower-case, hyphenated 8-4-4-4-12 form of 16 bytes at `offset`. */
export function uuidToString(bytes: Uint8Array, offset = 0): string {
  const hex = toHex(bytes, offset, offset + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The 16 bytes of a UUID written with or without hyphens; null when it is not one. */
export function parseUuid(text: string): Uint8Array | null {
  const trimmed = text.trim();
  if (!UUID_PATTERN.test(trimmed)) return null;
  return Uint8Array.from(Buffer.from(trimmed.replace(/-/g, ''), 'hex'));
}

// The Bluetooth base UUID: a 16- or 32-bit service UUID N stands for 0000NNNN-0000-1000-8000-00805f9b34fb.
const BASE_UUID_TAIL = '00001000800000805f9b34fb';

/**
 * A service UUID in the form BleAdvert uses (lower-case hex, no dashes): 4 digits for a 16-bit UUID,
 * 32 for a 128-bit one. A 128-bit or 32-bit UUID on the Bluetooth base collapses to its short form so
 * "0000feaa-0000-1000-8000-00805f9b34fb", "0xFEAA" and "feaa" compare equal. Null when not a UUID.
 */
export function normaliseServiceUuid(text: string): string | null {
  let clean = text.trim().toLowerCase();
  if (clean.startsWith('0x')) clean = clean.slice(2);
  if (/^[0-9a-f]{4}$/.test(clean)) return clean;
  if (/^[0-9a-f]{8}$/.test(clean)) return clean.startsWith('0000') ? clean.slice(4) : clean;
  if (!UUID_PATTERN.test(clean)) return null;
  const hex = clean.replace(/-/g, '');
  if (hex.endsWith(BASE_UUID_TAIL)) {
    const short = hex.slice(0, 8);
    return short.startsWith('0000') ? short.slice(4) : short;
  }
  return hex;
}

export function int8(bytes: Uint8Array, offset: number): number {
  const value = bytes[offset]!;
  return value > 127 ? value - 256 : value;
}

export function uint16be(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function int16be(bytes: Uint8Array, offset: number): number {
  const value = uint16be(bytes, offset);
  return value > 0x7fff ? value - 0x10000 : value;
}

export function uint32be(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
}

/** Bytes from a hex string of exactly `length` bytes, or the bytes themselves; throws otherwise. */
export function fixedBytes(name: string, value: string | Uint8Array, length: number): Uint8Array {
  const bytes = typeof value === 'string' ? hexOrNull(value) : value;
  if (!bytes || bytes.length !== length) throw new RangeError(`${name} must be ${length} bytes`);
  return bytes;
}

function hexOrNull(text: string): Uint8Array | null {
  const parsed = parseHex(text);
  return parsed.ok ? parsed.bytes : null;
}
