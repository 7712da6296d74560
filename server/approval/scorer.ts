// Runs in: node (approval worker, CLI). Scores one answer against the enrolled one, 0..1. The
// judge is entity agreement: every identifying word of the enrolled answer (the name, the
// date, the place; not "city", "cat" or "high school") must be found in the answer, in any
// spelling, script, abbreviation or typo, and the answer must not bring a rival entity, a list
// of candidates, an evasion or an instruction to the judge. The sentence model's cosine only
// nudges the result; it can never lift an answer that names a different thing.
import { compareDates, findDates, type DateAgreement, type FoundDate } from './dates.js';
import { ABBREVIATIONS, CATEGORY_FAMILY_OF, EVASIVE_PATTERNS, INJECTION_PATTERNS, NICKNAMES, STOPWORDS_EN, TOPONYM_PREFIXES } from './lexicon.js';
import { groupOf, normalise, particleForms, type Normalised, type Token } from './normalise.js';
import { isCommonEnglishWord } from './wordfreq.js';
import { hangulKeystrokes, latinKey, qwertyToHangul, typoAllowance, typoDistance } from './romanise.js';

export interface ApprovalItem {
  question: string;
  enrolled: string;
  answer: string;
}

export type Refusal = 'empty' | 'evasive' | 'injection' | 'stuffing' | 'no-enrolled';

export interface ScoreFeatures {
  /** The score from the word and entity checks alone. */
  lexical: number;
  /** Weighted share of the enrolled words found in the answer. */
  coverage: number;
  /** Share of the identifying (key) enrolled words found. */
  keyCoverage: number;
  /** Weight of identifying answer words that match nothing enrolled. */
  extras: number;
  /** 0..1: the answer names something else where the enrolled key was expected. */
  contradiction: number;
  /** Rival candidates offered beside the matching one. */
  alternatives: number;
  date?: DateAgreement | 'missing';
  cosine?: number;
  refusal?: Refusal;
}

export interface ScoreResult {
  score: number;
  match: boolean;
  /** Short, answer-free explanations (safe to audit and show to staff). */
  reasons: string[];
  features: ScoreFeatures;
}

/** The shipped calibration (resources/models/approval-calibration.json). */
export interface ScoringParameters {
  threshold: number;
  /** How far the sentence cosine may move a score: score += weight × (cosine − centre). */
  cosineWeight: number;
  cosineCentre: number;
}

// A matched token counts when its quality reaches this.
const MATCHED = 0.5;

interface Match {
  quality: number;
  how: string;
}

const NONE: Match = { quality: 0, how: '' };

function share(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

function related(table: Readonly<Record<string, readonly string[]>>, a: string, b: string): boolean {
  return (table[a]?.includes(b) ?? false) || (table[b]?.includes(a) ?? false);
}

/** How well answer token `a` stands for enrolled token `e`, 0..1. */
export function tokenMatch(e: Token, a: Token, eIsKey: boolean): Match {
  if (share(e.forms, a.forms)) return { quality: 1, how: 'exact' };
  if (e.script === 'number' || a.script === 'number') return NONE;
  if (share(e.keys, a.keys)) return { quality: 0.95, how: e.script === a.script ? 'romanisation' : 'transliteration' };
  if (e.script === 'latin' && a.script === 'latin') {
    if (related(NICKNAMES, e.text, a.text)) return { quality: 0.9, how: 'nickname' };
    if (related(ABBREVIATIONS, e.text, a.text)) return { quality: 0.9, how: 'abbreviation' };
    const [short, long] = a.text.length < e.text.length ? [a, e] : [e, a];
    if (short.dotted && short.text.length >= 2 && long.text.length > short.text.length + 1 && long.text.startsWith(short.text)) {
      return { quality: 0.85, how: 'abbreviation' };
    }
  }
  if (!eIsKey && e.group !== undefined && e.group === a.group) return { quality: 0.85, how: 'category' };
  if (e.script === 'latin' && a.script === 'latin' && e.text[0] === a.text[0]) {
    const allowance = typoAllowance(Math.min(e.text.length, a.text.length));
    if (allowance > 0 && typoDistance(e.text, a.text) <= allowance) return { quality: 0.85, how: 'typo' };
  }
  if (e.script === 'hangul' && a.script === 'hangul') {
    const ef = e.forms[e.forms.length - 1]!;
    const af = a.forms[a.forms.length - 1]!;
    // Korean typos are judged per keystroke, but never in a short word or its first syllable:
    // 광주/경주 differ by two keys and are two cities.
    if (ef.length >= 3 && af.length >= 3 && ef[0] === af[0]) {
      const ek = hangulKeystrokes(ef);
      const ak = hangulKeystrokes(af);
      const allowance = Math.min(typoAllowance(Math.min(ek.length, ak.length)), ef.length >= 5 ? 2 : 1);
      if (typoDistance(ek, ak) <= allowance) return { quality: 0.85, how: 'typo' };
    }
  }
  // "busan-si" for "Busan": one part is the word, the others only name its kind.
  for (const [whole, single] of [[a, e], [e, a]] as const) {
    if (!whole.parts || single.parts) continue;
    const hit = whole.parts.findIndex((p) => p === single.text || latinKey(p) === single.keys[0]);
    if (hit >= 0 && whole.parts.every((p, i) => i === hit || groupOf([p]) !== undefined)) return { quality: 0.95, how: 'spacing' };
  }
  if (e.script === 'hangul' && a.script === 'latin') {
    const typed = qwertyToHangul(a.text);
    if (typed && share(e.forms, particleForms(typed))) return { quality: 0.9, how: 'keyboard layout' };
  }
  return NONE;
}

function spanText(tokens: readonly Token[]): { forms: string[]; keys: string[] } {
  const first = tokens.map((t) => t.forms[0]!).join('');
  const last = tokens.map((t) => t.forms[t.forms.length - 1]!).join('');
  const keys = tokens.every((t) => t.keys.length > 0) ? [tokens.map((t) => t.keys[0]!).join(''), tokens.map((t) => t.keys[t.keys.length - 1]!).join('')] : [];
  return { forms: [first, last], keys };
}

function initials(tokens: readonly Token[]): string {
  return tokens.map((t) => t.text[0] ?? '').join('');
}

interface Alignment {
  enrolled: Match[];
  answer: Match[];
}

/** Best match for every enrolled and every answer content token. */
function align(enrolled: readonly Token[], answer: readonly Token[], isKey: (i: number) => boolean): Alignment {
  const e = enrolled.map(() => NONE);
  const a = answer.map(() => NONE);
  const better = (list: Match[], i: number, m: Match) => {
    if (m.quality > list[i]!.quality) list[i] = m;
  };
  for (let i = 0; i < enrolled.length; i++) {
    for (let j = 0; j < answer.length; j++) {
      const m = tokenMatch(enrolled[i]!, answer[j]!, isKey(i));
      if (m.quality > 0) {
        better(e, i, m);
        better(a, j, m);
      }
    }
  }
  // Spacing: "seo yeon" / "seoyeon", "lotte mart" / "lottemart": spans of up to 3 words whose
  // letters run together the same way are the same words.
  for (let i = 0; i < enrolled.length; i++) {
    for (let li = 1; li <= 3 && i + li <= enrolled.length; li++) {
      for (let j = 0; j < answer.length; j++) {
        for (let lj = 1; lj <= 3 && j + lj <= answer.length; lj++) {
          if (li === 1 && lj === 1) continue;
          const es = spanText(enrolled.slice(i, i + li));
          const as = spanText(answer.slice(j, j + lj));
          const q = share(es.forms, as.forms) ? 1 : share(es.keys, as.keys) ? 0.95 : 0;
          if (q === 0) continue;
          const m = { quality: q, how: 'spacing' };
          for (let k = i; k < i + li; k++) better(e, k, m);
          for (let k = j; k < j + lj; k++) better(a, k, m);
        }
      }
    }
  }
  // Initialisms: SNU for Seoul National University, and the other way round.
  const initialism = (short: readonly Token[], long: readonly Token[], shortSide: Match[], longSide: Match[]) => {
    for (let s = 0; s < short.length; s++) {
      const t = short[s]!;
      // A real word (mr, the, st) is not an initialism, and neither is a span with function words only.
      if (t.script !== 'latin' || t.text.length < 2 || t.text.length > 6 || t.group !== undefined || STOPWORDS_EN.has(t.text)) continue;
      if (ABBREVIATIONS[t.text] || groupOf([t.text]) !== undefined) continue;
      for (let i = 0; i + t.text.length <= long.length; i++) {
        const span = long.slice(i, i + t.text.length);
        if (span.every((x) => x.script === 'latin') && span.some((x) => x.group === undefined) && initials(span) === t.text) {
          const m = { quality: 0.85, how: 'initialism' };
          better(shortSide, s, m);
          for (let k = i; k < i + span.length; k++) better(longSide, k, m);
        }
      }
    }
  };
  initialism(answer, enrolled, a, e);
  initialism(enrolled, answer, e, a);
  return { enrolled: e, answer: a };
}

interface Side {
  text: string;
  dates: FoundDate[];
  norm: Normalised;
  content: Token[];
}

function prepare(text: string, readDates: boolean): Side {
  const dates = readDates ? findDates(text.normalize('NFKC').toLowerCase()) : [];
  const norm = normalise(text, dates.map((d) => [d.start, d.end]));
  return { text, dates, norm, content: norm.tokens.filter((t) => !t.stop) };
}

function flatten(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}'’/?\s-]/gu, ' ').replace(/\s+/g, ' ').trim();
}

function firstMatch(patterns: readonly RegExp[], text: string, unless: string): RegExp | undefined {
  return patterns.find((p) => {
    p.lastIndex = 0;
    const hit = p.test(text);
    p.lastIndex = 0;
    // A phrase the enrolled answer itself contains is the shopper's fact, not an attack.
    return hit && !p.test(unless);
  });
}

// Answer words that only hedge ("maybe", "not sure") and so are neither evidence nor rivals.
const HEDGE_WORDS = new Set(['know', 'dont', 'sure', 'not', 'remember', 'recall', 'idea', 'forgot', 'forget', 'maybe', 'perhaps', 'guess', 'think']);

// Weights of enrolled words by role. The key is what identifies (the name, the place); a
// modifier narrows it ("on Main Street", "the jindo"); a weak word only names a kind or echoes
// the question. Asides in brackets count half.
const KEY = 1;
const MODIFIER = 0.6;
const WEAK = 0.3;
const ASIDE = 0.5;

/** The word and entity checks: everything but the sentence model. */
export function analyse(item: ApprovalItem): Omit<ScoreResult, 'match'> {
  const reasons: string[] = [];
  const refuse = (refusal: Refusal, reason: string, extra: Partial<ScoreFeatures> = {}) => ({
    score: 0,
    reasons: [reason],
    features: { lexical: 0, coverage: 0, keyCoverage: 0, extras: 0, contradiction: 0, alternatives: 0, ...extra, refusal },
  });
  const answerText = typeof item.answer === 'string' ? item.answer : '';
  const enrolledText = typeof item.enrolled === 'string' ? item.enrolled : '';
  if (!/[\p{L}\p{N}]/u.test(enrolledText)) return refuse('no-enrolled', 'nothing enrolled for this question');
  if (!/[\p{L}\p{N}]/u.test(answerText)) return refuse('empty', 'empty answer');
  const rawAnswer = answerText.normalize('NFKC').toLowerCase();
  if (firstMatch(INJECTION_PATTERNS, rawAnswer, enrolledText.normalize('NFKC').toLowerCase())) {
    return refuse('injection', 'the answer addresses the system instead of answering');
  }

  const enrolled = prepare(enrolledText, true);
  const answer = prepare(answerText, enrolled.dates.length > 0);
  const question = normalise(typeof item.question === 'string' ? item.question : '');
  const questionForms = new Set(question.tokens.filter((t) => !t.stop).flatMap((t) => t.forms));

  // Enrolled words and their roles.
  const dateKey = enrolled.dates.length > 0;
  let eTokens = enrolled.content.length > 0 || dateKey ? enrolled.content : enrolled.norm.tokens;
  eTokens = eTokens.filter((t, i, all) => all.findIndex((u) => u.forms[0] === t.forms[0]) === i);
  const weak = (t: Token) => t.group !== undefined || t.forms.some((f) => questionForms.has(f));
  let weights = eTokens.map((t) => (weak(t) ? WEAK : t.modifier ? MODIFIER : KEY) * (t.inParens ? ASIDE : 1));
  // Beside a rare word, an everyday one describes it: "Samdasoo water", "Howl's Moving Castle".
  const common = (t: Token) => t.script === 'latin' && t.forms.some(isCommonEnglishWord);
  if (eTokens.some((t, i) => weights[i] === KEY && !common(t))) {
    weights = weights.map((w, i) => (w === KEY && common(eTokens[i]!) ? MODIFIER : w));
  }
  if (!dateKey && weights.length > 0 && !weights.some((w) => w >= MODIFIER)) {
    // Nothing but category words ("cat"): then they are the fact itself.
    weights = weights.map(() => KEY);
  }
  const top = Math.max(0, ...weights);
  const isKey = (i: number) => weights[i]! >= top && weights[i]! >= ASIDE;
  const informative = (i: number) => weights[i]! >= ASIDE;

  const aTokens = answer.content;
  const { enrolled: eMatch, answer: aMatch } = align(eTokens, aTokens, isKey);
  const found = (m: Match) => m.quality >= MATCHED;

  // Dates are key facts of their own.
  let date: DateAgreement | 'missing' | undefined;
  let dateQuality = 1;
  let extraDates = 0;
  if (dateKey) {
    const agreements = enrolled.dates.map((e) => {
      const results = answer.dates.map((a) => compareDates(e, a));
      if (results.includes('same')) return 'same';
      if (results.includes('partial')) return 'partial';
      return results.length > 0 ? 'conflict' : 'missing';
    });
    date = agreements.includes('conflict') ? 'conflict' : agreements.includes('missing') ? 'missing' : agreements.includes('partial') ? 'partial' : 'same';
    dateQuality = date === 'same' ? 1 : date === 'partial' ? 0.6 : 0;
    // Other dates beside a matching one are rival candidates.
    if (date === 'same' || date === 'partial') {
      extraDates = answer.dates.filter((a) => enrolled.dates.every((e) => compareDates(e, a) === 'conflict')).length;
    }
    reasons.push(`date: ${date}`);
  }

  // Evasions: decided on the answer with fillers and function words gone.
  const answerFlat = flatten(answerText);
  const contentFlat = aTokens.map((t) => t.text).join(' ');
  const evasive = EVASIVE_PATTERNS.some((p) => p.test(answerFlat) || p.test(contentFlat));
  const anyMatch = eMatch.some(found) || (dateKey && dateQuality > 0);
  if (evasive && !anyMatch) return refuse('evasive', 'the answer declines to answer');
  if (aTokens.length === 0 && answer.dates.length === 0) return refuse('empty', 'nothing but filler words');

  // Coverage of the enrolled words: all of them, the keys, and the informative ones.
  let sum = 0;
  let covered = 0;
  let keyCount = 0;
  let keyCovered = 0;
  let infoSum = 0;
  let infoMissing = 0;
  eTokens.forEach((_, i) => {
    const q = found(eMatch[i]!) ? eMatch[i]!.quality : 0;
    sum += weights[i]!;
    covered += weights[i]! * q;
    if (isKey(i)) {
      keyCount++;
      keyCovered += q;
    }
    if (informative(i)) {
      infoSum += weights[i]!;
      infoMissing += weights[i]! * (q > 0 ? 0 : 1);
    }
  });
  if (dateKey) {
    sum += KEY;
    covered += dateQuality;
    keyCount++;
    keyCovered += dateQuality;
    infoSum += KEY;
    infoMissing += date === 'conflict' || date === 'missing' ? KEY : 0;
  }
  const coverage = sum > 0 ? covered / sum : 0;
  const keyCoverage = keyCount > 0 ? keyCovered / keyCount : 0;
  const missingShare = infoSum > 0 ? infoMissing / infoSum : 0;
  const hows = [...new Set(eMatch.filter((m) => found(m) && m.how !== 'exact').map((m) => m.how))];
  if (hows.length > 0) reasons.push(`matched by ${hows.join(', ')}`);

  // A kind swapped for a rival kind: "Mokpo Middle School" for "Mokpo High School".
  const kindSwap = eTokens.some(
    (e, i) =>
      e.group !== undefined &&
      !found(eMatch[i]!) &&
      aTokens.some((a, j) => a.group !== undefined && a.group !== e.group && !found(aMatch[j]!) && CATEGORY_FAMILY_OF[a.group] === CATEGORY_FAMILY_OF[e.group!]),
  );
  if (kindSwap) reasons.push('a different kind of thing');

  // Answer words that match nothing enrolled and say something: rivals or extra detail.
  const matchedInParens = aTokens.some((t, j) => found(aMatch[j]!) && t.inParens);
  const matchedOutside = aTokens.some((t, j) => found(aMatch[j]!) && !t.inParens);
  const extraTokens = aTokens.filter(
    (t, j) => !found(aMatch[j]!) && t.group === undefined && !t.forms.some((f) => questionForms.has(f) || HEDGE_WORDS.has(f)),
  );
  // A gloss in brackets restates ("glass noodle stir fry (japchae)"), a phrase after a
  // preposition adds detail ("by Miyazaki"): both count less than a bare rival word.
  const gloss = (t: Token) => (t.inParens && matchedOutside && !matchedInParens) || (!t.inParens && matchedInParens && !matchedOutside);
  // Everyday words ("she made amazing japchae") are chatter; they still count in full as rivals.
  const extraWeight = (t: Token) =>
    gloss(t) || (t.script === 'latin' && isCommonEnglishWord(t.text)) ? WEAK : t.modifier && matchedOutside ? ASIDE : 1;
  const extras = extraTokens.reduce((n, t) => n + extraWeight(t), 0) + extraDates;
  // As evidence of a rival, a modifier counts in full: "on Oak Street" replaces "on Main Street".
  const rivals = extraTokens.reduce((n, t) => n + (gloss(t) ? WEAK : 1), 0) + extraDates;

  // "New York" for "York": a place-name prefix right before the matched name makes another place.
  const matchedPositions = new Set(aTokens.filter((_, j) => found(aMatch[j]!)).map((t) => t.position));
  // Only in a bare name ("New York"), not in a sentence ("my dad's old kia pride").
  const bareName = !answer.norm.hasFunctionWords && aTokens.every((t, j) => found(aMatch[j]!) || t.group !== undefined || TOPONYM_PREFIXES.has(t.text));
  const renamed = bareName && extraTokens.some((t) => TOPONYM_PREFIXES.has(t.text) && matchedPositions.has(t.position + 1));

  // Lists of candidates: explicit alternatives ("Busan or Seoul"), comma lists, bare word runs.
  const matchedSegments = new Set(aTokens.filter((_, j) => found(aMatch[j]!)).map((t) => t.segment));
  let alternatives = 0;
  if (anyMatch) {
    if (answer.norm.segments >= 2) {
      // Separated parts are candidates one each, however many words ("Mokpo, South Jeolla").
      const rivalSegments = new Set(extraTokens.filter((t) => !gloss(t)).map((t) => t.segment));
      alternatives = [...rivalSegments].filter((seg) => !matchedSegments.has(seg)).length;
    } else if (!answer.norm.hasFunctionWords && !answer.norm.hasParens && extraTokens.length >= 2) {
      // A bare run of words: every unmatched one is a candidate ("nabi nala coco max").
      alternatives = extraTokens.length;
    }
    alternatives = Math.max(alternatives, extraDates);
  }
  const stuffed = alternatives >= 3 || (answer.norm.alternativeSegments >= 2 && alternatives >= 2);
  if (stuffed) {
    return refuse('stuffing', 'the answer lists several candidates', { coverage, keyCoverage, alternatives, ...(date ? { date } : {}) });
  }

  // Identifying words missing while the answer brings words of its own: a rival entity
  // ("Kia Rio" for "Kia Pride", "Oak Street" for "Main Street").
  let contradiction = date === 'conflict' ? 1 : missingShare * Math.min(1, rivals);
  if (renamed) contradiction = Math.max(contradiction, 0.6);
  if (contradiction >= 0.3) reasons.push('names something else');
  else if (keyCoverage < 0.8) reasons.push(keyCoverage === 0 ? 'the identifying part is missing' : 'only part of the identifying words');

  const extraShare = extras > 0 ? extras / (extras + Math.max(covered, 0.0001)) : 0;
  const hedge = alternatives > 0 ? 0.5 ** Math.min(alternatives, 2) : 1;
  if (alternatives > 0) reasons.push('offers more than one candidate');
  // A partly given key is worth more than its share: "Sonata" for "Hyundai Sonata" is an
  // answer, "cat" for "Nabi the cat" is not (that is the weights' job, not this curve's).
  const base = 0.3 * coverage + 0.7 * Math.sqrt(keyCoverage);
  let lexical = base * (1 - 0.5 * extraShare) * (1 - contradiction) ** 1.5 * hedge * (kindSwap ? 0.4 : 1);
  if (evasive) {
    lexical *= 0.8;
    reasons.push('hedged');
  }
  lexical = Math.max(0, Math.min(1, lexical));
  return {
    score: lexical,
    reasons,
    features: { lexical, coverage, keyCoverage, extras, contradiction, alternatives, ...(date ? { date } : {}) },
  };
}

/** Folds the sentence cosine into the lexical result and applies the threshold. */
export function combine(analysis: Omit<ScoreResult, 'match'>, params: ScoringParameters, cosine?: number): ScoreResult {
  const f = analysis.features;
  let score = f.lexical;
  const features: ScoreFeatures = { ...f };
  if (cosine !== undefined && Number.isFinite(cosine)) {
    features.cosine = cosine;
    if (!f.refusal && params.cosineWeight > 0) {
      const nudge = params.cosineWeight * (cosine - params.cosineCentre);
      // Semantic closeness never rescues a rival entity (another city is "similar" too).
      score = f.contradiction >= 0.5 ? Math.min(score, score + nudge) : score + nudge;
    }
  }
  score = Math.round(Math.max(0, Math.min(1, score)) * 10000) / 10000;
  return { score, match: !f.refusal && score >= params.threshold, reasons: analysis.reasons, features };
}

export function scoreAnswer(item: ApprovalItem, params: ScoringParameters, cosine?: number): ScoreResult {
  return combine(analyse(item), params, cosine);
}
