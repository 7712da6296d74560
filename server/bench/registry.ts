// Runs in: node (bench process). Finds the benchmarks: every `*.bench.ts` file in this folder
// that exports `benchmark`. A later issue adds its benchmark as one more file, nothing else.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRow, Benchmark, RowSpec } from './types.js';

const BENCH_FILE = /\.bench\.(ts|js|mjs)$/;

export async function loadBenchmarks(dir = new URL('./', import.meta.url)): Promise<Benchmark[]> {
  const files = readdirSync(fileURLToPath(dir)).filter((f) => BENCH_FILE.test(f)).sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, dir).href)) as { benchmark?: Benchmark };
    const benchmark = module.benchmark;
    // Discovery trades the compiler's check of a static list for this one at load time.
    if (!benchmark || typeof benchmark.run !== 'function' || !Array.isArray(benchmark.rows)) {
      throw new Error(`${file} does not export a benchmark ({ group, rows, run })`);
    }
    for (const row of benchmark.rows) {
      if (!row.name.startsWith(`${benchmark.group}_`)) {
        throw new Error(`${file}: row ${row.name} does not start with its group "${benchmark.group}_"`);
      }
    }
    benchmarks.push(benchmark);
  }
  const names = benchmarks.flatMap((b) => b.rows.map((r) => r.name));
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`two benchmarks produce the row ${duplicate}`);
  return benchmarks;
}

/** `--only` takes a row name or a prefix of row names (a group such as `scan_to_monitor`). */
export function rowMatches(row: string, only: readonly string[]): boolean {
  return only.length === 0 || only.some((o) => row === o || row.startsWith(o));
}

export interface Selection {
  benchmark: Benchmark;
  rows: RowSpec[];
}

/** Benchmarks with at least one selected row; a benchmark always runs whole, its rows filtered. */
export function select(benchmarks: readonly Benchmark[], only: readonly string[]): Selection[] {
  return benchmarks
    .map((benchmark) => ({ benchmark, rows: benchmark.rows.filter((r) => rowMatches(r.name, only)) }))
    .filter((s) => s.rows.length > 0);
}

export function unmatched(benchmarks: readonly Benchmark[], only: readonly string[]): string[] {
  const names = benchmarks.flatMap((b) => b.rows.map((r) => r.name));
  return only.filter((o) => !names.some((name) => rowMatches(name, [o])));
}

export function specOf(benchmarks: readonly Benchmark[], row: BenchRow): RowSpec | undefined {
  for (const b of benchmarks) for (const spec of b.rows) if (spec.name === row.name) return spec;
  return undefined;
}
