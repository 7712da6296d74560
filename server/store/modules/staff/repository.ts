// Runs in: node. Staff sign-in with the store PIN; sessions live in the database (hash only).
import type { Db } from '../../db.js';
import { verifyPin } from '../../pin.js';
import { readSetting } from '../../station.js';
import { hashToken, newToken } from '../../tokens.js';

export const STAFF_SESSION_MS = 12 * 60 * 60 * 1000;

export class StaffSessions {
  constructor(private readonly db: Db) {}

  async signIn(pin: string, now: number): Promise<string | null> {
    const stored = readSetting(this.db, 'staff_pin_hash');
    if (!stored || !(await verifyPin(pin, stored))) return null;
    const token = newToken();
    this.db
      .prepare('INSERT INTO staff_sessions (token_hash, created_at, expires_at) VALUES (?, ?, ?)')
      .run(hashToken(token), now, now + STAFF_SESSION_MS);
    this.db.prepare('DELETE FROM staff_sessions WHERE expires_at < ?').run(now);
    return token;
  }

  isValid(token: string, now: number): boolean {
    const row = this.db
      .prepare('SELECT expires_at AS expiresAt FROM staff_sessions WHERE token_hash = ?')
      .get(hashToken(token)) as { expiresAt: number } | undefined;
    return row !== undefined && row.expiresAt > now;
  }

  signOut(token: string): void {
    this.db.prepare('DELETE FROM staff_sessions WHERE token_hash = ?').run(hashToken(token));
  }
}
