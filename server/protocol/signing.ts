// Runs in: node (store server's sync worker, central). Station → central request signing of
// docs/central-api.md: pure functions, no I/O; central keeps the nonce ledger in its database.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const STORE_HEADER = 'x-omni-store';
export const TIMESTAMP_HEADER = 'x-omni-timestamp';
export const NONCE_HEADER = 'x-omni-nonce';
export const SIGNATURE_HEADER = 'x-omni-signature';

/** How far a request's timestamp may be from central's clock, either way. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const NONCE_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const STORE_PATTERN = /^[A-Z0-9-]{4,32}$/;
const SIGNING_KEY_LABEL = 'omnistation request signing v1';

export type BodyBytes = string | Uint8Array | undefined | null;

/**
 * The key requests are signed with, derived from the store key. Central keeps only this
 * derivation, so its database never holds the credential IT typed into the station.
 */
export function deriveSigningKey(storeKey: string | Uint8Array): Buffer {
  const raw = typeof storeKey === 'string' ? Buffer.from(storeKey, 'base64url') : Buffer.from(storeKey);
  if (raw.length < 16) throw new Error('a store key has at least 16 bytes');
  return createHmac('sha256', raw).update(SIGNING_KEY_LABEL, 'utf8').digest();
}

export function bodyHash(body: BodyBytes): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

export function canonicalRequest(method: string, pathWithQuery: string, timestamp: string, nonce: string, hashHex: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${hashHex}`;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export interface SignRequestInput {
  method: string;
  /** Path with its query string exactly as sent, e.g. `/v1/sync/state`. */
  path: string;
  /** The exact body bytes sent (the JSON text); nothing for a request without a body. */
  body?: BodyBytes;
  storeId: string;
  /** The store key as issued by central (base64url) or its bytes. */
  key: string | Uint8Array;
  /** Unix milliseconds. */
  now: number;
  nonce?: string;
}

export function signRequest(input: SignRequestInput): Record<string, string> {
  const timestamp = String(Math.floor(input.now));
  const nonce = input.nonce ?? newNonce();
  const canonical = canonicalRequest(input.method, input.path, timestamp, nonce, bodyHash(input.body));
  const signature = createHmac('sha256', deriveSigningKey(input.key)).update(canonical, 'utf8').digest('base64url');
  return {
    [STORE_HEADER]: input.storeId,
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: signature,
  };
}

export interface SignedHeaders {
  storeId: string;
  timestamp: number;
  timestampText: string;
  nonce: string;
  signature: string;
}

export type Refusal = { ok: false; code: 'bad_signature' | 'stale_request'; message: string };

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Reads the four headers; anything missing or malformed is a bad signature. */
export function readSignedHeaders(headers: HeaderBag): { ok: true; value: SignedHeaders } | Refusal {
  const storeId = header(headers, STORE_HEADER);
  const timestampText = header(headers, TIMESTAMP_HEADER);
  const nonce = header(headers, NONCE_HEADER);
  const signature = header(headers, SIGNATURE_HEADER);
  if (!storeId || !timestampText || !nonce || !signature) {
    return { ok: false, code: 'bad_signature', message: 'This request is not signed by a registered store.' };
  }
  if (!STORE_PATTERN.test(storeId) || !/^\d{1,16}$/.test(timestampText) || !NONCE_PATTERN.test(nonce) || !SIGNATURE_PATTERN.test(signature)) {
    return { ok: false, code: 'bad_signature', message: 'The request signature headers are malformed.' };
  }
  return { ok: true, value: { storeId, timestamp: Number(timestampText), timestampText, nonce, signature } };
}

export function isFresh(timestamp: number, now: number): boolean {
  return Math.abs(now - timestamp) <= MAX_CLOCK_SKEW_MS;
}

export interface VerifyInput {
  method: string;
  path: string;
  body?: BodyBytes;
  headers: SignedHeaders;
  /** deriveSigningKey(storeKey), as central stores it. */
  signingKey: Uint8Array;
  now: number;
}

/**
 * Checks freshness and the HMAC. Replay is the caller's part: a nonce is new only if the
 * caller's ledger (a unique constraint) says so, which a pure function cannot know.
 */
export function verifySignature(input: VerifyInput): { ok: true } | Refusal {
  if (!isFresh(input.headers.timestamp, input.now)) {
    return { ok: false, code: 'stale_request', message: 'The request timestamp is too far from the server clock.' };
  }
  const canonical = canonicalRequest(input.method, input.path, input.headers.timestampText, input.headers.nonce, bodyHash(input.body));
  const expected = createHmac('sha256', input.signingKey).update(canonical, 'utf8').digest();
  const given = Buffer.from(input.headers.signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 'bad_signature', message: 'This request is not signed by a registered store.' };
  }
  return { ok: true };
}
