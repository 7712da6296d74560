// Runs in: node (vitest). Station → central request signing (docs/central-api.md).
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_CLOCK_SKEW_MS,
  SIGNATURE_HEADER,
  bodyHash,
  deriveSigningKey,
  readSignedHeaders,
  signRequest,
  verifySignature,
  type SignedHeaders,
} from '../../../server/protocol/signing.js';

const KEY = Buffer.alloc(32, 7).toString('base64url');
const NOW = Date.UTC(2026, 10, 25, 9);

function signedHeaders(headers: Record<string, string>): SignedHeaders {
  const read = readSignedHeaders(headers);
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

function verify(headers: Record<string, string>, overrides: Partial<Parameters<typeof verifySignature>[0]> = {}) {
  return verifySignature({
    method: 'POST',
    path: '/v1/sync/batches',
    body: '{"a":1}',
    headers: signedHeaders(headers),
    signingKey: deriveSigningKey(KEY),
    now: NOW,
    ...overrides,
  });
}

describe('request signing', () => {
  it('signs the documented canonical string with the key derived from the store key', () => {
    const headers = signRequest({ method: 'post', path: '/v1/sync/batches?x=1', body: '{"a":1}', storeId: 'SEOUL-0001', key: KEY, now: NOW, nonce: 'n'.repeat(22) });
    const canonical = `POST\n/v1/sync/batches?x=1\n${NOW}\n${'n'.repeat(22)}\n${createHash('sha256').update('{"a":1}').digest('hex')}`;
    const signingKey = createHmac('sha256', Buffer.alloc(32, 7)).update('omnistation request signing v1').digest();
    expect(headers).toEqual({
      'x-omni-store': 'SEOUL-0001',
      'x-omni-timestamp': String(NOW),
      'x-omni-nonce': 'n'.repeat(22),
      'x-omni-signature': createHmac('sha256', signingKey).update(canonical).digest('base64url'),
    });
    expect(bodyHash(undefined)).toBe(createHash('sha256').update('').digest('hex'));
    expect(deriveSigningKey(Buffer.alloc(32, 7))).toEqual(signingKey);
  });

  it('accepts what it signed, for any body, path and time within the allowed skew', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.stringMatching(/^\/[a-z0-9/?=&.-]{0,60}$/), fc.integer({ min: -MAX_CLOCK_SKEW_MS, max: MAX_CLOCK_SKEW_MS }), (body, path, skew) => {
        const headers = signRequest({ method: 'PUT', path, body, storeId: 'ABCD', key: KEY, now: NOW + skew });
        expect(verify(headers, { method: 'PUT', path, body })).toEqual({ ok: true });
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a changed method, path, body, nonce, timestamp or key, and a stale request', () => {
    const headers = signRequest({ method: 'POST', path: '/v1/sync/batches', body: '{"a":1}', storeId: 'SEOUL-0001', key: KEY, now: NOW });
    expect(verify(headers)).toEqual({ ok: true });
    expect(verify(headers, { method: 'PUT' })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(verify(headers, { path: '/v1/sync/batches?x' })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(verify(headers, { body: '{"a":2}' })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(verify({ ...headers, 'x-omni-nonce': 'm'.repeat(22) })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(verify({ ...headers, 'x-omni-timestamp': String(NOW + 1) })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(verify(headers, { signingKey: deriveSigningKey(Buffer.alloc(32, 8)) })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(verify(headers, { now: NOW + MAX_CLOCK_SKEW_MS + 1 })).toMatchObject({ ok: false, code: 'stale_request' });
    expect(verify(headers, { now: NOW - MAX_CLOCK_SKEW_MS - 1 })).toMatchObject({ ok: false, code: 'stale_request' });
  });

  it('reads missing or malformed headers as a bad signature, never a throw', () => {
    const good = signRequest({ method: 'GET', path: '/', storeId: 'SEOUL-0001', key: KEY, now: NOW });
    expect(readSignedHeaders(good).ok).toBe(true);
    for (const broken of [
      {},
      { ...good, [SIGNATURE_HEADER]: undefined },
      { ...good, 'x-omni-store': 'lower-case' },
      { ...good, 'x-omni-timestamp': '12.5' },
      { ...good, 'x-omni-nonce': 'short' },
      { ...good, [SIGNATURE_HEADER]: 'x'.repeat(44) },
      { ...good, 'x-omni-store': ['SEOUL-0001', 'SEOUL-0002'] },
    ]) {
      expect(readSignedHeaders(broken as Record<string, string>)).toMatchObject({ ok: false, code: 'bad_signature' });
    }
  });

  it('uses a new nonce for every request', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => signRequest({ method: 'GET', path: '/', storeId: 'ABCD', key: KEY, now: NOW })['x-omni-nonce']));
    expect(nonces.size).toBe(200);
  });
});
