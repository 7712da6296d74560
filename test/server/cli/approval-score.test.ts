// Runs in: node (vitest). `omnistation approval-score` as CONTRACT.md specifies it: JSON lines in,
// one {"score","match"} line out per input line, in order, offline, with clear errors.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, collectOutput, exitOf, runCli } from '../../helpers/cli.js';

const line = (enrolled: string, answer: string, question = 'In what town was your first home?') => JSON.stringify({ question, enrolled, answer });

const INPUT = [
  line('Gwangju', 'Kwangju'),
  line('Gwangju', 'Gyeongju'),
  line('나비 (고양이)', '고양이 나비요', 'What was your childhood pet called?'),
  line('2011-10-08', '8 October 2011', 'What is your wedding anniversary?'),
  line('Lotte Mart bakery', '', 'Where did you work first?'),
].join('\n');

function parse(stdout: string): { score: number; match: boolean }[] {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as { score: number; match: boolean });
}

// unshare -n gives the command a network namespace with no interfaces at all.
const unshareWorks = spawnSync('unshare', ['-n', 'true']).status === 0;

describe('omnistation approval-score', () => {
  it('answers every line in order with exactly {score, match}, using the bundled model', () => {
    const result = runCli(['approval-score'], {}, `${INPUT}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n');
    expect(out).toHaveLength(5);
    for (const l of out) expect(Object.keys(JSON.parse(l) as object)).toEqual(['score', 'match']);
    const rows = parse(result.stdout);
    expect(rows.map((r) => r.match)).toEqual([true, false, true, true, false]);
    for (const r of rows) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
  });

  it.skipIf(!unshareWorks)('needs no network: the same answers inside a namespace without one', () => {
    const result = spawnSync('unshare', ['-n', process.execPath, BIN, 'approval-score'], { input: `${INPUT}\n`, encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(parse(result.stdout).map((r) => r.match)).toEqual([true, false, true, true, false]);
  });

  it('skips blank lines and takes input without a final newline', () => {
    const result = runCli(['approval-score', '--encoder', 'none'], {}, `\n${line('Busan', 'Pusan')}\n\n${line('Busan', 'Ulsan')}`);
    expect(result.code).toBe(0);
    expect(parse(result.stdout).map((r) => r.match)).toEqual([true, false]);
  });

  it('stops at a malformed line with exit 2 and one line naming it; earlier answers stand', () => {
    for (const [bad, message] of [
      ['{"question":"q","enrolled":"Busan"', 'line 2: not valid JSON'],
      ['["q","Busan","Pusan"]', 'line 2: expected a JSON object'],
      ['{"question":"q","enrolled":"Busan","answer":42}', 'line 2: "answer" must be a string'],
    ] as const) {
      const result = runCli(['approval-score', '--encoder', 'none'], {}, `${line('Busan', 'Pusan')}\n${bad}\n${line('Busan', 'Busan')}\n`);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`omnistation approval-score: ${message}\n`);
      expect(parse(result.stdout)).toHaveLength(1);
    }
  });

  it('answers a line before its input has ended', async () => {
    const child = spawn(process.execPath, [BIN, 'approval-score', '--encoder', 'none'], { stdio: 'pipe' });
    const output = collectOutput(child);
    child.stdin.write(`${line('Busan', 'Pusan')}\n`);
    await output.waitFor(/"match":true\}\n/, 30_000);
    child.stdin.write(`${line('Busan', 'Ulsan')}\n`);
    await output.waitFor(/"match":false\}\n/, 30_000);
    child.stdin.end();
    expect(await exitOf(child)).toBe(0);
    expect(parse(output.stdout)).toHaveLength(2);
  });

  it('rejects an unknown encoder and stray arguments', () => {
    const unknown = runCli(['approval-score', '--encoder', 'gpt'], {}, '');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^omnistation approval-score: unknown encoder "gpt"/);
    const stray = runCli(['approval-score', 'answers.jsonl'], {}, '');
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/reads JSON lines on stdin/);
  });
});
