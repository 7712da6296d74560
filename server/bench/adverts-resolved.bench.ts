// Runs in: node (bench process). Presence resolution (issue 4, item 9): how many adverts per
// second the presence resolver turns from raw manufacturer-data bytes into a resolution, with
// 10,000 sessions tracked and a store-like mix of frames (mostly known codes, some unknown or
// replayed codes, other stores' iBeacons and non-iBeacon frames). Baseline: a plain Map lookup of
// the same adverts' codes, precomputed, in the same run — the floor any O(1) resolver sits on.
// Both are timed in alternating rounds of ~1 ms slices and reported as the median slice.
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { presenceCode, presenceWindow, PRESENCE_WINDOW_SECONDS } from '../protocol/presence-token.js';
import { ManualClock } from '../store/clock.js';
import type { BleAdvert } from '../store/devices/radio/types.js';
import { PresenceResolver } from '../store/modules/presence/resolver.js';
import { seededRandom } from './load.js';
import { percentile, ratio } from './stats.js';
import type { BenchContext, BenchRow, Benchmark } from './types.js';

const SESSIONS = 10_000;
/** Distinct adverts cycled through: a power of two so the index is a mask, large enough to defeat caches of one frame. */
const ADVERTS = 1 << 14;
const STORE_UUID = '5c0dbeef-0a7e-4d1c-9a43-6f0f2c9b1e55';
const OTHER_UUID = 'f7826da6-4fa2-4e98-8024-bc5b71e0893e';
const GOAL_PER_S = 100_000;
/** Operations between looks at the clock: small enough for ~1 ms slices of the slower side. */
const BATCH = 256;
const SLICE_NS = 1_000_000;

export const benchmark: Benchmark = {
  group: 'adverts_resolved',
  baseline: 'a plain Map lookup of the same adverts’ precomputed 32-bit codes, same mix, same run (median 1 ms slices)',
  rows: [
    {
      name: 'adverts_resolved_per_s',
      unit: 'adverts/s',
      better: 'higher',
      goal: { text: `≥ ${GOAL_PER_S.toLocaleString('en')} adverts/s with ${SESSIONS.toLocaleString('en')} sessions`, met: (row) => row.value >= GOAL_PER_S },
    },
    {
      name: 'adverts_resolved_added_latency_ns',
      unit: 'ns',
      better: 'lower',
      goal: { text: `≤ ${1e9 / GOAL_PER_S} ns per advert beyond the Map lookup`, met: (row) => row.value <= 1e9 / GOAL_PER_S },
    },
  ],
  async run(ctx) {
    const warmupMs = ctx.quick ? 100 : 500;
    const rounds = ctx.quick ? 1 : 3;
    const roundMs = ctx.quick ? 200 : 1000;
    ctx.log(`adverts_resolved: tracking ${SESSIONS} sessions, ${ADVERTS} pre-built adverts`);
    const world = buildWorld();
    const slices: Record<'resolver' | 'baseline', number[]> = { resolver: [], baseline: [] };
    const loops = {
      resolver: (from: number, count: number) => resolveLoop(world, from, count),
      baseline: (from: number, count: number) => lookupLoop(world, from, count),
    };
    // First contact with each session allocates its state once: that is start-up, not the rate.
    resolveLoop(world, 0, 2 * ADVERTS);
    for (const [name, loop] of Object.entries(loops)) {
      ctx.log(`  ${name}: warm-up ${warmupMs} ms`);
      await timed(ctx, warmupMs, loop);
    }
    // Alternating short rounds spread a shared box's background drift over both sides.
    for (let round = 0; round < rounds && !ctx.signal.aborted; round++) {
      for (const name of ['baseline', 'resolver'] as const) slices[name].push(...(await timed(ctx, roundMs, loops[name])));
    }
    if (ctx.signal.aborted) throw new Error('adverts_resolved: aborted');
    // The median slice, not the total: a slice the scheduler preempted says nothing about the code.
    const nsPer = { resolver: median(slices.resolver), baseline: median(slices.baseline) };
    const stats = world.resolver.stats();
    ctx.log(
      `  resolver: ${Math.round(1e9 / nsPer.resolver)} adverts/s (${nsPer.resolver.toFixed(0)} ns each, median of ${slices.resolver.length} slices); ` +
        `map: ${Math.round(1e9 / nsPer.baseline)} lookups/s; resolved ${stats.resolved}, unknown ${stats.unknown}, ` +
        `replays ${stats.replays}, ambiguous ${stats.ambiguous}, foreign ${stats.foreignUuid}, not iBeacon ${stats.notIbeacon}`,
    );
    if (stats.resolved === 0 || stats.clones > 0) throw new Error('adverts_resolved: the mix did not resolve as built');
    const value = significant(1e9 / nsPer.resolver);
    const baseline = significant(1e9 / nsPer.baseline);
    const added = significant(nsPer.resolver - nsPer.baseline);
    const baseNs = significant(nsPer.baseline);
    const rows: BenchRow[] = [
      { name: 'adverts_resolved_per_s', value, unit: 'adverts/s', baseline, ratio: significant(ratio(value, baseline)) },
      { name: 'adverts_resolved_added_latency_ns', value: added, unit: 'ns', baseline: baseNs, ratio: significant(ratio(added, baseNs)) },
    ];
    return rows;
  },
};

interface World {
  resolver: PresenceResolver;
  adverts: BleAdvert[];
  map: Map<number, string>;
  codes: Int32Array;
  sink: number;
}

function buildWorld(): World {
  // Held still 10 s into a window: moving into the next one is tick()'s paced work in a store,
  // and a whole window of HMACs landing inside a 1 s round would measure that, not resolution.
  const window = presenceWindow(Date.now());
  const clock = new ManualClock(window * PRESENCE_WINDOW_SECONDS * 1000 + 10_000);
  const resolver = new PresenceResolver({ clock, storeUuid: STORE_UUID, stationId: 'bench' });
  const secrets = Array.from({ length: SESSIONS }, (_, i) => createHash('sha256').update(`bench-session-${i}`).digest());
  secrets.forEach((secret, i) => resolver.track(`session-${i}`, secret));
  const codeOf = (i: number, offset: number) => presenceCode(secrets[i]!, window + offset).code;

  const random = seededRandom(0xad7e);
  const adverts: BleAdvert[] = [];
  const codes = new Int32Array(ADVERTS);
  const map = new Map<number, string>();
  // Keyed as the resolver keys its index (signed 32-bit, small integers to V8): the fair floor.
  for (let i = 0; i < SESSIONS; i++) map.set(codeOf(i, 0) | 0, `session-${i}`);
  for (let i = 0; i < ADVERTS; i++) {
    const session = Math.floor(random() * SESSIONS);
    const roll = random();
    const rssi = -45 - Math.floor(random() * 50);
    let data: Uint8Array | undefined;
    let code: number;
    if (roll < 0.7) data = ibeacon(STORE_UUID, (code = codeOf(session, 0)));
    else if (roll < 0.8) data = ibeacon(STORE_UUID, (code = codeOf(session, random() < 0.5 ? -1 : 1)));
    else if (roll < 0.86) data = ibeacon(STORE_UUID, (code = Math.floor(random() * 2 ** 32)));
    else if (roll < 0.88) data = ibeacon(STORE_UUID, (code = codeOf(session, 2)));
    else if (roll < 0.94) data = ibeacon(OTHER_UUID, (code = Math.floor(random() * 2 ** 32)));
    else {
      // Another vendor's frame (Microsoft CDP-like), or none at all (an Eddystone in service data).
      code = Math.floor(random() * 2 ** 32);
      data = random() < 0.5 ? Uint8Array.from({ length: 27 }, (_, k) => (k === 0 ? 0x06 : Math.floor(random() * 256))) : undefined;
    }
    adverts.push({ address: `c0:ff:ee:${hex(i >> 8)}:${hex(i & 0xff)}:01`, rssi, receivedAt: clock.now(), ...(data ? { manufacturerData: data } : {}) });
    codes[i] = code;
  }
  return { resolver, adverts, map, codes, sink: 0 };
}

function resolveLoop(world: World, from: number, count: number): void {
  const { resolver, adverts } = world;
  let sink = 0;
  for (let i = from; i < from + count; i++) sink += resolver.resolve(adverts[i & (ADVERTS - 1)]!).kind.length;
  world.sink += sink;
}

function lookupLoop(world: World, from: number, count: number): void {
  const { map, codes } = world;
  let sink = 0;
  for (let i = from; i < from + count; i++) sink += map.get(codes[i & (ADVERTS - 1)]!)?.length ?? 1;
  world.sink += sink;
}

/**
 * Runs `loop` for about `ms` in slices of ~1 ms each (whole batches), yielding to the event loop
 * every ~20 ms so Ctrl-C is heard; returns each slice's nanoseconds per operation. Slices are
 * equal in time, not in operations, so both sides are equally likely to be preempted on a shared
 * box, and the median slice leaves the preempted ones out.
 */
async function timed(ctx: BenchContext, ms: number, loop: (from: number, count: number) => void): Promise<number[]> {
  const slices: number[] = [];
  let ops = 0;
  const until = performance.now() + ms;
  while (performance.now() < until && !ctx.signal.aborted) {
    const yieldAt = Math.min(until, performance.now() + 20);
    while (performance.now() < yieldAt) {
      const start = process.hrtime.bigint();
      let count = 0;
      let elapsed: number;
      do {
        loop(ops, BATCH);
        ops += BATCH;
        count += BATCH;
        elapsed = Number(process.hrtime.bigint() - start);
      } while (elapsed < SLICE_NS);
      slices.push(elapsed / count);
    }
    await yieldToLoop();
  }
  return slices;
}

function median(samples: number[]): number {
  if (samples.length === 0) throw new Error('adverts_resolved: nothing measured');
  return percentile(samples, 50);
}

function ibeacon(uuid: string, code: number): Uint8Array {
  const bytes = new Uint8Array(25);
  bytes.set([0x4c, 0x00, 0x02, 0x15]);
  bytes.set(Buffer.from(uuid.replace(/-/g, ''), 'hex'), 4);
  new DataView(bytes.buffer).setUint32(20, code);
  bytes[24] = 0xc5; // -59 dBm at 1 m
  return bytes;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** 4 significant figures without binary noise (stats.roundSignificant leaves 22460000.000000004 for large values). */
function significant(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}
