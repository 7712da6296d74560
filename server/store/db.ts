// Runs in: node. Opens the station database and brings its schema up to date.
import Database from 'better-sqlite3';
import { migrations as storeMigrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: readonly Migration[] = storeMigrations): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; payment writes raise it to FULL
  // for their own transaction (DESIGN.md "Data and durability").
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/**
 * A transaction that reaches the disk before it returns, for payment rows (DESIGN.md "Data and
 * durability"): a shopper told "paid" must never be forgotten by a power cut. The rest of the
 * station stays on NORMAL, which is cheaper and only risks the last moments before a power loss.
 */
export function durableTransaction<T>(db: Db, run: () => T): T {
  // The level in force at COMMIT decides, and it cannot be changed inside a transaction.
  if (db.inTransaction) throw new Error('a durable transaction cannot run inside another transaction');
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(run)();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `database schema version ${current} is newer than this build understands (${latest})`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
