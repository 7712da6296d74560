// Runs in: node. The station's outbox: events for central, written in the same transaction as
// the change they describe, sent in seq order, marked acknowledged only through central's ack.
import { v7 as uuidv7 } from 'uuid';
import { statement, type Db } from '../../db.js';

export interface OutboxEvent {
  id: string;
  seq: number;
  type: string;
  occurredAt: string;
  payload: unknown;
}

export interface OutboxStats {
  backlog: number;
  lastSeq: number;
  ackedSeq: number;
  oldestPendingAt: string | null;
}

export class OutboxRepository {
  private readonly insert;
  private readonly nextSeq;
  private readonly pendingRows;
  private readonly ack;
  private readonly stats;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO outbox (seq, id, type, payload, occurred_at) VALUES (?, ?, ?, ?, ?)');
    // Rows are never deleted below the newest, so max + 1 keeps the sequence contiguous.
    this.nextSeq = db.prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM outbox');
    this.pendingRows = db.prepare(
      'SELECT seq, id, type, payload, occurred_at AS occurredAt FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT ?',
    );
    this.ack = db.prepare('UPDATE outbox SET acked_at = ? WHERE seq <= ? AND acked_at IS NULL');
    this.stats = db.prepare(`
      SELECT
        (SELECT count(*) FROM outbox WHERE acked_at IS NULL) AS backlog,
        (SELECT coalesce(max(seq), 0) FROM outbox) AS lastSeq,
        (SELECT coalesce(max(seq), 0) FROM outbox WHERE acked_at IS NOT NULL) AS ackedSeq,
        (SELECT min(occurred_at) FROM outbox WHERE acked_at IS NULL) AS oldest`);
  }

  /**
   * One order's changes not yet acknowledged by central (the monitor's detail says whether the
   * chain's books have it). Only the unacknowledged rows are read, through their partial index.
   */
  pendingFor(orderId: string): { pending: number; oldest: number | null } {
    return statement(
      this.db,
      "SELECT count(*) AS pending, min(occurred_at) AS oldest FROM outbox WHERE acked_at IS NULL AND json_extract(payload, '$.orderId') = ?",
    ).get(orderId) as { pending: number; oldest: number | null };
  }

  /** Call inside the transaction that makes the change. */
  append(type: string, payload: unknown, now: number): OutboxEvent {
    if (!this.db.inTransaction) throw new Error('outbox events are written inside the change transaction');
    const { seq } = this.nextSeq.get() as { seq: number };
    const id = uuidv7({ msecs: now });
    this.insert.run(seq, id, type, JSON.stringify(payload), now);
    return { id, seq, type, occurredAt: new Date(now).toISOString(), payload };
  }

  pending(limit: number): OutboxEvent[] {
    const rows = this.pendingRows.all(limit) as { seq: number; id: string; type: string; payload: string; occurredAt: number }[];
    return rows.map((row) => ({
      id: row.id,
      seq: row.seq,
      type: row.type,
      occurredAt: new Date(row.occurredAt).toISOString(),
      payload: JSON.parse(row.payload) as unknown,
    }));
  }

  /** Marks everything up to central's contiguous ack; returns how many rows it settled. */
  acknowledge(ackSeq: number, now: number): number {
    return this.ack.run(now, ackSeq).changes;
  }

  status(): OutboxStats {
    const row = this.stats.get() as { backlog: number; lastSeq: number; ackedSeq: number; oldest: number | null };
    return {
      backlog: row.backlog,
      lastSeq: row.lastSeq,
      ackedSeq: row.ackedSeq,
      oldestPendingAt: row.oldest === null ? null : new Date(row.oldest).toISOString(),
    };
  }
}
