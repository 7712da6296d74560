// Runs in: node. Statements are compiled once per database and reused; the cache stays bounded
// and keeps answering correctly after it dropped old entries.
import { describe, expect, it } from 'vitest';
import { openDatabase, statement } from '../../../server/store/db.js';

describe('statement cache', () => {
  it('hands back the same compiled statement for the same SQL on the same database only', () => {
    const a = openDatabase(':memory:', []);
    const b = openDatabase(':memory:', []);
    expect(statement(a, 'SELECT 1 AS one')).toBe(statement(a, 'SELECT 1 AS one'));
    expect(statement(a, 'SELECT 1 AS one')).not.toBe(statement(b, 'SELECT 1 AS one'));
    a.close();
    b.close();
  });

  it('stays bounded and still answers for SQL it dropped', () => {
    const db = openDatabase(':memory:', []);
    const first = statement(db, 'SELECT 0 AS n');
    for (let i = 1; i <= 300; i++) expect(statement(db, `SELECT ${i} AS n`).get()).toEqual({ n: i });
    const again = statement(db, 'SELECT 0 AS n');
    expect(again).not.toBe(first);
    expect(again.get()).toEqual({ n: 0 });
    db.close();
  });
});
