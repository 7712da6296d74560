// Runs in: node. Moves SQLite's WAL checkpoints off the request thread.
//
// In WAL mode the connection whose commit crosses the auto-checkpoint threshold copies the log
// back into the database file, fsync included, before its statement returns: every ~1,000 pages
// one request stalls for several milliseconds, and at 2,000 scans/s that stall was a large part
// of the station's p99. Here the request thread's connection stops checkpointing and a worker
// thread, with a connection of its own, runs PASSIVE checkpoints on a timer: it never takes the
// writer's lock, so requests keep committing while it copies. If the worker cannot start or
// dies, the request thread's connection checkpoints by itself again.
//
// A PASSIVE checkpoint copies the log but never restarts it: the log starts over from its first
// frame only when a write begins with every frame copied, and under a steady stream of writes one
// always lands while a checkpoint runs. The soak's WAL grew to 96 MB in five minutes beside a
// 22 MB database, and a busy store's would grow all day (disk, and a crash's recovery reads it
// all). So once the file passes a limit (128 MB) the worker follows its PASSIVE pass with a RESTART: it
// holds off writers for the few frames written since (a few milliseconds), and the next write
// starts the log over. journal_size_limit then trims the file back to the limit.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';

/** SQLite's default threshold, in pages, restored when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;
/**
 * ~45 s of the soak's writes (three times a busy store's pace), a few seconds at the scan bench's
 * 2,000 scans/s; quiet moments restart the log long before. Each restart holds writers for a few
 * milliseconds, so not smaller: at 32 MB the scan bench's p99 suffered from them.
 */
const DEFAULT_WAL_LIMIT_BYTES = 128 * 1024 * 1024;

export interface CheckpointerOptions {
  /** The request thread's connection. */
  db: Db;
  /** How often the worker checkpoints. */
  intervalMs?: number;
  /** WAL file size past which the worker restarts the log (and the size it is trimmed to). */
  walLimitBytes?: number;
  log?: { warn(message: string): void };
  /** The better-sqlite3 module the worker loads; tests point it elsewhere to make the worker fail. */
  driver?: string;
}

export interface Checkpointer {
  /** Resolves once the worker has run one checkpoint (tests, and the bench's warm-up). */
  readonly ready: Promise<void>;
  /** Checkpoints done by the worker so far. */
  readonly checkpoints: number;
  /** Of those, the ones that restarted the log because it had passed the limit. */
  readonly restarts: number;
  stop(): Promise<void>;
}

// Plain CommonJS evaluated in the worker, so the same code runs from the TypeScript checkout,
// a compiled build and the desktop shell's bundle, with no worker file to locate.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// A checkpoint that would wait for a lock is skipped; the next tick tries again.
db.pragma('busy_timeout = 0');
let stopping = false;
function walBytes() {
  try {
    return statSync(workerData.file + '-wal').size;
  } catch {
    return 0;
  }
}
function checkpoint() {
  if (stopping) return;
  try {
    let [result] = db.pragma('wal_checkpoint(PASSIVE)');
    let restarted = false;
    if (walBytes() > workerData.walLimitBytes) {
      // Waits for the request thread's current write (they are short), then holds writers off
      // while it copies what came in since the pass above.
      db.pragma('busy_timeout = 200');
      try {
        [result] = db.pragma('wal_checkpoint(RESTART)');
        restarted = result.busy === 0;
      } finally {
        db.pragma('busy_timeout = 0');
      }
    }
    parentPort.postMessage({ type: 'checkpoint', result, restarted });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
checkpoint();
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopping = true;
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ type: 'stopped' });
});
`;

export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const { db } = options;
  const log = options.log ?? { warn: () => {} };
  // Nothing to move off for an in-memory or temporary database, or one not in WAL mode.
  if (!db.name || db.memory || String(db.pragma('journal_mode', { simple: true })) !== 'wal') {
    return { ready: Promise.resolve(), checkpoints: 0, restarts: 0, stop: async () => {} };
  }
  const walLimitBytes = options.walLimitBytes ?? DEFAULT_WAL_LIMIT_BYTES;
  let checkpoints = 0;
  let restarts = 0;
  let running = true;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const takeBack = (why: string) => {
    if (!running) return;
    running = false;
    markReady();
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    log.warn(`WAL checkpoints are back on the request thread: ${why}`);
  };

  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
      file: db.name,
      intervalMs: options.intervalMs ?? 500,
      walLimitBytes,
    },
  });
  // The worker must not keep a stopping process alive.
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  // The connection that starts the log over trims the file: the request thread's.
  db.pragma(`journal_size_limit = ${walLimitBytes}`);
  let stopped: (() => void) | undefined;
  worker.on('message', (message: { type: string; message?: string; restarted?: boolean }) => {
    if (message.type === 'checkpoint') {
      checkpoints++;
      if (message.restarted) restarts++;
      markReady();
    } else if (message.type === 'failed') {
      // A read-only or full disk: the request thread reports storage trouble on its own writes.
      log.warn(`background WAL checkpoint failed: ${message.message}`);
    } else if (message.type === 'stopped') {
      stopped?.();
    }
  });
  worker.on('error', (error) => takeBack(String(error)));
  worker.on('exit', (code) => {
    stopped?.();
    if (code !== 0) takeBack(`the checkpoint worker stopped (exit code ${code})`);
  });

  return {
    ready,
    get checkpoints() {
      return checkpoints;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      if (!running) return;
      running = false;
      markReady();
      await new Promise<void>((resolve) => {
        stopped = resolve;
        worker.postMessage('stop');
      });
      await worker.terminate();
      // The station's own close then checkpoints what is left, as the last connection does.
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    },
  };
}
