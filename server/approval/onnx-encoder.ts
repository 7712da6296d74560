// Runs in: node (approval worker). ONNX sentence encoders (e.g. a multilingual MiniLM or E5
// that a build machine with internet exported) run by transformers.js on onnxruntime-node.
// Only local folders are read: remote loading is switched off before anything is resolved, so
// a missing model is an error here, never a download.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SentenceEncoder } from './encoder.js';
import { normaliseVector } from './encoder.js';
import { modelsDir } from './paths.js';

export interface OnnxEncoderOptions {
  /** Folder name under `modelsDir`: `<modelsDir>/<name>/{config.json,tokenizer.json,onnx/model.onnx}`. */
  name: string;
  modelsDir?: string;
  onProgress?: (message: string) => void;
}

type Transformers = typeof import('@huggingface/transformers');
type Tokenizer = Awaited<ReturnType<Transformers['AutoTokenizer']['from_pretrained']>>;
type Model = Awaited<ReturnType<Transformers['AutoModel']['from_pretrained']>>;
type TensorLike = { data: ArrayLike<number | bigint>; dims: number[] };

export class OnnxEncoder implements SentenceEncoder {
  private constructor(
    readonly name: string,
    readonly dimensions: number,
    private readonly tokenizer: Tokenizer,
    private readonly model: Model,
  ) {}

  static async load(options: OnnxEncoderOptions): Promise<OnnxEncoder> {
    const root = options.modelsDir ?? modelsDir();
    const progress = options.onProgress ?? (() => undefined);
    if (!/^[\w.-]+$/.test(options.name)) throw new Error(`invalid ONNX model name "${options.name}"`);
    const dir = join(root, options.name);
    if (!existsSync(join(dir, 'config.json'))) {
      throw new Error(`no ONNX sentence model at ${dir} (expected config.json, tokenizer.json and onnx/model.onnx)`);
    }
    progress(`starting ONNX runtime for ${options.name}`);
    const transformers = await import('@huggingface/transformers');
    const { env, AutoTokenizer, AutoModel } = transformers;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = root.endsWith('/') ? root : `${root}/`;
    env.useFSCache = false;
    env.useBrowserCache = false;
    progress(`reading ${options.name}`);
    const [tokenizer, model] = await Promise.all([
      AutoTokenizer.from_pretrained(options.name, { local_files_only: true }),
      AutoModel.from_pretrained(options.name, { local_files_only: true, dtype: 'fp32', device: 'cpu' }),
    ]);
    const encoder = new OnnxEncoder(`onnx:${options.name}`, 0, tokenizer, model);
    // The hidden size is whatever the graph produces; one probe is cheaper than trusting config.
    const [probe] = await encoder.embed(['warm-up']);
    return new OnnxEncoder(`onnx:${options.name}`, probe!.length, tokenizer, model);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const inputs = this.tokenizer(texts, { padding: true, truncation: true }) as Record<string, TensorLike>;
    const output = (await this.model(inputs)) as Record<string, TensorLike>;
    const hidden = output.last_hidden_state ?? output.token_embeddings;
    if (!hidden) throw new Error(`${this.name}: the model has no last_hidden_state output`);
    return meanPool(hidden, inputs.attention_mask!);
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/** Mean of the token vectors the attention mask keeps, per text, then unit length. */
export function meanPool(hidden: TensorLike, mask: TensorLike): Float32Array[] {
  const [batch, sequence, width] = hidden.dims as [number, number, number];
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const sum = new Float32Array(width);
    let count = 0;
    for (let s = 0; s < sequence; s++) {
      if (Number(mask.data[b * sequence + s]) === 0) continue;
      count++;
      const base = (b * sequence + s) * width;
      for (let d = 0; d < width; d++) sum[d]! += Number(hidden.data[base + d]);
    }
    if (count > 0) for (let d = 0; d < width; d++) sum[d]! /= count;
    out.push(normaliseVector(sum));
  }
  return out;
}
