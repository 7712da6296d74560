// Runs in: node (vitest). The presence resolver on a manual clock: accepted windows, replays,
// rolling, collisions, clones across stations, RSSI hysteresis and bounded memory.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../server/store/clock.js';
import { presenceCode, presenceWindow } from '../../../../../server/protocol/presence-token.js';
import type { BleAdvert } from '../../../../../server/store/devices/radio/types.js';
import { PresenceResolver, type PresenceEvent, type PresenceResolverOptions } from '../../../../../server/store/modules/presence/resolver.js';
import { RssiKalman } from '../../../../../server/store/modules/presence/rssi-filter.js';

const STORE_UUID = 'f7826da6-4fa2-4e98-8024-bc5b71e0893e';
const OTHER_UUID = '2f234454-cf6d-4a0f-adf2-f4911ba9ffa6';
// 10 s into window 58908960: the collision pairs below were searched for in this window.
const START = Date.UTC(2026, 0, 1, 12, 0, 10);
const WINDOW_MS = 30_000;

const secretOf = (i: number) => createHash('sha256').update(`session-${i}`).digest();

function frame(code: number, uuid = STORE_UUID, txPower = -59): Uint8Array {
  const bytes = new Uint8Array(25);
  bytes.set([0x4c, 0x00, 0x02, 0x15]);
  bytes.set(Buffer.from(uuid.replace(/-/g, ''), 'hex'), 4);
  new DataView(bytes.buffer).setUint32(20, code);
  bytes[24] = txPower & 0xff;
  return bytes;
}

function setup(options: Partial<PresenceResolverOptions> = {}) {
  const clock = new ManualClock(START);
  const resolver = new PresenceResolver({ clock, storeUuid: STORE_UUID, stationId: 'A', ...options });
  const events: PresenceEvent[] = [];
  resolver.onEvent((e) => events.push(e));
  const window = () => presenceWindow(clock.now());
  const codeOf = (i: number, offset = 0) => presenceCode(secretOf(i), window() + offset).code;
  const advert = (code: number, rssi = -60, extra: Partial<BleAdvert> = {}): BleAdvert => ({
    address: 'aa:bb:cc:dd:ee:ff',
    rssi,
    receivedAt: clock.now(),
    manufacturerData: frame(code),
    ...extra,
  });
  return { clock, resolver, events, window, codeOf, advert };
}

describe('windows', () => {
  it('resolves the codes of w-1, w and w+1 and refuses w-2..w-4 and w+2 as replays', () => {
    const { clock, resolver, events, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    // The older windows hold a session's codes once they have been accepted ones.
    expect(resolver.resolve(advert(codeOf(1, -2))).kind).toBe('unknown');
    for (let i = 0; i < 90; i++) {
      clock.advance(1000);
      resolver.tick();
    }
    for (const offset of [-1, 0, 1] as const) {
      expect(resolver.resolve(advert(codeOf(1, offset)))).toMatchObject({ kind: 'resolved', sessionId: 's1', offset, code: codeOf(1, offset) });
    }
    for (const offset of [-2, -3, -4, 2]) {
      expect(resolver.resolve(advert(codeOf(1, offset)))).toEqual({ kind: 'replay', sessionId: 's1', offset });
    }
    expect(resolver.resolve(advert(codeOf(1, -5))).kind).toBe('unknown');
    expect(resolver.resolve(advert(codeOf(1, 3))).kind).toBe('unknown');
    expect(resolver.resolve(advert(0x12345678)).kind).toBe('unknown');
    // Counted every time, reported once per session and window however often it is repeated.
    resolver.resolve(advert(codeOf(1, -2)));
    expect(events.filter((e) => e.type === 'replay')).toEqual([{ type: 'replay', sessionId: 's1', offset: -2, source: 'A', at: clock.now() }]);
    clock.advance(WINDOW_MS);
    resolver.resolve(advert(codeOf(1, -3)));
    expect(events.filter((e) => e.type === 'replay')).toHaveLength(2);
    expect(resolver.stats()).toMatchObject({ adverts: 13, resolved: 3, replays: 6, unknown: 4 });
  });

  it('refuses frames that are not iBeacons or carry another UUID, and reads raw AD structures', () => {
    const { resolver, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    const code = codeOf(1);
    expect(resolver.resolve(advert(code, -60, { manufacturerData: undefined }))).toEqual({ kind: 'not-ibeacon' });
    expect(resolver.resolve(advert(code, -60, { manufacturerData: frame(code).subarray(0, 24) })).kind).toBe('not-ibeacon');
    const eddystoneLike = frame(code);
    eddystoneLike[0] = 0x59; // Nordic's company id
    expect(resolver.resolve(advert(code, -60, { manufacturerData: eddystoneLike })).kind).toBe('not-ibeacon');
    expect(resolver.resolve(advert(code, -60, { manufacturerData: frame(code, OTHER_UUID) }))).toEqual({ kind: 'foreign-uuid' });
    // flags, then the manufacturer data, as an adapter without parsed fields reports it
    const raw = Uint8Array.from([0x02, 0x01, 0x06, 0x1a, 0xff, ...frame(code)]);
    expect(resolver.resolve(advert(0, -60, { manufacturerData: undefined, raw })).kind).toBe('resolved');
    expect(resolver.resolve(advert(0, -60, { manufacturerData: undefined, raw: raw.subarray(0, 20) })).kind).toBe('not-ibeacon');
    const major = code >>> 16;
    const minor = code & 0xffff;
    expect(resolver.resolveBeacon({ uuid: STORE_UUID.toUpperCase(), major, minor, rssi: -60, receivedAt: START }).kind).toBe('resolved');
    expect(resolver.resolveBeacon({ uuid: OTHER_UUID, major, minor, rssi: -60, receivedAt: START }).kind).toBe('foreign-uuid');
    expect(resolver.stats()).toMatchObject({ notIbeacon: 4, foreignUuid: 2, resolved: 2 });
  });

  it('keeps resolving as the windows roll over many minutes, building the next one ahead', () => {
    const { clock, resolver, window, codeOf, advert } = setup();
    const n = 40;
    for (let i = 0; i < n; i++) resolver.track(`s${i}`, secretOf(i));
    let checkedWindows = 0;
    for (let second = 0; second < 20 * 60; second++) {
      clock.advance(1000);
      resolver.tick();
      const intoWindow = clock.now() - window() * WINDOW_MS;
      // The window ahead is filled within the first half of the current one, a share per tick.
      if (intoWindow === 1000) expect(resolver.footprint().aheadCodes).toBeLessThan(n);
      if (intoWindow === 16_000) {
        // The older windows fill as the accepted ones age: full from the fourth window on.
        const older = Math.min(3, checkedWindows);
        expect(resolver.footprint()).toMatchObject({ aheadCodes: n, acceptedCodes: 3 * n, refusedCodes: (older + 1) * n, pairs: (older + 4) * n, windows: 7 });
        for (let i = 0; i < n; i += 7) {
          expect(resolver.resolve(advert(codeOf(i)))).toMatchObject({ kind: 'resolved', sessionId: `s${i}`, offset: 0 });
          expect(resolver.resolve(advert(codeOf(i, 1)))).toMatchObject({ kind: 'resolved', sessionId: `s${i}`, offset: 1 });
          if (checkedWindows > 0) expect(resolver.resolve(advert(codeOf(i, -2)))).toMatchObject({ kind: 'replay', sessionId: `s${i}` });
        }
        checkedWindows++;
      }
    }
    expect(checkedWindows).toBe(40);
  });

  it('rebuilds the accepted windows after a jump, and finishes the next window if tick() fell behind', () => {
    const { clock, resolver, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    clock.advance(3 * 60 * 60 * 1000);
    expect(resolver.resolve(advert(codeOf(1))).kind).toBe('resolved');
    // The older windows start empty after a jump: a replay of the time before reads as unknown.
    expect(resolver.resolve(advert(codeOf(1, -2))).kind).toBe('unknown');
    // No tick() for a whole window: moving on computes what is missing at once.
    clock.advance(WINDOW_MS);
    expect(resolver.resolve(advert(codeOf(1, 1)))).toMatchObject({ kind: 'resolved', offset: 1 });
    expect(resolver.resolve(advert(codeOf(1, -2)))).toMatchObject({ kind: 'replay' });
  });

  it('untracks a session and lets a new secret replace the old one', () => {
    const { resolver, events, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    resolver.track('s2', secretOf(2));
    expect(resolver.resolve(advert(codeOf(1))).kind).toBe('resolved');
    expect(resolver.untrack('s1')).toBe(true);
    expect(resolver.untrack('s1')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'left', sessionId: 's1', reason: 'untracked' });
    for (const offset of [-4, -1, 0, 1, 2]) expect(resolver.resolve(advert(codeOf(1, offset))).kind).toBe('unknown');
    expect(resolver.resolve(advert(codeOf(2))).kind).toBe('resolved');
    resolver.track('s2', secretOf(3));
    expect(resolver.resolve(advert(codeOf(2))).kind).toBe('unknown');
    expect(resolver.resolve(advert(codeOf(3)))).toMatchObject({ kind: 'resolved', sessionId: 's2' });
    expect(resolver.stats().tracked).toBe(1);
    expect(resolver.footprint().acceptedCodes).toBe(3);
  });
});

describe('collisions', () => {
  it('resolves a code two sessions share in one window to no one, and counts it', () => {
    const { resolver, codeOf, advert } = setup();
    // Found by a birthday search: session-48775 and session-79762 share their code in this window.
    expect(codeOf(48775)).toBe(codeOf(79762));
    resolver.track('a', secretOf(48775));
    resolver.track('b', secretOf(79762));
    expect(resolver.stats().collisions).toBe(1);
    expect(resolver.resolve(advert(codeOf(48775)))).toEqual({ kind: 'ambiguous' });
    // Their other windows differ and still resolve.
    expect(resolver.resolve(advert(codeOf(48775, 1)))).toMatchObject({ kind: 'resolved', sessionId: 'a' });
    expect(resolver.resolve(advert(codeOf(79762, -1)))).toMatchObject({ kind: 'resolved', sessionId: 'b' });
    expect(resolver.stats().ambiguous).toBe(1);
    resolver.untrack('b');
    expect(resolver.resolve(advert(codeOf(48775)))).toMatchObject({ kind: 'resolved', sessionId: 'a' });
  });

  it('treats a code claimed by different sessions in two accepted windows as ambiguous', () => {
    const { resolver, codeOf, advert } = setup();
    // session-80024's code of the next window is session-40447's code of this one.
    expect(codeOf(80024, 1)).toBe(codeOf(40447));
    resolver.track('a', secretOf(40447));
    resolver.track('b', secretOf(80024));
    expect(resolver.resolve(advert(codeOf(40447))).kind).toBe('ambiguous');
  });
});

describe('clones', () => {
  it('flags a code heard at another station within 2 s and refuses it as proof', () => {
    const { clock, resolver, events, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    const code = codeOf(1);
    expect(resolver.observeRemote('B', code, clock.now())).toBe('seen');
    clock.advance(1500);
    expect(resolver.resolve(advert(code))).toEqual({ kind: 'clone', sessionId: 's1' });
    expect(events.filter((e) => e.type === 'clone')).toEqual([{ type: 'clone', sessionId: 's1', code, stations: ['B', 'A'], at: clock.now() }]);
    expect(resolver.session('s1')).toMatchObject({ cloned: true, present: false });
    // Held: even an advert no other station heard is refused until the hold is over.
    clock.advance(10_000);
    expect(resolver.resolve(advert(code)).kind).toBe('clone');
    clock.advance(61_000);
    expect(resolver.resolve(advert(codeOf(1))).kind).toBe('resolved');
    expect(resolver.stats().clones).toBe(2);
    expect(events.filter((e) => e.type === 'clone')).toHaveLength(1);
  });

  it('flags a session already present when another station reports its code, and drops its presence', () => {
    const { clock, resolver, events, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    expect(resolver.resolve(advert(codeOf(1), -55))).toMatchObject({ kind: 'resolved', present: true });
    clock.advance(800);
    expect(resolver.observeRemote('B', codeOf(1), clock.now() - 300)).toBe('clone');
    expect(events.map((e) => e.type)).toEqual(['present', 'clone', 'left']);
    expect(events.at(-1)).toMatchObject({ reason: 'clone' });
    expect(resolver.observeRemote('B', 0x01020304, clock.now())).toBe('unknown');
    expect(resolver.observeRemote('B', codeOf(1, 2), clock.now())).toBe('replay');
  });

  it('does not flag sightings further apart than the interval, or at stations that overlap', () => {
    const far = setup();
    far.resolver.track('s1', secretOf(1));
    far.resolver.observeRemote('B', far.codeOf(1), far.clock.now());
    far.clock.advance(2_500);
    expect(far.resolver.resolve(far.advert(far.codeOf(1))).kind).toBe('resolved');

    const near = setup({ overlapping: (a, b) => [a, b].sort().join() === 'A,B' });
    near.resolver.track('s1', secretOf(1));
    near.resolver.observeRemote('B', near.codeOf(1), near.clock.now());
    expect(near.resolver.resolve(near.advert(near.codeOf(1))).kind).toBe('resolved');
    // Station C is in another part of the store.
    expect(near.resolver.observeRemote('C', near.codeOf(1), near.clock.now())).toBe('clone');
  });

  it('tells two radios of one station apart by their source', () => {
    const { resolver, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    expect(resolver.resolve(advert(codeOf(1)), 'A/entrance').kind).toBe('resolved');
    expect(resolver.resolve(advert(codeOf(1)), 'A/entrance').kind).toBe('resolved');
    expect(resolver.resolve(advert(codeOf(1)), 'A/counter').kind).toBe('clone');
  });
});

describe('RSSI', () => {
  it('smooths with a Kalman filter that discounts a single outlier', () => {
    const filter = new RssiKalman();
    let at = 0;
    for (let i = 0; i < 50; i++) filter.update(-60, (at += 100));
    expect(filter.value).toBeCloseTo(-60, 5);
    filter.update(-95, (at += 100));
    expect(filter.value).toBeGreaterThan(-66);
    filter.reset();
    expect(filter.update(-80, at + 100)).toBe(-80);
  });

  it('enters above enterDbm and leaves below leaveDbm, with hysteresis in between', () => {
    const { clock, resolver, events, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    const feed = (rssi: number, count: number) => {
      for (let i = 0; i < count; i++) {
        clock.advance(100);
        resolver.resolve(advert(codeOf(1), rssi));
      }
    };
    feed(-80, 30);
    expect(resolver.session('s1')!.present).toBe(false);
    clock.advance(100);
    // One strong advert is not enough to enter: the smoothed level lags.
    expect(resolver.resolve(advert(codeOf(1), -60))).toMatchObject({ kind: 'resolved', present: false });
    feed(-60, 30);
    expect(events).toEqual([expect.objectContaining({ type: 'present', sessionId: 's1' })]);
    expect((events[0] as { rssi: number }).rssi).toBeGreaterThanOrEqual(-75);
    feed(-80, 100); // between the thresholds: stays present
    expect(resolver.session('s1')!.present).toBe(true);
    feed(-92, 50);
    expect(events.map((e) => e.type)).toEqual(['present', 'left']);
    expect(events[1]).toMatchObject({ reason: 'weak' });
    expect((events[1] as { rssi: number }).rssi).toBeLessThan(-85);
    expect(resolver.stats().present).toBe(0);
  });

  it('leaves after timeoutMs without an advert, and starts afresh when the phone comes back', () => {
    const { clock, resolver, events, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    resolver.resolve(advert(codeOf(1), -50));
    expect(resolver.presentIds()).toEqual(['s1']);
    clock.advance(30_000);
    resolver.tick();
    expect(resolver.presentIds()).toEqual(['s1']);
    clock.advance(1_000);
    resolver.tick();
    expect(events.map((e) => e.type)).toEqual(['present', 'left']);
    expect(events[1]).toMatchObject({ reason: 'timeout', rssi: -50 });
    // The old level does not linger: the first advert after the silence is taken as it is.
    expect(resolver.resolve(advert(codeOf(1), -90))).toMatchObject({ smoothedRssi: -90, present: false });
  });

  it('takes a report without a usable RSSI or timestamp as a sighting without poisoning the filter', () => {
    const { clock, resolver, codeOf, advert } = setup();
    resolver.track('s1', secretOf(1));
    expect(resolver.resolve(advert(codeOf(1), Number.NaN, { receivedAt: Number.NaN }))).toMatchObject({ kind: 'resolved', present: false });
    expect(resolver.session('s1')).toMatchObject({ lastSeenAt: clock.now(), trend: [] });
    clock.advance(100);
    expect(resolver.resolve(advert(codeOf(1), -60))).toMatchObject({ smoothedRssi: -60, present: true });
  });

  it('keeps a short trend, one sample per interval, bounded', () => {
    const { clock, resolver, codeOf, advert } = setup({ trendLength: 5 });
    resolver.track('s1', secretOf(1));
    for (let i = 0; i < 100; i++) {
      resolver.resolve(advert(codeOf(1), -60 - (i % 10)));
      clock.advance(250);
    }
    const trend = resolver.session('s1')!.trend;
    expect(trend).toHaveLength(5);
    expect(trend.map((s) => s.at)).toEqual([20, 21, 22, 23, 24].map((s) => START + s * 1000));
  });

  it('reports adverts per second over the last whole seconds', () => {
    const { clock, resolver, advert } = setup();
    for (let second = 0; second < 12; second++) {
      for (let i = 0; i < 50; i++) resolver.resolve(advert(i));
      clock.advance(1000);
    }
    expect(resolver.stats().advertsPerSecond).toBe(50);
    clock.advance(20_000);
    expect(resolver.stats().advertsPerSecond).toBe(0);
  });
});

describe('memory', () => {
  it('stays bounded with 10,000 sessions over hours of rolling, jumps and churn', () => {
    const { clock, resolver, codeOf, advert } = setup({ trendLength: 10 });
    const n = 10_000;
    for (let i = 0; i < n; i++) resolver.track(`s${i}`, secretOf(i));
    let next = n;
    for (let hour = 0; hour < 3; hour++) {
      // A jump (the box was suspended), then a few windows of ordinary rolling with traffic.
      clock.advance(45 * 60 * 1000);
      for (let step = 0; step < 3 * 30; step++) {
        clock.advance(1000);
        resolver.tick();
        for (let k = 0; k < 20; k++) resolver.resolve(advert(codeOf((step * 20 + k) % 500 + hour), -60));
        resolver.observeRemote('B', codeOf(600 + step), clock.now() - 10_000);
      }
      for (let k = 0; k < 200; k++) {
        resolver.untrack(`s${next - n + k}`);
        resolver.track(`s${next + k}`, secretOf(next + k));
      }
      next += 200;
      const f = resolver.footprint();
      expect(f.sessions).toBe(n);
      expect(f.windows).toBe(7);
      expect(f.acceptedCodes).toBeLessThanOrEqual(3 * n);
      expect(f.refusedCodes).toBeLessThanOrEqual(4 * n);
      expect(f.aheadCodes).toBeLessThanOrEqual(n);
      // Untracked sessions' pairs leave with their windows, within 7 windows.
      expect(f.pairs).toBeLessThanOrEqual(7 * (n + 200));
      expect(f.trendSamples).toBeLessThanOrEqual(10 * 600);
      expect(f.sightings).toBeLessThanOrEqual(2 * 700);
    }
    expect(resolver.stats().resolved).toBeGreaterThan(0);
  }, 60_000);
});

describe('untracked sessions', () => {
  it('leave the window lists at the next tick, not when their windows leave the ring minutes later', () => {
    const { clock, resolver, codeOf, advert } = setup();
    const n = 100;
    for (let i = 0; i < n; i++) resolver.track(`s${i}`, secretOf(i));
    // Four windows go by: the older windows hold every session's pair too.
    for (let second = 0; second < 4 * 30; second++) {
      clock.advance(1000);
      resolver.tick();
    }
    expect(resolver.footprint().pairs).toBeGreaterThanOrEqual(6 * n);
    for (let i = 0; i < n - 1; i++) resolver.untrack(`s${i}`);
    clock.advance(1000);
    resolver.tick();
    // One session left: its pairs, at most one per window of the ring.
    expect(resolver.footprint()).toMatchObject({ sessions: 1, windows: 7 });
    expect(resolver.footprint().pairs).toBeLessThanOrEqual(7);
    // It still resolves, and the gone ones do not.
    expect(resolver.resolve(advert(codeOf(n - 1)))).toMatchObject({ kind: 'resolved', sessionId: `s${n - 1}` });
    expect(resolver.resolve(advert(codeOf(0)))).not.toMatchObject({ kind: 'resolved' });
  });
});
