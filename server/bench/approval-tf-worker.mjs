// Runs in: node (bench child, worker thread). The baseline of approval_model_load_ms: the same
// thread start and tsx bootstrap as the approval engine's worker, loading tfjs-core and the
// WASM backend only, without the sentence model.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { loadTfWasm } = await import('../approval/use-lite-encoder.ts');
await loadTfWasm();
parentPort.postMessage('ready');
