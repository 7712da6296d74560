// Runs in: node. The background loop shared by the station's workers that talk to central (outbox
// sync, offline payment forwarding): work until done, sleep until nudged or the next poll, and
// back off with capped exponential delays and full jitter while central is away.
import type { Clock } from '../clock.js';

export interface RetryLoopOptions {
  clock: Clock;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often an idle loop looks for work it was not nudged about. */
  idlePollMs?: number;
  /**
   * After a nudge, how long to wait for more work to join the same round (0: start at once).
   * Work that arrives in a steady trickle then goes in one round every so often instead of one
   * round per item: fewer requests to central, each carrying more.
   */
  lingerMs?: number;
  random?: () => number;
  onError?: (error: Error, attempt: number) => void;
  /** The work succeeded after `failures` failed attempts in a row. */
  onRecovered?: (failures: number) => void;
}

export interface RetryLoopStatus {
  state: 'idle' | 'working' | 'retrying' | 'stopped';
  attempt: number;
  lastError: string | null;
  nextRetryAt: string | null;
}

/**
 * Central may say when to come back (Retry-After on a busy or rate-limited answer): trying sooner
 * only earns the same refusal, so the loop waits at least that long, never past its cap.
 */
export function retryDelay(error: unknown, backoffMs: number, capMs: number): number {
  const asked = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (typeof asked !== 'number' || !Number.isFinite(asked)) return backoffMs;
  return Math.min(capMs, Math.max(backoffMs, asked));
}

export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  // "Full jitter": spreads retries of many stations over the whole window after an outage.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export class RetryLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private lingering = false;
  private waitAskedByCentral = false;
  private readonly current: RetryLoopStatus = { state: 'stopped', attempt: 0, lastError: null, nextRetryAt: null };
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly idlePollMs: number;
  private readonly lingerMs: number;
  private readonly random: () => number;

  /** `work` runs until nothing is left to do; throwing means "central is away, back off". */
  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly options: RetryLoopOptions,
  ) {
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.idlePollMs = options.idlePollMs ?? 5_000;
    this.lingerMs = options.lingerMs ?? 0;
    this.random = options.random ?? Math.random;
  }

  get status(): RetryLoopStatus {
    return { ...this.current };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.current.state = 'idle';
    this.loop = this.run();
  }

  /** Stops after the work in flight, if any. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.current.state = 'stopped';
  }

  /** New work is waiting: do it now rather than at the next poll (a backoff is not cut short). */
  nudge(): void {
    this.nudged = true;
    if (this.current.state === 'idle' && !this.lingering) this.wake?.();
  }

  /** Central answered someone else just now: a backoff waiting for it to return can end. */
  retryNow(): void {
    if (this.current.state === 'retrying' && !this.waitAskedByCentral) this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.nudged && this.lingerMs > 0) await this.linger();
      this.nudged = false;
      try {
        this.current.state = 'working';
        await this.work();
        if (this.current.attempt > 0) this.options.onRecovered?.(this.current.attempt);
        this.current.attempt = 0;
        this.current.lastError = null;
        this.current.nextRetryAt = null;
        this.current.state = 'idle';
        if (!this.nudged) await this.sleep(this.idlePollMs);
      } catch (error) {
        this.current.attempt += 1;
        this.current.lastError = (error as Error).message;
        this.current.state = 'retrying';
        const backoff = backoffDelay(this.current.attempt, this.baseDelayMs, this.maxDelayMs, this.random);
        const delay = retryDelay(error, backoff, this.maxDelayMs);
        // Central itself said when to come back: news that it answers others does not end this wait.
        this.waitAskedByCentral = delay > backoff;
        this.current.nextRetryAt = new Date(this.options.clock.now() + delay).toISOString();
        this.options.onError?.(error as Error, this.current.attempt);
        await this.sleep(delay);
      }
    }
  }

  /** A wait that further nudges do not cut short (they join the round it leads to); stop() does. */
  private async linger(): Promise<void> {
    this.lingering = true;
    try {
      await this.sleep(this.lingerMs);
    } finally {
      this.lingering = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
