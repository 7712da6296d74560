// Runs in: node. The shopper session cache: every shopper request authenticates through it, so
// the phones shopping now must stay in it when the store holds more phones than it keeps.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../../server/store/db.js';
import { SESSION_CACHE_LIMIT, SESSION_IDLE_MS, SessionRepository } from '../../../../../server/store/modules/sessions/repository.js';

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

describe('idle sessions', () => {
  it('keeps a session in use alive and ends one left unused for longer than SESSION_IDLE_MS', () => {
    const used = sessions.create('dev-used', 0);
    const left = sessions.create('dev-left', 0);
    expect(sessions.authenticate(left.token, 'dev-left', 1)?.sessionId).toBe(left.sessionId);
    // Used every ~23 hours for three days: each use moves its end.
    for (const at of [23, 46, 69].map((h) => h * 60 * 60 * 1000)) {
      expect(sessions.authenticate(used.token, 'dev-used', at)?.sessionId).toBe(used.sessionId);
    }
    // The other was last used at the start: a day later it is over, cached or not.
    expect(sessions.authenticate(left.token, 'dev-left', SESSION_IDLE_MS + 2)).toBeNull();
    expect(sessions.authenticate(left.token, 'dev-left', SESSION_IDLE_MS + 3)).toBeNull();
    expect(new SessionRepository(db).authenticate(left.token, 'dev-left', SESSION_IDLE_MS + 3)).toBeNull();
    // The one in use, read back by a fresh repository (a restarted station), is still on.
    expect(new SessionRepository(db).authenticate(used.token, 'dev-used', 69 * 60 * 60 * 1000 + SESSION_IDLE_MS)?.sessionId).toBe(used.sessionId);
  });

  it('takes its idle limit from the options', () => {
    const short = new SessionRepository(db, { idleMs: 10_000 });
    const s = short.create('dev-a', 0);
    expect(short.authenticate(s.token, 'dev-a', 10_000)?.sessionId).toBe(s.sessionId);
    expect(short.authenticate(s.token, 'dev-a', 20_001)).toBeNull();
  });
});
