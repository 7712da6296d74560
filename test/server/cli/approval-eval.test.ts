// Runs in: node (vitest). `omnistation approval-eval FILE.jsonl`: the figures and the per-kind
// table, as text and as --json, and clear errors for missing or malformed files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../approval/fixtures/approval-holdout.jsonl', import.meta.url));

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'omni-approval-eval-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const row = (enrolled: string, answer: string, label: 0 | 1, kind: string) =>
  JSON.stringify({ id: `${kind}-${answer}`, question: 'In what town was your first home?', enrolled, answer, label, kind });

describe('omnistation approval-eval', () => {
  it('prints AUC, FRR at FAR ≤ 1 %, FAR/FRR at the shipped threshold and a per-kind table', () => {
    const result = runCli(['approval-eval', FIXTURE, '--encoder', 'none']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/approval-holdout\.jsonl: 100 rows \(\d+ genuine, \d+ impostor\), encoder none/);
    expect(result.stdout).toMatch(/^AUC +\d\.\d{4}$/m);
    expect(result.stdout).toMatch(/^FRR at FAR ≤ 1 % +\d+\.\d %/m);
    expect(result.stdout).toMatch(/^at shipped threshold 0\.\d{3} +FAR \d+\.\d % +FRR \d+\.\d %$/m);
    expect(result.stdout).toMatch(/^kind +rows +genuine +impostor +false acc\. +false rej\. +mean score$/m);
    expect(result.stdout).toMatch(/^near-miss +\d+ +0 +\d+ /m);
  });

  it('gives the same figures as JSON, with the misjudged rows by id only on request', () => {
    const result = runCli(['approval-eval', FIXTURE, '--encoder', 'none', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown> & { kinds: { kind: string; rows: number }[] };
    expect(Object.keys(report)).toEqual(['file', 'rows', 'genuine', 'impostor', 'encoder', 'threshold', 'auc', 'frrAtFar1', 'atThreshold', 'kinds']);
    expect(report.rows).toBe(100);
    expect(report.kinds.reduce((n, k) => n + k.rows, 0)).toBe(100);
    const withErrors = JSON.parse(runCli(['approval-eval', FIXTURE, '--encoder', 'none', '--json', '--errors']).stdout) as { errors: unknown[] };
    expect(Array.isArray(withErrors.errors)).toBe(true);
  });

  it('scores with the bundled model by default', () => {
    const file = join(root, 'small.jsonl');
    writeFileSync(file, [row('Busan', 'Pusan', 1, 'variant'), row('Busan', 'Ulsan', 0, 'near-miss'), row('Busan', 'pass', 0, 'evasive')].join('\n'));
    const result = runCli(['approval-eval', file, '--json', '--errors']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { encoder: string; auc: number; atThreshold: { far: number; frr: number }; errors: unknown[] };
    expect(report).toMatchObject({ encoder: 'use-lite', auc: 1, atThreshold: { far: 0, frr: 0 }, errors: [] });
  });

  it('names a missing file, a malformed line and an unlabelled row in one line', () => {
    const missing = runCli(['approval-eval', join(root, 'nope.jsonl'), '--encoder', 'none']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^omnistation approval-eval: .*nope\.jsonl: no such file\n$/);
    const bad = join(root, 'bad.jsonl');
    writeFileSync(bad, `${row('Busan', 'Pusan', 1, 'variant')}\n{"question":"q","enrolled":"Busan","answer":"x"}\n`);
    const unlabelled = runCli(['approval-eval', bad, '--encoder', 'none']);
    expect(unlabelled.code).toBe(2);
    expect(unlabelled.stderr).toMatch(/^omnistation approval-eval: .*bad\.jsonl:2: "label" must be 0 or 1\n$/);
    const usage = runCli(['approval-eval']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/expected exactly one FILE\.jsonl/);
  });
});
