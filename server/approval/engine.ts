// Runs in: node (store server, CLI). The approval engine as the rest of the station sees it: a
// worker thread that holds the sentence model, loaded once and warmed at start, answering
// score and embed requests in order. The caller's event loop never runs inference.
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { EncoderChoice } from './judge-core.js';
import { parseEncoderChoice } from './judge-core.js';
import type { ApprovalItem, ScoreResult } from './scorer.js';
import type { FromWorker, ToWorker, WorkerOptions } from './worker-protocol.js';

export type { ApprovalItem, ScoreResult } from './scorer.js';

export interface ApprovalEngineOptions {
  /** Default `use-lite` (the bundled model); `none` scores with the word and entity checks only. */
  encoder?: EncoderChoice | string;
  /** Start-up steps for people ("reading the sentence model", "warming up"). */
  onProgress?: (message: string) => void;
  /** Where `onnx:<name>` models and the calibration live; default resources/models/. */
  modelsDir?: string;
  calibrationFile?: string;
}

export interface EngineInfo {
  encoder: string;
  dimensions: number;
  threshold: number;
  /** Time from starting the worker to warmed and ready, as the worker measured it. */
  loadMs: number;
}

export class ApprovalEngineError extends Error {}

type Pending = { resolve(value: never): void; reject(error: Error): void };

// Compiled builds run worker.js directly; the TypeScript checkout goes through a bootstrap
// that registers tsx in the new thread. A bundler (the desktop shell's electron-vite build) puts
// the worker in a bundle of its own and names it in OMNISTATION_APPROVAL_WORKER.
function workerUrl(): URL {
  const bundled = process.env.OMNISTATION_APPROVAL_WORKER;
  if (bundled) return pathToFileURL(bundled);
  return import.meta.url.endsWith('.ts') ? new URL('./worker-bootstrap.mjs', import.meta.url) : new URL('./worker.js', import.meta.url);
}

export class ApprovalEngine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closing: Promise<void> | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly info: EngineInfo,
  ) {
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new ApprovalEngineError(`the approval worker stopped (exit code ${code})`));
    });
  }

  /** Starts the worker, loads and warms the model; resolves once the engine can answer. */
  static async start(options: ApprovalEngineOptions = {}): Promise<ApprovalEngine> {
    const encoder = parseEncoderChoice(options.encoder ?? 'use-lite');
    const workerData: WorkerOptions = {
      encoder,
      ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}),
      ...(options.calibrationFile ? { calibrationFile: options.calibrationFile } : {}),
    };
    const progress = options.onProgress ?? (() => undefined);
    progress(`starting the approval engine (${encoder})`);
    // The parent's --import/--require flags (tsx under vitest or `node --import tsx`) must not be
    // repeated in the worker: the bootstrap registers exactly one loader.
    const worker = new Worker(workerUrl(), { workerData, execArgv: [] });
    const info = await new Promise<EngineInfo>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'progress') progress(message.message);
        else if (message.type === 'ready') {
          cleanup();
          resolve({ encoder: message.encoder, dimensions: message.dimensions, threshold: message.threshold, loadMs: message.loadMs });
        } else if (message.type === 'fatal') {
          cleanup();
          void worker.terminate();
          reject(new ApprovalEngineError(message.message));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new ApprovalEngineError(`the approval worker failed to start: ${error.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new ApprovalEngineError(`the approval worker exited during start-up (code ${code})`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    progress(`approval engine ready (${info.encoder}, ${Math.round(info.loadMs)} ms)`);
    return new ApprovalEngine(worker, info);
  }

  /** Scores each answer 0..1 with a verdict at the shipped threshold, in input order. */
  score(items: ApprovalItem[]): Promise<ScoreResult[]> {
    if (items.length === 0) return Promise.resolve([]);
    return this.request<ScoreResult[]>((id) => ({ type: 'score', id, items }));
  }

  /** The model's unit vector for a text (enrolment stores it, encrypted). */
  async embed(text: string): Promise<Float32Array> {
    const [vector] = await this.request<Float32Array[]>((id) => ({ type: 'embed', id, texts: [text] }));
    return vector!;
  }

  /** Finishes queued requests, frees the model and stops the worker. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failure) {
        await this.worker.terminate();
        return;
      }
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 5000);
        this.worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.worker.postMessage({ type: 'close' } satisfies ToWorker);
      await done;
      this.fail(new ApprovalEngineError('the approval engine is closed'));
    })();
    return this.closing;
  }

  private request<T>(make: (id: number) => ToWorker): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new ApprovalEngineError('the approval engine is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.worker.postMessage(make(id));
    });
  }

  private onMessage(message: FromWorker): void {
    if (message.type === 'result' || message.type === 'embedded' || message.type === 'error') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.type === 'error') pending.reject(new ApprovalEngineError(message.message));
      else pending.resolve((message.type === 'result' ? message.results : message.vectors) as never);
    } else if (message.type === 'fatal') {
      this.fail(new ApprovalEngineError(message.message));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
