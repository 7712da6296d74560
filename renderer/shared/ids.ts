// Runs in: renderer (DOM). Random ids: UUIDs (crypto.randomUUID, with a getRandomValues fallback
// for pages that are not a secure context) and opaque test payment tokens.

export function randomUuid(): string {
  if (typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      // not a secure context: fall through
    }
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const TOKEN_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * An opaque stand-in for an acquirer's payment token (a real acquirer tokenises the card in
 * issue 3; the app never asks for a card number). Letters only, so it can never look like a
 * card number (the server refuses runs of 13+ digits).
 */
export function testPaymentToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `tok_test_${Array.from(bytes, (byte) => TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length]).join('')}`;
}
