// Runs in: node. The station's payment rows: one per order, changed only inside the caller's
// durable transaction together with the order's monitor event and outbox event.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db.js';
import type { PaymentState } from '../../schemas.js';

export interface PaymentRow {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  method: string;
  token_ref: string;
  state: PaymentState;
  central_payment_id: string | null;
  brand: string | null;
  masked_pan: string | null;
  decline_code: string | null;
  decline_message: string | null;
  offline_accepted_at: number | null;
  attempts: number;
  settled_attempt: number;
  outcome_unknown: 0 | 1;
  created_at: number;
  updated_at: number;
}

export type PaymentChanges = Partial<Omit<PaymentRow, 'id' | 'order_id' | 'amount' | 'currency' | 'created_at' | 'updated_at'>>;

const CHANGEABLE = new Set<string>([
  'method', 'token_ref', 'state', 'central_payment_id', 'brand', 'masked_pan', 'decline_code', 'decline_message',
  'offline_accepted_at', 'attempts', 'settled_attempt', 'outcome_unknown',
]);

export class PaymentRepository {
  private readonly byOrder;
  private readonly insert;
  private readonly offline;

  constructor(private readonly db: Db) {
    this.byOrder = db.prepare('SELECT * FROM payments WHERE order_id = ?');
    this.insert = db.prepare(
      `INSERT INTO payments (id, order_id, amount, currency, method, token_ref, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    );
    this.offline = db.prepare(
      `SELECT count(*) AS count, coalesce(sum(amount), 0) AS outstanding, min(offline_accepted_at) AS oldest
       FROM payments WHERE state = 'paid_offline' AND currency = ?`,
    );
  }

  /** Call inside the checkout transaction: the order is never without its payment. */
  create(order: { id: string; amount: number; currency: string; method: string; token: string }, now: number): void {
    this.insert.run(randomUUID(), order.id, order.amount, order.currency, order.method, order.token, now, now);
  }

  forOrder(orderId: string): PaymentRow | undefined {
    return this.byOrder.get(orderId) as PaymentRow | undefined;
  }

  /** Call inside the transaction of the change. */
  update(orderId: string, changes: PaymentChanges, now: number): PaymentRow {
    if (!this.db.inTransaction) throw new Error('payment rows change inside the transaction of the change');
    const columns = Object.keys(changes).filter((column) => CHANGEABLE.has(column));
    const values = columns.map((column) => changes[column as keyof PaymentChanges] ?? null);
    this.db
      .prepare(`UPDATE payments SET ${[...columns.map((c) => `${c} = ?`), 'updated_at = ?'].join(', ')} WHERE order_id = ?`)
      .run(...values, now, orderId);
    return this.forOrder(orderId)!;
  }

  /** Accepted offline and not yet settled by central, in one currency. */
  offlineTotals(currency: string): { count: number; outstanding: number; oldestAcceptedAt: number | null } {
    const row = this.offline.get(currency) as { count: number; outstanding: number; oldest: number | null };
    return { count: row.count, outstanding: row.outstanding, oldestAcceptedAt: row.oldest };
  }

  offlineAcceptedBefore(cutoff: number): string[] {
    return this.ids("state = 'paid_offline' AND offline_accepted_at <= ?", cutoff);
  }

  /** Work for central: offline payments to forward, and attempts whose answer never arrived. */
  /** Refused after a charge that was sent and never answered: central may have carried it out. */
  unconfirmed(): string[] {
    // The same test as the service's isUnconfirmed(row), which checks again under the order's lock.
    return this.ids("state = 'failed' AND outcome_unknown = 1 AND attempts = settled_attempt");
  }

  waitingForCentral(): string[] {
    return this.ids("state = 'paid_offline' OR attempts > settled_attempt");
  }

  private ids(where: string, ...params: unknown[]): string[] {
    const rows = this.db.prepare(`SELECT order_id FROM payments WHERE ${where} ORDER BY created_at`).all(...params) as { order_id: string }[];
    return rows.map((row) => row.order_id);
  }
}
