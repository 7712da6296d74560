// Runs in: node (bench process). The table people read; `--json` bypasses it entirely.
import type { BenchRow, RowSpec } from './types.js';

export function formatTable(results: readonly { row: BenchRow; spec: RowSpec; baseline: string; group: string }[], quick = false): string {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio', 'better'];
  const body = results.map(({ row, spec }) => [
    row.name,
    formatNumber(row.value),
    row.unit,
    formatNumber(row.baseline),
    Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}×` : 'n/a',
    spec.better === 'lower' ? 'lower' : 'higher',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const numeric = new Set([1, 3, 4]);
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  lines.push('');
  lines.push(
    'baselines, each measured in this run:',
    ...[...new Map(results.map((r) => [r.group, r.baseline])).entries()].map(([group, note]) => `  ${group}: ${note}`),
    'ratio = value / baseline: for "lower" rows (latency) below 1× beats the floor; for "higher" rows',
    '(throughput) 1× matches it.',
  );
  if (quick) lines.push('--quick: phases too short to warm up; these figures only prove the bench runs.');
  const goals = results.filter(({ spec }) => spec.goal);
  if (goals.length > 0) {
    lines.push('goals:');
    for (const { row, spec } of goals) {
      lines.push(`  ${row.name}: ${spec.goal!.text} — ${spec.goal!.met(row) ? 'met' : 'MISSED'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en');
  return value.toFixed(2);
}
