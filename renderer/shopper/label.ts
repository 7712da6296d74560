// Runs in: renderer (DOM); pure, also unit-tested in node. Product label URLs
// `/q/<storeId>/<sku>?s=<sig>`, opened from the phone camera or read by the in-app scanner.

const LABEL_PATH = /^\/q\/[A-Za-z0-9-]{1,64}\/[A-Za-z0-9._-]{1,128}$/;

/**
 * The code to send to POST /api/cart/scan for a scanned text, or null when the text is not a
 * label URL at all (another QR code). Signature and store are checked by the server.
 */
export function labelCode(text: string): string | null {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed, 'http://label.invalid');
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!LABEL_PATH.test(url.pathname)) return null;
  return `${url.pathname}${url.search}`;
}
