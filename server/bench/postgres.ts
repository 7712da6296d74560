// Runs in: node (bench process). A PostgreSQL database for the benchmarks that need one: a fresh
// database on the server of OMNI_BENCH_PG_URL (or OMNI_TEST_PG_URL), else a throw-away cluster
// started the way .ci/postgres.sh does it (Debian's binaries, temp folder, loopback, trust
// auth, fsync off); null when neither is possible, so the benchmark can say why it skipped.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from './ports.js';

export interface BenchDatabase {
  url: string;
  /** Where it came from, for the log. */
  source: string;
  drop(): Promise<void>;
}

export async function benchPostgres(log: (message: string) => void): Promise<BenchDatabase | null> {
  const given = process.env.OMNI_BENCH_PG_URL ?? process.env.OMNI_TEST_PG_URL;
  if (given) return freshDatabase(given, given === process.env.OMNI_BENCH_PG_URL ? 'OMNI_BENCH_PG_URL' : 'OMNI_TEST_PG_URL', async () => undefined);
  const bin = postgresBin();
  if (!bin) {
    log('  no PostgreSQL: set OMNI_BENCH_PG_URL=postgres://… or install Debian\'s postgresql package (.ci/postgres.sh)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-pg-'));
  const root = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root.
  const asOwner = (file: string, args: string[]) =>
    execFileSync(root ? 'runuser' : file, root ? ['-u', 'postgres', '--', file, ...args] : args, { stdio: 'pipe' });
  const stopCluster = () => {
    try {
      asOwner(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already down.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (root) chownSync(dir, uid('postgres'), gid('postgres'));
    const port = await freePort();
    asOwner(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--auth-local=trust', '--auth-host=trust']);
    asOwner(join(bin, 'pg_ctl'), [
      '-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-t', '60',
      '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c max_connections=200`,
      'start',
    ]);
    return await freshDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, `a throw-away PostgreSQL cluster (${bin})`, async () => stopCluster());
  } catch (error) {
    stopCluster();
    log(`  could not start a PostgreSQL cluster: ${(error as Error).message.split('\n')[0]}`);
    return null;
  }
}

async function freshDatabase(serverUrl: string, source: string, after: () => Promise<void>): Promise<BenchDatabase | null> {
  const name = `omni_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    await after();
    throw new Error(`PostgreSQL at ${new URL(serverUrl).host} (${source}) is not reachable: ${(error as Error).message}`, { cause: error });
  }
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    source,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end().catch(() => undefined);
        await after();
      }
    },
  };
}

function postgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length > 0 ? join(base, versions.at(-1)!, 'bin') : null;
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}
