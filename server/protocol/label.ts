// Runs in: node (store server, CLI). Shared codec for the signed product-label URL of DESIGN.md.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const STORE_ID_PATTERN = /^[A-Z0-9-]{4,32}$/;
export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const LABEL_SIG_LENGTH = 16;
const SIG_PATTERN = /^[A-Za-z0-9_-]{16}$/;

export interface LabelRef {
  storeId: string;
  sku: string;
}

export type LabelRefusal =
  | 'label_malformed'
  | 'label_bad_signature'
  | 'label_other_store';

export type LabelCheck =
  | { ok: true; label: LabelRef }
  | { ok: false; code: LabelRefusal; message: string };

export function isStoreId(value: string): boolean {
  return STORE_ID_PATTERN.test(value);
}

export function isSku(value: string): boolean {
  // "." and ".." fit the pattern but are dot segments: every URL parser drops them from the
  // path, so a label for such a SKU could never be scanned back.
  return SKU_PATTERN.test(value) && value !== '.' && value !== '..';
}

/** First 16 characters of base64url(HMAC-SHA256(labelKey, storeId + "/" + sku)). */
export function labelSignature(labelKey: Buffer, storeId: string, sku: string): string {
  return createHmac('sha256', labelKey)
    .update(`${storeId}/${sku}`, 'utf8')
    .digest('base64url')
    .slice(0, LABEL_SIG_LENGTH);
}

export function labelPath(labelKey: Buffer, storeId: string, sku: string): string {
  if (!isStoreId(storeId)) throw new Error(`invalid store id: ${storeId}`);
  if (!isSku(sku)) throw new Error(`invalid sku: ${sku}`);
  return `/q/${storeId}/${sku}?s=${labelSignature(labelKey, storeId, sku)}`;
}

/** The URL a phone camera opens; `baseUrl` is the station's public origin. */
export function labelUrl(baseUrl: string, labelKey: Buffer, storeId: string, sku: string): string {
  return new URL(labelPath(labelKey, storeId, sku), baseUrl).toString();
}

/**
 * Verifies a label for this store. The order of checks matters for the message the shopper
 * sees: a well-formed label of another store says so instead of "forged".
 */
export function verifyLabel(
  labelKey: Buffer,
  ownStoreId: string,
  candidate: { storeId: string; sku: string; sig: string | undefined },
): LabelCheck {
  const { storeId, sku, sig } = candidate;
  if (!isStoreId(storeId) || !isSku(sku) || sig === undefined || !SIG_PATTERN.test(sig)) {
    return { ok: false, code: 'label_malformed', message: 'This label is damaged or incomplete.' };
  }
  if (storeId !== ownStoreId) {
    return {
      ok: false,
      code: 'label_other_store',
      message: 'This label belongs to another store.',
    };
  }
  const expected = Buffer.from(labelSignature(labelKey, storeId, sku));
  if (!timingSafeEqual(expected, Buffer.from(sig))) {
    return { ok: false, code: 'label_bad_signature', message: 'This label is not genuine.' };
  }
  return { ok: true, label: { storeId, sku } };
}

/** Parses a scanned string (full URL or path) into its parts, without verifying it. */
export function parseLabelUrl(text: string): { storeId: string; sku: string; sig: string | undefined } | null {
  let url: URL;
  try {
    url = new URL(text.trim(), 'https://label.invalid');
  } catch {
    return null;
  }
  const match = /^\/q\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return null;
  const storeId = decodeURIComponentSafe(match[1]!);
  const sku = decodeURIComponentSafe(match[2]!);
  if (storeId === null || sku === null) return null;
  return { storeId, sku, sig: url.searchParams.get('s') ?? undefined };
}

function decodeURIComponentSafe(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
