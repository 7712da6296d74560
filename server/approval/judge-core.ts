// Runs in: node (approval worker, CLI in-process, calibration). The engine's work without the
// thread around it: load an encoder, score batches (lexical checks + one batched embedding
// call for the cosines), embed. The worker wraps this; the calibration script uses it directly.
import { cosine, type SentenceEncoder } from './encoder.js';
export { loadEncoder, parseEncoderChoice, type EncoderChoice, type EncoderLoadOptions } from './encoder-loader.js';
import { analyse, combine, type ApprovalItem, type ScoreResult, type ScoringParameters } from './scorer.js';

/** Cosine of enrolled and answer for every item that is not refused outright, in one model call. */
export async function cosines(encoder: SentenceEncoder | undefined, items: readonly ApprovalItem[], skip: readonly boolean[]): Promise<(number | undefined)[]> {
  if (!encoder) return items.map(() => undefined);
  const texts: string[] = [];
  const index = new Map<string, number>();
  const slot = (text: string) => {
    let at = index.get(text);
    if (at === undefined) {
      at = texts.length;
      texts.push(text);
      index.set(text, at);
    }
    return at;
  };
  const readable = (text: string) => encoder.reads?.(text) ?? true;
  const pairs = items.map((item, i) =>
    skip[i] || !readable(item.enrolled) || !readable(item.answer) ? undefined : ([slot(item.enrolled.trim()), slot(item.answer.trim())] as const),
  );
  if (texts.length === 0) return items.map(() => undefined);
  const vectors = await encoder.embed(texts);
  return pairs.map((pair) => (pair ? cosine(vectors[pair[0]]!, vectors[pair[1]]!) : undefined));
}

export async function scoreBatch(encoder: SentenceEncoder | undefined, params: ScoringParameters, items: readonly ApprovalItem[]): Promise<ScoreResult[]> {
  const analyses = items.map((item) => analyse(item));
  const cos = await cosines(encoder, items, analyses.map((a) => a.features.refusal !== undefined));
  return analyses.map((a, i) => combine(a, params, cos[i]));
}

/** Coerces one input item so malformed fields score as empty instead of throwing. */
export function toItem(value: unknown): ApprovalItem {
  const v = (value ?? {}) as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : '');
  return { question: text(v.question), enrolled: text(v.enrolled), answer: text(v.answer) };
}
