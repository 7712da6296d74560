// Runs in: node. Sends the outbox to central in seq order and settles it only through central's
// acknowledgement, retrying with capped exponential backoff and full jitter while central is away.
import type { OutboxEvent, OutboxRepository } from '../modules/outbox/repository.js';
import { RetryLoop, type RetryLoopOptions } from './retry-loop.js';

export { backoffDelay } from './retry-loop.js';

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

export interface SyncWorkerOptions extends RetryLoopOptions {
  outbox: OutboxRepository;
  transport: SyncTransport;
  batchSize?: number;
}

/**
 * Every order change nudges the worker; in a busy store (a soak at three times a store's pace
 * makes ~28 events a second) sending each alone made one signed request, one central transaction
 * and one acknowledgement write per event. A tenth of a second gathers them into a few batches a
 * second; central's books are that much later, which nothing in the store waits on.
 */
export const SYNC_LINGER_MS = 100;

export class SyncWorker {
  private readonly loop: RetryLoop;
  private readonly batchSize: number;
  private sending = false;
  private lastAckAt: string | null = null;

  constructor(private readonly options: SyncWorkerOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.loop = new RetryLoop(() => this.drain(), { lingerMs: SYNC_LINGER_MS, ...options });
  }

  get status(): SyncStatus {
    const { state, ...rest } = this.loop.status;
    return { ...rest, state: this.sending ? 'sending' : state === 'working' ? 'idle' : state, lastAckAt: this.lastAckAt };
  }

  start(): void {
    this.loop.start();
  }

  /** Stops after the batch in flight, if any; what is not acknowledged stays in the outbox. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** New events are waiting: send them now rather than at the next poll. */
  nudge(): void {
    this.loop.nudge();
  }

  /** Central is reachable again: end a backoff now instead of at its timer. */
  retryNow(): void {
    this.loop.retryNow();
  }

  /** Sends batches until the outbox is empty; throws the transport's error. */
  async drain(): Promise<number> {
    let sent = 0;
    try {
      for (;;) {
        const batch = this.options.outbox.pending(this.batchSize);
        if (batch.length === 0) return sent;
        this.sending = true;
        const { ackSeq } = await this.options.transport.sendBatch(batch);
        const settled = this.options.outbox.acknowledge(ackSeq, this.options.clock.now());
        this.lastAckAt = new Date(this.options.clock.now()).toISOString();
        sent += settled;
        // Central acknowledged less than we sent: the rest goes again next round, not in a tight
        // loop against a central that is not storing it.
        if (ackSeq < batch.at(-1)!.seq) return sent;
        // A short batch was everything there was; whatever was written since nudged the loop.
        if (batch.length < this.batchSize) return sent;
      }
    } finally {
      this.sending = false;
    }
  }
}
