// Runs in: node (bench process). Cart throughput (issue 2): concurrent simulated shoppers run a
// realistic mix of cart operations back to back (closed loop) against the store server; the
// baseline is the floor's insert+broadcast route driven by the same number of shoppers.
import { ratio, roundSignificant } from './stats.js';
import type { MonitorConnection } from './http.js';
import { runClosedLoop, seededRandom, type ClosedLoopResult } from './load.js';
import { startFloor, startStore, type Shopper, type StoreTarget, type Target } from './targets.js';
import type { BenchContext, Benchmark } from './types.js';

const SHOPPERS = 32;
// A shopper leaves (and a new one arrives) once the basket holds this many lines.
const LINES_PER_CART = 25;

export const benchmark: Benchmark = {
  group: 'cart_ops',
  baseline: 'a bare Fastify + SQLite route doing the same insert and broadcast, same concurrency, same run',
  rows: [
    {
      name: 'cart_ops_per_s',
      unit: 'ops/s',
      better: 'higher',
      goal: { text: '≥ 0.7× the floor’s throughput', met: (row) => row.ratio >= 0.7 },
    },
  ],
  async run(ctx) {
    const warmupMs = ctx.quick ? 300 : 1500;
    // Floor and store take turns in short rounds: on a shared box the background load drifts,
    // and alternating spreads that drift over both instead of handing it to one.
    const rounds = ctx.quick ? 1 : 3;
    const roundMs = ctx.quick ? 700 : 1500;
    ctx.log(`cart_ops: starting store server and floor (${SHOPPERS} shoppers, ${rounds} × ${roundMs / 1000} s measured each, alternating)`);
    const targets = await Promise.allSettled([startFloor({ cpuProfDir: ctx.cpuProfDir }), startStore({ cpuProfDir: ctx.cpuProfDir })]);
    const loads: Load[] = [];
    try {
      const [floor, store] = targets.map((t) => {
        if (t.status === 'rejected') throw t.reason;
        return t.value;
      }) as [Target, StoreTarget];
      loads.push(await prepare(floor, () => floorShopper(floor)), await prepare(store, (worker) => storeShopper(store, worker)));
      for (const load of loads) {
        ctx.log(`  ${load.target.name}: warm-up ${warmupMs / 1000} s`);
        await load.round(ctx, warmupMs);
      }
      const totals = loads.map(() => ({ ops: 0, errors: 0, ms: 0 }));
      for (let round = 0; round < rounds; round++) {
        for (const [i, load] of loads.entries()) {
          const result = await load.round(ctx, roundMs);
          totals[i]!.ops += result.ops;
          totals[i]!.errors += result.errors;
          totals[i]!.ms += result.elapsedMs;
        }
      }
      const [base, real] = loads.map((load, i) => {
        const { ops, errors, ms } = totals[i]!;
        const perSecond = ops / (ms / 1000);
        ctx.log(`  ${load.target.name}: ${Math.round(perSecond)} ops/s (${ops} ops, ${errors} failed, ${load.monitor.events} monitor events)`);
        if (errors > ops * 0.01) throw new Error(`${load.target.name}: ${errors} of ${ops + errors} cart operations failed`);
        return perSecond;
      }) as [number, number];
      const value = roundSignificant(real, 4);
      const baseline = roundSignificant(base, 4);
      return [{ name: 'cart_ops_per_s', value, unit: 'ops/s', baseline, ratio: roundSignificant(ratio(value, baseline), 4) }];
    } finally {
      for (const load of loads) load.monitor.close();
      await Promise.all(targets.map((t) => (t.status === 'fulfilled' ? t.value.stop() : undefined)));
    }
  },
};

/** One simulated shopper: `next()` performs its next operation and says whether it succeeded. */
type ShopperLoop = { next(): Promise<boolean> };

interface Load {
  target: Target;
  monitor: MonitorConnection;
  round(ctx: BenchContext, ms: number): Promise<ClosedLoopResult>;
}

async function prepare(target: Target, makeShopper: (worker: number) => ShopperLoop): Promise<Load> {
  // A staff monitor is open as in a real store: every scan is also an event to write out.
  const monitor = await target.openMonitor(() => undefined);
  // Shoppers live across rounds: their carts carry on where the last round stopped.
  const shoppers = Array.from({ length: SHOPPERS }, (_, i) => makeShopper(i));
  return {
    target,
    monitor,
    // Each round counts from a short pre-roll on, when every worker is mid-stride: counting from
    // a standing start would undercount by half an operation per worker, more for the slower one.
    round: (ctx, ms) =>
      runClosedLoop({ workers: SHOPPERS, warmupMs: 150, durationMs: ms, signal: ctx.signal, op: (worker) => shoppers[worker]!.next() }),
  };
}

function floorShopper(floor: Target): ShopperLoop {
  let shopper: Shopper | undefined;
  let product = 0;
  return {
    async next() {
      shopper ??= await floor.newShopper();
      try {
        return (await floor.scan(shopper, product++)).status === 200;
      } catch {
        return false;
      }
    },
  };
}

/**
 * The mix of a shopper's session: mostly scans, the cart looked at now and then, a code typed in
 * by hand, quantities changed, lines removed; a new session once the basket is full. The cart
 * is mirrored locally so every operation is a valid one (no 404s or limit refusals inflating
 * the count).
 */
function storeShopper(store: StoreTarget, worker: number): ShopperLoop {
  const random = seededRandom(0x5eed + worker);
  const lines = new Map<number, number>(); // product index → quantity
  let shopper: Shopper | undefined;
  let cursor = worker * 37;
  // Next product on the shelf, wrapping so the mirror's keys are the catalogue's indices.
  const nextProduct = () => (cursor = (cursor + 1) % store.skus.length);
  const sku = (product: number) => store.skus[product % store.skus.length]!;
  const pickLine = (): number => {
    const keys = [...lines.keys()];
    return keys[Math.floor(random() * keys.length)]!;
  };
  const ok = (status: number) => status === 200 || status === 201;

  const operation = async (): Promise<boolean> => {
    if (!shopper || lines.size >= LINES_PER_CART) {
      shopper = await store.newShopper();
      lines.clear();
      return true;
    }
    const roll = random();
    if (roll < 0.5 || lines.size === 0) {
      // Scan: usually the next product on the shelf, sometimes a second of one in the basket.
      const product = lines.size > 0 && random() < 0.2 ? pickLine() : nextProduct();
      if ((lines.get(product) ?? 0) >= 99) return ok((await store.call(shopper, 'GET', '/api/cart')).status);
      const response = await store.scan(shopper, product);
      if (ok(response.status)) lines.set(product, (lines.get(product) ?? 0) + 1);
      return ok(response.status);
    }
    if (roll < 0.7) return ok((await store.call(shopper, 'GET', '/api/cart')).status);
    if (roll < 0.8) {
      const product = nextProduct();
      const quantity = 1 + Math.floor(random() * 3);
      const response = await store.call(shopper, 'POST', '/api/cart/items', { sku: sku(product), quantity });
      if (ok(response.status)) lines.set(product, (lines.get(product) ?? 0) + quantity);
      return ok(response.status);
    }
    if (roll < 0.92) {
      const product = pickLine();
      const quantity = 1 + Math.floor(random() * 5);
      const response = await store.call(shopper, 'PUT', `/api/cart/items/${sku(product)}`, { quantity });
      if (ok(response.status)) lines.set(product, quantity);
      return ok(response.status);
    }
    const product = pickLine();
    const response = await store.call(shopper, 'DELETE', `/api/cart/items/${sku(product)}`);
    if (ok(response.status)) lines.delete(product);
    return ok(response.status);
  };

  return {
    async next() {
      try {
        return await operation();
      } catch {
        return false;
      }
    },
  };
}
