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
import { randomBytes, randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import { VirtualRadio } from '../../store/devices/radio/virtual-radio.js';
import { VirtualHidHub } from '../../store/devices/hid/virtual-reader.js';
import { normaliseCardRead } from '../../protocol/hid/index.js';

export const summary = 'run the demo: store server, sample catalogue, simulated shoppers';

const SAMPLE_CATALOGUE = fileURLToPath(new URL('../../../resources/catalogue/sample.csv', import.meta.url));
const DEMO_STORE_ID = 'DEMO-GANGNAM-01';
const DEMO_REPLAY = fileURLToPath(new URL('../../../resources/replay/demo.jsonl', import.meta.url));
const KIOSK_READER = 'virtual-reader-1';
/** One simulated phone in four cannot advertise (a locked iPhone): its orders wait for presence. */
const SILENT_PHONES = 4;

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
  const tags = parsed.rows.flatMap((row) => row.rfid);
  station.close();

  // The simulated devices: a radio hearing the simulated phones (plus recorded background
  // traffic), and the kiosk's RFID reader, which this terminal types into.
  const radio = new VirtualRadio();
  const readers = new VirtualHidHub();
  readers.plug({ id: KIOSK_READER, vendorId: 0xffff, productId: 0x0035, product: 'Virtual RFID reader' });

  let server;
  try {
    server = await startStoreServer({ dataDir, port, host, logger: productionLogger('warn'), devices: { radio, readers } });
  } catch (error) {
    await central.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`port ${port} is in use: try npm run demo -- --port 8090`, 1);
    }
    throw error;
  }
  const kiosk = server.app.station.kiosks.create('K1', '입구 키오스크', [KIOSK_READER]);
  const kioskUrl = `${origin}/kiosk/#token=${kiosk.token}`;
  const proximityUuid = server.app.station.presence.storeUuid;
  const background = await radio.replay(DEMO_REPLAY, { loop: true, loopGapMs: 5_000 });

  const simulation = new ShopperSimulation({
    baseUrl: server.url,
    labels,
    shoppers,
    visitEveryMs: [8_000, 20_000],
    onPresence: (presence, deviceId) => {
      if (randomInt(0, SILENT_PHONES) === 0) return undefined;
      const address = `02:${deviceId.slice(4, 14).match(/../g)!.join(':')}`;
      const baseRssi = randomInt(-68, -52);
      return radio.addEmitter({
        address,
        secret: Buffer.from(presence.secret, 'base64url'),
        uuid: proximityUuid,
        rssi: () => baseRssi + randomInt(-4, 5),
        intervalMs: 300,
      });
    },
    onOrder: (order) =>
      process.stdout.write(
        `simulated order #${order.number} placed (${order.total} ${order.currency}, payment ${order.paymentState}${order.hold ? `, held: ${order.hold}` : ''})\n`,
      ),
    onError: (error) => process.stderr.write(`simulated shopper: ${error.message}\n`),
  });
  simulation.start();

  process.stdout.write(
    [
      `omnistation demo — store ${DEMO_STORE_ID} with ${skus.length} products, ${shoppers} simulated shoppers`,
      `monitor: ${origin}/monitor/`,
      `kiosk: ${kioskUrl}`,
      `central: ${central.url}/docs/json`,
      `shopper: ${origin}${labels[0]}`,
      `staff PIN: ${pin}`,
      `kiosk reader: type a tag id and Enter here to tap it on the kiosk's reader${tags[0] ? ` (e.g. ${tags[0]})` : ''}`,
      'Ctrl-C stops the demo.',
      '',
    ].join('\n'),
  );

  // This terminal is the kiosk reader's keyboard: what is typed here is what the reader reads.
  const terminal = process.stdin.isTTY ? createInterface({ input: process.stdin }) : null;
  terminal?.on('line', (line) => {
    const read = normaliseCardRead(line.trim());
    if (!read.tag) {
      if (line.trim()) process.stdout.write(`not a tag id: ${read.reason}\n`);
      return;
    }
    readers.tap(KIOSK_READER, read.tag);
  });

  await untilSignal();
  process.stdout.write('stopping…\n');
  terminal?.close();
  background.cancel();
  await simulation.stop();
  await server.close();
  await central.close();
  if (temporary) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  return 0;
}
