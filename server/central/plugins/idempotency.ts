// Runs in: node. Stripe-like idempotency for every mutating payment call: the first response to
// a key is stored and replayed to every retry; the database's primary key decides who runs
// first, so several central instances agree and two racing retries make one payment. The first
// request holds the key under a short lease that its instance renews while the operation runs:
// a slow acquirer never loses it, a dead instance's lease runs out in seconds.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, body as errorBody } from '../../http/errors.js';
import { canonicalJson, sha256Hex } from '../canonical-json.js';
import type { CentralKysely } from '../db/index.js';
import type { Clock } from '../../store/clock.js';
import { LEASE_MS, type LeaseKeeper } from '../lease.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a retry waits for a first request that is still running before answering 409. */
const WAIT_FOR_FIRST_MS = 10_000;
/** What an Idempotency-Key may be: 1–255 printable ASCII characters. */
export const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface Outcome {
  status: number;
  body: unknown;
}

export interface IdempotencyOptions {
  /** How long a first request's claim lasts without renewal; then a retry may take it over. */
  leaseMs?: number;
  /** How long a retry waits (real time) for a running first request before its 409. */
  waitForFirstMs?: number;
  log?: FastifyBaseLogger;
}

type Claim = { kind: 'owner'; owner: string } | { kind: 'replay'; status: number; body: string };

interface HeldLease {
  storeId: string;
  key: string;
  owner: string;
}

/** Errors that say something about this request for good, so a retry gets the same answer. */
function isFinal(error: AppError): boolean {
  return error.statusCode < 500 && error.statusCode !== 429 && error.code !== 'payment_busy' && error.code !== 'request_in_progress';
}

/** What a retry is told while another instance holds the key (or took over this request's). */
export function requestInProgress(message = 'A request with this Idempotency-Key is still running; retry shortly.'): AppError {
  return new AppError(409, 'request_in_progress', message);
}

export class Idempotency {
  private readonly leaseMs: number;
  private readonly waitForFirstMs: number;

  constructor(
    private readonly db: CentralKysely,
    private readonly clock: Clock,
    private readonly leases: LeaseKeeper,
    private readonly options: IdempotencyOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.waitForFirstMs = options.waitForFirstMs ?? WAIT_FOR_FIRST_MS;
  }

  async run(request: FastifyRequest, reply: FastifyReply, operation: () => Promise<Outcome>): Promise<FastifyReply> {
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new AppError(400, 'idempotency_key_required', 'Send an Idempotency-Key header (1–255 printable characters) with every change.');
    }
    const storeId = request.storeId!;
    const requestHash = sha256Hex(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body)}`);
    let claim: Claim;
    try {
      claim = await this.claim(storeId, key, requestHash);
    } catch (error) {
      if (error instanceof AppError && error.code === 'request_in_progress') reply.header('retry-after', String(this.retryAfterS()));
      throw error;
    }
    if (claim.kind === 'replay') {
      return reply.code(claim.status).header('idempotent-replayed', 'true').send(JSON.parse(claim.body) as unknown);
    }
    const lease: HeldLease = { storeId, key, owner: claim.owner };
    const unhold = this.leases.hold('idempotency key', () => this.renew(lease));
    let outcome: Outcome;
    try {
      outcome = await operation();
    } catch (error) {
      if (error instanceof AppError && isFinal(error)) {
        await this.complete(lease, { status: error.statusCode, body: errorBody(error.code, error.message) });
      } else {
        // Nothing definite happened (the acquirer was unreachable, or central failed): the key
        // is freed so the station's retry runs the operation again.
        await this.release(lease);
        if (error instanceof AppError && error.code === 'request_in_progress') reply.header('retry-after', String(this.retryAfterS()));
      }
      throw error;
    } finally {
      unhold();
    }
    await this.complete(lease, outcome);
    return reply.code(outcome.status).send(outcome.body);
  }

  /** Whole seconds (at least 1): a retry after one lease finds the answer or a free key. */
  private retryAfterS(): number {
    return Math.max(1, Math.ceil(this.leaseMs / 1000));
  }

  /**
   * The heartbeat's part: pushes the lease one length past now, unless a retry took the key over
   * (this instance was presumed dead after a long stall); the payment service fences its own
   * writes, so the late first request cannot book over the retry's outcome.
   */
  private async renew(lease: HeldLease): Promise<boolean> {
    const renewed = await this.db
      .updateTable('idempotency_keys')
      .set({ locked_until: this.clock.now() + this.leaseMs })
      .where('store_id', '=', lease.storeId)
      .where('idem_key', '=', lease.key)
      .where('lease_owner', '=', lease.owner)
      .where('status_code', 'is', null)
      .returning('idem_key')
      .executeTakeFirst();
    return renewed !== undefined;
  }

  private async claim(storeId: string, key: string, requestHash: string): Promise<Claim> {
    const waitUntil = Date.now() + this.waitForFirstMs;
    for (;;) {
      const now = this.clock.now();
      const owner = randomUUID();
      const fresh = {
        request_hash: requestHash,
        status_code: null,
        response_body: null,
        locked_until: now + this.leaseMs,
        lease_owner: owner,
        created_at: now,
        expires_at: now + KEY_TTL_MS,
      };
      const inserted = await this.db
        .insertInto('idempotency_keys')
        .values({ store_id: storeId, idem_key: key, ...fresh })
        .onConflict((oc) => oc.doNothing())
        .returning('idem_key')
        .executeTakeFirst();
      if (inserted) return { kind: 'owner', owner };
      const row = await this.db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('store_id', '=', storeId)
        .where('idem_key', '=', key)
        .executeTakeFirst();
      if (!row) continue;
      if (row.expires_at <= now) {
        // An expired key is a new key; the compare-and-set makes one instance win it.
        const taken = await this.db
          .updateTable('idempotency_keys')
          .set(fresh)
          .where('store_id', '=', storeId)
          .where('idem_key', '=', key)
          .where('expires_at', '=', row.expires_at)
          .returning('idem_key')
          .executeTakeFirst();
        if (taken) return { kind: 'owner', owner };
        continue;
      }
      if (row.request_hash !== requestHash) {
        throw new AppError(409, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
      }
      if (row.status_code !== null && row.response_body !== null) {
        return { kind: 'replay', status: row.status_code, body: row.response_body };
      }
      if (row.locked_until <= now) {
        // Its holder stopped renewing: presumed dead. The compare-and-set on the holder's token
        // and lease makes one retry win, and from here on the old holder's writes are refused.
        const taken = await this.db
          .updateTable('idempotency_keys')
          .set({ locked_until: now + this.leaseMs, lease_owner: owner })
          .where('store_id', '=', storeId)
          .where('idem_key', '=', key)
          .where('status_code', 'is', null)
          .where('locked_until', '=', row.locked_until)
          .where((eb) => (row.lease_owner === null ? eb('lease_owner', 'is', null) : eb('lease_owner', '=', row.lease_owner)))
          .returning('idem_key')
          .executeTakeFirst();
        if (taken) return { kind: 'owner', owner };
        continue;
      }
      if (Date.now() > waitUntil) throw requestInProgress();
      await sleep(20);
    }
  }

  /** Only the lease's holder stores the answer; one that lost it leaves the new holder's alone. */
  private async complete(lease: HeldLease, outcome: Outcome): Promise<void> {
    const stored = await this.db
      .updateTable('idempotency_keys')
      .set({ status_code: outcome.status, response_body: JSON.stringify(outcome.body) })
      .where('store_id', '=', lease.storeId)
      .where('idem_key', '=', lease.key)
      .where('lease_owner', '=', lease.owner)
      .where('status_code', 'is', null)
      .returning('idem_key')
      .executeTakeFirst();
    if (!stored) this.options.log?.warn({ storeId: lease.storeId, status: outcome.status }, 'answer not stored: the idempotency lease was taken over');
  }

  private async release(lease: HeldLease): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('store_id', '=', lease.storeId)
      .where('idem_key', '=', lease.key)
      .where('lease_owner', '=', lease.owner)
      .where('status_code', 'is', null)
      .execute();
  }

  /**
   * Where a key stands, without touching it: never seen (or expired and purged), held by a request
   * still running, or answered. For a station that gave up waiting on a request.
   */
  async standing(storeId: string, key: string): Promise<'unknown' | 'in_progress' | 'done'> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select(['status_code', 'expires_at', 'locked_until'])
      .where('store_id', '=', storeId)
      .where('idem_key', '=', key)
      .executeTakeFirst();
    const now = this.clock.now();
    if (!row || row.expires_at <= now) return 'unknown';
    if (row.status_code !== null) return 'done';
    // Its holder stopped renewing: no request runs it now (what it booked, if anything, tells).
    return row.locked_until > now ? 'in_progress' : 'unknown';
  }

  /** Drops expired keys; run now and then by every instance (it is harmless to run twice). */
  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
