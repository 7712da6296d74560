// Runs in: node. The shape every benchmark file in server/bench/ shares with the runner.

/** One line of `omnistation bench --json` (CONTRACT.md "Benchmark rows"). */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
}

export interface RowSpec {
  name: string;
  unit: string;
  /** Which way is good: decides how people read the ratio in the table. */
  better: 'lower' | 'higher';
  /** The goal the issue set, for the note under the table; `met` judges a measured row. */
  goal?: { text: string; met(row: BenchRow): boolean };
}

export interface BenchContext {
  /** Shorter phases for tests and smoke runs; figures are noisier. */
  quick: boolean;
  /** Progress for people, on stderr so `--json` keeps stdout clean. */
  log(message: string): void;
  /** When set, servers under test write V8 CPU profiles (`--cpu-prof`) into this folder. */
  cpuProfDir?: string;
  /** Aborted on Ctrl-C: benchmarks stop their loops and let their `finally` blocks clean up. */
  signal: AbortSignal;
}

/**
 * A benchmark is one `*.bench.ts` file in server/bench/ exporting `benchmark`; the registry
 * finds it by name, so adding one never touches the runner. It measures its rows and their
 * baselines in the same run and returns them in `rows` order.
 */
export interface Benchmark {
  /** Group name, the prefix of its rows (`--only GROUP` runs all of them). */
  group: string;
  /** What its rows' baselines are, for the note under the table. */
  baseline: string;
  rows: readonly RowSpec[];
  run(ctx: BenchContext): Promise<BenchRow[]>;
}
