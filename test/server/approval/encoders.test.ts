// Runs in: node (vitest). The sentence encoders load from local files only and embed sensibly:
// USE-lite from node_modules (one load, a few seconds on two cores) and the ONNX path with a tiny
// model that python3-onnx writes into a temp folder laid out like resources/models/<name>/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../../../server/approval/encoder.js';
import { OnnxEncoder } from '../../../server/approval/onnx-encoder.js';
import { UseLiteEncoder } from '../../../server/approval/use-lite-encoder.js';
import { pythonOnnxAvailable, TINY_DIMENSIONS, writeTinyOnnxModel } from './tiny-onnx.js';

const norm = (v: Float32Array) => Math.sqrt(v.reduce((n, x) => n + x * x, 0));

describe('USE-lite encoder (bundled TF.js model, WASM backend)', () => {
  let encoder: UseLiteEncoder;
  beforeAll(async () => {
    encoder = await UseLiteEncoder.load();
  }, 60_000);
  afterAll(() => encoder?.dispose());

  it('tokenises with the model’s SentencePiece vocabulary', () => {
    const pieces = encoder.tokenizer.encode('Nabi the cat').map((id) => encoder.tokenizer.piece(id));
    expect(pieces).toEqual(['▁Na', 'bi', '▁the', '▁cat']);
    expect(encoder.tokenizer.encode('')).toEqual([]);
  });

  it('embeds to 512-dimensional unit vectors, the same text to the same vector', async () => {
    const [a, b, c] = await encoder.embed(['I grew up in Busan', 'I grew up in Busan', '']);
    expect(a).toHaveLength(512);
    expect(norm(a!)).toBeCloseTo(1, 4);
    expect(cosine(a!, b!)).toBeCloseTo(1, 5);
    expect(c).toHaveLength(512);
  });

  it('keeps each text’s vector whatever else is in the batch, empty texts included', async () => {
    const [alone] = await encoder.embed(['Lotte Mart bakery']);
    const [, , within] = await encoder.embed(['a', '', 'Lotte Mart bakery', 'x'.repeat(600)]);
    expect(cosine(alone!, within!)).toBeCloseTo(1, 5);
  });

  it('puts paraphrases closer than unrelated sentences', async () => {
    const [dogs, puppies, stocks, cat, kitten, train] = await encoder.embed([
      'I love my dog',
      'I really like puppies',
      'The stock market fell sharply today',
      'our cat was called Nabi',
      'we had a kitten named Nabi',
      'the train leaves at noon',
    ]);
    expect(cosine(dogs!, puppies!)).toBeGreaterThan(cosine(dogs!, stocks!) + 0.2);
    expect(cosine(cat!, kitten!)).toBeGreaterThan(cosine(cat!, train!) + 0.2);
  });

  it('knows it cannot read Hangul (its vocabulary is English)', () => {
    expect(encoder.reads('I grew up in Busan')).toBe(true);
    expect(encoder.reads('부산에서 자랐어요')).toBe(false);
    expect(encoder.reads('')).toBe(false);
  });
});

// Without python3-onnx the test model cannot be built; the suite title says so when it skips.
const onnx = pythonOnnxAvailable();
const onnxTitle = `ONNX encoder (transformers.js, local folder only)${onnx ? '' : ': SKIPPED, /usr/bin/python3 cannot import onnx (apt install python3-onnx)'}`;

describe.skipIf(!onnx)(onnxTitle, () => {
  let root: string;
  let encoder: OnnxEncoder;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'omni-onnx-'));
    writeTinyOnnxModel(root, 'tiny-encoder');
    encoder = await OnnxEncoder.load({ name: 'tiny-encoder', modelsDir: root });
  }, 60_000);
  afterAll(async () => {
    await encoder?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('loads config, tokenizer and graph from <modelsDir>/<name>/ and mean-pools to unit vectors', async () => {
    expect(encoder.name).toBe('onnx:tiny-encoder');
    expect(encoder.dimensions).toBe(TINY_DIMENSIONS);
    const [a, b, c] = await encoder.embed(['my cat is called nabi', 'nabi the cat', 'busan city']);
    expect(norm(a!)).toBeCloseTo(1, 4);
    // A bag-of-words graph: shared words pull vectors together.
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!));
  });

  it('pools over real tokens only: padding in a batch does not change a text’s vector', async () => {
    const [alone] = await encoder.embed(['nabi']);
    const [padded] = await encoder.embed(['nabi', 'my cat is called nabi the cat']);
    expect(cosine(alone!, padded!)).toBeCloseTo(1, 5);
  });

  it('refuses a model that is not on disk instead of downloading it', async () => {
    await expect(OnnxEncoder.load({ name: 'Xenova/all-MiniLM-L6-v2', modelsDir: root })).rejects.toThrow(/invalid ONNX model name|no ONNX sentence model/);
    await expect(OnnxEncoder.load({ name: 'missing-model', modelsDir: root })).rejects.toThrow(/no ONNX sentence model at/);
  });
});
