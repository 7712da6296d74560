// Runs in: node. Sends the outbox to central in seq order and settles it only through central's
// acknowledgement, retrying with capped exponential backoff and full jitter while central is away.
import type { Clock } from '../clock.js';
import type { OutboxEvent, OutboxRepository } from '../modules/outbox/repository.js';

/** Carries one batch to central and returns central's highest contiguous sequence. */
export interface SyncTransport {
  sendBatch(events: readonly OutboxEvent[]): Promise<{ ackSeq: number }>;
}

export interface SyncStatus {
  state: 'idle' | 'sending' | 'retrying' | 'stopped';
  attempt: number;
  lastError: string | null;
  lastAckAt: string | null;
  nextRetryAt: string | null;
}

export interface SyncWorkerOptions {
  outbox: OutboxRepository;
  transport: SyncTransport;
  clock: Clock;
  batchSize?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often an idle worker looks for events it was not nudged about. */
  idlePollMs?: number;
  random?: () => number;
  onError?: (error: Error, attempt: number) => void;
}

export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  // "Full jitter": spreads retries of many stations over the whole window after an outage.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export class SyncWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private readonly current: SyncStatus = { state: 'stopped', attempt: 0, lastError: null, lastAckAt: null, nextRetryAt: null };
  private readonly batchSize: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly idlePollMs: number;
  private readonly random: () => number;

  constructor(private readonly options: SyncWorkerOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.idlePollMs = options.idlePollMs ?? 5_000;
    this.random = options.random ?? Math.random;
  }

  get status(): SyncStatus {
    return { ...this.current };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.current.state = 'idle';
    this.loop = this.run();
  }

  /** Stops after the batch in flight, if any; what is not acknowledged stays in the outbox. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.current.state = 'stopped';
  }

  /** New events are waiting: send them now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    if (this.current.state === 'idle') this.wake?.();
  }

  /** Sends batches until the outbox is empty; throws the transport's error. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = this.options.outbox.pending(this.batchSize);
      if (batch.length === 0) return sent;
      this.current.state = 'sending';
      const { ackSeq } = await this.options.transport.sendBatch(batch);
      const settled = this.options.outbox.acknowledge(ackSeq, this.options.clock.now());
      this.current.lastAckAt = new Date(this.options.clock.now()).toISOString();
      sent += settled;
      // Central acknowledged less than we sent: the rest goes again next round, not in a tight
      // loop against a central that is not storing it.
      if (ackSeq < batch.at(-1)!.seq) return sent;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      try {
        await this.drain();
        this.current.attempt = 0;
        this.current.lastError = null;
        this.current.nextRetryAt = null;
        this.current.state = 'idle';
        if (!this.nudged) await this.sleep(this.idlePollMs);
      } catch (error) {
        this.current.attempt += 1;
        this.current.lastError = (error as Error).message;
        this.current.state = 'retrying';
        const delay = backoffDelay(this.current.attempt, this.baseDelayMs, this.maxDelayMs, this.random);
        this.current.nextRetryAt = new Date(this.options.clock.now() + delay).toISOString();
        this.options.onError?.(error as Error, this.current.attempt);
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
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
