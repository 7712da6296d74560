// Runs in: node (bench child process). The real central service as `omnistation central` runs
// it (SQLite in the data folder, or PostgreSQL when a URL is given), with the bench's stores
// registered; the bench process gets their keys over IPC.
import { startCentralServer } from '../central/server.js';
import { serveChild } from './child.js';

const ADMIN_TOKEN = 'bench-admin-token-0123456789';

serveChild(async () => {
  const dataDir = process.argv[2]!;
  const storeIds = process.argv[3]!.split(',');
  const dbUrl = process.argv[4] || undefined;
  const server = await startCentralServer({ dataDir, port: 0, host: '127.0.0.1', dbUrl, logger: false, adminToken: ADMIN_TOKEN });
  const keys: Record<string, string> = {};
  for (const storeId of storeIds) {
    const created = await server.app.inject({
      method: 'POST',
      url: '/admin/stores',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { storeId, name: `Bench ${storeId}`, address: 'bench' },
    });
    if (created.statusCode !== 201) throw new Error(`registering ${storeId}: ${created.statusCode} ${created.body}`);
    keys[storeId] = (created.json() as { storeKey: string }).storeKey;
  }
  return { message: { url: server.url, keys, dbFile: dbUrl ? null : `${dataDir}/central.db` }, close: () => server.close() };
});
