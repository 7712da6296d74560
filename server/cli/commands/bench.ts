// Runs in: node. `omnistation bench [--json] [--only NAME]… [--quick] [--cpu-prof DIR] [--list]`:
// runs the benchmarks in server/bench/ and prints a table, or with --json exactly an array of
// rows {name, value, unit, baseline, ratio} on stdout (progress always goes to stderr).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, parseCommandArgs } from '../args.js';
import { killAllChildren } from '../../bench/child.js';
import { BenchAborted } from '../../bench/load.js';
import { loadBenchmarks, select, specOf, unmatched } from '../../bench/registry.js';
import { formatTable } from '../../bench/report.js';
import type { BenchRow, RowSpec } from '../../bench/types.js';

export const summary = 'run the benchmarks (store server against a bare floor)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    json: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    list: { type: 'boolean', default: false },
  });
  const benchmarks = await loadBenchmarks();
  const only = (values.only ?? []).flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean);
  const names = benchmarks.flatMap((b) => b.rows.map((r) => r.name));
  if (values.list) {
    process.stdout.write(`${names.join('\n')}\n`);
    return 0;
  }
  const missing = unmatched(benchmarks, only);
  if (missing.length > 0) throw new CliError(`no benchmark row matches ${missing.join(', ')} (rows: ${names.join(', ')})`);
  const selection = select(benchmarks, only);
  const cpuProfDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

  // First Ctrl-C: stop the loops and let every benchmark stop its servers. Second: leave now
  // (the exit hook still kills the children).
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      killAllChildren();
      process.exit(130);
    }
    process.stderr.write('\nbench: interrupted, stopping servers (Ctrl-C again to force)\n');
    controller.abort();
    setTimeout(() => {
      killAllChildren();
      process.exit(130);
    }, 15_000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const log = (message: string) => process.stderr.write(`${message}\n`);
  const results: { row: BenchRow; spec: RowSpec; baseline: string; group: string }[] = [];
  let failed = false;
  const started = performance.now();
  try {
    for (const { benchmark, rows } of selection) {
      if (controller.signal.aborted) break;
      try {
        const measured = await benchmark.run({ quick: values.quick ?? false, log, cpuProfDir, signal: controller.signal });
        for (const row of measured) {
          const spec = specOf(benchmarks, row);
          if (spec && rows.includes(spec)) results.push({ row, spec, baseline: benchmark.baseline, group: benchmark.group });
        }
      } catch (error) {
        if (error instanceof BenchAborted || controller.signal.aborted) break;
        failed = true;
        log(`bench ${benchmark.group} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    killAllChildren();
  }
  if (controller.signal.aborted) return 130;
  log(`bench: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (cpuProfDir) log(`bench: CPU profiles of the servers under test are in ${cpuProfDir}`);

  if (values.json) process.stdout.write(`${JSON.stringify(results.map(({ row }) => pick(row)))}\n`);
  else process.stdout.write(formatTable(results, values.quick));
  return failed ? 1 : 0;
}

/** Exactly the CONTRACT's keys, in its order. */
function pick(row: BenchRow): BenchRow {
  return { name: row.name, value: row.value, unit: row.unit, baseline: row.baseline, ratio: row.ratio };
}
