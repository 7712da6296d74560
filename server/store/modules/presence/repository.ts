// Runs in: node. Presence rows: session secrets, proofs, loyalty cards and staff overrides.
import { statement, type Db } from '../../db.js';
import { newPresenceSecret, PRESENCE_SECRET_BYTES } from '../../../protocol/presence-token.js';

export type ProofKind = 'ble' | 'kiosk' | 'loyalty';

export interface PresenceProof {
  id: number;
  deviceId: string;
  sessionId: string | null;
  kind: ProofKind;
  /** Where it was seen: the radio's name, the kiosk's id. */
  source: string;
  rssi: number | null;
  at: number;
}

export interface TrackedSession {
  sessionId: string;
  deviceId: string;
  secret: Buffer;
}

export interface OverrideRow {
  hold: string;
  staffName: string;
  reason: string;
  at: number;
}

const PROOF_COLUMNS = 'id, device_id AS deviceId, session_id AS sessionId, kind, source, rssi, at';

export class PresenceRepository {
  private readonly insertProof;
  private readonly newestProof;

  constructor(private readonly db: Db) {
    this.insertProof = db.prepare(
      'INSERT INTO presence_proofs (device_id, session_id, kind, source, rssi, at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.newestProof = db.prepare(
      `SELECT ${PROOF_COLUMNS} FROM presence_proofs WHERE device_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 1`,
    );
  }

  /** The session's presence secret, made on first use. */
  secret(sessionId: string): Buffer {
    const row = statement(this.db, 'SELECT presence_secret AS secret FROM shopper_sessions WHERE id = ?').get(sessionId) as
      | { secret: Buffer | null }
      | undefined;
    if (!row) throw new Error(`no session ${sessionId}`);
    if (row.secret && row.secret.length === PRESENCE_SECRET_BYTES) return row.secret;
    const secret = newPresenceSecret();
    statement(this.db, 'UPDATE shopper_sessions SET presence_secret = ? WHERE id = ?').run(secret, sessionId);
    return secret;
  }

  /** Sessions with a secret that were active since `since`: the radio's working set. */
  trackedSince(since: number): TrackedSession[] {
    return statement(this.db,
        `SELECT id AS sessionId, device_id AS deviceId, presence_secret AS secret FROM shopper_sessions
         WHERE presence_secret IS NOT NULL AND last_seen_at >= ?`,
      )
      .all(since) as TrackedSession[];
  }

  deviceOf(sessionId: string): string | undefined {
    return (statement(this.db, 'SELECT device_id AS deviceId FROM shopper_sessions WHERE id = ?').get(sessionId) as
      | { deviceId: string }
      | undefined)?.deviceId;
  }

  recordProof(proof: Omit<PresenceProof, 'id'>): PresenceProof {
    const info = this.insertProof.run(proof.deviceId, proof.sessionId, proof.kind, proof.source, proof.rssi, proof.at);
    return { id: Number(info.lastInsertRowid), ...proof };
  }

  newestProofSince(deviceId: string, since: number): PresenceProof | undefined {
    return this.newestProof.get(deviceId, since) as PresenceProof | undefined;
  }

  proofs(deviceId: string, limit = 20): PresenceProof[] {
    return statement(this.db, `SELECT ${PROOF_COLUMNS} FROM presence_proofs WHERE device_id = ? ORDER BY at DESC, id DESC LIMIT ?`)
      .all(deviceId, limit) as PresenceProof[];
  }

  cardDevice(tag: string): string | undefined {
    return (statement(this.db, 'SELECT device_id AS deviceId FROM loyalty_cards WHERE tag = ?').get(tag) as
      | { deviceId: string }
      | undefined)?.deviceId;
  }

  linkCard(tag: string, deviceId: string, at: number): void {
    statement(this.db, 'INSERT INTO loyalty_cards (tag, device_id, linked_at) VALUES (?, ?, ?) ON CONFLICT(tag) DO NOTHING')
      .run(tag, deviceId, at);
  }

  overrides(orderId: string): OverrideRow[] {
    return statement(this.db, 'SELECT hold, staff_name AS staffName, reason, at FROM order_overrides WHERE order_id = ? ORDER BY id')
      .all(orderId) as OverrideRow[];
  }

  isOverridden(orderId: string, hold: string): boolean {
    return statement(this.db, 'SELECT 1 FROM order_overrides WHERE order_id = ? AND hold = ?').get(orderId, hold) !== undefined;
  }

  /** Retention: proofs older than the cut-off are no longer evidence for anything. */
  purgeBefore(cutoff: number): number {
    return statement(this.db, 'DELETE FROM presence_proofs WHERE at < ?').run(cutoff).changes;
  }
}
