// Runs in: node and std (no I/O). Turns what a reader typed into the tag id the catalogue and
// loyalty cards use (DESIGN.md: EPC or UID in upper-case hex, whole bytes, 4 to 32 of them —
// the same rule as the catalogue importer).
//
// Readers are configured at the factory to print the id one of a few ways:
//   hex      "04A2B3C4D5E680", "04:a2:b3:c4", "0x04A2B3C4"         → as is, upper-cased
//   decimal  "0012345678" (the common "8H10D": a 32-bit UID as 10 decimal digits) → "00BC614E";
//            any 1-20 digit number likewise, zero-padded to whole bytes and at least 4 of them,
//            so leading zeros never change the tag
//   W26      "188,24910" (Wiegand-26 facility 0-255, comma, card 0-65535) → facility<<16|card,
//            "00BC614E": the same tag as the 10-digit print of that card when its top byte is 0
// A reader's `format` says which; 'auto' guesses, and is right unless a hex id happens to be
// exactly 10 decimal digits: it reads hex, except exactly 10 digits (the default print of most
// decimal readers) and the W26 comma form. Set the format per reader when it matters.

export type CardFormat = 'hex' | 'decimal' | 'auto';

export type CardRead = { tag: string; reason?: undefined } | { tag: null; reason: string };

const MIN_TAG_BYTES = 4;
const MAX_TAG_BYTES = 32;
const HEX = /^[0-9A-F]+$/;
const DIGITS = /^[0-9]+$/;
const W26 = /^([0-9]{1,3}),([0-9]{1,5})$/;
// Readers and people separate bytes with these; they never carry meaning.
const HEX_SEPARATORS = /[\s:-]/g;
const UINT64_MAX = (1n << 64n) - 1n;

export function normaliseCardRead(text: string, format: CardFormat = 'auto'): CardRead {
  const trimmed = text.trim();
  if (trimmed === '') return { tag: null, reason: 'empty read' };
  if (format === 'hex') return fromHex(trimmed);
  const w26 = W26.exec(trimmed);
  if (w26) return fromW26(Number(w26[1]), Number(w26[2]));
  if (format === 'decimal') return fromDecimal(trimmed);
  if (DIGITS.test(trimmed) && trimmed.length === 10 && BigInt(trimmed) <= 0xffffffffn) {
    return fromDecimal(trimmed);
  }
  return fromHex(trimmed);
}

function fromHex(text: string): CardRead {
  const hex = text.replace(/^0x/i, '').replace(HEX_SEPARATORS, '').toUpperCase();
  if (!HEX.test(hex)) return { tag: null, reason: `${quote(text)} is not hexadecimal` };
  if (hex.length % 2 !== 0) return { tag: null, reason: `${quote(text)} has an odd number of hex digits` };
  return sized(hex, text);
}

function fromDecimal(text: string): CardRead {
  if (!DIGITS.test(text)) return { tag: null, reason: `${quote(text)} is not a decimal card number` };
  if (text.length > 20 || BigInt(text) > UINT64_MAX) {
    return { tag: null, reason: `${quote(text)} is too large for a decimal card number` };
  }
  return sized(padHex(BigInt(text).toString(16)), text);
}

function fromW26(facility: number, card: number): CardRead {
  if (facility > 0xff || card > 0xffff) {
    return { tag: null, reason: `${facility},${card} is not a W26 facility,card (0-255,0-65535)` };
  }
  return sized(padHex(((facility << 16) | card).toString(16)), `${facility},${card}`);
}

function padHex(hex: string): string {
  const digits = Math.max(MIN_TAG_BYTES * 2, hex.length + (hex.length % 2));
  return hex.toUpperCase().padStart(digits, '0');
}

function sized(hex: string, text: string): CardRead {
  const bytes = hex.length / 2;
  if (bytes < MIN_TAG_BYTES) return { tag: null, reason: `${quote(text)} is shorter than a tag id (4 bytes)` };
  if (bytes > MAX_TAG_BYTES) return { tag: null, reason: `${quote(text)} is longer than a tag id (32 bytes)` };
  return { tag: hex };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}

/** What a reader set to `format` types for a tag: the inverse of normaliseCardRead, used by the
 * virtual reader. 'auto' readers are assumed to print hex. */
export function cardTextFor(tag: string, format: CardFormat): string {
  if (format !== 'decimal') return tag;
  const value = BigInt(`0x${tag}`);
  return value <= 0xffffffffn ? value.toString().padStart(10, '0') : value.toString();
}
