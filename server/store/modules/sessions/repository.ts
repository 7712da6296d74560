// Runs in: node. Shopper sessions: a bearer token bound to the device id the phone keeps.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db.js';
import { hashToken, newToken } from '../../tokens.js';

export interface ShopperIdentity {
  sessionId: string;
  deviceId: string;
}

/** Sessions looked up recently, by token: every shopper request authenticates, most of them
 * within seconds of the last one. Bounded; the least recently used go first, so a store with
 * more phones than this keeps the ones shopping now and lets go of those that left. */
export const SESSION_CACHE_LIMIT = 1_000;

/**
 * A session not used for this long is over: its token is refused (the app starts a new one) and
 * retention deletes it with its cart unless an order names it. A visit lasts minutes and a
 * pick-up order is collected the same day; a token copied off a phone or out of a proxy's log
 * must not open the shopper's orders, name and phone number included, weeks later.
 */
export const SESSION_IDLE_MS = 24 * 60 * 60 * 1000;

export class SessionRepository {
  private readonly cache = new Map<string, { sessionId: string; deviceId: string; lastSeenAt: number }>();
  private readonly insert;
  private readonly byToken;
  private readonly touch;
  private readonly idleMs: number;

  constructor(db: Db, options: { idleMs?: number } = {}) {
    this.idleMs = options.idleMs ?? SESSION_IDLE_MS;
    this.insert = db.prepare(
      'INSERT INTO shopper_sessions (id, token_hash, device_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.byToken = db.prepare(
      'SELECT id, device_id AS deviceId, last_seen_at AS lastSeenAt FROM shopper_sessions WHERE token_hash = ?',
    );
    this.touch = db.prepare('UPDATE shopper_sessions SET last_seen_at = ? WHERE id = ?');
  }

  create(deviceId: string, now: number): { sessionId: string; token: string } {
    const sessionId = randomUUID();
    const token = newToken();
    this.insert.run(sessionId, hashToken(token), deviceId, now, now);
    return { sessionId, token };
  }

  /** The session of a token, only when presented by the device it was issued to. */
  authenticate(token: string, deviceId: string, now: number): ShopperIdentity | null {
    let session = this.cache.get(token);
    if (session) {
      // A Map iterates in insertion order: re-inserting makes this the most recently used.
      this.cache.delete(token);
      this.cache.set(token, session);
    } else {
      const row = this.byToken.get(hashToken(token)) as
        | { id: string; deviceId: string; lastSeenAt: number }
        | undefined;
      if (!row) return null;
      session = { sessionId: row.id, deviceId: row.deviceId, lastSeenAt: row.lastSeenAt };
      if (this.cache.size >= SESSION_CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, session);
    }
    if (session.deviceId !== deviceId) return null;
    // last_seen_at is written at most once a minute (below): a session may end up to a minute early.
    if (now - session.lastSeenAt > this.idleMs) {
      this.cache.delete(token);
      return null;
    }
    // Writing on every request would double the cost of a scan; a minute's precision is plenty.
    if (now - session.lastSeenAt > 60_000) {
      this.touch.run(now, session.sessionId);
      session.lastSeenAt = now;
    }
    return { sessionId: session.sessionId, deviceId: session.deviceId };
  }
}

/**
 * Deletes the sessions idle since before `cutoff` that no order names, their cart lines with them
 * (cart_items cascades; a kiosk paired with one lets go). Sessions with orders stay: the orders
 * reference them, and their tokens are refused anyway.
 */
export function purgeIdleSessions(db: Db, cutoff: number): number {
  return db
    .prepare('DELETE FROM shopper_sessions WHERE last_seen_at < ? AND NOT EXISTS (SELECT 1 FROM orders WHERE orders.session_id = shopper_sessions.id)')
    .run(cutoff).changes;
}
