// Runs in: node. The heartbeat of one central instance: every lease it holds in the shared
// database (an Idempotency-Key being answered, a payment being operated on) is short and pushed
// forward while the work runs, so slow work never loses its lease and a dead instance's leases
// run out within one lease length. One timer per instance, only while it holds something.
import type { FastifyBaseLogger } from 'fastify';

/** How long a lease lasts without renewal; after that another instance may take the work over. */
export const LEASE_MS = 10_000;
/** Four beats per lease, so a late or failed renewal or two do not lose it. */
export const RENEW_EVERY_MS = 2_500;

/** Pushes one lease forward; false when it was found taken over (the holder was presumed dead). */
export type Renew = () => Promise<boolean>;

export class LeaseKeeper {
  private readonly held = new Map<symbol, { what: string; renew: Renew }>();
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private stopped = false;

  constructor(
    private readonly renewEveryMs: number = RENEW_EVERY_MS,
    private readonly log?: FastifyBaseLogger,
  ) {}

  /** Renews `renew` on every beat until the returned function is called. */
  hold(what: string, renew: Renew): () => void {
    const id = Symbol(what);
    this.held.set(id, { what, renew });
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => void this.beat(), this.renewEveryMs);
      this.timer.unref();
    }
    return () => {
      this.held.delete(id);
      if (this.held.size === 0) this.clearTimer();
    };
  }

  /** How many leases this instance is renewing now. */
  get size(): number {
    return this.held.size;
  }

  /** A closing (or dying) instance renews nothing more: its work's leases then run out. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  async beat(): Promise<void> {
    if (this.beating || this.stopped) return;
    this.beating = true;
    try {
      for (const [id, lease] of [...this.held]) {
        // stop() may come while this beat awaits an earlier renewal; the rest must not renew.
        if (this.stopped) return;
        try {
          if (!(await lease.renew()) && this.held.delete(id)) {
            // The work's own writes are fenced by its lease, so it cannot book over the taker's.
            this.log?.warn({ lease: lease.what }, 'a lease was taken over by another instance');
          }
        } catch (error) {
          // The next beat tries again; several fit in one lease.
          this.log?.error({ err: error, lease: lease.what }, 'renewing a lease failed');
        }
      }
    } finally {
      this.beating = false;
    }
  }

  private clearTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
