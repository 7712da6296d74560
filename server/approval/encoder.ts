// Runs in: node (approval worker). What the scorer needs from a sentence model, so the bundled
// USE-lite model and an ONNX model a build machine bundles are interchangeable.

export interface SentenceEncoder {
  /** Shown in progress messages and eval reports, e.g. `use-lite` or `onnx:multilingual-e5`. */
  readonly name: string;
  readonly dimensions: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * Whether the model can read this text at all. USE-lite's vocabulary is English: every Hangul
   * word is <unk>, so two Korean answers embed alike whatever they say, and their cosine is
   * noise the scorer must not use.
   */
  reads?(text: string): boolean;
  dispose(): Promise<void>;
}

/** Cosine of two vectors; 0 when either is all zeros (an empty text), never NaN. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

export function normaliseVector(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}
