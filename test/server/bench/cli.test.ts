// Runs in: node (vitest). `omnistation bench` end to end on its shortest setting: the JSON rows'
// shape, not their speed (timings on a shared CI box say nothing).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/omnistation.js', import.meta.url));

describe('omnistation bench', () => {
  it('prints exactly an array of {name, value, unit, baseline, ratio} with --json', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'bench', '--quick', '--only', 'cart_ops_per_s', '--json'], {
      timeout: 60_000,
    });
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['name', 'value', 'unit', 'baseline', 'ratio']);
      expect(row.name).toBe('cart_ops_per_s');
      expect(row.unit).toBe('ops/s');
      const { value, baseline, ratio } = row as { value: number; baseline: number; ratio: number };
      for (const n of [value, baseline, ratio]) {
        expect(typeof n).toBe('number');
        expect(Number.isFinite(n)).toBe(true);
      }
      expect(value).toBeGreaterThan(0);
      expect(baseline).toBeGreaterThan(0);
      // Ratio is rounded to 4 significant figures.
      expect(Math.abs(ratio - value / baseline)).toBeLessThanOrEqual((value / baseline) * 1e-3);
    }
  }, 60_000);

  it('refuses an --only that names no row, listing the rows', async () => {
    const failure = await run(process.execPath, [BIN, 'bench', '--only', 'no_such_row', '--json']).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/no benchmark row matches no_such_row.*scan_to_monitor_p99_ms/);
  });
});
