// Runs in: node. Retention of the station's personal and audit data (issue 8, item 5): presence
// proofs and approval/override audit rows older than the configured periods, and shopper sessions
// past their idle limit with their abandoned carts, are deleted at start-up and then daily.
// Orders and payments are the store's books and are not purged here.
import type { Db } from './db.js';
import type { Clock } from './clock.js';
import { readSetting } from './station.js';
import { PresenceRepository } from './modules/presence/repository.js';
import { purgeIdleSessions, SESSION_IDLE_MS } from './modules/sessions/repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Settings rows (docs/store-api.md) and their defaults, in days. */
export const RETENTION_DEFAULTS = { retention_presence_days: 30, retention_audit_days: 365 } as const;
export type RetentionSetting = keyof typeof RETENTION_DEFAULTS;

export interface RetentionPeriods {
  presenceDays: number;
  auditDays: number;
}

export interface PurgeResult {
  presenceProofs: number;
  approvalTurns: number;
  approvalDecisions: number;
  approvalDialogues: number;
  orderOverrides: number;
  orderAudit: number;
  /** Shopper sessions past their idle limit without an order, and their carts. */
  shopperSessions: number;
}

/**
 * A period shorter than a day would cut the evidence an open order still needs (the presence
 * gate reads the last 10 minutes, the approval lockout the last 24 h): such a value, or one that
 * is not a whole number, falls back to the default and is reported, never silently kept.
 */
export function readRetention(db: Db, warn: (message: string) => void = () => {}): RetentionPeriods {
  const days = (key: RetentionSetting): number => {
    const raw = readSetting(db, key);
    if (raw === undefined) return RETENTION_DEFAULTS[key];
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 1 && value <= 36_500) return value;
    warn(`setting ${key}="${raw}" is not a whole number of days between 1 and 36500: using ${RETENTION_DEFAULTS[key]}`);
    return RETENTION_DEFAULTS[key];
  };
  return { presenceDays: days('retention_presence_days'), auditDays: days('retention_audit_days') };
}

const NOT_HELD = 'order_id NOT IN (SELECT id FROM orders WHERE hold IS NOT NULL)';

export function purgeExpired(db: Db, now: number, periods: RetentionPeriods): PurgeResult {
  const presenceCutoff = now - periods.presenceDays * DAY_MS;
  const auditCutoff = now - periods.auditDays * DAY_MS;
  return db.transaction(() => ({
    presenceProofs: new PresenceRepository(db).purgeBefore(presenceCutoff),
    // A held order still shows staff its whole audit (turns, decision, overrides), however old.
    approvalTurns: db.prepare(`DELETE FROM approval_turns WHERE at < ? AND ${NOT_HELD}`).run(auditCutoff).changes,
    approvalDecisions: db.prepare(`DELETE FROM approval_decisions WHERE at < ? AND ${NOT_HELD}`).run(auditCutoff).changes,
    // An open dialogue is still running, and a failure central has not taken yet is still owed to
    // the chain-wide lockout.
    approvalDialogues: db
      .prepare(`DELETE FROM approval_dialogues WHERE updated_at < ? AND ${NOT_HELD} AND status <> 'open' AND NOT (status = 'failed' AND failure_sent = 0)`)
      .run(auditCutoff).changes,
    orderOverrides: db
      .prepare(`DELETE FROM order_overrides WHERE at < ? AND ${NOT_HELD}`)
      .run(auditCutoff).changes,
    // Who looked at an orderer's contact: audit like the rest, kept as long.
    orderAudit: db.prepare(`DELETE FROM order_audit WHERE at < ? AND ${NOT_HELD}`).run(auditCutoff).changes,
    // Not a setting: a session past its idle limit can never be used again (sessions/repository.ts).
    shopperSessions: purgeIdleSessions(db, now - SESSION_IDLE_MS),
  }))();
}

export interface RetentionOptions {
  db: Db;
  clock: Clock;
  log: { info(message: string): void; warn(message: string): void; error(obj: object, message: string): void };
  everyMs?: number;
}

/**
 * Purges once now and then every `everyMs` (a day). Periods are re-read each time, so a changed
 * setting takes effect without a restart. A failed purge (a full disk) is logged and retried on
 * the next round: it must never stop the station from selling.
 */
export function startRetention(options: RetentionOptions): { stop(): void } {
  const run = () => {
    try {
      const result = purgeExpired(options.db, options.clock.now(), readRetention(options.db, (m) => options.log.warn(m)));
      const total = Object.values(result).reduce((a, b) => a + b, 0);
      if (total > 0) options.log.info(`retention: purged ${JSON.stringify(result)}`);
    } catch (error) {
      options.log.error({ err: error }, 'retention: purge failed; retried at the next round');
    }
  };
  run();
  const timer = setInterval(run, options.everyMs ?? DAY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
