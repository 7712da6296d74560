// Runs in: node (engine and approval worker). Messages between ApprovalEngine and its worker.
import type { ApprovalItem, ScoreResult } from './scorer.js';

export interface WorkerOptions {
  encoder: string;
  modelsDir?: string;
  calibrationFile?: string;
}

export type ToWorker =
  | { type: 'score'; id: number; items: ApprovalItem[] }
  | { type: 'embed'; id: number; texts: string[] }
  | { type: 'close' };

export type FromWorker =
  | { type: 'progress'; message: string }
  | { type: 'ready'; encoder: string; dimensions: number; threshold: number; loadMs: number }
  | { type: 'result'; id: number; results: ScoreResult[] }
  | { type: 'embedded'; id: number; vectors: Float32Array[] }
  | { type: 'error'; id: number; message: string }
  | { type: 'fatal'; message: string }
  | { type: 'closed' };
