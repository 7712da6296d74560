// Runs in: node and std (no I/O). Rolling presence codes of DESIGN.md "Presence": a phone that
// can advertise sends iBeacon frames whose major/minor are the first 4 bytes of
// HMAC-SHA256(session secret, window), window = floor(unix seconds / 30) as 8-byte big-endian.
import { createHmac, randomBytes } from 'node:crypto';

export const PRESENCE_WINDOW_SECONDS = 30;
export const PRESENCE_SECRET_BYTES = 32;

export interface PresenceCode {
  major: number;
  minor: number;
  /** major and minor as one 32-bit unsigned integer (major high): the resolver's key. */
  code: number;
}

export function newPresenceSecret(): Buffer {
  return randomBytes(PRESENCE_SECRET_BYTES);
}

/** The 30-second window that contains `ms` (milliseconds since the Unix epoch). */
export function presenceWindow(ms: number): number {
  return Math.floor(ms / 1000 / PRESENCE_WINDOW_SECONDS);
}

export function presenceCode(secret: Uint8Array, window: number): PresenceCode {
  if (secret.length !== PRESENCE_SECRET_BYTES) throw new RangeError('a presence secret is 32 bytes');
  if (!Number.isSafeInteger(window) || window < 0) throw new RangeError('a window is a non-negative integer');
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(window));
  const mac = createHmac('sha256', secret).update(message).digest();
  const major = mac.readUInt16BE(0);
  const minor = mac.readUInt16BE(2);
  return { major, minor, code: mac.readUInt32BE(0) };
}

export function codeOf(major: number, minor: number): number {
  return ((major & 0xffff) * 0x10000 + (minor & 0xffff)) >>> 0;
}
