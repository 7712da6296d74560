// Runs in: node. Approval rows of the station (migration 8): dialogue state, audited turns and
// risk decisions, and the purchase history the dialogue asks about. No answer is ever written.
import type { Db } from '../../db.js';
import { normaliseContact } from '../../../protocol/approval.js';
import type { OrderHold } from '../../schemas.js';
import type { AuditTurn, Choice, DialogueState, DialogueStatus } from './dialogue.js';
import { readDialogueTimeout } from './expiry.js';

export type Outcome = 'approve' | 'dialogue' | 'step_up' | 'deny';

export interface Reason {
  code: string;
  message: string;
}

export interface Decision {
  outcome: Outcome;
  hold: OrderHold | null;
  reasons: Reason[];
}

export interface StoredDialogue {
  state: DialogueState;
  failureSent: boolean;
}

export interface TurnRow extends AuditTurn {
  judge: string | null;
  reasons: string[];
}

const HISTORY_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

export class ApprovalRepository {
  constructor(private readonly db: Db) {}

  dialogue(orderId: string): StoredDialogue | undefined {
    const row = this.db.prepare('SELECT state, failure_sent FROM approval_dialogues WHERE order_id = ?').get(orderId) as
      | { state: string; failure_sent: number }
      | undefined;
    return row ? { state: JSON.parse(row.state) as DialogueState, failureSent: row.failure_sent === 1 } : undefined;
  }

  /** Creates the dialogue unless one exists (two phones racing get the same one). */
  createDialogue(orderId: string, state: DialogueState): void {
    this.db
      .prepare('INSERT INTO approval_dialogues (order_id, status, state, started_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(order_id) DO NOTHING')
      .run(orderId, state.status, JSON.stringify(state), state.startedAt, state.updatedAt);
  }

  /** The new state and its audit turn commit together: no turn without its state, nor the reverse. */
  saveTurn(orderId: string, state: DialogueState, turn: AuditTurn, judge: string | null, reasons: readonly string[] = []): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE approval_dialogues SET status = ?, state = ?, updated_at = ? WHERE order_id = ?')
        .run(state.status, JSON.stringify(state), state.updatedAt, orderId);
      this.db
        .prepare(
          `INSERT INTO approval_turns (order_id, turn, question_id, question_kind, action, score, verdict, judge, reasons, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(orderId, turn.turn, turn.questionId, turn.kind, turn.action, turn.score, turn.verdict, judge, JSON.stringify(reasons.slice(0, 8)), turn.at);
    })();
  }

  /** The dialogue timeout setting, in ms (a bad value: the default, reported through `warn`). */
  dialogueTimeoutMs(warn?: (message: string) => void): number {
    return readDialogueTimeout(this.db, warn);
  }

  /** Open dialogues whose last turn (or start) is at or before `cutoff`: abandoned ones. */
  dueDialogues(cutoff: number): string[] {
    return (this.db.prepare("SELECT order_id FROM approval_dialogues WHERE status = 'open' AND updated_at <= ? ORDER BY updated_at LIMIT 500").all(cutoff) as { order_id: string }[]).map(
      (r) => r.order_id,
    );
  }

  markFailureSent(orderId: string): void {
    this.db.prepare('UPDATE approval_dialogues SET failure_sent = 1 WHERE order_id = ?').run(orderId);
  }

  turns(orderId: string): TurnRow[] {
    const rows = this.db
      .prepare(
        `SELECT turn, question_id AS questionId, question_kind AS kind, action, score, verdict, judge, reasons, at
         FROM approval_turns WHERE order_id = ? ORDER BY turn`,
      )
      .all(orderId) as (Omit<TurnRow, 'reasons'> & { reasons: string })[];
    return rows.map((row) => ({ ...row, reasons: JSON.parse(row.reasons) as string[] }));
  }

  dialogueStatus(orderId: string): DialogueStatus | undefined {
    return (this.db.prepare('SELECT status FROM approval_dialogues WHERE order_id = ?').get(orderId) as { status: DialogueStatus } | undefined)?.status;
  }

  saveDecision(orderId: string, decision: Decision, at: number): void {
    this.db
      .prepare(
        `INSERT INTO approval_decisions (order_id, outcome, hold, reasons, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(order_id) DO UPDATE SET outcome = excluded.outcome, hold = excluded.hold, reasons = excluded.reasons, at = excluded.at`,
      )
      .run(orderId, decision.outcome, decision.hold, JSON.stringify(decision.reasons), at);
  }

  decision(orderId: string): (Decision & { at: number }) | undefined {
    const row = this.db.prepare('SELECT outcome, hold, reasons, at FROM approval_decisions WHERE order_id = ?').get(orderId) as
      | { outcome: Outcome; hold: OrderHold | null; reasons: string; at: number }
      | undefined;
    return row ? { outcome: row.outcome, hold: row.hold, reasons: JSON.parse(row.reasons) as Reason[], at: row.at } : undefined;
  }

  /** Approval holds staff lifted on this order (order_overrides, written by the orders module). */
  overriddenHolds(orderId: string): string[] {
    return (this.db.prepare('SELECT DISTINCT hold FROM order_overrides WHERE order_id = ?').all(orderId) as { hold: string }[]).map((r) => r.hold);
  }

  /** The device a session was opened on: an order is bound to it (DESIGN.md "Security"). */
  sessionDevice(sessionId: string): string | undefined {
    return (this.db.prepare('SELECT device_id FROM shopper_sessions WHERE id = ?').get(sessionId) as { device_id: string } | undefined)?.device_id;
  }

  /**
   * Products this station sold to the contact, paid, within the 30 days before `now`, except
   * the order being approved. Contacts are compared normalised, as the shopper typed them.
   */
  purchasedBy(contact: string, exceptOrderId: string, now: number): Choice[] {
    const wanted = normaliseContact(contact);
    if (!wanted) return [];
    const rows = this.db
      .prepare(
        `SELECT o.orderer_contact AS contact, i.sku, i.name, p.name_en AS nameEn
         FROM orders o
         JOIN payments pay ON pay.order_id = o.id AND pay.state IN ('paid', 'paid_offline')
         JOIN order_items i ON i.order_id = o.id
         LEFT JOIN products p ON p.sku = i.sku
         WHERE o.created_at >= ? AND o.created_at <= ? AND o.id <> ?`,
      )
      .all(now - HISTORY_WINDOW_MS, now, exceptOrderId) as { contact: string; sku: string; name: string; nameEn: string | null }[];
    const bought = new Map<string, Choice>();
    for (const row of rows) {
      if (normaliseContact(row.contact) !== wanted || bought.has(row.sku)) continue;
      bought.set(row.sku, { id: row.sku, label: row.name, ...(row.nameEn ? { labelEn: row.nameEn } : {}) });
    }
    return [...bought.values()];
  }

  /** Catalogue products to draw decoys from (a random sample, never the whole catalogue). */
  sampleProducts(limit: number): Choice[] {
    return (
      this.db.prepare('SELECT sku, name, name_en AS nameEn FROM products ORDER BY random() LIMIT ?').all(limit) as { sku: string; name: string; nameEn: string | null }[]
    ).map((p) => ({ id: p.sku, label: p.name, ...(p.nameEn ? { labelEn: p.nameEn } : {}) }));
  }
}
