// Runs in: node (bench process). Scan → monitor latency (issue 2): simulated shoppers scan at a
// fixed open-loop rate and the time runs from each scan's scheduled send to the moment its
// `cart.activity` event is read on a staff monitor connection; store server vs the bare floor.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentiles, ratio, roundSignificant } from './stats.js';
import { mapConcurrent, runOpenLoop, sleep, throwIfAborted } from './load.js';
import { startFloor, startStore, type Shopper, type Target } from './targets.js';
import type { BenchContext, BenchRow, Benchmark } from './types.js';

const RATE = 2000;
const SHOPPERS = 200;
// A basket of this many scans, then the shopper slot moves to a fresh session: carts stay the
// size of real ones instead of growing for the whole run.
const SCANS_PER_CART = 30;
const DRAIN_MS = 3000;

interface Measured {
  p50: number;
  p99: number;
  /** Server CPU time per successful scan, µs: what decides whether 2,000/s fits on one core. */
  cpuPerScan: number;
  samples: number;
  lost: number;
  errors: number;
}

export const benchmark: Benchmark = {
  group: 'scan_to_monitor',
  baseline: 'a bare Fastify + SQLite route doing the same insert and SSE broadcast, same rate, same run',
  rows: [
    {
      name: 'scan_to_monitor_p99_ms',
      unit: 'ms',
      better: 'lower',
      goal: { text: `p99 ≤ 5 ms at ${RATE.toLocaleString('en')} scans/s`, met: (row) => row.value <= 5 },
    },
    { name: 'scan_to_monitor_p50_ms', unit: 'ms', better: 'lower' },
    { name: 'scan_to_monitor_server_cpu_us', unit: 'us/scan', better: 'lower' },
  ],
  async run(ctx) {
    const warmupMs = ctx.quick ? 300 : 2000;
    const measureMs = ctx.quick ? 1000 : 8000;
    ctx.log(`scan_to_monitor: starting store server and floor (${RATE} scans/s from ${SHOPPERS} shoppers, ${measureMs / 1000} s measured each)`);
    const targets = await Promise.allSettled([startFloor({ cpuProfDir: ctx.cpuProfDir }), startStore({ cpuProfDir: ctx.cpuProfDir })]);
    try {
      const [floor, store] = targets.map((t) => {
        if (t.status === 'rejected') throw t.reason;
        return t.value;
      }) as [Target, Target];
      const base = await measure(ctx, floor, warmupMs, measureMs);
      const real = await measure(ctx, store, warmupMs, measureMs);
      const row = (name: string, unit: string, value: number, baseline: number): BenchRow => {
        const v = roundSignificant(value, 4);
        const b = roundSignificant(baseline, 4);
        return { name, value: v, unit, baseline: b, ratio: roundSignificant(ratio(v, b), 4) };
      };
      return [
        row('scan_to_monitor_p99_ms', 'ms', real.p99, base.p99),
        row('scan_to_monitor_p50_ms', 'ms', real.p50, base.p50),
        row('scan_to_monitor_server_cpu_us', 'us/scan', real.cpuPerScan, base.cpuPerScan),
      ];
    } finally {
      await Promise.all(targets.map((t) => (t.status === 'fulfilled' ? t.value.stop() : undefined)));
    }
  },
};

async function measure(ctx: BenchContext, target: Target, warmupMs: number, measureMs: number): Promise<Measured> {
  const { signal } = ctx;
  // Scheduled send time of every scan whose event has not been seen yet, by "session:count".
  const pending = new Map<string, number>();
  let latencies: number[] = [];
  const monitor = await target.openMonitor((session, count) => {
    const key = `${session}:${count}`;
    const scheduledAt = pending.get(key);
    if (scheduledAt === undefined) return;
    pending.delete(key);
    latencies.push(performance.now() - scheduledAt);
  });
  try {
    const phase = async (label: string, durationMs: number): Promise<Measured> => {
      const perSlot = Math.ceil((RATE * durationMs) / 1000 / SHOPPERS);
      const sessionsPerSlot = Math.ceil(perSlot / SCANS_PER_CART);
      ctx.log(`  ${target.name}: ${label}: creating ${SHOPPERS * sessionsPerSlot} shopper sessions`);
      const shoppers = await mapConcurrent(
        Array.from({ length: SHOPPERS * sessionsPerSlot }),
        16,
        signal,
        () => target.newShopper(),
      );
      const slots = Array.from({ length: SHOPPERS }, (_, slot) => ({
        sessions: shoppers.slice(slot * sessionsPerSlot, (slot + 1) * sessionsPerSlot),
        session: 0,
        inCart: 0,
      }));
      let errors = 0;
      let succeeded = 0;
      let firstError = '';
      latencies = [];
      pending.clear();
      ctx.log(`  ${target.name}: ${label}: ${RATE} scans/s for ${durationMs / 1000} s`);
      // The generator's own stalls land in every latency it measures; report them beside it.
      const stalls = monitorEventLoopDelay({ resolution: 1 });
      stalls.enable();
      const cpuBefore = await target.cpuUsage();
      const loop = await runOpenLoop({
        rate: RATE,
        durationMs,
        slots: SHOPPERS,
        signal,
        async send(slotIndex, _seq, scheduledAt) {
          const slot = slots[slotIndex]!;
          if (slot.inCart >= SCANS_PER_CART) {
            slot.session++;
            slot.inCart = 0;
          }
          const shopper: Shopper | undefined = slot.sessions[slot.session];
          if (!shopper) {
            errors++;
            return;
          }
          const count = slot.inCart + 1;
          // Scans of one basket are mostly different products, every fifth one a second of the last.
          const product = slotIndex * 17 + slot.session * 31 + count - (count % 5 === 0 ? 1 : 0);
          const key = `${shopper.key}:${count}`;
          pending.set(key, scheduledAt);
          try {
            const response = await target.scan(shopper, product);
            if (response.status === 200) {
              slot.inCart++;
              succeeded++;
              return;
            }
            firstError ||= `HTTP ${response.status} ${response.body.slice(0, 200)}`;
          } catch (error) {
            firstError ||= String(error);
          }
          errors++;
          pending.delete(key);
        },
      });
      stalls.disable();
      const drainUntil = performance.now() + DRAIN_MS;
      while (pending.size > 0 && performance.now() < drainUntil) {
        throwIfAborted(signal);
        await sleep(5);
      }
      const cpuPerScan = ((await target.cpuUsage()) - cpuBefore) / Math.max(1, succeeded);
      // An event never seen counts as seen at the end of the drain: a lower bound, not a gap.
      const lost = pending.size;
      const end = performance.now();
      for (const scheduledAt of pending.values()) latencies.push(end - scheduledAt);
      pending.clear();
      if (errors > 0) ctx.log(`  ${target.name}: ${label}: ${errors} scans failed (first: ${firstError})`);
      if (lost > 0) ctx.log(`  ${target.name}: ${label}: ${lost} events not seen within ${DRAIN_MS} ms`);
      if (latencies.length === 0) throw new Error(`${target.name}: no scan succeeded (${firstError})`);
      const [p50, p99] = percentiles(latencies, [50, 99]) as [number, number];
      ctx.log(
        `  ${target.name}: ${label}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms over ${latencies.length} scans,` +
          ` server CPU ${Math.round(cpuPerScan)} µs/scan` +
          ` (generator: max send delay ${loop.maxSendDelayMs.toFixed(1)} ms, event-loop delay p99 ${(stalls.percentile(99) / 1e6).toFixed(1)} ms)`,
      );
      return { p50, p99, cpuPerScan, samples: latencies.length, lost, errors };
    };
    await phase('warm-up', warmupMs);
    await sleep(200);
    return await phase('measure', measureMs);
  } finally {
    monitor.close();
  }
}
