// Runs in: node (store server, central). UUIDv7 (RFC 9562): ids that sort by creation time, so
// sync events and payments index well and read in order.
import { randomBytes } from 'node:crypto';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let lastMs = -1;
let lastTail = Buffer.alloc(10);

/**
 * Within one millisecond the 74 random bits count up from the previous id (RFC 9562 method 3
 * style), so ids made by one process never sort out of order even when the clock stalls.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = Buffer.alloc(16);
  let ms = Math.max(0, Math.floor(now));
  if (ms <= lastMs) {
    ms = lastMs;
    const tail = Buffer.from(lastTail);
    for (let i = tail.length - 1; i >= 0; i--) {
      tail[i] = (tail[i]! + 1) & 0xff;
      if (tail[i] !== 0) break;
    }
    lastTail = tail;
  } else {
    lastTail = randomBytes(10);
    // Leave room to count up without carrying into the version bits.
    lastTail[0]! &= 0x07;
  }
  lastMs = ms;
  bytes.writeUIntBE(ms, 0, 6);
  lastTail.copy(bytes, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isUuidV7(value: string): boolean {
  return UUID_V7.test(value);
}

/** The creation time an id carries, in unix milliseconds. */
export function uuidv7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
