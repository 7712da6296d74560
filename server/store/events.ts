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
  /** Listeners for one device's events only (a phone's feed), found by the event's deviceId. */
  private readonly byDevice = new Map<string, Set<Listener>>();
  private readonly insert;
  private readonly since;
  private readonly latest;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO events (type, order_id, payload, created_at) VALUES (?, ?, ?, ?)',
    );
    this.since = db.prepare('SELECT id, type, order_id, payload FROM events WHERE id > ? ORDER BY id LIMIT ?');
    this.latest = db.prepare('SELECT coalesce(max(id), 0) AS id FROM events');
    this.orderer = db.prepare('SELECT orderer_name, orderer_contact, delivery_address FROM orders WHERE id = ?');
  }

  private readonly orderer;

  /**
   * Call inside the transaction that makes the change; publish the result after commit. The
   * stored copy leaves out the orderer's name, contact and address (docs/threat-model.md,
   * "Personal data": they live in the order row only); after() puts them back from it.
   */
  record(type: string, orderId: string | null, data: unknown, now: number): StoredEvent {
    const info = this.insert.run(type, orderId, JSON.stringify(withoutOrderer(data, orderId)), now);
    return { id: Number(info.lastInsertRowid), type, data };
  }

  publish(event: StationEvent): void {
    for (const listener of this.listeners) listener(event);
    const deviceId = (event.data as { deviceId?: unknown } | null)?.deviceId;
    const forDevice = typeof deviceId === 'string' ? this.byDevice.get(deviceId) : undefined;
    if (forDevice) for (const listener of [...forDevice]) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Only the events whose data names this device (its orders, its presence proofs). Keyed, so
   * the monitor's stream of every scan does not call each connected phone's listener.
   */
  subscribeDevice(deviceId: string, listener: Listener): () => void {
    let set = this.byDevice.get(deviceId);
    if (!set) this.byDevice.set(deviceId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byDevice.get(deviceId) === set) this.byDevice.delete(deviceId);
    };
  }

  /** Stored events after `afterId`, oldest first, at most `limit`. */
  after(afterId: number, limit = 1000): StoredEvent[] {
    const rows = this.since.all(afterId, limit) as { id: number; type: string; order_id: string | null; payload: string }[];
    return rows.map((row) => ({ id: row.id, type: row.type, data: this.withOrderer(JSON.parse(row.payload), row.order_id) }));
  }

  private withOrderer(data: unknown, orderId: string | null): unknown {
    if (!orderId || !data || typeof data !== 'object' || !(STRIPPED in data)) return data;
    const { [STRIPPED]: _marker, ...rest } = data as Record<string, unknown>;
    const row = this.orderer.get(orderId) as { orderer_name: string; orderer_contact: string; delivery_address: string | null } | undefined;
    const fulfilment = rest.fulfilment as { type?: string } | undefined;
    return {
      ...rest,
      orderer: { name: row?.orderer_name ?? '', contact: row?.orderer_contact ?? '' },
      ...(fulfilment?.type === 'delivery' ? { fulfilment: { ...fulfilment, address: row?.delivery_address ?? '' } } : {}),
    };
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

const STRIPPED = '$orderer';

function withoutOrderer(data: unknown, orderId: string | null): unknown {
  if (!orderId || !data || typeof data !== 'object' || !('orderer' in data)) return data;
  const { orderer: _orderer, fulfilment, ...rest } = data as { orderer: unknown; fulfilment?: unknown };
  const kept = fulfilment && typeof fulfilment === 'object' ? { ...fulfilment, address: undefined } : fulfilment;
  return { ...rest, ...(fulfilment === undefined ? {} : { fulfilment: kept }), [STRIPPED]: true };
}

export function isStored(event: StationEvent): event is StoredEvent {
  return 'id' in event;
}
