// Runs in: node. Card data never enters central (PCI-DSS, DESIGN.md "Data and durability"):
// request fields that look like a card number are refused before anything is stored, and what
// the acquirer reports is kept only if it is masked to BIN + last 4 at most.

/** Digits, optionally grouped by single spaces or dashes, as people write PANs (maximal runs). */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;
/** UUIDs are full of digit groups and never card numbers; they are blanked before the scan. */
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Names that only ever carry card secrets. */
const CARD_FIELD = /^(pan|card_?number|cvv2?|cvc2?|pin_?block|track_?[12]?)$/i;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Card numbers issued today start with 2–6 (Mastercard 2-series, Amex, Visa, Mastercard, Discover/UnionPay). */
function isPan(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits);
}

export function looksLikePan(text: string): boolean {
  const scanned = text.replace(UUIDS, ' ');
  for (const match of scanned.matchAll(DIGIT_RUN)) {
    // A run glued to letters is part of a code (hex, a reference), not a number on its own.
    const before = scanned[match.index - 1] ?? ' ';
    const after = scanned[match.index + match[0].length] ?? ' ';
    if (/[A-Za-z]/.test(before) || /[A-Za-z]/.test(after)) continue;
    if (isPan(match[0].replace(/[ -]/g, ''))) return true;
  }
  return false;
}

/**
 * Where card data sits in a parsed JSON body, as a JSON pointer, or null. Numbers count too
 * when they are long enough to be a PAN (millisecond timestamps have 13 digits and are spared).
 */
export function findCardData(value: unknown, pointer = ''): string | null {
  if (typeof value === 'string') return looksLikePan(value) ? pointer || '/' : null;
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) >= 1e14 && isPan(String(Math.abs(value))) ? pointer || '/' : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findCardData(value[i], `${pointer}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const here = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (CARD_FIELD.test(key) || looksLikePan(key)) return here;
      const found = findCardData(child, here);
      if (found) return found;
    }
  }
  return null;
}

/** The acquirer's masked PAN if it shows at most the BIN and the last 4; otherwise nothing is kept. */
export function safeMaskedPan(masked: string | undefined | null): string | null {
  if (!masked || masked.length > 24) return null;
  if (!/^\d{0,6}[*Xx•]{3,}\d{0,4}$/u.test(masked)) return null;
  return masked;
}
