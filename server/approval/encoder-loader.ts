// Runs in: node (approval worker, CLI). Picks and loads a sentence encoder by name; kept apart
// from the scorer so the worker can load the model and the scorer's modules at the same time.
import type { SentenceEncoder } from './encoder.js';

export type EncoderChoice = 'use-lite' | 'none' | `onnx:${string}`;

export interface EncoderLoadOptions {
  encoder: EncoderChoice;
  modelsDir?: string;
  onProgress?: (message: string) => void;
}

export function parseEncoderChoice(value: string): EncoderChoice {
  if (value === 'use-lite' || value === 'none') return value;
  if (/^onnx:[\w.-]+$/.test(value)) return value as EncoderChoice;
  throw new Error(`unknown encoder "${value}" (use-lite, none or onnx:<folder under resources/models>)`);
}

export async function loadEncoder(options: EncoderLoadOptions): Promise<SentenceEncoder | undefined> {
  const { encoder } = options;
  if (encoder === 'none') return undefined;
  if (encoder === 'use-lite') {
    const { UseLiteEncoder } = await import('./use-lite-encoder.js');
    return UseLiteEncoder.load({ ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  }
  const { OnnxEncoder } = await import('./onnx-encoder.js');
  return OnnxEncoder.load({
    name: encoder.slice('onnx:'.length),
    ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

