// Runs in: node (bench child process). One central instance of several behind a load balancer:
// the real service on a shared PostgreSQL database, its own data folder; it registers the
// bench's stores only when given their ids (the first instance), as IT does once for a chain.
import { startCentralServer } from '../central/server.js';
import { serveChild } from './child.js';

const SCALE_ADMIN_TOKEN = 'bench-scale-admin-token-0123456789';

serveChild(async () => {
  const [dataDir, dbUrl, storeList] = process.argv.slice(2);
  const server = await startCentralServer({ dataDir: dataDir!, port: 0, host: '127.0.0.1', dbUrl, logger: false, adminToken: SCALE_ADMIN_TOKEN });
  const keys: Record<string, string> = {};
  for (const storeId of storeList ? storeList.split(',') : []) {
    const created = await server.app.inject({
      method: 'POST',
      url: '/admin/stores',
      headers: { authorization: `Bearer ${SCALE_ADMIN_TOKEN}` },
      payload: { storeId, name: `Scale ${storeId}`, address: 'bench' },
    });
    if (created.statusCode !== 201) throw new Error(`registering ${storeId}: ${created.statusCode} ${created.body}`);
    keys[storeId] = (created.json() as { storeKey: string }).storeKey;
  }
  return { message: { url: server.url, keys }, close: () => server.close() };
});
