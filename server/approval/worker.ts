// Runs in: node (approval worker thread). Loads the sentence model once, warms it, then scores
// and embeds on request, so the store server's event loop never waits on inference.
import { parentPort, workerData } from 'node:worker_threads';
import { parametersFor, readCalibration } from './calibration.js';
import type { SentenceEncoder } from './encoder.js';
import { loadEncoder, type EncoderChoice } from './encoder-loader.js';
import type { ScoringParameters } from './scorer.js';
import type { FromWorker, ToWorker, WorkerOptions } from './worker-protocol.js';

// The scorer's modules (date parser, Hangul tables) load while the model does.
type Core = typeof import('./judge-core.js');
let core: Core;

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
const options = workerData as WorkerOptions;

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const progress = (message: string) => post({ type: 'progress', message });

let encoder: SentenceEncoder | undefined;
let params: ScoringParameters;


async function start(): Promise<void> {
  const started = performance.now();
  const calibration = readCalibration(options.calibrationFile);
  const chosen = parametersFor(calibration, options.encoder);
  params = chosen.params;
  if (!chosen.calibrated) progress(`no calibration for ${options.encoder}: its cosine is recorded but does not move scores`);
  [encoder, core] = await Promise.all([
    loadEncoder({ encoder: options.encoder as EncoderChoice, ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}), onProgress: progress }),
    import('./judge-core.js'),
  ]);
  if (encoder) {
    progress('warming up');
    // The first calls compile kernels and size buffers; shoppers should never pay for that.
    await core.scoreBatch(encoder, params, [
      { question: 'warm-up', enrolled: 'Busan', answer: 'I grew up in Pusan' },
      { question: 'warm-up', enrolled: '나비 (고양이)', answer: '고양이 나비요' },
    ]);
    await encoder.embed(['warm-up sentence']);
  }
  post({
    type: 'ready',
    encoder: encoder?.name ?? 'none',
    dimensions: encoder?.dimensions ?? 0,
    threshold: params.threshold,
    loadMs: performance.now() - started,
  });
}

const ready = start().catch((error: unknown) => {
  post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
});
// Requests are served one at a time, after start-up: the model is single-threaded, and the
// order of answers must be kept.
let queue: Promise<void> = ready;

port.on('message', (message: ToWorker) => {
  queue = queue.then(async () => {
    try {
      if (message.type === 'score') {
        const results = await core.scoreBatch(encoder, params, message.items.map(core.toItem));
        post({ type: 'result', id: message.id, results });
      } else if (message.type === 'embed') {
        if (!encoder) throw new Error('no sentence model loaded (encoder "none"): nothing to embed with');
        const vectors = await encoder.embed(message.texts);
        post({ type: 'embedded', id: message.id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer));
      } else if (message.type === 'close') {
        await encoder?.dispose();
        encoder = undefined;
        post({ type: 'closed' });
        port.close();
      }
    } catch (error) {
      post({ type: 'error', id: 'id' in message ? message.id : -1, message: error instanceof Error ? error.message : String(error) });
    }
  });
});

