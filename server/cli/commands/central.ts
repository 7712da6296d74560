// Runs in: node. `omnistation central --data DIR --port N [--db URL] [--host H]`: the chain's
// central payment service (CONTRACT.md), SQLite in DIR unless --db names a PostgreSQL server.
import { CliError, parseCommandArgs, parsePort, requireOption } from '../args.js';
import { untilSignal } from '../signals.js';
import { isPostgresUrl } from '../../central/db/index.js';
import { centralLogger, startCentralServer } from '../../central/server.js';
import { TestAcquirer } from '../../central/acquirer/test-acquirer.js';

export const summary = 'run the central payment service';

export const ADMIN_TOKEN_ENV = 'OMNI_CENTRAL_ADMIN_TOKEN';

function wholeNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) throw new CliError(`${flag} must be a whole number of milliseconds, not "${value}"`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    data: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    db: { type: 'string' },
    'admin-token': { type: 'string' },
    acquirer: { type: 'string' },
    'acquirer-latency': { type: 'string' },
    'acquirer-timeout': { type: 'string' },
    'log-level': { type: 'string' },
  });
  const dataDir = requireOption(values.data, '--data');
  const port = parsePort(values.port, 8090);
  if (values.db !== undefined && !isPostgresUrl(values.db)) {
    throw new CliError('--db takes a postgres://user@host:port/database URL (without it, SQLite in --data)');
  }
  // The environment keeps the token out of `ps`; the flag is there for scripts that prefer it.
  const adminToken = values['admin-token'] ?? (process.env[ADMIN_TOKEN_ENV] || undefined);
  if (adminToken !== undefined && adminToken.length < 16) throw new CliError('the admin token needs at least 16 characters');
  if ((values.acquirer ?? 'test') !== 'test') {
    throw new CliError(`unknown acquirer "${values.acquirer}": this build has only the test acquirer (--acquirer test)`);
  }
  const acquirer = new TestAcquirer({ latencyMs: wholeNumber(values['acquirer-latency'], '--acquirer-latency', 0) });

  let server;
  try {
    server = await startCentralServer({
      dataDir,
      port,
      host: values.host,
      dbUrl: values.db,
      adminToken,
      acquirer,
      acquirerTimeoutMs: wholeNumber(values['acquirer-timeout'], '--acquirer-timeout', 10_000) || 10_000,
      logger: centralLogger(values['log-level'] ?? 'info'),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} is in use: try --port ${port + 1}`, 1);
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
      throw new CliError(`cannot use the database: ${(error as Error).message}`, 1);
    }
    throw error;
  }
  if (server.generatedAdminToken) {
    process.stdout.write(`admin token (shown once; keep it, or replace it with --admin-token): ${server.generatedAdminToken}\n`);
  } else if (adminToken !== undefined) {
    process.stdout.write('admin token set from ' + (values['admin-token'] !== undefined ? '--admin-token' : ADMIN_TOKEN_ENV) + '\n');
  }
  process.stdout.write('acquirer: TEST (simulated; no real card is charged)\n');
  process.stdout.write(`central listening on ${server.url} (${server.db.description})\n`);
  await untilSignal();
  await server.close();
  return 0;
}
