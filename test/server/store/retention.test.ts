// Runs in: node (vitest). Issue 8, item 5: presence proofs and audit rows (approval turns,
// decisions, closed dialogues, staff overrides) older than the station's retention settings are
// purged at start-up and then daily; evidence an open order still needs is kept. The clock is
// a ManualClock and the daily timer vitest's fake one.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../server/store/clock.js';
import type { Db } from '../../../server/store/db.js';
import { initStation, openStation, writeSetting } from '../../../server/store/station.js';
import { purgeExpired, readRetention, RETENTION_DEFAULTS, startRetention } from '../../../server/store/retention.js';
import { startStoreServer } from '../../../server/store/server.js';
import { SESSION_IDLE_MS } from '../../../server/store/modules/sessions/repository.js';

const DAY = 24 * 60 * 60 * 1000;
const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newStation() {
  const dir = mkdtempSync(join(tmpdir(), 'omni-retention-'));
  dirs.push(dir);
  const dataDir = join(dir, 'data');
  initStation({ dataDir, storeId: 'RETAIN-1', pin: '482913' }).station.close();
  return dataDir;
}

/** One order with presence and audit rows of every kind, all stamped `at`. */
function seedOrder(db: Db, at: number, options: { held?: boolean; dialogue?: 'open' | 'passed' | 'failed'; failureSent?: boolean } = {}): string {
  const id = randomUUID();
  const session = randomUUID();
  db.prepare('INSERT INTO shopper_sessions (id, token_hash, device_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)').run(session, randomUUID(), `dev-${id}`, at, at);
  const number = ((db.prepare('SELECT coalesce(max(number), 0) AS n FROM orders').get() as { n: number }).n) + 1;
  db.prepare(
    `INSERT INTO orders (id, number, session_id, device_id, state, total, currency, orderer_name, orderer_contact, fulfilment,
       payment_method, payment_token, request_hash, created_at, updated_at, hold, held_at)
     VALUES (?, ?, ?, ?, 'placed', 1000, 'KRW', 'n', '010-0000-0000', 'pickup', 'card', 'tok_x', 'h', ?, ?, ?, ?)`,
  ).run(id, number, session, `dev-${id}`, at, at, options.held ? 'approval_pending' : null, options.held ? at : null);
  db.prepare("INSERT INTO presence_proofs (device_id, session_id, kind, source, at) VALUES (?, ?, 'kiosk', 'K1', ?)").run(`dev-${id}`, session, at);
  db.prepare("INSERT INTO approval_turns (order_id, turn, question_id, question_kind, action, score, verdict, at) VALUES (?, 1, 'q.birth_city', 'enrolled', 'answer', 0.9, 'pass', ?)").run(id, at);
  db.prepare("INSERT INTO approval_decisions (order_id, outcome, hold, reasons, at) VALUES (?, 'dialogue', NULL, '[]', ?)").run(id, at);
  db.prepare('INSERT INTO approval_dialogues (order_id, status, state, failure_sent, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    id, options.dialogue ?? 'passed', '{}', options.failureSent === false ? 0 : 1, at, at,
  );
  db.prepare("INSERT INTO order_overrides (order_id, hold, staff_name, reason, at) VALUES (?, 'presence_mismatch', 'Kim', 'checked', ?)").run(id, at);
  db.prepare("INSERT INTO order_audit (order_id, action, at) VALUES (?, 'contact_viewed', ?)").run(id, at);
  return id;
}

function rowsOf(db: Db, orderId: string) {
  const one = (sql: string) => (db.prepare(sql).get(orderId) as { n: number }).n;
  return {
    presence: one("SELECT count(*) AS n FROM presence_proofs WHERE device_id = 'dev-' || ?"),
    turns: one('SELECT count(*) AS n FROM approval_turns WHERE order_id = ?'),
    decisions: one('SELECT count(*) AS n FROM approval_decisions WHERE order_id = ?'),
    dialogues: one('SELECT count(*) AS n FROM approval_dialogues WHERE order_id = ?'),
    overrides: one('SELECT count(*) AS n FROM order_overrides WHERE order_id = ?'),
    contactViews: one('SELECT count(*) AS n FROM order_audit WHERE order_id = ?'),
    orders: one('SELECT count(*) AS n FROM orders WHERE id = ?'),
  };
}

const ALL = { presence: 1, turns: 1, decisions: 1, dialogues: 1, overrides: 1, contactViews: 1, orders: 1 };
const AUDIT_ONLY = { ...ALL, presence: 0 };
const NONE = { presence: 0, turns: 0, decisions: 0, dialogues: 0, overrides: 0, contactViews: 0, orders: 1 };

describe('retention', () => {
  it('reads its periods from settings, with defaults, and refuses nonsense', () => {
    const station = openStation(newStation());
    try {
      expect(readRetention(station.db)).toEqual({ presenceDays: RETENTION_DEFAULTS.retention_presence_days, auditDays: RETENTION_DEFAULTS.retention_audit_days });
      expect(RETENTION_DEFAULTS).toEqual({ retention_presence_days: 30, retention_audit_days: 365 });
      writeSetting(station.db, 'retention_presence_days', '7');
      writeSetting(station.db, 'retention_audit_days', '0.5');
      const warnings: string[] = [];
      expect(readRetention(station.db, (m) => warnings.push(m))).toEqual({ presenceDays: 7, auditDays: 365 });
      expect(warnings).toEqual([expect.stringContaining('retention_audit_days="0.5"')]);
    } finally {
      station.close();
    }
  });

  it('purges presence after its period and audit after its own, never the orders, nor what an open order needs', () => {
    const station = openStation(newStation());
    const db = station.db;
    try {
      const now = Date.UTC(2026, 10, 25, 9);
      const fresh = seedOrder(db, now - 29 * DAY);
      const stalePresence = seedOrder(db, now - 31 * DAY);
      const staleAudit = seedOrder(db, now - 366 * DAY);
      const heldOld = seedOrder(db, now - 400 * DAY, { held: true });
      const openOld = seedOrder(db, now - 400 * DAY, { dialogue: 'open' });
      const unreported = seedOrder(db, now - 400 * DAY, { dialogue: 'failed', failureSent: false });

      const result = purgeExpired(db, now, readRetention(db));
      // Every seeded session has its order: none of them goes, however old.
      expect(result).toEqual({ presenceProofs: 5, approvalTurns: 3, approvalDecisions: 3, approvalDialogues: 1, orderOverrides: 3, orderAudit: 3, shopperSessions: 0 });
      expect(rowsOf(db, fresh)).toEqual(ALL);
      expect(rowsOf(db, stalePresence)).toEqual(AUDIT_ONLY);
      expect(rowsOf(db, staleAudit)).toEqual(NONE);
      // A held order keeps the audit staff read on the monitor.
      expect(rowsOf(db, heldOld)).toEqual(AUDIT_ONLY);
      expect(rowsOf(db, openOld)).toEqual({ ...NONE, dialogues: 1 });
      expect(rowsOf(db, unreported)).toEqual({ ...NONE, dialogues: 1 });
      // Running again finds nothing more.
      expect(Object.values(purgeExpired(db, now, readRetention(db))).every((n) => n === 0)).toBe(true);
    } finally {
      station.close();
    }
  });

  it('deletes shopper sessions idle past their limit with their carts, unless an order names them', () => {
    const station = openStation(newStation());
    const db = station.db;
    try {
      const now = Date.UTC(2026, 10, 25, 9);
      db.prepare("INSERT INTO products (sku, name, price, currency, updated_at) VALUES ('P-1', 'p', 100, 'KRW', 0)").run();
      const session = (lastSeen: number) => {
        const id = randomUUID();
        db.prepare('INSERT INTO shopper_sessions (id, token_hash, device_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)').run(id, randomUUID(), `dev-${id}`, lastSeen - DAY, lastSeen);
        db.prepare("INSERT INTO cart_items (session_id, sku, quantity, added_at) VALUES (?, 'P-1', 1, ?)").run(id, lastSeen);
        return id;
      };
      const abandoned = session(now - SESSION_IDLE_MS - 1);
      const recent = session(now - SESSION_IDLE_MS + 60_000);
      const withOrder = seedOrder(db, now - 400 * DAY);
      const kept = (id: string) => (db.prepare('SELECT count(*) AS n FROM shopper_sessions WHERE id = ?').get(id) as { n: number }).n;
      const lines = (id: string) => (db.prepare('SELECT count(*) AS n FROM cart_items WHERE session_id = ?').get(id) as { n: number }).n;

      expect(purgeExpired(db, now, readRetention(db)).shopperSessions).toBe(1);
      expect([kept(abandoned), lines(abandoned)]).toEqual([0, 0]);
      expect([kept(recent), lines(recent)]).toEqual([1, 1]);
      expect(rowsOf(db, withOrder).orders).toBe(1);
      expect((db.prepare('SELECT count(*) AS n FROM shopper_sessions s JOIN orders o ON o.session_id = s.id WHERE o.id = ?').get(withOrder) as { n: number }).n).toBe(1);
      expect(purgeExpired(db, now, readRetention(db)).shopperSessions).toBe(0);
    } finally {
      station.close();
    }
  });

  it('runs at start and then daily on the clock, honouring a changed setting', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const station = openStation(newStation());
    const db = station.db;
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 9));
    const logged: string[] = [];
    const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (_: object, m: string) => logged.push(m) };
    try {
      const old = seedOrder(db, clock.now() - 31 * DAY);
      const young = seedOrder(db, clock.now() - 20 * DAY);
      const retention = startRetention({ db, clock, log });
      expect(rowsOf(db, old).presence).toBe(0);
      expect(rowsOf(db, young).presence).toBe(1);
      expect(logged).toEqual([expect.stringContaining('"presenceProofs":1')]);

      // Eleven days on, the young proof is 31 days old: the next daily round takes it.
      clock.advance(11 * DAY);
      vi.advanceTimersByTime(DAY - 1);
      expect(rowsOf(db, young).presence).toBe(1);
      vi.advanceTimersByTime(1);
      expect(rowsOf(db, young).presence).toBe(0);

      // A shorter period set by IT applies from the next round, without a restart.
      const recent = seedOrder(db, clock.now() - 3 * DAY);
      writeSetting(db, 'retention_presence_days', '2');
      vi.advanceTimersByTime(DAY);
      expect(rowsOf(db, recent).presence).toBe(0);
      retention.stop();
      const later = seedOrder(db, clock.now() - 10 * DAY);
      vi.advanceTimersByTime(5 * DAY);
      expect(rowsOf(db, later).presence).toBe(1);
    } finally {
      station.close();
    }
  });

  it('purges at start-up of the real server', async () => {
    const dataDir = newStation();
    const seeded = openStation(dataDir);
    const old = seedOrder(seeded.db, Date.now() - 40 * DAY);
    const young = seedOrder(seeded.db, Date.now() - DAY);
    seeded.close();
    const server = await startStoreServer({ dataDir, port: 0, logger: false, presence: { gate: false }, approval: { gate: false } });
    try {
      expect(rowsOf(server.station.db, old)).toEqual(AUDIT_ONLY);
      expect(rowsOf(server.station.db, young)).toEqual(ALL);
    } finally {
      await server.close();
    }
  });
});
