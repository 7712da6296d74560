// Runs in: renderer (DOM); pure, also unit-tested in node. Kiosk pairing URLs
// `<publicUrl>/shop/pair/<kioskId>/<nonce>`, shown as a QR code on the kiosk screen and opened
// by the phone camera or read by the in-app scanner.

export interface PairingTarget {
  kioskId: string;
  nonce: string;
}

/** The same rules as the server's (presence/routes.ts); the server checks the nonce itself. */
const KIOSK_ID = /^[A-Za-z0-9-]{1,32}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const PAIR_PATH = /^\/shop\/pair\/([^/]+)\/([^/]+)\/?$/;

/** The kiosk and code of a scanned text, or null when it is not a kiosk pairing URL. */
export function pairingTarget(text: string): PairingTarget | null {
  let url: URL;
  try {
    url = new URL(text.trim(), 'http://pair.invalid');
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const match = PAIR_PATH.exec(url.pathname);
  if (match === null) return null;
  return isPairingTarget(match[1]!, match[2]!) ? { kioskId: match[1]!, nonce: match[2]! } : null;
}

export function isPairingTarget(kioskId: unknown, nonce: unknown): boolean {
  return typeof kioskId === 'string' && typeof nonce === 'string' && KIOSK_ID.test(kioskId) && NONCE.test(nonce);
}
