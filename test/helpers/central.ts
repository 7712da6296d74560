// Runs in: node (tests). The real central payment service in this process, on a throw-away
// SQLite file and a real port, which can be taken down and brought back on the same port (a
// station only ever sees "connection refused" and then central again), and a store on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCentralApp, type CentralApp } from '../../server/central/app.js';
import { openCentralDb, type CentralDb } from '../../server/central/db/index.js';
import { TestAcquirer } from '../../server/central/acquirer/test-acquirer.js';
import type { PaymentRow as CentralPaymentRow } from '../../server/central/db/schema.js';
import { systemClock, type Clock } from '../../server/store/clock.js';
import { CentralClient } from '../../server/store/sync/central-client.js';

export const CENTRAL_ADMIN_TOKEN = 'station-tests-admin-token-0123456789';

export interface LiveCentral {
  url: string;
  /** Central's data folder (its SQLite files), for tests that read the bytes at rest. */
  dir: string;
  acquirer: TestAcquirer;
  db: CentralDb;
  readonly app: CentralApp;
  /** Takes central off the network: the port refuses connections until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Registers a store as IT does and returns the signed client its station would use. */
  /** `clock`: the one the station signs with (a skewed one, for a station whose clock is off). */
  registerStore(storeId: string, clock?: Clock): Promise<CentralClient>;
  /** Central's own payment rows for an order: what was really charged. */
  paymentsFor(orderId: string): Promise<CentralPaymentRow[]>;
  close(): Promise<void>;
}

export async function startLiveCentral(options: { acquirerTimeoutMs?: number; acquirerLatencyMs?: number } = {}): Promise<LiveCentral> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-live-central-'));
  const db = await openCentralDb({ dataDir: dir });
  const acquirer = new TestAcquirer({ latencyMs: options.acquirerLatencyMs ?? 0 });
  // One key for the life of this central, as its data folder would keep it across restarts.
  const profileKey = randomBytes(32);
  let app: CentralApp | null = null;
  let port = 0;
  const start = async () => {
    const next = await buildCentralApp({
      db,
      acquirer,
      clock: systemClock,
      adminToken: CENTRAL_ADMIN_TOKEN,
      acquirerTimeoutMs: options.acquirerTimeoutMs ?? 2_000,
      purgeEveryMs: 0,
      profileKey,
    });
    await next.listen({ port, host: '127.0.0.1' });
    const address = next.server.address();
    port = typeof address === 'object' && address ? address.port : port;
    app = next;
  };
  const shutdown = async () => {
    // A station that stopped waiting leaves a request central still counts as a connection,
    // which would hold close() for a long time: taken off the network means all of them go.
    app?.server.closeAllConnections();
    await app?.close();
    app = null;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    acquirer,
    db,
    get app() {
      if (!app) throw new Error('central is stopped');
      return app;
    },
    async stop() {
      await shutdown();
    },
    start,
    async registerStore(storeId, clock = systemClock) {
      const response = await fetch(`http://127.0.0.1:${port}/admin/stores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${CENTRAL_ADMIN_TOKEN}` },
        body: JSON.stringify({ storeId, name: 'Test store', address: '서울 강남구 테헤란로 1' }),
      });
      if (response.status !== 201) throw new Error(`register: ${response.status} ${await response.text()}`);
      const { storeKey } = (await response.json()) as { storeKey: string };
      return new CentralClient({ baseUrl: `http://127.0.0.1:${port}`, storeId, storeKey, clock });
    },
    async paymentsFor(orderId) {
      return db.db.selectFrom('payments').selectAll().where('order_id', '=', orderId).execute();
    },
    async close() {
      await shutdown();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
