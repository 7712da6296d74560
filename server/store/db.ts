// Runs in: node. Opens the station database and brings its schema up to date.
import { close, fsync, open } from 'node:fs';
import Database from 'better-sqlite3';
import { migrations as storeMigrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: readonly Migration[] = storeMigrations): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; orders and payments are also made
  // durable across power cuts by durableCommit below (DESIGN.md "Data and durability").
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/**
 * A transaction that reaches the disk before the promise resolves, for order and payment rows
 * (DESIGN.md "Data and durability"): a shopper told "paid" must never be forgotten by a power
 * cut. It commits at the station's NORMAL level, which writes the WAL frames without flushing
 * them, then flushes the WAL file on libuv's thread pool: the same guarantee as SQLite's FULL,
 * but the event loop keeps serving other requests while the disk works (a FULL commit blocked
 * it for ~5 ms each, three times per checkout), and commits that land together share one flush.
 * Announce the change (events, the HTTP answer) only after the promise resolved.
 */
export async function durableCommit<T>(db: Db, run: () => T): Promise<T> {
  if (db.inTransaction) throw new Error('a durable transaction cannot run inside another transaction');
  const result = db.transaction(run)();
  await walFlusher(db).flush();
  return result;
}

const flushers = new WeakMap<Db, WalFlusher>();

function walFlusher(db: Db): WalFlusher {
  let flusher = flushers.get(db);
  if (!flusher) flushers.set(db, (flusher = new WalFlusher(db)));
  return flusher;
}

/** Exported for its tests; stations reach it through durableTransaction. */
export class WalFlusher {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private readonly wal: boolean;

  constructor(
    private readonly db: Db,
    private readonly fsync: (file: string) => Promise<void> = fsyncFile,
  ) {
    this.wal = !db.memory && String(db.pragma('journal_mode', { simple: true })) === 'wal';
  }

  /** Resolves once everything committed before the call is on disk. */
  flush(): Promise<void> {
    if (!this.wal) {
      // No WAL to flush (an in-memory or test database): nothing survives a power cut anyway.
      return Promise.resolve();
    }
    // A flush already running may have started before this commit's frames were written, so
    // this commit waits for the next one, which every caller arriving meanwhile shares.
    if (!this.running) return this.start();
    this.queued ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<void> {
    this.queued = null;
    return this.start();
  }

  private start(): Promise<void> {
    const flush = this.fsync(`${this.db.name}-wal`).finally(() => {
      if (this.running === flush) this.running = null;
    });
    this.running = flush;
    return flush;
  }
}

function fsyncFile(file: string): Promise<void> {
  // fsync flushes the file, not the descriptor: SQLite's own writes through its handle are
  // covered by ours. r+ because Windows flushes only handles opened for writing. A plain
  // descriptor, opened per flush (the WAL file may be a new one since the last), and the callback
  // API: a fs/promises FileHandle is a transferable object whose set-up cost the soak's station
  // ~2 % of its main-thread time, three times per checkout.
  return new Promise((resolve, reject) => {
    open(file, 'r+', (openError, fd) => {
      if (openError) {
        reject(openError);
        return;
      }
      fsync(fd, (syncError) => {
        close(fd, (closeError) => {
          const error = syncError ?? closeError;
          if (error) reject(error);
          else resolve();
        });
      });
    });
  });
}

const STATEMENTS_PER_DATABASE = 256;
const statementCaches = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The prepared statement for `sql`, compiled once per database and kept (bounded). Preparing
 * costs more than running most of the station's queries, and services that wrote
 * `db.prepare(...)` inline paid it on every call (3 % of the soak's CPU). Do not change a cached
 * statement's mode (raw, pluck, expand): use db.prepare for those.
 */
export function statement(db: Db, sql: string): Database.Statement {
  let cache = statementCaches.get(db);
  if (!cache) statementCaches.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) {
    // Statements built with a varying number of placeholders would fill it: drop the oldest.
    if (cache.size >= STATEMENTS_PER_DATABASE) cache.delete(cache.keys().next().value!);
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
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
