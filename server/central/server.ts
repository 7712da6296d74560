// Runs in: node. Puts the central service on a port: opens the database (SQLite in the data
// folder, or PostgreSQL), makes sure an admin token exists, and listens.
import { mkdirSync } from 'node:fs';
import type { FastifyServerOptions } from 'fastify';
import { buildCentralApp, type CentralApp } from './app.js';
import { openCentralDb, type CentralDb } from './db/index.js';
import { TestAcquirer } from './acquirer/test-acquirer.js';
import type { Acquirer } from './acquirer/types.js';
import { loadCentralSecrets } from './secrets.js';

export interface CentralStartOptions {
  dataDir: string;
  port: number;
  host?: string;
  /** postgres://… to use PostgreSQL; SQLite in dataDir otherwise. */
  dbUrl?: string;
  logger?: FastifyServerOptions['logger'];
  adminToken?: string;
  acquirer?: Acquirer;
  acquirerTimeoutMs?: number;
}

export interface RunningCentral {
  app: CentralApp;
  db: CentralDb;
  url: string;
  /** Set only on the first start of a database without --admin-token: print it once. */
  generatedAdminToken?: string;
  close(): Promise<void>;
}

/** Request logs without credentials: the admin token and request signatures never reach them. */
export function centralLogger(level = 'info', stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers["x-omni-signature"]'], censor: '[redacted]' },
  };
}

export async function startCentralServer(options: CentralStartOptions): Promise<RunningCentral> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const { profileKey } = loadCentralSecrets(options.dataDir);
  const db = await openCentralDb({ url: options.dbUrl, dataDir: options.dataDir });
  let app: CentralApp | undefined;
  try {
    app = await buildCentralApp({
      db,
      acquirer: options.acquirer ?? new TestAcquirer(),
      logger: options.logger ?? centralLogger(),
      adminToken: options.adminToken,
      acquirerTimeoutMs: options.acquirerTimeoutMs,
      profileKey,
    });
    const generatedAdminToken = options.adminToken === undefined ? await app.central.stores.ensureAdminToken() : undefined;
    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
    let closed = false;
    const running = app;
    return {
      app,
      db,
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      ...(generatedAdminToken ? { generatedAdminToken } : {}),
      async close() {
        if (closed) return;
        closed = true;
        await running.close();
        await db.close();
      },
    };
  } catch (error) {
    await app?.close();
    await db.close();
    throw error;
  }
}
