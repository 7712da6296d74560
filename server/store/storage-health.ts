// Runs in: node. What the monitor shows about the station's own disk: the last storage failure
// a request met (full, read-only, I/O error) until a write succeeds again.
import type { Db } from './db.js';
import type { StorageProblem } from '../http/errors.js';

export interface StorageStatus {
  state: 'ok' | StorageProblem;
  /** SQLite's code for the failure, e.g. SQLITE_FULL. */
  code: string | null;
  since: string | null;
  lastFailureAt: string | null;
}

export class StorageHealth {
  private problem: { state: StorageProblem; code: string; since: number; last: number } | null = null;

  failed(problem: StorageProblem, code: string, at: number): void {
    if (this.problem?.state === problem) this.problem = { ...this.problem, code, last: at };
    else this.problem = { state: problem, code, since: at, last: at };
  }

  /** A mutating request answered 2xx: the disk took a write, so the problem is over. */
  recovered(): void {
    this.problem = null;
  }

  status(): StorageStatus {
    const p = this.problem;
    if (!p) return { state: 'ok', code: null, since: null, lastFailureAt: null };
    return { state: p.state, code: p.code, since: new Date(p.since).toISOString(), lastFailureAt: new Date(p.last).toISOString() };
  }
}

// Keyed by the connection so the error handler and the staff routes share one record without
// threading it through every module's options.
const byDb = new WeakMap<Db, StorageHealth>();

export function storageHealth(db: Db): StorageHealth {
  let health = byDb.get(db);
  if (!health) {
    health = new StorageHealth();
    byDb.set(db, health);
  }
  return health;
}
