// Runs in: node. An order's audit trail for staff: what happened to it and when, read from the
// rows the station keeps anyway (its stored monitor events, the overrides staff made, staff
// looking at the orderer's contact) rather than a second log that could disagree with them.
// Events are kept for the event retention only (7 days): older orders show what is left.
import type { Db } from '../../db.js';
import { AppError } from '../../errors.js';
import type { Clock } from '../../clock.js';

export const HISTORY_KINDS = [
  'placed',
  'paid',
  'paid_offline',
  'declined',
  'failed',
  'refunded',
  'held',
  'hold_cleared',
  'override',
  'handed_over',
  'cancelled',
  'contact_viewed',
] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export interface HistoryEntry {
  /** ISO 8601. */
  at: string;
  kind: HistoryKind;
  /** With held and override: which hold. */
  hold?: string;
  /** With override: who lifted the hold (as they gave it). */
  staffName?: string;
  /** With override and cancelled: why. */
  reason?: string;
}

/** The parts of an order event's stored payload the trail reads. */
export interface Snapshot {
  state?: string;
  paymentState?: string;
  hold?: string;
  cancelReason?: string;
}

const PAYMENT_KINDS = new Set<string>(['paid', 'paid_offline', 'declined', 'failed', 'refunded']);

/** The trail of one order's event snapshots (oldest first): each change between two of them. */
export function historyFromSnapshots(snapshots: { at: number; data: Snapshot }[]): { at: number; entry: Omit<HistoryEntry, 'at'> }[] {
  const out: { at: number; entry: Omit<HistoryEntry, 'at'> }[] = [];
  let before: Snapshot | null = null;
  for (const { at, data } of snapshots) {
    if (before === null) out.push({ at, entry: { kind: 'placed' } });
    const paymentBefore = before?.paymentState ?? 'pending';
    if (data.paymentState !== undefined && data.paymentState !== paymentBefore && PAYMENT_KINDS.has(data.paymentState)) {
      out.push({ at, entry: { kind: data.paymentState as HistoryKind } });
    }
    const holdBefore = before?.hold ?? null;
    const hold = data.hold ?? null;
    if (hold !== holdBefore) {
      out.push({ at, entry: hold !== null ? { kind: 'held', hold } : { kind: 'hold_cleared', hold: holdBefore ?? undefined } });
    }
    if (data.state !== undefined && data.state !== (before?.state ?? 'placed')) {
      if (data.state === 'handed_over') out.push({ at, entry: { kind: 'handed_over' } });
      if (data.state === 'cancelled') {
        out.push({ at, entry: { kind: 'cancelled', ...(data.cancelReason ? { reason: data.cancelReason } : {}) } });
      }
    }
    before = data;
  }
  return out;
}

export class OrderAudit {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private exists(id: string): void {
    if (!this.db.prepare('SELECT 1 FROM orders WHERE id = ?').get(id)) throw new AppError(404, 'order_not_found', 'No such order.');
  }

  history(id: string): HistoryEntry[] {
    this.exists(id);
    const events = (
      this.db.prepare("SELECT payload, created_at FROM events WHERE order_id = ? AND type IN ('order.placed', 'order.updated') ORDER BY id").all(id) as {
        payload: string;
        created_at: number;
      }[]
    ).map((row) => ({ at: row.created_at, data: JSON.parse(row.payload) as Snapshot }));
    const overrides = this.db
      .prepare('SELECT hold, staff_name, reason, at FROM order_overrides WHERE order_id = ? ORDER BY id')
      .all(id) as { hold: string; staff_name: string; reason: string; at: number }[];
    const viewed = this.db.prepare('SELECT at FROM order_audit WHERE order_id = ? ORDER BY id').all(id) as { at: number }[];

    const liftedAt = new Set(overrides.map((o) => `${o.hold}@${o.at}`));
    const entries = [
      ...historyFromSnapshots(events)
        // The override says more than the bare "hold cleared" it caused.
        .filter(({ at, entry }) => !(entry.kind === 'hold_cleared' && liftedAt.has(`${entry.hold}@${at}`))),
      ...overrides.map((o) => ({ at: o.at, entry: { kind: 'override' as const, hold: o.hold, staffName: o.staff_name, reason: o.reason } })),
      ...viewed.map((v) => ({ at: v.at, entry: { kind: 'contact_viewed' as const } })),
    ];
    // Stable: entries of the same moment keep the order above (an event's own changes first).
    return entries
      .map((e, index) => ({ ...e, index }))
      .sort((a, b) => a.at - b.at || a.index - b.index)
      .map(({ at, entry }) => ({ at: new Date(at).toISOString(), ...entry }));
  }

  /** The orderer's contact and address, unmasked; the look is audited before it is answered. */
  revealContact(id: string): { name: string; contact: string; address?: string } {
    const row = this.db.prepare('SELECT orderer_name, orderer_contact, delivery_address FROM orders WHERE id = ?').get(id) as
      | { orderer_name: string; orderer_contact: string; delivery_address: string | null }
      | undefined;
    if (!row) throw new AppError(404, 'order_not_found', 'No such order.');
    this.db.prepare("INSERT INTO order_audit (order_id, action, at) VALUES (?, 'contact_viewed', ?)").run(id, this.clock.now());
    return { name: row.orderer_name, contact: row.orderer_contact, ...(row.delivery_address ? { address: row.delivery_address } : {}) };
  }
}
