import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { collectOutput, exitOf, freePort, runCli, startCli } from '../../helpers/cli.js';

const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'omni-cli-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('omnistation init', () => {
  it('creates a data folder with a database and a private secrets file', () => {
    const data = join(tempDir(), 'store');
    const result = runCli(['init', '--data', data, '--store-id', 'SEOUL-0001', '--name', '강남점']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/staff PIN: \d{6}/);
    expect(readdirSync(data).sort()).toEqual(expect.arrayContaining(['secrets.json', 'station.db']));
    expect(statSync(join(data, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses an existing folder, a bad store id and missing options, changing nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keep.txt'), 'x');
    const existing = runCli(['init', '--data', dir, '--store-id', 'SEOUL-0001']);
    expect(existing.code).not.toBe(0);
    expect(existing.stderr).toMatch(/not empty/);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    const bad = runCli(['init', '--data', join(dir, 'new'), '--store-id', 'bad id']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/store id/);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    expect(runCli(['init', '--store-id', 'SEOUL-0001']).stderr).toMatch(/--data is required/);
  });
});

describe('omnistation serve', () => {
  it('initialises a fresh folder, answers /health, and stops cleanly on SIGTERM', async () => {
    const data = join(tempDir(), 'fresh');
    const port = await freePort();
    const child = startCli(['serve', '--data', data, '--port', String(port)]);
    children.push(child);
    await collectOutput(child).waitFor(/listening on/);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ ok: true });
    const docs = (await (await fetch(`http://127.0.0.1:${port}/docs/json`)).json()) as { paths: object };
    expect(docs.paths).toHaveProperty('/api/orders');
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    expect(existsSync(join(data, 'station.db'))).toBe(true);
  });
});

describe('omnistation serve with real devices', () => {
  it('refuses bad device options before touching anything', () => {
    const data = join(tempDir(), 'fresh');
    const radio = runCli(['serve', '--data', data, '--radio', 'bluez']);
    expect(radio.code).toBe(2);
    expect(radio.stderr).toMatch(/--radio is noble or off/);
    const reader = runCli(['serve', '--data', data, '--reader', '8ff:9']);
    expect(reader.code).toBe(2);
    expect(reader.stderr).toMatch(/--reader is VID:PID/);
    expect(existsSync(data)).toBe(false);
  });

  it('runs without an adapter or readers: the panel says so, and it still stops cleanly', async () => {
    const data = join(tempDir(), 'fresh');
    const port = await freePort();
    const child = startCli(['serve', '--data', data, '--port', String(port), '--radio', 'noble', '--reader', '08ff:0009:keyboard-wedge:decimal']);
    children.push(child);
    const out = await collectOutput(child).waitFor(/listening on/);
    const pin = /staff PIN: (\d+)/.exec(out)![1]!;
    const signIn = await fetch(`http://127.0.0.1:${port}/api/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin }),
    });
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const panel = (await (await fetch(`http://127.0.0.1:${port}/api/staff/devices`, { headers: { cookie } })).json()) as { radio: { state: string }; readers: unknown[] };
    // No Bluetooth adapter and no reader on a CI machine: reported, not fatal.
    expect(panel.radio.state).toBe('unavailable');
    expect(panel.readers).toEqual([]);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });
});

describe('npm run demo', () => {
  it('prints the URLs and the PIN, serves them, places simulated orders, and stops on Ctrl-C', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const child = startCli(['demo', '--port', String(port)]);
    children.push(child);
    const output = collectOutput(child);
    const out = await output.waitFor(/staff PIN: \d+/);
    const url = (name: string) => new RegExp(`^${name}: (http://\\S+)$`, 'm').exec(out)?.[1];
    for (const name of ['monitor', 'kiosk', 'shopper']) expect(url(name), name).toMatch(/^http:\/\//);
    const shopper = await fetch(url('shopper')!, { headers: { accept: 'application/json' } });
    expect(shopper.status).toBe(200);
    const pin = /staff PIN: (\d+)/.exec(out)![1]!;
    const signIn = await fetch(`http://127.0.0.1:${port}/api/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin }),
    });
    expect(signIn.status).toBe(200);
    // The kiosk URL enrols its screen; the simulated radio and reader show on the device panel.
    const token = new URL(url('kiosk')!).hash.replace('#token=', '');
    const kiosk = await fetch(`http://127.0.0.1:${port}/api/kiosk/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(kiosk.status).toBe(200);
    const staff = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const panel = await (await fetch(`http://127.0.0.1:${port}/api/staff/devices`, { headers: { cookie: staff } })).json();
    expect(panel).toMatchObject({ radio: { state: 'scanning' }, readers: [{ id: 'virtual-reader-1' }], kiosks: [{ id: 'K1' }] });
    await output.waitFor(/simulated order #1 placed/, 30_000);
    child.kill('SIGINT');
    expect(await exitOf(child)).toBe(0);
  });
});
