// Runs in: node (tests). The short run of the hostile-input fuzzer (the full one is
// server/bench/fuzz.bench.ts): every documented route of both servers, every caller, a fixed
// seed and a random one. A failure prints its seed; OMNI_FUZZ_SEED=<seed> replays only that seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralSnapshot, changedTables, createHostileWorld, storeSnapshot, type HostileWorld } from '../../helpers/hostile-world.js';
import { formatViolations, fuzzServer, type FuzzReport, type ServerName } from '../../helpers/fuzz.js';

const FIXED_SEED = 0x0de5;
const replay = process.env.OMNI_FUZZ_SEED;
const seeds = replay !== undefined ? [Number(replay)] : [FIXED_SEED, (Math.random() * 2 ** 31) | 0];
// Per route and seed: enough for every caller and recipe to come up, within ~40 s on two cores.
const PER_ROUTE: Record<ServerName, number> = { store: Number(process.env.OMNI_FUZZ_PER_ROUTE ?? 30), central: Number(process.env.OMNI_FUZZ_PER_ROUTE ?? 50) };

let world: HostileWorld;

beforeAll(async () => {
  world = await createHostileWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('the fuzzer’s own instruments', () => {
  it('see a one-field change in either database', async () => {
    const store = storeSnapshot(world);
    const central = await centralSnapshot(world);
    world.t.station.db.prepare("UPDATE products SET name = name || '.' WHERE sku = 'MILK-1'").run();
    world.t.station.db.prepare("UPDATE products SET name = substr(name, 1, length(name) - 1) WHERE sku = 'MILK-1'").run();
    // Rows back as they were, but two writes happened: the catalogue's version counter (bumped
    // by a trigger on products, so carts in memory reprice) shows them.
    expect(changedTables(store, storeSnapshot(world))).toEqual(['catalogue_version']);
    world.t.station.db.prepare("UPDATE products SET price = price + 1 WHERE sku = 'SNK-2'").run();
    expect(changedTables(store, storeSnapshot(world))).toEqual(['catalogue_version', 'products']);
    world.t.station.db.prepare("UPDATE products SET price = price - 1 WHERE sku = 'SNK-2'").run();
    await world.central.db.db.updateTable('stores').set({ name: 'renamed' }).where('store_id', '=', world.storeY.storeId).execute();
    expect(changedTables(central, await centralSnapshot(world))).toEqual(['stores']);
    await world.central.db.db.updateTable('stores').set({ name: 'Hostile test store' }).where('store_id', '=', world.storeY.storeId).execute();
  });
});

describe.each(seeds)('hostile input, seed %i', (seed) => {
  for (const server of ['store', 'central'] as const) {
    it(`${server}: no 5xx, every refusal in shape, no write from a refusal`, { timeout: 120_000 }, async () => {
      const report: FuzzReport = await fuzzServer(world, server, { seed, perRoute: PER_ROUTE[server] });
      console.info(
        `fuzz ${server} seed ${seed}: ${report.requests} requests on ${report.routes} routes in ${(report.ms / 1000).toFixed(1)} s; ` +
          `statuses ${JSON.stringify(report.byStatus)}; ${report.unsendable} unsendable; known open: ${JSON.stringify(report.knownOpen)}`,
      );
      expect(report.routes).toBeGreaterThan(server === 'store' ? 30 : 10);
      expect(report.violations.length, formatViolations(report, seed)).toBe(0);
    });
  }
});
