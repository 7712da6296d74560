// Runs in: node (vitest). Properties of the signed product-label codec (DESIGN.md "Product label").
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  LABEL_SIG_LENGTH,
  isSku,
  labelSignature,
  labelUrl,
  parseLabelUrl,
  verifyLabel,
} from '../../../server/protocol/label.js';

const storeIdArb = fc.stringMatching(/^[A-Z0-9-]{4,32}$/);
// "." and ".." are excluded by isSku: URL parsers drop them from a path.
const skuArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/).filter((s) => s !== '.' && s !== '..');
const keyArb = fc.uint8Array({ minLength: 16, maxLength: 64 }).map((bytes) => Buffer.from(bytes));
const baseArb = fc.constantFrom(
  'https://omnistation.local',
  'https://store-17.example.co.kr:8443',
  'http://127.0.0.1:8080/',
  'https://shop.example/ignored/path',
);
const SIG_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SKU_ALPHABET = `${SIG_ALPHABET.slice(0, 62)}._-`;
const STORE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-';

/** Replaces the character at `index` (mod length) by a different one from `alphabet`. */
function mutate(text: string, index: number, pick: number, alphabet: string): string {
  const i = index % text.length;
  const choices = [...alphabet].filter((c) => c !== text[i]);
  return text.slice(0, i) + choices[pick % choices.length]! + text.slice(i + 1);
}

function signedLabel(key: Buffer, storeId: string, sku: string) {
  return { storeId, sku, sig: labelSignature(key, storeId, sku) };
}

describe('label codec', () => {
  it('round-trips any valid label: labelUrl → parseLabelUrl → verifyLabel', () => {
    fc.assert(
      fc.property(baseArb, keyArb, storeIdArb, skuArb, (base, key, storeId, sku) => {
        const url = labelUrl(base, key, storeId, sku);
        expect(new URL(url).pathname).toBe(`/q/${storeId}/${sku}`);
        const parsed = parseLabelUrl(url);
        expect(parsed).toEqual({ storeId, sku, sig: labelSignature(key, storeId, sku) });
        expect(parsed!.sig).toHaveLength(LABEL_SIG_LENGTH);
        expect(verifyLabel(key, storeId, parsed!)).toEqual({ ok: true, label: { storeId, sku } });
        // A path alone (as typed or scanned without the host) parses the same.
        const { pathname, search } = new URL(url);
        expect(parseLabelUrl(pathname + search)).toEqual(parsed);
      }),
    );
  });

  it('matches the DESIGN.md definition of the signature', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    // Computed independently of labelSignature.
    const expected = createHmac('sha256', key).update('DEMO-1/8801062000012').digest('base64url').slice(0, 16);
    expect(labelUrl('https://omnistation.local', key, 'DEMO-1', '8801062000012')).toBe(
      `https://omnistation.local/q/DEMO-1/8801062000012?s=${expected}`,
    );
  });

  it('refuses any one-character change of the signature', () => {
    fc.assert(
      fc.property(keyArb, storeIdArb, skuArb, fc.nat(), fc.nat(), (key, storeId, sku, i, pick) => {
        const label = signedLabel(key, storeId, sku);
        const forged = { ...label, sig: mutate(label.sig, i, pick, SIG_ALPHABET) };
        const check = verifyLabel(key, storeId, forged);
        expect(check).toMatchObject({ ok: false, code: 'label_bad_signature' });
        // A character outside base64url makes it malformed rather than forged; still refused.
        const garbled = { ...label, sig: mutate(label.sig, i, pick, '+/=.~ é') };
        expect(verifyLabel(key, storeId, garbled)).toMatchObject({ ok: false, code: 'label_malformed' });
      }),
    );
  });

  it('refuses a one-character change of the sku or store id that keeps the signature', () => {
    fc.assert(
      fc.property(keyArb, storeIdArb, skuArb, fc.nat(), fc.nat(), (key, storeId, sku, i, pick) => {
        const label = signedLabel(key, storeId, sku);
        const otherSku = mutate(sku, i, pick, SKU_ALPHABET);
        fc.pre(isSku(otherSku));
        expect(verifyLabel(key, storeId, { ...label, sku: otherSku }).ok).toBe(false);
        expect(verifyLabel(key, storeId, { ...label, sku: otherSku })).toMatchObject({
          code: 'label_bad_signature',
        });
        const otherStore = mutate(storeId, i, pick, STORE_ALPHABET);
        // Presented at its own store, the altered label is refused as other store's...
        expect(verifyLabel(key, storeId, { ...label, storeId: otherStore })).toMatchObject({
          ok: false,
          code: 'label_other_store',
        });
        // ...and at the store it now names (same key, worst case), as a forgery.
        expect(verifyLabel(key, otherStore, { ...label, storeId: otherStore })).toMatchObject({
          ok: false,
          code: 'label_bad_signature',
        });
      }),
    );
  });

  it('refuses a genuine label of another store with label_other_store', () => {
    fc.assert(
      fc.property(keyArb, keyArb, storeIdArb, storeIdArb, skuArb, (theirKey, ourKey, theirs, ours, sku) => {
        fc.pre(theirs !== ours);
        const parsed = parseLabelUrl(labelUrl('https://other.example', theirKey, theirs, sku))!;
        expect(verifyLabel(ourKey, ours, parsed)).toMatchObject({ ok: false, code: 'label_other_store' });
        expect(verifyLabel(theirKey, ours, parsed)).toMatchObject({ ok: false, code: 'label_other_store' });
      }),
    );
  });

  it('refuses a truncated or missing signature with label_malformed', () => {
    fc.assert(
      fc.property(
        keyArb,
        storeIdArb,
        skuArb,
        fc.integer({ min: 0, max: LABEL_SIG_LENGTH - 1 }),
        (key, storeId, sku, keep) => {
          const url = labelUrl('https://omnistation.local', key, storeId, sku);
          const truncated = url.slice(0, url.length - (LABEL_SIG_LENGTH - keep));
          const parsed = parseLabelUrl(truncated)!;
          expect(parsed.sig ?? '').toHaveLength(keep);
          expect(verifyLabel(key, storeId, parsed)).toMatchObject({ ok: false, code: 'label_malformed' });
          const unsigned = parseLabelUrl(url.slice(0, url.indexOf('?')))!;
          expect(unsigned.sig).toBeUndefined();
          expect(verifyLabel(key, storeId, unsigned)).toMatchObject({ ok: false, code: 'label_malformed' });
        },
      ),
    );
  });

  it('never throws on arbitrary input to parseLabelUrl and verifyLabel', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('', '.', '..', '%', '%2F', '%E0%A4%A', '%00', '/', '?', '#', 'DEMO-1', 'SNK-001'),
    );
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .tuple(piece, piece, piece)
        .map(([store, sku, sig]) => `https://h.example/q/${store}/${sku}?s=${sig}`),
      fc.tuple(piece, piece).map(([store, sku]) => `/q/${store}/${sku}`),
    );
    fc.assert(
      fc.property(text, keyArb, storeIdArb, (input, key, own) => {
        const parsed = parseLabelUrl(input);
        if (parsed !== null) {
          const check = verifyLabel(key, own, parsed);
          expect(typeof check.ok).toBe('boolean');
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(piece, piece, fc.option(piece, { nil: undefined }), keyArb, storeIdArb, (storeId, sku, sig, key, own) => {
        const check = verifyLabel(key, own, { storeId, sku, sig });
        if (!check.ok) expect(check.message).toMatch(/\S/);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses the dot-segment SKUs a URL cannot carry', () => {
    expect(isSku('.')).toBe(false);
    expect(isSku('..')).toBe(false);
    expect(isSku('...')).toBe(true);
    expect(() => labelUrl('https://x.example', Buffer.alloc(32), 'DEMO-1', '..')).toThrow(/invalid sku/);
  });
});
