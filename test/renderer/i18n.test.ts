// Runs in: node (vitest). The Korean and English messages have the same keys and placeholders,
// and the start-up language choice.
import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/shared/messages/en';
import { ko } from '../../renderer/shared/messages/ko';
import { pickLocale } from '../../renderer/shared/locale';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [inner, text] of flatten(value, path)) out.set(inner, text);
  }
  return out;
}

const placeholders = (text: string): string[] =>
  [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();

describe('messages', () => {
  const english = flatten(en as unknown as Tree);
  const korean = flatten(ko as unknown as Tree);

  it('has every English key in Korean and every Korean key in English', () => {
    const onlyEnglish = [...english.keys()].filter((key) => !korean.has(key));
    const onlyKorean = [...korean.keys()].filter((key) => !english.has(key));
    expect(onlyEnglish, 'keys missing in ko').toEqual([]);
    expect(onlyKorean, 'keys missing in en').toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const mismatched = [...english.entries()]
      .filter(([key, text]) => placeholders(text).join() !== placeholders(korean.get(key) ?? '').join())
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it('has no empty messages and no stray vue-i18n specials', () => {
    for (const [key, text] of [...english, ...korean]) {
      expect(text.trim(), key).not.toBe('');
      // "@" starts a linked message and "$" is reserved in vue-i18n's syntax.
      expect(text, key).not.toMatch(/[@$]/);
    }
  });

  it('translates every server error code the shopper and the monitor branch on', () => {
    for (const code of [
      'label_malformed',
      'label_bad_signature',
      'label_other_store',
      'product_not_found',
      'order_id_conflict',
      'cart_empty',
      'pin_wrong',
      'order_state',
      'rate_limited',
      'network_error',
      // Payments (shopper: pay again; monitor: hand-over and refunds).
      'payment_done',
      'payments_unavailable',
      'payment_unavailable',
      'payment_token_invalid',
      'payment_required',
      'refund_unavailable',
      'refund_refused',
      'central_unavailable',
    ]) {
      expect(english.has(`errors.${code}`), code).toBe(true);
    }
  });
});

describe('pickLocale', () => {
  it('prefers the saved choice', () => {
    expect(pickLocale('en', ['ko-KR'])).toBe('en');
    expect(pickLocale('ko', ['en-US'])).toBe('ko');
  });
  it('then the first supported browser language', () => {
    expect(pickLocale(null, ['ko-KR', 'en-US'])).toBe('ko');
    expect(pickLocale(null, ['fr-FR', 'en-GB', 'ko'])).toBe('en');
    expect(pickLocale('de', ['KO'])).toBe('ko');
  });
  it('falls back to English', () => {
    expect(pickLocale(null, ['fr-FR', 'ja'])).toBe('en');
    expect(pickLocale(undefined, [])).toBe('en');
  });
});
