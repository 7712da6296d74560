// Runs in: node (tests). The station's log during an outage of central: when it started and why,
// a reminder now and then (not a line per retry), a line when the reason changes, and when it ended.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../server/store/clock.js';
import { OUTAGE_REMINDER_MS, outageLog } from '../../../../server/store/sync/outage-log.js';

function recorder() {
  const lines: string[] = [];
  return { lines, log: { warn: (m: string) => lines.push(`warn ${m}`), info: (m: string) => lines.push(`info ${m}`) } };
}

describe('outage log', () => {
  it('says when an outage starts, reminds every few minutes, and says when it ends', () => {
    const clock = new ManualClock();
    const { lines, log } = recorder();
    const hooks = outageLog('sync', log, clock);
    const refused = new Error('connect ECONNREFUSED 10.0.0.5:8443');
    hooks.onError!(refused, 1);
    expect(lines).toEqual(['warn sync: central did not take the work (connect ECONNREFUSED 10.0.0.5:8443); retrying with backoff']);
    // Retries within the reminder interval, same reason: nothing more.
    for (let attempt = 2; attempt <= 6; attempt++) {
      clock.advance(OUTAGE_REMINDER_MS / 6);
      hooks.onError!(refused, attempt);
    }
    expect(lines).toHaveLength(1);
    clock.advance(OUTAGE_REMINDER_MS / 6);
    hooks.onError!(refused, 7);
    expect(lines[1]).toBe('warn sync: still failing after 7 attempts in 5 min 0 s (connect ECONNREFUSED 10.0.0.5:8443)');
    clock.advance(3 * 60 * 60_000);
    hooks.onRecovered!(7);
    expect(lines[2]).toBe('info sync: central took the work again after 7 failed attempts in 3 h 5 min');
    expect(lines).toHaveLength(3);
  });

  it('says at once when the reason changes, and starts over for the next outage', () => {
    const clock = new ManualClock();
    const { lines, log } = recorder();
    const hooks = outageLog('payment forwarding', log, clock);
    hooks.onError!(new Error('timeout'), 1);
    clock.advance(2_000);
    hooks.onError!(new Error('timeout'), 2);
    hooks.onError!(new Error('central answered 401 store_key_invalid'), 3);
    expect(lines.slice(1)).toEqual(['warn payment forwarding: still failing after 3 attempts in 2 s (central answered 401 store_key_invalid)']);
    hooks.onRecovered!(3);
    expect(lines[2]).toBe('info payment forwarding: central took the work again after 3 failed attempts in 2 s');
    clock.advance(60_000);
    hooks.onError!(new Error('timeout'), 1);
    clock.advance(1_000);
    hooks.onRecovered!(1);
    expect(lines.slice(3)).toEqual([
      'warn payment forwarding: central did not take the work (timeout); retrying with backoff',
      'info payment forwarding: central took the work again after 1 failed attempt in 1 s',
    ]);
  });
});
