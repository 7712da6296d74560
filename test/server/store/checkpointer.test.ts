// Runs in: node. WAL checkpoints run on a worker thread: the request thread's connection never
// copies the log back itself, yet the database file keeps up; a worker that cannot run hands the
// job back, and stopping leaves a usable database.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../../server/store/checkpointer.js';
import { openDatabase, type Db } from '../../../server/store/db.js';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omni-ckpt-'));
  db = openDatabase(join(dir, 'station.db'), [
    { version: 1, name: 'rows', sql: 'CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;' },
  ]);
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const autoCheckpoint = () => db.pragma('wal_autocheckpoint', { simple: true });
const databaseBytes = () => statSync(join(dir, 'station.db')).size;

function writeRows(count: number): void {
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  // One commit per row, as requests do; 2 KB each is well past the 1,000-page threshold.
  for (let i = 0; i < count; i++) insert.run('x'.repeat(2048));
}

describe('background checkpointer', () => {
  it('copies the log into the database file from its own thread', async () => {
    const warnings: string[] = [];
    const checkpointer = startCheckpointer({ db, intervalMs: 50, log: { warn: (m) => warnings.push(m) } });
    await checkpointer.ready;
    expect(autoCheckpoint()).toBe(0);
    const before = databaseBytes();
    writeRows(3000);
    // The request thread no longer checkpoints, so only the worker can grow the file.
    await expect.poll(databaseBytes, { timeout: 10_000, interval: 50 }).toBeGreaterThan(before + 3000 * 2048);
    await expect.poll(() => checkpointer.checkpoints, { timeout: 5000 }).toBeGreaterThan(1);
    await checkpointer.stop();
    expect(autoCheckpoint()).toBe(1000);
    expect(db.prepare('SELECT count(*) FROM rows').pluck().get()).toBe(3000);
    expect(warnings).toEqual([]);
  });

  it('keeps the log file bounded under writes that never let a checkpoint finish first', async () => {
    const limit = 1024 * 1024;
    const checkpointer = startCheckpointer({ db, intervalMs: 20, walLimitBytes: limit });
    await checkpointer.ready;
    const walBytes = () => statSync(join(dir, 'station.db-wal')).size;
    const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
    let largest = 0;
    // ~100 MB of log without restarts, written as a busy station does: bursts of commits, a millisecond
    // apart, so some always land while a checkpoint copies.
    for (let burst = 0; burst < 400; burst++) {
      for (let i = 0; i < 20; i++) insert.run('x'.repeat(2048));
      largest = Math.max(largest, walBytes());
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(checkpointer.restarts).toBeGreaterThan(0);
    expect(largest).toBeLessThan(8 * limit);
    await checkpointer.stop();
    expect(db.prepare('SELECT count(*) FROM rows').pluck().get()).toBe(8000);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('hands checkpoints back to the request thread when the worker cannot run', async () => {
    const warnings: string[] = [];
    const checkpointer = startCheckpointer({ db, driver: join(dir, 'no-such-driver.js'), log: { warn: (m) => warnings.push(m) } });
    await checkpointer.ready;
    await expect.poll(autoCheckpoint, { timeout: 5000 }).toBe(1000);
    expect(warnings.join('\n')).toMatch(/back on the request thread/);
    writeRows(10);
    await checkpointer.stop();
  });

  it('does nothing for an in-memory database', async () => {
    const memory = openDatabase(':memory:', []);
    const checkpointer = startCheckpointer({ db: memory });
    await checkpointer.ready;
    expect(checkpointer.checkpoints).toBe(0);
    await checkpointer.stop();
    memory.close();
  });
});
