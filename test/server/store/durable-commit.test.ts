// Runs in: node. Durable commits flush the WAL off the event loop: the promise resolves only
// after a flush that started after the commit, commits arriving during a flush share the next
// one, and a failed flush is reported to the caller instead of acknowledged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { durableCommit, openDatabase, WalFlusher, type Db } from '../../../server/store/db.js';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omni-durable-'));
  db = openDatabase(join(dir, 'station.db'), [
    { version: 1, name: 'rows', sql: 'CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;' },
  ]);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An fsync the test releases by hand, recording what it was asked to flush. */
function manualFsync() {
  const calls: { file: string; release: () => void; fail: (error: Error) => void }[] = [];
  const fsync = (file: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ file, release: resolve, fail: reject });
    });
  return { calls, fsync };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('durable commits', () => {
  it('resolve only once the WAL file was flushed', async () => {
    const { calls, fsync } = manualFsync();
    const flusher = new WalFlusher(db, fsync);
    db.prepare('INSERT INTO rows (body) VALUES (?)').run('paid');
    const flushed = flusher.flush();
    expect(calls.map((c) => c.file)).toEqual([join(dir, 'station.db-wal')]);
    expect(await settled(flushed)).toBe(false);
    calls[0]!.release();
    await flushed;
  });

  it('make commits during a running flush wait for the next one, which they share', async () => {
    const { calls, fsync } = manualFsync();
    const flusher = new WalFlusher(db, fsync);
    const first = flusher.flush();
    // Committed after the first flush started: that flush may not hold their frames.
    const second = flusher.flush();
    const third = flusher.flush();
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(2);
    expect(await settled(second)).toBe(false);
    calls[1]!.release();
    await Promise.all([second, third]);
    // Nothing running: the next commit starts its own flush at once.
    const fourth = flusher.flush();
    expect(calls).toHaveLength(3);
    calls[2]!.release();
    await fourth;
  });

  it('pass a failed flush to the caller, and the next commit tries again', async () => {
    const { calls, fsync } = manualFsync();
    const flusher = new WalFlusher(db, fsync);
    const failing = flusher.flush();
    calls[0]!.fail(new Error('EIO'));
    await expect(failing).rejects.toThrow('EIO');
    const next = flusher.flush();
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    await next;
  });

  it('commit the rows for real and flush the WAL on disk', async () => {
    const id = await durableCommit(db, () => Number(db.prepare('INSERT INTO rows (body) VALUES (?)').run('paid').lastInsertRowid));
    expect(db.prepare('SELECT body FROM rows WHERE id = ?').pluck().get(id)).toBe('paid');
    // The station stays at NORMAL: durability comes from the flush, not from the pragma.
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('roll back and flush nothing when the transaction throws', async () => {
    await expect(
      durableCommit(db, () => {
        db.prepare('INSERT INTO rows (body) VALUES (?)').run('half');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(db.prepare('SELECT count(*) FROM rows').pluck().get()).toBe(0);
  });
});
