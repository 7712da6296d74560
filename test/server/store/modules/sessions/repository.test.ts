// Runs in: node. The shopper session cache: every shopper request authenticates through it, so
// the phones shopping now must stay in it when the store holds more phones than it keeps.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../../server/store/db.js';
import { SESSION_CACHE_LIMIT, SessionRepository } from '../../../../../server/store/modules/sessions/repository.js';

let db: Db;
let tokenReads: number;
let sessions: SessionRepository;

beforeEach(() => {
  db = openDatabase(':memory:');
  // Counts the database lookups by token: a cached session needs none.
  const prepare = db.prepare.bind(db);
  tokenReads = 0;
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!sql.includes('WHERE token_hash = ?')) return statement;
    const get = statement.get.bind(statement);
    statement.get = ((...args: unknown[]) => {
      tokenReads++;
      return get(...args);
    }) as typeof statement.get;
    return statement;
  }) as typeof db.prepare;
  sessions = new SessionRepository(db);
});
afterEach(() => db.close());

describe('session cache', () => {
  it('keeps the session in use and lets go of the one unused longest', () => {
    const opened = Array.from({ length: SESSION_CACHE_LIMIT }, (_, i) => ({ deviceId: `dev-${i}`, ...sessions.create(`dev-${i}`, 0) }));
    for (const s of opened) expect(sessions.authenticate(s.token, s.deviceId, 1)?.sessionId).toBe(s.sessionId);
    expect(tokenReads).toBe(SESSION_CACHE_LIMIT);

    // The first phone, opened before all others, is still shopping.
    const active = opened[0]!;
    expect(sessions.authenticate(active.token, active.deviceId, 2)?.sessionId).toBe(active.sessionId);
    // One more phone arrives: the cache is full, so someone must go.
    const newcomer = { deviceId: 'dev-new', ...sessions.create('dev-new', 3) };
    expect(sessions.authenticate(newcomer.token, newcomer.deviceId, 3)?.sessionId).toBe(newcomer.sessionId);
    tokenReads = 0;

    expect(sessions.authenticate(active.token, active.deviceId, 4)?.sessionId).toBe(active.sessionId);
    expect(tokenReads).toBe(0);
    // The second phone was the least recently used: it is read again, and still recognised.
    const idle = opened[1]!;
    expect(sessions.authenticate(idle.token, idle.deviceId, 5)?.sessionId).toBe(idle.sessionId);
    expect(tokenReads).toBe(1);
  });

  it('refuses a cached token presented by another device', () => {
    const s = sessions.create('dev-a', 0);
    expect(sessions.authenticate(s.token, 'dev-a', 1)?.sessionId).toBe(s.sessionId);
    expect(sessions.authenticate(s.token, 'dev-b', 2)).toBeNull();
    expect(sessions.authenticate(s.token, 'dev-a', 3)?.sessionId).toBe(s.sessionId);
  });
});
