// Runs in: node. Summary statistics for the benchmarks, kept free of I/O so tests pin them down.

/**
 * Nearest-rank percentile: the smallest sample that at least p % of the samples do not exceed.
 * Latency goals read "p99 ≤ 5 ms" as "99 % of scans were seen within 5 ms", which is exactly
 * this definition; interpolating would report a value no scan actually had.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be 0..100, not ${p}`);
  const sorted = isSorted(samples) ? samples : [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Several percentiles from one sort (latency arrays hold tens of thousands of samples). */
export function percentiles(samples: readonly number[], ps: readonly number[]): number[] {
  const sorted = [...samples].sort((a, b) => a - b);
  return ps.map((p) => percentile(sorted, p));
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('mean of no samples');
  let sum = 0;
  for (const value of samples) sum += value;
  return sum / samples.length;
}

/** value / baseline; NaN instead of Infinity so a broken baseline cannot look like a win. */
export function ratio(value: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(baseline) ? value / baseline : Number.NaN;
}

/** Rounds to `digits` significant figures: 0.0234 ms and 2,345 ops/s both keep what matters. */
export function roundSignificant(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  // toPrecision rounds in decimal: dividing by a fractional scale left float noise on large values
  // (22,460,000 came out as 22460000.000000004).
  return Number(value.toPrecision(digits));
}

function isSorted(samples: readonly number[]): boolean {
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! > samples[i]!) return false;
  return true;
}
