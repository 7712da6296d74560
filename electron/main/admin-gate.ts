// Runs in: main. The admin passphrase as the key to IT's actions in the shell (re-running the
// wizard, changing the devices, anything a page asks for through `admin`): a window is unlocked by
// typing the passphrase, checked against the stored scrypt hash in constant time, for a short
// while; wrong guesses slow down exponentially, counted for the whole shell (not per window, so
// opening a new window does not reset them).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { AdminStatus, AdminUnlockResult } from '../shared/bridge-api.js';
import { ShellError } from './shell-message.js';

/** Work factor of new hashes: ~100 ms and 32 MiB on a shop PC; kept in the hash, so it can rise. */
export const SCRYPT_PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** Bounds a stored hash may ask for: a tampered file must not make the shell hang or eat memory. */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 4;

function scryptAsync(passphrase: string, salt: Buffer, keyLength: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const maxmem = 128 * params.N * params.r * 2 + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, keyLength, { ...params, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, every parameter kept so it can be raised later. */
export async function hashAdminPassphrase(passphrase: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(passphrase, salt, KEY_LENGTH, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Constant-time check of a passphrase against a stored hash; a malformed hash verifies nothing. */
export async function verifyAdminPassphrase(passphrase: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const ok = (v: number, max: number) => Number.isInteger(v) && v >= 1 && v <= max;
  if (!ok(N, MAX_N) || (N & (N - 1)) !== 0 || N < 2 || !ok(r, MAX_R) || !ok(p, MAX_P)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 16 || expected.length !== KEY_LENGTH) return false;
  const actual = await scryptAsync(passphrase, salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

export interface AdminGateOptions {
  /** The stored hash, or null while no passphrase was set (first run before the wizard's step). */
  loadHash(): string | null;
  now?: () => number;
  /** How long an unlock lasts after the last IT action; default 10 minutes. */
  idleMs?: number;
  /** Wrong guesses allowed before waiting; then 30 s, doubling, at most 15 minutes. */
  freeFailures?: number;
}

/** `actionCode` names the action for the page (e.g. the wizard step); `action` is its English. */
export class AdminLockedError extends ShellError {
  constructor(action: string, actionCode = action) {
    super('admin.locked', { action: actionCode }, `${action} needs the admin passphrase: unlock first`);
  }
}

export class AdminGate {
  private readonly unlocked = new Map<number, number>();
  private failures = 0;
  private retryAt = 0;
  private checking: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly freeFailures: number;

  constructor(private readonly options: AdminGateOptions) {
    this.now = options.now ?? Date.now;
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.freeFailures = options.freeFailures ?? 5;
  }

  /** True once a passphrase exists: from then on IT's actions need it. */
  isSet(): boolean {
    return this.options.loadHash() !== null;
  }

  isUnlocked(contextId: number): boolean {
    if (!this.isSet()) return true;
    const until = this.unlocked.get(contextId);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.unlocked.delete(contextId);
      return false;
    }
    return true;
  }

  status(contextId: number): AdminStatus {
    const unlocked = this.isUnlocked(contextId);
    return { set: this.isSet(), unlocked, until: unlocked ? (this.unlocked.get(contextId) ?? null) : null };
  }

  /** Checks the passphrase for one window. Guesses are checked one at a time, so a burst of
   * calls cannot run around the slow-down. */
  unlock(contextId: number, passphrase: unknown): Promise<AdminUnlockResult> {
    const result = this.checking.then(() => this.check(contextId, passphrase));
    this.checking = result.catch(() => {});
    return result;
  }

  private async check(contextId: number, passphrase: unknown): Promise<AdminUnlockResult> {
    const hash = this.options.loadHash();
    if (hash === null) return { ok: false, reason: 'not-set', retryAt: null };
    if (this.now() < this.retryAt) return { ok: false, reason: 'throttled', retryAt: this.retryAt };
    const text = typeof passphrase === 'string' && passphrase.length <= 1024 ? passphrase : '';
    if (text.length > 0 && (await verifyAdminPassphrase(text, hash))) {
      this.failures = 0;
      this.retryAt = 0;
      return { ok: true, until: this.grant(contextId) };
    }
    this.failures += 1;
    const over = this.failures - this.freeFailures;
    if (over >= 0) this.retryAt = this.now() + Math.min(15 * 60_000, 30_000 * 2 ** over);
    return { ok: false, reason: 'wrong', retryAt: over >= 0 ? this.retryAt : null };
  }

  /** Unlocks a window without asking (it just set the passphrase itself). */
  grant(contextId: number): number {
    const until = this.now() + this.idleMs;
    this.unlocked.set(contextId, until);
    return until;
  }

  lock(contextId: number): void {
    this.unlocked.delete(contextId);
  }

  /** Throws unless the window is unlocked (or no passphrase exists yet); each IT action keeps the
   * unlock alive for another idle period. */
  require(contextId: number, action: string, actionCode?: string): void {
    if (!this.isUnlocked(contextId)) throw new AdminLockedError(action, actionCode);
    if (this.isSet()) this.grant(contextId);
  }
}
