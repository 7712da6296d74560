// Runs in: node (vitest). The lint-time electronegativity gate: the project passes with its
// reviewed allow-list, an insecure window fails it, and the allow-list cannot rot.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'build/scripts/electronegativity.mjs');
const run = promisify(execFile);

async function gate(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], { cwd: ROOT });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

function fixture(source: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'omni-eneg-'));
  mkdirSync(join(dir, 'main'));
  const file = join(dir, 'main', 'index.js');
  writeFileSync(file, source);
  return { dir, file };
}

const INSECURE = `const { BrowserWindow } = require('electron');
new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });
`;

describe('electronegativity gate', () => {
  it('passes on the shell with the reviewed allow-list, offline and fast', async () => {
    const started = Date.now();
    // electron/ only: out/ is rebuilt by the packaging check running alongside; npm run lint
    // builds and scans both.
    const result = await gate(['--input', 'electron']);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/answered in the allow-list/);
    expect(result.out).not.toMatch(/LIMIT_NAVIGATION|PERMISSION_REQUEST_HANDLER|CONTEXT_ISOLATION|SANDBOX_JS/);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it('fails on an insecure window that the allow-list does not answer', async () => {
    const { dir } = fixture(INSECURE);
    const allow = join(dir, 'allow.json');
    writeFileSync(allow, JSON.stringify({ findings: [] }));
    const result = await gate(['--input', dir, '--allow-list', allow]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/CONTEXT_ISOLATION_JS_CHECK/);
    expect(result.out).toMatch(/SANDBOX_JS_CHECK/);
    // Global checks the shell passes because it installs the handlers (security.ts).
    expect(result.out).toMatch(/LIMIT_NAVIGATION_GLOBAL_CHECK/);
    expect(result.out).toMatch(/PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK/);
  }, 60_000);

  it('an allow-list entry needs a reason, and a stale one fails', async () => {
    const { dir, file } = fixture(`const { app } = require('electron');\napp.whenReady();\n`);
    const allow = join(dir, 'allow.json');
    writeFileSync(allow, JSON.stringify({ findings: [{ check: 'NODE_INTEGRATION_JS_CHECK', file: relative(ROOT, file), reason: 'ok' }] }));
    expect((await gate(['--input', dir, '--allow-list', allow])).out).toMatch(/needs check, file and a real reason/);
    writeFileSync(allow, JSON.stringify({ findings: [{ check: 'NODE_INTEGRATION_JS_CHECK', file: relative(ROOT, file), reason: 'was needed by a window that is gone now' }] }));
    const stale = await gate(['--input', dir, '--allow-list', allow]);
    expect(stale.code).toBe(1);
    expect(stale.out).toMatch(/matches no finding any more/);
  }, 60_000);
});
