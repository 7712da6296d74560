// Runs in: node (vitest). Benchmark discovery and `--only` selection, without running any.
import { describe, expect, it } from 'vitest';
import { loadBenchmarks, rowMatches, select, unmatched } from '../../../server/bench/registry.js';
import { runOpenLoop } from '../../../server/bench/load.js';
import type { Benchmark } from '../../../server/bench/types.js';

const fake = (group: string, rows: string[]): Benchmark => ({
  group,
  baseline: 'a fake floor',
  rows: rows.map((name) => ({ name, unit: 'ms', better: 'lower' as const })),
  run: async () => [],
});

describe('registry', () => {
  it('finds the issue 2 benchmarks in server/bench/', async () => {
    const names = (await loadBenchmarks()).flatMap((b) => b.rows.map((r) => r.name));
    expect(names).toEqual(expect.arrayContaining(['scan_to_monitor_p99_ms', 'scan_to_monitor_p50_ms', 'cart_ops_per_s']));
  });

  it('selects by row name or group prefix, and runs a benchmark whole', () => {
    const all = [fake('scan_to_monitor', ['scan_to_monitor_p99_ms', 'scan_to_monitor_p50_ms']), fake('cart_ops', ['cart_ops_per_s'])];
    expect(select(all, []).map((s) => s.benchmark.group)).toEqual(['scan_to_monitor', 'cart_ops']);
    expect(select(all, ['scan_to_monitor']).map((s) => s.rows.map((r) => r.name))).toEqual([
      ['scan_to_monitor_p99_ms', 'scan_to_monitor_p50_ms'],
    ]);
    expect(select(all, ['scan_to_monitor_p99_ms']).map((s) => s.rows.map((r) => r.name))).toEqual([['scan_to_monitor_p99_ms']]);
    expect(select(all, ['cart_ops_per_s', 'scan_to_monitor_p50_ms'])).toHaveLength(2);
    expect(unmatched(all, ['cart', 'sync_drain_10k_s'])).toEqual(['sync_drain_10k_s']);
    expect(rowMatches('cart_ops_per_s', ['cart_ops'])).toBe(true);
    expect(rowMatches('cart_ops_per_s', ['ops'])).toBe(false);
  });
});

describe('open loop', () => {
  it('sends every scheduled request once, serially per slot', async () => {
    const seen: number[] = [];
    const busy = new Set<number>();
    let overlapped = false;
    const result = await runOpenLoop({
      rate: 2000,
      durationMs: 50,
      slots: 7,
      signal: new AbortController().signal,
      async send(slot, seq) {
        if (busy.has(slot)) overlapped = true;
        busy.add(slot);
        seen.push(seq);
        await new Promise((resolve) => setTimeout(resolve, 2));
        busy.delete(slot);
      },
    });
    expect(result.scheduled).toBe(100);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(overlapped).toBe(false);
  });
});
