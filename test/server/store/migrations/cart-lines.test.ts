import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../server/store/db.js';
import { migrations } from '../../../../server/store/migrations/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('migration 13: cart lines clustered by their key', () => {
  it('keeps every line of a version-12 station, in one B-tree, with the same constraints', () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-m13-'));
    const file = join(dir, 'station.db');
    const old = openDatabase(file, migrations.filter((m) => m.version <= 12));
    old.exec(`
      INSERT INTO products (sku, name, price, currency, extra, updated_at) VALUES ('MILK-1', 'Milk', 1500, 'KRW', '{}', 0), ('SNK-2', 'Snack', 1800, 'KRW', '{}', 0);
      INSERT INTO shopper_sessions (id, token_hash, device_id, created_at, last_seen_at) VALUES ('s1', 'h1', 'd1', 0, 0), ('s2', 'h2', 'd2', 0, 0);
      INSERT INTO cart_items (session_id, sku, quantity, added_at) VALUES ('s1', 'MILK-1', 2, 10), ('s1', 'SNK-2', 1, 11), ('s2', 'MILK-1', 99, 12);
    `);
    // Before: a rowid table and a second B-tree for its key.
    expect(old.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'cart_items' AND type = 'index'").pluck().all()).toHaveLength(1);
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(13);
    expect(db.prepare('SELECT session_id, sku, quantity, added_at FROM cart_items ORDER BY session_id, sku').all()).toEqual([
      { session_id: 's1', sku: 'MILK-1', quantity: 2, added_at: 10 },
      { session_id: 's1', sku: 'SNK-2', quantity: 1, added_at: 11 },
      { session_id: 's2', sku: 'MILK-1', quantity: 99, added_at: 12 },
    ]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'cart_items' AND type = 'index'").all()).toEqual([]);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'cart_items'").pluck().get()).toMatch(/WITHOUT ROWID/);

    const insert = db.prepare('INSERT INTO cart_items (session_id, sku, quantity, added_at) VALUES (?, ?, ?, ?)');
    expect(() => insert.run('s2', 'MILK-1', 1, 13)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('s2', 'SNK-2', 100, 13)).toThrow(/CHECK/);
    expect(() => insert.run('s2', 'NOPE-0', 1, 13)).toThrow(/FOREIGN KEY/);
    expect(() => insert.run('nobody', 'SNK-2', 1, 13)).toThrow(/FOREIGN KEY/);
    expect(() => insert.run('s2', 'SNK-2', 1.5, 13)).toThrow(/INTEGER/);
    db.prepare("DELETE FROM shopper_sessions WHERE id = 's1'").run();
    expect(db.prepare('SELECT session_id FROM cart_items').pluck().all()).toEqual(['s2']);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
