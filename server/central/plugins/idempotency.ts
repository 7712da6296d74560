// Runs in: node. Stripe-like idempotency for every mutating payment call: the first response to
// a key is stored and replayed to every retry; the database's primary key decides who runs
// first, so several central instances agree and two racing retries make one payment.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, body as errorBody } from '../../http/errors.js';
import { canonicalJson, sha256Hex } from '../canonical-json.js';
import type { CentralKysely } from '../db/index.js';
import type { Clock } from '../../store/clock.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a first request may run before a retry may assume its process died and take over. */
export const LEASE_MS = 60_000;
/** How long a retry waits for a first request that is still running before answering 409. */
const WAIT_FOR_FIRST_MS = 10_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface Outcome {
  status: number;
  body: unknown;
}

type Claim = { kind: 'owner' } | { kind: 'replay'; status: number; body: string };

/** Errors that say something about this request for good, so a retry gets the same answer. */
function isFinal(error: AppError): boolean {
  return error.statusCode < 500 && error.statusCode !== 429 && error.code !== 'payment_busy';
}

export class Idempotency {
  constructor(
    private readonly db: CentralKysely,
    private readonly clock: Clock,
  ) {}

  async run(request: FastifyRequest, reply: FastifyReply, operation: () => Promise<Outcome>): Promise<FastifyReply> {
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new AppError(400, 'idempotency_key_required', 'Send an Idempotency-Key header (1–255 printable characters) with every change.');
    }
    const storeId = request.storeId!;
    const requestHash = sha256Hex(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body)}`);
    const claim = await this.claim(storeId, key, requestHash);
    if (claim.kind === 'replay') {
      return reply.code(claim.status).header('idempotent-replayed', 'true').send(JSON.parse(claim.body) as unknown);
    }
    let outcome: Outcome;
    try {
      outcome = await operation();
    } catch (error) {
      if (error instanceof AppError && isFinal(error)) {
        await this.complete(storeId, key, { status: error.statusCode, body: errorBody(error.code, error.message) });
      } else {
        // Nothing definite happened (the acquirer was unreachable, or central failed): the key
        // is freed so the station's retry runs the operation again.
        await this.release(storeId, key);
      }
      throw error;
    }
    await this.complete(storeId, key, outcome);
    return reply.code(outcome.status).send(outcome.body);
  }

  private async claim(storeId: string, key: string, requestHash: string): Promise<Claim> {
    const waitUntil = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const now = this.clock.now();
      const fresh = { request_hash: requestHash, status_code: null, response_body: null, locked_until: now + LEASE_MS, created_at: now, expires_at: now + KEY_TTL_MS };
      const inserted = await this.db
        .insertInto('idempotency_keys')
        .values({ store_id: storeId, idem_key: key, ...fresh })
        .onConflict((oc) => oc.doNothing())
        .returning('idem_key')
        .executeTakeFirst();
      if (inserted) return { kind: 'owner' };
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
        if (taken) return { kind: 'owner' };
        continue;
      }
      if (row.request_hash !== requestHash) {
        throw new AppError(409, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
      }
      if (row.status_code !== null && row.response_body !== null) {
        return { kind: 'replay', status: row.status_code, body: row.response_body };
      }
      if (row.locked_until <= now) {
        const taken = await this.db
          .updateTable('idempotency_keys')
          .set({ locked_until: now + LEASE_MS })
          .where('store_id', '=', storeId)
          .where('idem_key', '=', key)
          .where('status_code', 'is', null)
          .where('locked_until', '=', row.locked_until)
          .returning('idem_key')
          .executeTakeFirst();
        if (taken) return { kind: 'owner' };
        continue;
      }
      if (Date.now() > waitUntil) {
        throw new AppError(409, 'request_in_progress', 'A request with this Idempotency-Key is still running; retry shortly.');
      }
      await sleep(20);
    }
  }

  private async complete(storeId: string, key: string, outcome: Outcome): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status_code: outcome.status, response_body: JSON.stringify(outcome.body) })
      .where('store_id', '=', storeId)
      .where('idem_key', '=', key)
      .execute();
  }

  private async release(storeId: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('store_id', '=', storeId)
      .where('idem_key', '=', key)
      .where('status_code', 'is', null)
      .execute();
  }

  /** Drops expired keys; run now and then by every instance (it is harmless to run twice). */
  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
