// Runs in: node (bench process). Load shapes: an open loop that sends on a fixed schedule
// whatever the server does (so a slow server cannot slow the clock: no coordinated omission),
// and a closed loop of workers that each send as soon as their last answer arrived.

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new BenchAborted();
}

export class BenchAborted extends Error {
  constructor() {
    super('benchmark interrupted');
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Milliseconds on CLOCK_MONOTONIC, which every process on the machine reads alike (performance.now()
 * counts from each process's own start): for times taken in one process and compared in another.
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export interface OpenLoopOptions {
  /** Requests per second across all slots. */
  rate: number;
  durationMs: number;
  /** Independent senders; request i goes to slot i % slots and each slot sends serially. */
  slots: number;
  signal: AbortSignal;
  /** Sends request `seq` for `slot`; must not reject. `scheduledAt` is on performance.now(). */
  send(slot: number, seq: number, scheduledAt: number): Promise<void>;
}

export interface OpenLoopResult {
  scheduled: number;
  /** Largest delay between a request's scheduled time and its actual send (queueing in a slot). */
  maxSendDelayMs: number;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, slots, signal } = options;
  const total = Math.max(1, Math.round((rate * options.durationMs) / 1000));
  const interval = 1000 / rate;
  const queues: number[][] = Array.from({ length: slots }, () => []);
  const busy: boolean[] = new Array<boolean>(slots).fill(false);
  let inFlight = 0;
  let maxSendDelayMs = 0;
  let next = 0;
  const start = performance.now() + 2;
  let settle: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));

  const pump = (slot: number): void => {
    if (busy[slot]) return;
    const seq = queues[slot]!.shift();
    if (seq === undefined) return;
    busy[slot] = true;
    inFlight++;
    const scheduledAt = start + seq * interval;
    maxSendDelayMs = Math.max(maxSendDelayMs, performance.now() - scheduledAt);
    void options.send(slot, seq, scheduledAt).finally(() => {
      busy[slot] = false;
      inFlight--;
      pump(slot);
      if (inFlight === 0 && (next >= total || signal.aborted)) settle();
    });
  };

  // A 1 ms timer rather than a busy loop: the load generator shares the cores with the server.
  const tick = (): void => {
    const due = signal.aborted ? next : Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    while (next < due) {
      const slot = next % slots;
      queues[slot]!.push(next);
      next++;
      pump(slot);
    }
    if (next < total && !signal.aborted) setTimeout(tick, 1);
    else if (inFlight === 0) settle();
  };
  setTimeout(tick, Math.max(0, start - performance.now()));
  await finished;
  throwIfAborted(signal);
  return { scheduled: total, maxSendDelayMs };
}

export interface ClosedLoopOptions {
  workers: number;
  warmupMs: number;
  durationMs: number;
  signal: AbortSignal;
  /** One operation of worker `worker`; resolves true when it succeeded. Must not reject. */
  op(worker: number): Promise<boolean>;
}

export interface ClosedLoopResult {
  /** Operations completed inside the measured window. */
  ops: number;
  errors: number;
  elapsedMs: number;
}

export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const { signal } = options;
  const measureFrom = performance.now() + options.warmupMs;
  const measureTo = measureFrom + options.durationMs;
  let ops = 0;
  let errors = 0;
  const worker = async (index: number): Promise<void> => {
    while (!signal.aborted) {
      const ok = await options.op(index);
      const now = performance.now();
      if (now > measureTo) return;
      if (now < measureFrom) continue;
      if (ok) ops++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i)));
  throwIfAborted(signal);
  return { ops, errors, elapsedMs: options.durationMs };
}

/** A small seeded PRNG (mulberry32): the op mix is the same from run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `task` over `items` with at most `concurrency` at once, in order of results. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      throwIfAborted(signal);
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
