// Runs in: node. The monitor's live feed. Order events are persisted (in the same transaction as
// the change) so a reconnecting monitor resumes from its last id; cart activity is ephemeral.
import type { Db } from './db.js';

export interface StoredEvent {
  id: number;
  type: string;
  data: unknown;
}

export interface TransientEvent {
  type: string;
  data: unknown;
}

export type StationEvent = StoredEvent | TransientEvent;

type Listener = (event: StationEvent) => void;

export class EventHub {
  private readonly listeners = new Set<Listener>();
  private readonly insert;
  private readonly since;
  private readonly latest;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO events (type, order_id, payload, created_at) VALUES (?, ?, ?, ?)',
    );
    this.since = db.prepare('SELECT id, type, payload FROM events WHERE id > ? ORDER BY id LIMIT ?');
    this.latest = db.prepare('SELECT coalesce(max(id), 0) AS id FROM events');
  }

  /** Call inside the transaction that makes the change; publish the result after commit. */
  record(type: string, orderId: string | null, data: unknown, now: number): StoredEvent {
    const info = this.insert.run(type, orderId, JSON.stringify(data), now);
    return { id: Number(info.lastInsertRowid), type, data };
  }

  publish(event: StationEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stored events after `afterId`, oldest first, at most `limit`. */
  after(afterId: number, limit = 1000): StoredEvent[] {
    const rows = this.since.all(afterId, limit) as { id: number; type: string; payload: string }[];
    return rows.map((row) => ({ id: row.id, type: row.type, data: JSON.parse(row.payload) }));
  }

  lastId(): number {
    return (this.latest.get() as { id: number }).id;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Retention: stored events older than the cut-off are no longer needed for resume. */
  purgeBefore(cutoff: number): number {
    return this.db.prepare('DELETE FROM events WHERE created_at < ?').run(cutoff).changes;
  }
}

export function isStored(event: StationEvent): event is StoredEvent {
  return 'id' in event;
}
