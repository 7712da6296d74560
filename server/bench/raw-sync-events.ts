// Runs in: node (bench). The floor both sync benchmarks compare with: the same rows INSERTed
// straight into central's sync_events table, 500 per statement and transaction, no HTTP, no checks.
import Database from 'better-sqlite3';
import pg from 'pg';

const BATCH = 500;
const COLUMNS = ['store_id', 'id', 'seq', 'type', 'occurred_at', 'payload', 'content_hash', 'received_at'] as const;

/** Rows in COLUMNS order; returns the milliseconds the INSERTs took. */
export async function rawInsertSyncEvents(rows: readonly unknown[][], db: { file: string | null; url?: string }): Promise<number> {
  if (db.file) {
    const started = performance.now();
    const sqlite = new Database(db.file);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = FULL');
    const placeholders = `(${COLUMNS.map(() => '?').join(',')})`;
    const statements = new Map<number, Database.Statement>();
    const insert = (n: number) => {
      let statement = statements.get(n);
      if (!statement) {
        statement = sqlite.prepare(`INSERT INTO sync_events (${COLUMNS.join(',')}) VALUES ${Array(n).fill(placeholders).join(',')}`);
        statements.set(n, statement);
      }
      return statement;
    };
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      sqlite.transaction(() => insert(chunk.length).run(chunk.flat()))();
    }
    const elapsed = performance.now() - started;
    sqlite.close();
    return elapsed;
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const started = performance.now();
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      const values = chunk.map((_, r) => `(${COLUMNS.map((__, c) => `$${r * COLUMNS.length + c + 1}`).join(',')})`).join(',');
      await client.query(`INSERT INTO sync_events (${COLUMNS.join(',')}) VALUES ${values}`, chunk.flat());
    }
    return performance.now() - started;
  } finally {
    await client.end();
  }
}
