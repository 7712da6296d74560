// Runs in: node. `npm run demo`: a store with the sample catalogue, simulated shoppers placing
// orders, and the URLs a person opens to watch it. Ctrl-C stops everything and cleans up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, parseCommandArgs, parsePort } from '../args.js';
import { untilSignal } from '../signals.js';
import { initStation } from '../../store/station.js';
import { parseCatalogueFile, formatIssue } from '../../store/modules/catalogue/parse.js';
import { CatalogueRepository } from '../../store/modules/catalogue/repository.js';
import { productionLogger, startStoreServer } from '../../store/server.js';
import { labelPath } from '../../protocol/label.js';
import { ShopperSimulation } from '../../demo/shoppers.js';
import { startCentralServer, centralLogger } from '../../central/server.js';
import { registerWithCentral } from '../../store/registration.js';
import { randomBytes } from 'node:crypto';

export const summary = 'run the demo: store server, sample catalogue, simulated shoppers';

const SAMPLE_CATALOGUE = fileURLToPath(new URL('../../../resources/catalogue/sample.csv', import.meta.url));
const DEMO_STORE_ID = 'DEMO-GANGNAM-01';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    shoppers: { type: 'string' },
    pin: { type: 'string' },
  });
  const port = parsePort(values.port, 8080);
  const host = values.host ?? '127.0.0.1';
  const shoppers = values.shoppers === undefined ? 3 : Number(values.shoppers);
  if (!Number.isInteger(shoppers) || shoppers < 0 || shoppers > 50) {
    throw new CliError('--shoppers must be a whole number from 0 to 50');
  }
  const temporary = values.data === undefined;
  const dataDir = values.data ?? join(mkdtempSync(join(tmpdir(), 'omnistation-demo-')), 'store');
  const origin = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  // The chain's central payment service, on a port of its own next to the store.
  const adminToken = randomBytes(24).toString('base64url');
  const central = await startCentralServer({
    dataDir: join(dataDir, '..', 'central'),
    port: 0,
    host: '127.0.0.1',
    adminToken,
    logger: centralLogger('warn'),
  });

  const { station, pin } = initStation({
    dataDir,
    storeId: DEMO_STORE_ID,
    name: '옴니마트 강남점',
    publicUrl: origin,
    pin: values.pin ?? '135790',
  });
  const parsed = await parseCatalogueFile(SAMPLE_CATALOGUE);
  if (parsed.errors.length > 0) {
    throw new CliError(`sample catalogue: ${parsed.errors.map((e) => formatIssue(e, parsed.format)).join('; ')}`, 1);
  }
  new CatalogueRepository(station.db).importRows(parsed.rows);
  await registerWithCentral(station, { centralUrl: central.url, adminToken, address: '서울특별시 강남구 테헤란로 152' });
  const skus = parsed.rows.map((row) => row.sku);
  const labels = skus.map((sku) => labelPath(station.labelKey, DEMO_STORE_ID, sku));
  station.close();

  let server;
  try {
    server = await startStoreServer({ dataDir, port, host, logger: productionLogger('warn') });
  } catch (error) {
    await central.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`port ${port} is in use: try npm run demo -- --port 8090`, 1);
    }
    throw error;
  }
  const simulation = new ShopperSimulation({
    baseUrl: server.url,
    labels,
    shoppers,
    visitEveryMs: [8_000, 20_000],
    onOrder: (order) =>
      process.stdout.write(`simulated order #${order.number} placed (${order.total} ${order.currency}, payment ${order.paymentState})\n`),
    onError: (error) => process.stderr.write(`simulated shopper: ${error.message}\n`),
  });
  simulation.start();

  process.stdout.write(
    [
      `omnistation demo — store ${DEMO_STORE_ID} with ${skus.length} products, ${shoppers} simulated shoppers`,
      `monitor: ${origin}/monitor/`,
      `kiosk: ${origin}/kiosk/`,
      `central: ${central.url}/docs/json`,
      `shopper: ${origin}${labels[0]}`,
      `staff PIN: ${pin}`,
      'Ctrl-C stops the demo.',
      '',
    ].join('\n'),
  );

  await untilSignal();
  process.stdout.write('stopping…\n');
  await simulation.stop();
  await server.close();
  await central.close();
  if (temporary) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  return 0;
}
