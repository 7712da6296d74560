// Runs in: node. Opens central's database: SQLite (a file in the data folder) by default,
// PostgreSQL for a chain that runs several central instances. Both go through one Kysely layer
// and the same migrations.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { CentralDatabase } from './schema.js';
import { migrationProvider } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';
export type CentralKysely = Kysely<CentralDatabase>;

export interface CentralDb {
  db: CentralKysely;
  dialect: Dialect;
  /** Where the data lives, without credentials: for logs and the startup line. */
  description: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `postgres://…` or `postgresql://…`; without it, SQLite in dataDir. */
  url?: string;
  dataDir?: string;
  /** PostgreSQL schema to use instead of the default one (tests give each suite its own). */
  pgSchema?: string;
  poolSize?: number;
}

export const SQLITE_FILE = 'central.db';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function openCentralDb(options: OpenOptions): Promise<CentralDb> {
  const central = options.url ? openPostgres(options.url, options) : openSqlite(options);
  try {
    await migrateToLatest(central.db, central.dialect === 'postgres' ? await currentSchema(central.db) : undefined);
  } catch (error) {
    await central.close();
    throw error;
  }
  return central;
}

async function currentSchema(db: CentralKysely): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  if (!rows[0]?.schema) throw new Error('the PostgreSQL search_path names no schema this user can use');
  return rows[0].schema;
}

/**
 * `schema` pins Kysely's own migration tables: without it the migrator looks for them in
 * every schema of the database and may find another tenant's.
 */
export async function migrateToLatest(db: CentralKysely, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`central database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

function openSqlite(options: OpenOptions): CentralDb {
  if (!options.dataDir) throw new Error('a data folder is needed for the SQLite database');
  const file = join(options.dataDir, SQLITE_FILE);
  const sqlite = new Database(file);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  // Central is the chain's book of payments: every commit reaches the disk.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // From here a busy database is waited for asynchronously (see RetryingSqliteDriver), so one
  // process never blocks its event loop while another instance holds the write lock.
  sqlite.pragma('busy_timeout = 0');
  const dialect = new (class extends SqliteDialect {
    override createDriver(): Driver {
      return new RetryingSqliteDriver(super.createDriver());
    }
  })({ database: sqlite });
  const db = new Kysely<CentralDatabase>({ dialect });
  return { db, dialect: 'sqlite', description: `SQLite ${file}`, close: () => db.destroy() };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

function toSafeInteger(text: string): number {
  const value = Number(text);
  // Money and sequence numbers must never lose a unit on the way out of the database.
  if (!Number.isSafeInteger(value)) throw new Error(`integer ${text} from the database is beyond 2^53`);
  return value;
}

function openPostgres(url: string, options: OpenOptions): CentralDb {
  if (!isPostgresUrl(url)) throw new Error('--db takes a postgres:// URL');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8_OID || oid === NUMERIC_OID) return toSafeInteger;
        return pg.types.getTypeParser(oid, format ?? 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<CentralDatabase>({ dialect: new PostgresDialect({ pool }) });
  const where = new URL(url);
  return {
    db,
    dialect: 'postgres',
    description: `PostgreSQL ${where.hostname}:${where.port || 5432}${where.pathname}`,
    close: () => db.destroy(),
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED');
}

/**
 * Kysely's SQLite driver with two changes for several central instances on one file: write
 * transactions start with BEGIN IMMEDIATE (a deferred one that reads first and writes later
 * can fail with SQLITE_BUSY_SNAPSHOT), and a busy database is retried after an async wait.
 */
class RetryingSqliteDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    return {
      executeQuery: <R>(query: CompiledQuery) => whenNotBusy(() => connection.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
      // Keep identity for the inner driver's release and transaction calls.
      inner: connection,
    } as DatabaseConnection & { inner: DatabaseConnection };
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  commitTransaction(connection: DatabaseConnection) {
    return connection.executeQuery(CompiledQuery.raw('commit')).then(() => undefined);
  }

  rollbackTransaction(connection: DatabaseConnection) {
    return connection.executeQuery(CompiledQuery.raw('rollback')).then(() => undefined);
  }

  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection((connection as DatabaseConnection & { inner: DatabaseConnection }).inner);
  }

  destroy() {
    return this.inner.destroy();
  }
}

async function whenNotBusy<R>(run: () => Promise<QueryResult<R>>): Promise<QueryResult<R>> {
  const deadline = Date.now() + 15_000;
  for (let wait = 1; ; wait = Math.min(wait * 2, 32)) {
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      await sleep(wait + Math.random() * wait);
    }
  }
}
