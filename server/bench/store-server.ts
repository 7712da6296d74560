// Runs in: node (bench child process). The real store server as `serve` runs it, on a fresh
// station with a bench catalogue; session and PIN rate limits are lifted because hundreds of
// simulated shoppers share one loopback address.
import { CatalogueRepository } from '../store/modules/catalogue/repository.js';
import { labelPath } from '../protocol/label.js';
import { startStoreServer } from '../store/server.js';
import { initStation } from '../store/station.js';
import { serveChild } from './child.js';

const BENCH_STORE_ID = 'BENCH-001';
const BENCH_PIN = '246813';

serveChild(async () => {
  const dataDir = process.argv[2]!;
  const productCount = Number(process.argv[3] ?? 200);
  const { station } = initStation({
    dataDir,
    storeId: BENCH_STORE_ID,
    name: 'Bench store',
    pin: BENCH_PIN,
    publicUrl: 'http://127.0.0.1',
  });
  const skus = Array.from({ length: productCount }, (_, i) => `BENCH-${String(i + 1).padStart(4, '0')}`);
  // Written as an import writes them; names are Korean like the stores this is built for.
  new CatalogueRepository(station.db).importRows(
    skus.map((sku, i) => ({
      sku,
      name: `벤치 상품 ${i + 1}`,
      price: 500 + ((i * 370) % 9500),
      currency: 'KRW',
      rfid: [],
      extra: { name_en: `Bench product ${i + 1}` },
    })),
  );
  const labels = skus.map((sku) => labelPath(station.labelKey, BENCH_STORE_ID, sku));
  station.close();

  const server = await startStoreServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    logger: false,
    rateLimits: { sessionsPerMinute: 10_000_000, pinAttemptsPerMinute: 10_000 },
  });
  return { message: { url: server.url, pin: BENCH_PIN, skus, labels }, close: () => server.close() };
});
