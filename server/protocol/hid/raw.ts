// Runs in: node and std (no I/O). Raw-report RFID readers: vendor-defined HID devices that send
// the card's UID bytes in an input report instead of typing them. There is no standard layout;
// RawReportFormat describes the common ones and the default fits most cheap 13.56 MHz readers.
//
// Assumed format (default): [len, uid0, uid1, …, uid(len-1), padding…]
//   - `len` is the UID length in bytes, 0 meaning "no card in the field";
//   - the UID is sent most significant (first transmitted) byte first;
//   - readers repeat the report while the card stays on them, so a repeat is not a new tap.
// Variants: a leading report id byte (`reportId`), the length byte elsewhere (`lengthOffset`),
// no length byte at all (`uidLength` fixed bytes at `uidOffset`), reversed byte order.

export interface RawReportFormat {
  /** Devices with numbered reports put this id first: it is required and stripped. */
  reportId?: number;
  /** Where the length byte sits (after the report id); the UID follows it. Default 0. */
  lengthOffset?: number;
  /** Fixed-length UIDs with no length byte: `uidLength` bytes from `uidOffset` (default 0). */
  uidLength?: number;
  uidOffset?: number;
  /** 'lsb-first': the reader sends the UID reversed (seen on some 125 kHz readers). */
  byteOrder?: 'msb-first' | 'lsb-first';
  /** A report with the same UID within this many ms of the last one is the card still lying on
   * the reader. Default 1000. Without times, only a no-card report ends a hold. */
  holdMs?: number;
}

/** The UID a raw report carries, as upper-case hex; null when it carries no card or does not
 * fit the format (too short, length byte past the end, all-zero or all-FF UID). */
export function uidFromRawReport(report: Uint8Array, format: RawReportFormat = {}): string | null {
  let bytes = report;
  if (format.reportId !== undefined) {
    if (bytes[0] !== format.reportId) return null;
    bytes = bytes.subarray(1);
  }
  let uid: Uint8Array;
  if (format.uidLength !== undefined) {
    const start = format.uidOffset ?? 0;
    if (format.uidLength <= 0 || start + format.uidLength > bytes.length) return null;
    uid = bytes.subarray(start, start + format.uidLength);
  } else {
    const at = format.lengthOffset ?? 0;
    const length = bytes[at];
    if (length === undefined || length === 0 || at + 1 + length > bytes.length) return null;
    uid = bytes.subarray(at + 1, at + 1 + length);
  }
  // Idle readers send zeros (or FFs, from an erased buffer) rather than an empty report.
  if (uid.every((b) => b === 0) || uid.every((b) => b === 0xff)) return null;
  const ordered = format.byteOrder === 'lsb-first' ? [...uid].reverse() : [...uid];
  return ordered.map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

/** Streaming decoder: one read per card placed on the reader, however often it repeats it. */
export class RawReportDecoder {
  private last: { uid: string; at: number } | null = null;
  private readonly holdMs: number;

  constructor(private readonly format: RawReportFormat = {}) {
    this.holdMs = format.holdMs ?? 1000;
  }

  feed(report: Uint8Array, at?: number): string[] {
    const uid = uidFromRawReport(report, this.format);
    if (uid === null) {
      this.last = null;
      return [];
    }
    const now = at ?? this.last?.at ?? 0;
    const held = this.last !== null && this.last.uid === uid && now - this.last.at <= this.holdMs;
    this.last = { uid, at: now };
    return held ? [] : [uid];
  }

  reset(): void {
    this.last = null;
  }
}

/** The report a reader in `format` sends for a UID (hex): for tests and the virtual reader. */
export function rawReportFor(uidHex: string, format: RawReportFormat = {}, size = 16): Uint8Array {
  const uid = (uidHex.match(/[0-9a-f]{2}/gi) ?? []).map((pair) => parseInt(pair, 16));
  if (format.byteOrder === 'lsb-first') uid.reverse();
  const fixed = format.uidLength !== undefined;
  const start = fixed ? (format.uidOffset ?? 0) : (format.lengthOffset ?? 0) + 1;
  const body = new Uint8Array(Math.max(size, start + uid.length));
  if (!fixed) body[start - 1] = uid.length;
  body.set(uid, start);
  return format.reportId === undefined ? body : Uint8Array.from([format.reportId, ...body]);
}
