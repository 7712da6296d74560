// Runs in: node (vitest). `omnistation central` as a user runs it: first start prints the admin
// token once; two real central processes on one database store a batch sent to both at once
// exactly once (issue 3, 8d) — on one SQLite file, and on PostgreSQL when available.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import pg from 'pg';
import { collectOutput, exitOf, freePort, runCli, startCli } from '../../helpers/cli.js';
import { signRequest } from '../../../server/protocol/signing.js';
import { uuidv7 } from '../../../server/protocol/uuidv7.js';
import { PG_URL } from './helpers.js';

const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'omni-central-cli-'));
  dirs.push(dir);
  return dir;
}

async function start(args: string[]) {
  const port = await freePort();
  const child = startCli(['central', ...args, '--port', String(port), '--log-level', 'warn']);
  children.push(child);
  const output = collectOutput(child);
  await output.waitFor(/central listening on/);
  return { child, output, url: `http://127.0.0.1:${port}` };
}

describe('omnistation central', () => {
  it('prints a new admin token on first start only, answers /health and /docs/json, stops on SIGTERM', async () => {
    const data = join(tempDir(), 'central');
    const first = await start(['--data', data]);
    const token = /admin token \(shown once[^:]*: ([A-Za-z0-9_-]{43})/.exec(first.output.stdout)?.[1];
    expect(token).toBeDefined();
    expect(await (await fetch(`${first.url}/health`)).json()).toEqual({ ok: true });
    const docs = (await (await fetch(`${first.url}/docs/json`)).json()) as { paths: object };
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/payments', '/v1/sync/batches', '/admin/stores', '/admin/reports/ledger']));
    const stores = await fetch(`${first.url}/admin/stores`, { headers: { authorization: `Bearer ${token}` } });
    expect(stores.status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await exitOf(first.child)).toBe(0);

    const again = await start(['--data', data]);
    expect(again.output.stdout).not.toMatch(/admin token/);
    expect((await fetch(`${again.url}/admin/stores`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('refuses a bad --db or --port with one line and exit code 2', () => {
    const bad = runCli(['central', '--data', tempDir(), '--db', 'mysql://x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--db takes a postgres:\/\//);
    expect(bad.stderr).not.toMatch(/at .*\.ts/);
    expect(runCli(['central', '--port', '1']).stderr).toMatch(/--data is required/);
  });
});

async function twoInstancesOneDatabase(args: string[]) {
  const adminToken = randomBytes(24).toString('base64url');
  // A random token may start with '-': pass it joined so it is never read as an option.
  const env = [`--admin-token=${adminToken}`];
  // The first start migrates; the second then starts beside it on the same database.
  const a = await start([...args, ...env]);
  const b = await start([...args, ...env]);
  const created = await fetch(`${a.url}/admin/stores`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ storeId: 'DUP-0001', name: 'n', address: 'a' }),
  });
  const { storeKey } = (await created.json()) as { storeKey: string };
  const events = Array.from({ length: 300 }, (_, i) => ({
    id: uuidv7(),
    seq: i + 1,
    type: 'payment.captured',
    occurredAt: new Date().toISOString(),
    payload: { orderId: `o-${i}`, amount: 1000 + i, currency: 'KRW' },
  }));
  const send = async (url: string, batch: typeof events) => {
    const body = JSON.stringify({ storeId: 'DUP-0001', events: batch });
    const headers = signRequest({ method: 'POST', path: '/v1/sync/batches', body, storeId: 'DUP-0001', key: storeKey, now: Date.now() });
    const response = await fetch(`${url}/v1/sync/batches`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    return { status: response.status, body: (await response.json()) as { ackSeq: number } };
  };
  const results = await Promise.all([send(a.url, events), send(b.url, events), send(a.url, events.slice(150)), send(b.url, events.slice(0, 150))]);
  expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  expect(results[0]!.body.ackSeq).toBe(300);
  expect(results[1]!.body.ackSeq).toBe(300);
  return { a, b };
}

describe('two central processes on one database', () => {
  it('store a batch sent to both at once exactly once (SQLite file)', async () => {
    const data = join(tempDir(), 'shared');
    await twoInstancesOneDatabase(['--data', data]);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(data, 'central.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n, count(DISTINCT seq) AS seqs FROM sync_events').get()).toEqual({ n: 300, seqs: 300 });
    db.close();
  });

  it.skipIf(!PG_URL)(`store a batch sent to both at once exactly once (PostgreSQL${PG_URL ? '' : ': skipped, set OMNI_TEST_PG_URL'})`, { timeout: 60_000 }, async () => {
    const name = `omni_cli_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(PG_URL!);
    url.pathname = `/${name}`;
    try {
      const { a, b } = await twoInstancesOneDatabase(['--data', tempDir(), '--db', url.toString()]);
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const { rows } = await client.query('SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM sync_events');
      await client.end();
      expect(rows[0]).toEqual({ n: 300, seqs: 300 });
      for (const p of [a, b]) p.child.kill('SIGTERM');
      await Promise.all([exitOf(a.child), exitOf(b.child)]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
