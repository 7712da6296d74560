// Runs in: node (approval worker, CLI). Spelling-independent keys for Korean words written in
// Hangul, Revised Romanization (Gwangju, Busan), McCune–Reischauer (Kwangju, Pusan, Ch'ŏngju)
// or informal spellings (Shin, Choi), plus keyboard-aware typo distance. General rules, no
// place-name table: two spellings agree when their keys agree.
import { convertHangulToQwerty, convertQwertyToHangul, romanize } from 'es-hangul';

const HANGUL_SYLLABLE = /^[\uac00-\ud7a3]+$/;

export function isHangul(text: string): boolean {
  return HANGUL_SYLLABLE.test(text);
}

/** Lower-case ASCII, MR breves kept apart from plain vowels: ŏ is RR's "eo", ŭ is "eu". */
export function foldLatin(text: string): string {
  return text
    .toLowerCase()
    .replace(/[ŏǒ]/g, 'eo')
    .replace(/[ŭǔ]/g, 'eu')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

// Order matters: digraphs before the single letters they contain, vowels before consonants.
const KEY_RULES: [RegExp, string][] = [
  [/tch/g, 'j'],
  [/ch/g, 'j'],
  [/sh/g, 's'],
  [/ph/g, 'b'],
  [/th/g, 'd'],
  [/kh/g, 'g'],
  [/ck/g, 'g'],
  // MR/RR vowel pairs and the common informal spellings (ee, oo, oi).
  [/eo/g, 'o'],
  [/eu/g, 'u'],
  [/oo/g, 'u'],
  [/ou/g, 'u'],
  // Informal w before u (Woolsan, Woo for 우): the semivowel is silent there.
  [/wu/g, 'u'],
  [/ee/g, 'i'],
  [/ae/g, 'e'],
  [/ai/g, 'e'],
  [/oe/g, 'e'],
  [/oi/g, 'e'],
  [/ui/g, 'i'],
  // Aspirated, tense and plain stops are one class in romanised Korean (Pusan/Busan, Kwangju/Gwangju).
  [/[kcq]/g, 'g'],
  [/t/g, 'd'],
  [/[pfv]/g, 'b'],
  [/z/g, 'j'],
  [/r/g, 'l'],
  // After a consonant an h only marks aspiration (P'ohang, K'ang).
  [/([bdgjlmns])h/g, '$1'],
  [/(.)\1+/g, '$1'],
];

/** Canonical key of a Latin spelling; equal keys mean "the same word, spelled differently". */
export function latinKey(text: string): string {
  let key = foldLatin(text);
  for (const [pattern, replacement] of KEY_RULES) key = key.replace(pattern, replacement);
  return key;
}

/**
 * Keys of a Hangul word: syllable by syllable (how people romanise names: 신라면 → Shin Ramyun)
 * and with the sound changes of standard pronunciation (es-hangul: 신라면 → sillamyeon).
 */
export function hangulKeys(word: string): string[] {
  if (!isHangul(word)) return [];
  const bySyllable = [...word].map((s) => romanize(s)).join('');
  const whole = romanize(word);
  return [...new Set([latinKey(bySyllable), latinKey(whole)])];
}

/** A word typed on a QWERTY keyboard with the Korean input method off (rhkdwn → 광주), if any. */
export function qwertyToHangul(word: string): string | undefined {
  if (!/^[a-zA-Z]{2,}$/.test(word)) return undefined;
  let converted: string;
  try {
    converted = convertQwertyToHangul(word);
  } catch {
    // es-hangul 2 throws on some key runs it cannot assemble ("hkA": ㅗㅏ then ㅁ), which no
    // Korean word is typed as; a shopper's answer must never break the dialogue.
    return undefined;
  }
  return isHangul(converted) ? converted : undefined;
}

/** The keystrokes of a Hangul word on the standard 2-set layout, for typo distance. */
export function hangulKeystrokes(word: string): string {
  return convertHangulToQwerty(word).toLowerCase();
}

const QWERTY_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const KEY_POSITION = new Map<string, [number, number]>();
QWERTY_ROWS.forEach((row, r) => [...row].forEach((ch, c) => KEY_POSITION.set(ch, [r, c + r * 0.5])));

/** Neighbouring keys (same or adjacent row, at most one key apart): the substitutions fat fingers make. */
export function adjacentKeys(a: string, b: string): boolean {
  const pa = KEY_POSITION.get(a.toLowerCase());
  const pb = KEY_POSITION.get(b.toLowerCase());
  if (!pa || !pb) return false;
  return Math.abs(pa[0] - pb[0]) <= 1 && Math.abs(pa[1] - pb[1]) <= 1;
}

/**
 * Typo distance: insertions, deletions, transpositions and substitutions of neighbouring keys
 * cost 1; any other substitution costs 2, because swapping a letter for a distant one usually
 * names a different thing (Jenny/Penny, Cheongju/Chungju) rather than mistyping the same one.
 */
export function typoDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > 3) return Math.abs(n - m);
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const same = a[i - 1] === b[j - 1];
      const substitution = same ? 0 : adjacentKeys(a[i - 1]!, b[j - 1]!) ? 1 : 2;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[n]![m]!;
}

/**
 * How many typos a word of this many keystrokes may carry and still be the same word: none
 * for short words, where one letter is the difference between two names (Nabi/Nala).
 */
export function typoAllowance(length: number): number {
  if (length < 5) return 0;
  if (length < 9) return 1;
  return 2;
}
