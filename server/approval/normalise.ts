// Runs in: node (approval worker, CLI). Turns an answer into comparable tokens: case, accents,
// punctuation and spacing folded; English and Korean frames ("I grew up in", "제 고향은 …
// 입니다") and particles removed; compounds split into name + category (목포고등학교 →
// 목포 + 고등학교); every token carrying its spelling-independent romanisation keys.
import {
  CATEGORY_FAMILY_OF,
  CATEGORY_GROUPS,
  FILLER_PATTERNS_EN,
  FILLER_PATTERNS_KO,
  KOREAN_CATEGORY_SUFFIXES,
  KOREAN_SUFFIXES,
  MIN_STEM_FOR_SHORT_SUFFIX,
  NUMBER_WORDS,
  ARTICLES,
  PREPOSITIONS,
  STOPWORDS_EN,
  STOPWORDS_KO,
} from './lexicon.js';
import { foldLatin, hangulKeys, isHangul, latinKey } from './romanise.js';

export type Script = 'latin' | 'hangul' | 'number';

export interface Token {
  /** The word as it stood, lower-cased: for reasons shown to staff and for debugging. */
  text: string;
  /** Surface forms that count as this word (Hangul: with and without trailing particles). */
  forms: string[];
  /** Romanisation keys (see romanise.ts); empty for numbers. */
  keys: string[];
  script: Script;
  /** Index into CATEGORY_GROUPS when the word names a kind of thing rather than a thing. */
  group?: number;
  stop: boolean;
  /** Inside (…) or […]: an aside, e.g. "나비 (고양이)". */
  inParens: boolean;
  /** Which comma/"or"-separated part of the text it is in. */
  segment: number;
  /** Written with a full stop after it (Univ., St.): an abbreviation by its author's own mark. */
  dotted: boolean;
  /** Came out of a compound split (목포고 → 목포 + 고): the pieces were written together. */
  compound: boolean;
  /** The pieces of a hyphenated Latin word (busan-si → busan, si). */
  parts?: string[];
  /** Position among all tokens (function words included), for adjacency. */
  position: number;
  /**
   * Set when the word follows a head word and an article or preposition: it describes the
   * head ("Nabi the cat", "Starbucks on Main Street") rather than being the head.
   */
  modifier: boolean;
}

export interface Normalised {
  tokens: Token[];
  /** Parts separated by an explicit alternative marker ("or", "/", 또는): a hedge or a list. */
  alternativeSegments: number;
  /** Parts separated by commas or the like. */
  segments: number;
  /** True when the text had any function word or particle: a phrase rather than a bare list. */
  hasFunctionWords: boolean;
  hasParens: boolean;
}

const GROUP_OF = new Map<string, number>();
CATEGORY_GROUPS.forEach((forms, i) => forms.forEach((f) => GROUP_OF.set(f.replace(/\s+/g, ''), i)));

// Latin word pairs that form one category noun ("high school" → highschool).
const JOINABLE = new Set([...GROUP_OF.keys()].filter((k) => /^[a-z]+$/.test(k)));

export function groupOf(forms: readonly string[]): number | undefined {
  for (const f of forms) {
    const g = GROUP_OF.get(f);
    if (g !== undefined) return g;
  }
  return undefined;
}

/** Strips fillers from lower-case text; a removed frame leaves a space so words stay apart. */
export function stripFillers(text: string): string {
  let out = text;
  for (const pattern of [...FILLER_PATTERNS_EN, ...FILLER_PATTERNS_KO]) out = out.replace(pattern, ' ');
  return out;
}

/** A Hangul word with trailing particles peeled off, up to two layers (광주에서요 → 광주). */
export function particleForms(word: string): string[] {
  const forms = [word];
  let current = word;
  for (let layer = 0; layer < 2; layer++) {
    const suffix = KOREAN_SUFFIXES.find((s) => current.length > s.length && current.endsWith(s));
    if (!suffix) break;
    current = current.slice(0, -suffix.length);
    forms.push(current);
  }
  return forms;
}

function splitCategory(word: string): [string, string] | undefined {
  if (GROUP_OF.has(word)) return undefined;
  for (const suffix of KOREAN_CATEGORY_SUFFIXES) {
    if (!word.endsWith(suffix) || word.length === suffix.length) continue;
    const stem = word.slice(0, -suffix.length);
    if (suffix.length === 1 && stem.length < MIN_STEM_FOR_SHORT_SUFFIX) continue;
    return [stem, suffix];
  }
  return undefined;
}

interface RawWord {
  text: string;
  parts?: string[];
  /** A possessive without its s. */
  bare?: string;
  script: Script;
  index: number;
  dotted: boolean;
}

const WORD = /[\uac00-\ud7a3]+|\d+(?:\.\d+)?(?:st|nd|rd|th)?|[a-z\u00c0-\u024f\u1e00-\u1eff]+(?:['’.-][a-z\u00c0-\u024f\u1e00-\u1eff]+)*\.?/g;

function rawWords(text: string): RawWord[] {
  const words: RawWord[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const raw = m[0];
    if (/^[\uac00-\ud7a3]/.test(raw)) words.push({ text: raw, script: 'hangul', index: m.index, dotted: false });
    else if (/^\d/.test(raw)) words.push({ text: raw.replace(/[a-z]+$/, ''), script: 'number', index: m.index, dotted: false });
    else {
      const dotted = raw.endsWith('.');
      // Dots inside a word are initials (u.s.a.), hyphens and apostrophes join (seo-yeon, howl's,
      // ch'ŏngju); the hyphenated parts are kept for "busan-si" against "Busan".
      const joined = foldLatin(raw.replace(/['’]s\.?$/, 's'));
      // Possessives also without their s: "dad's" is "dad", "Mary's" still matches "marys".
      const possessive = /['’]s\.?$/.test(raw) ? foldLatin(raw.replace(/['’]s\.?$/, '')) : undefined;
      const parts = raw.includes('-') ? raw.split('-').map((p) => foldLatin(p)).filter(Boolean) : [];
      if (joined) words.push({ text: joined, script: 'latin', index: m.index, dotted, ...(parts.length > 1 ? { parts } : {}), ...(possessive ? { bare: possessive } : {}) });
    }
  }
  return words;
}

/** Character ranges of (…) and […] asides. */
function parenRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const re = /[([][^)\]]*[)\]]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) ranges.push([m.index, m.index + m[0].length]);
  return ranges;
}

function segmentStarts(text: string): { commas: number[]; alternatives: number[] } {
  const commas: number[] = [];
  const alternatives: number[] = [];
  for (const m of text.matchAll(/[,;、·\n]/g)) commas.push(m.index);
  for (const m of text.matchAll(/\/|\||\bor\b|\beither\b|또는|아니면|혹은/g)) alternatives.push(m.index);
  return { commas, alternatives };
}

/**
 * Tokens of an answer or enrolled text. `cut` ranges (dates, already read) are blanked first
 * so their digits do not come back as numbers.
 */
export function normalise(input: string, cut: readonly [number, number][] = []): Normalised {
  let text = input.normalize('NFKC').toLowerCase();
  for (const [start, end] of cut) text = text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
  const parens = parenRanges(text);
  const { commas, alternatives } = segmentStarts(text);
  // Fillers are cut with same-length blanks, so the ranges above stay valid.
  let stripped = text;
  for (const pattern of [...FILLER_PATTERNS_EN, ...FILLER_PATTERNS_KO]) {
    stripped = stripped.replace(pattern, (m) => ' '.repeat(m.length));
  }
  const hadFrame = stripped !== text;
  const words = rawWords(stripped);

  // Join category nouns written as two words ("high school", "metropolitan city").
  const merged: RawWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (next && w.script === 'latin' && next.script === 'latin' && JOINABLE.has(w.text + next.text)) {
      merged.push({ ...w, text: w.text + next.text, dotted: next.dotted });
      i++;
      continue;
    }
    merged.push(w);
  }

  const tokens: Token[] = [];
  let hasFunctionWords = hadFrame;
  for (const w of merged) {
    const inParens = parens.some(([s, e]) => w.index > s && w.index < e);
    const segment = commas.filter((c) => c < w.index).length + alternatives.filter((c) => c < w.index).length;
    const base = { inParens, segment, dotted: w.dotted, compound: false, position: 0, modifier: false };
    if (w.script === 'number') {
      tokens.push({ ...base, text: w.text, forms: [String(Number(w.text))], keys: [], script: 'number', stop: false });
      continue;
    }
    if (w.script === 'latin') {
      const number = NUMBER_WORDS[w.text];
      if (number) {
        tokens.push({ ...base, text: w.text, forms: [number], keys: [], script: 'number', stop: false });
        continue;
      }
      const forms = [...new Set([w.text, ...(w.bare ? [w.bare] : []), ...singulars(w.text)])];
      const stop = forms.some((f) => STOPWORDS_EN.has(f));
      if (stop) hasFunctionWords = true;
      const group = groupOf(forms);
      tokens.push({
        ...base,
        text: w.text,
        forms,
        keys: [latinKey(w.text)],
        script: 'latin',
        stop,
        ...(group !== undefined ? { group } : {}),
        ...(w.parts ? { parts: w.parts } : {}),
      });
      continue;
    }
    // Hangul.
    const forms = particleForms(w.text);
    const particle = w.text.slice(forms[forms.length - 1]!.length);
    // 이, 가, 도, 로 … also end plain nouns (제주도, 고양이); only unmistakable particles make a phrase.
    if (particle.length >= 2 || UNMISTAKABLE_PARTICLES.has(particle)) hasFunctionWords = true;
    const number = forms.map((f) => NUMBER_WORDS[f]).find(Boolean);
    if (number && forms.length === 1) {
      tokens.push({ ...base, text: w.text, forms: [number, w.text], keys: [], script: 'number', stop: false });
      continue;
    }
    if (forms.some((f) => STOPWORDS_KO.has(f))) {
      hasFunctionWords = true;
      tokens.push({ ...base, text: w.text, forms, keys: [], script: 'hangul', stop: true });
      continue;
    }
    // A compound ending in a category noun: try the most-stripped form first (목포고요 → 목포 + 고).
    const split = [...forms].reverse().map(splitCategory).find(Boolean);
    if (split) {
      // Category nouns can stack (바나나맛우유 = 바나나 + 맛 + 우유): peel them off one by one.
      let [stem, suffix] = split;
      const suffixes = [suffix];
      for (let more = splitCategory(stem); more; more = splitCategory(stem)) {
        [stem, suffix] = more;
        suffixes.unshift(suffix);
      }
      const stemForms = particleForms(stem);
      tokens.push({ ...base, compound: true, text: stem, forms: stemForms, keys: keysOf(stemForms), script: 'hangul', stop: false });
      for (const part of suffixes) {
        const group = groupOf([part]);
        tokens.push({ ...base, compound: true, text: part, forms: [part], keys: keysOf([part]), script: 'hangul', stop: false, ...(group !== undefined ? { group } : {}) });
      }
      continue;
    }
    const group = groupOf(forms);
    tokens.push({ ...base, text: w.text, forms, keys: keysOf(forms), script: 'hangul', stop: false, ...(group !== undefined ? { group } : {}) });
  }
  markModifiers(tokens);
  const segments = 1 + commas.length + alternatives.length;
  return {
    tokens,
    alternativeSegments: alternatives.length > 0 ? alternatives.length + 1 : 0,
    segments,
    hasFunctionWords,
    hasParens: parens.length > 0,
  };
}

/** Singular forms of an English plural, as extra forms ("pies" → "pie", "cherries" → "cherry"). */
function singulars(word: string): string[] {
  if (word.length < 4 || !word.endsWith('s') || word.endsWith('ss') || word.endsWith('us')) return [];
  if (word.endsWith('ies')) return [`${word.slice(0, -3)}y`, word.slice(0, -1)];
  if (/(?:sh|ch|x|z|s)es$/.test(word)) return [word.slice(0, -2)];
  return [word.slice(0, -1)];
}

const UNMISTAKABLE_PARTICLES = new Set(['은', '는', '을', '를', '에', '의', '요']);
const QUANTITY_FAMILIES = new Set(['unit', 'pack']);

function markModifiers(tokens: Token[]): void {
  let segment = -1;
  let seenHead = false;
  let modifying = false;
  tokens.forEach((t, i) => {
    t.position = i;
    if (t.segment !== segment) {
      segment = t.segment;
      seenHead = false;
      modifying = false;
    }
    if (t.stop) {
      if (seenHead && (ARTICLES.has(t.text) || PREPOSITIONS.has(t.text))) modifying = true;
      return;
    }
    t.modifier = modifying;
    seenHead = true;
  });
  // A count before a unit or pack ("12-pack", "1.5 l") sizes the product, it does not name it.
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if (t.script === 'number' && next?.group !== undefined && QUANTITY_FAMILIES.has(CATEGORY_FAMILY_OF[next.group]!)) t.modifier = true;
  });
}

function keysOf(forms: readonly string[]): string[] {
  return [...new Set(forms.filter(isHangul).flatMap(hangulKeys))];
}

/** The text reduced to its comparable core: for the salted hash kept at enrolment. */
export function canonicalText(input: string): string {
  return normalise(input)
    .tokens.filter((t) => !t.stop)
    .map((t) => (t.script === 'latin' ? t.keys[0] : t.forms[t.forms.length - 1]))
    .join(' ');
}
