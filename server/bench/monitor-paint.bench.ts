// Runs in: node (bench process). Monitor first paint (issue 6): how long after navigation the
// staff monitor, signed in, shows the rows of a board of 500 open orders in Debian's Chromium,
// beside a baseline page on the same origin in the same run: plain HTML whose inline script
// fetches the same order list and writes 500 bare rows into the DOM — the floor any board
// pays (network, JSON, layout, paint) with no framework, styles or app start-up on top.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CatalogueRepository } from '../store/modules/catalogue/repository.js';
import { DEFAULT_RENDERER_DIR, startStoreServer, type RunningServer } from '../store/server.js';
import { initStation } from '../store/station.js';
import { seedOrders } from './monitor-orders.js';
import { percentile, ratio, roundSignificant } from './stats.js';
import { throwIfAborted } from './load.js';
import type { BenchContext, BenchRow, Benchmark } from './types.js';

const ORDERS = 500;
const PIN = '246813';
const GOAL_MS = 1000;
const BASELINE_PATH = '/monitor/__bench_baseline.html';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Installed before any page script: `window.__rowsPainted` resolves with the time (ms since
 * navigation start) of the first frame painted after the board showed its rows, i.e. the
 * placed count reads the expected number and at least one order card is in the DOM; the frame
 * after the one in which that became true has been painted. A string, not a function: the
 * bench runs under tsx, whose helpers a serialised function would reference in the page.
 */
const probe = (expected: number): string => `
window.__rowsPainted = new Promise((resolve) => {
  const check = () => {
    const count = document.querySelector('[data-testid="count-placed"]')?.textContent?.trim();
    if (count === '${expected}' && document.querySelector('[data-testid="order-card"]') !== null) {
      requestAnimationFrame(() => resolve(performance.now()));
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
});`;
const AWAIT_PAINT = `Promise.race([window.__rowsPainted, new Promise((_, reject) => setTimeout(() => reject(new Error('rows never painted')), 30000))])`;

const BASELINE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>baseline</title></head>
<body><h1>Orders <span data-testid="count-placed"></span></h1><ol id="rows"></ol>
<script>
fetch('/api/staff/orders').then((r) => r.json()).then(({ orders }) => {
  const list = document.getElementById('rows');
  const frag = document.createDocumentFragment();
  let placed = 0;
  for (const o of orders) {
    if (o.state === 'placed') placed++;
    const li = document.createElement('li');
    li.setAttribute('data-testid', 'order-card');
    li.textContent = '#' + o.number + ' ' + o.orderer.name + ' ' + o.items.map((i) => i.name + ' x' + i.quantity).join(', ') + ' ' + o.total + ' ' + o.currency;
    frag.appendChild(li);
  }
  list.appendChild(frag);
  document.querySelector('[data-testid="count-placed"]').textContent = String(placed);
});
</script></body></html>`;

export const benchmark: Benchmark = {
  group: 'monitor_paint',
  baseline: `a plain HTML page on the same server that fetches the same ${ORDERS} orders and writes them as bare rows, same browser, same run`,
  rows: [
    {
      name: 'monitor_paint_first_rows_ms',
      unit: 'ms',
      better: 'lower',
      goal: { text: `median ≤ ${GOAL_MS} ms with ${ORDERS} open orders`, met: (row) => row.value <= GOAL_MS },
    },
  ],
  async run(ctx) {
    if (!existsSync(CHROMIUM)) throw new Error(`monitor_paint needs Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    if (!existsSync(join(DEFAULT_RENDERER_DIR, 'monitor', 'index.html'))) {
      throw new Error('monitor_paint needs the built apps (npm run build)');
    }
    const runs = ctx.quick ? 3 : 9;
    const dir = mkdtempSync(join(tmpdir(), 'omni-bench-paint-'));
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await startSeededStore(ctx, dir);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      });
      const measureOnce = (path: string): Promise<number> => paintTime(browser!, server!.url, path);
      ctx.log(`monitor_paint: ${runs} cold loads each of the monitor and the baseline page (plus one warm-up each)`);
      await measureOnce(BASELINE_PATH);
      await measureOnce('/monitor/');
      const monitor: number[] = [];
      const base: number[] = [];
      // Interleaved, so a slow moment of the shared machine hits both alike.
      for (let i = 0; i < runs; i++) {
        throwIfAborted(ctx.signal);
        base.push(await measureOnce(BASELINE_PATH));
        monitor.push(await measureOnce('/monitor/'));
      }
      const value = roundSignificant(percentile(monitor, 50), 4);
      const baseline = roundSignificant(percentile(base, 50), 4);
      ctx.log(`  monitor ${monitor.map((v) => v.toFixed(0)).join(' ')} ms; baseline ${base.map((v) => v.toFixed(0)).join(' ')} ms`);
      const row: BenchRow = { name: 'monitor_paint_first_rows_ms', value, unit: 'ms', baseline, ratio: roundSignificant(ratio(value, baseline), 4) };
      return [row];
    } finally {
      await browser?.close().catch(() => undefined);
      await server?.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function startSeededStore(ctx: BenchContext, dir: string): Promise<RunningServer> {
  const dataDir = join(dir, 'data');
  const { station } = initStation({ dataDir, storeId: 'BENCH-PAINT', name: 'Bench store', pin: PIN, publicUrl: 'http://127.0.0.1' });
  const skus = Array.from({ length: 40 }, (_, i) => `BENCH-${String(i + 1).padStart(3, '0')}`);
  new CatalogueRepository(station.db).importRows(
    skus.map((sku, i) => ({ sku, name: `벤치 상품 ${i + 1}`, price: 500 + ((i * 370) % 9500), currency: 'KRW', rfid: [], extra: {} })),
  );
  station.close();
  const server = await startStoreServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    logger: false,
    rendererDir: DEFAULT_RENDERER_DIR,
    rateLimits: { sessionsPerMinute: 1_000_000, pinAttemptsPerMinute: 10_000 },
    presence: { gate: false },
  });
  ctx.log(`monitor_paint: placing ${ORDERS} orders`);
  await seedOrders(server.app, ORDERS, { skus });
  return server;
}

/** One cold load (fresh context: no cache, no storage) of `path`, signed in as staff. */
async function paintTime(browser: Browser, origin: string, path: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'ko-KR' });
  try {
    const signIn = await context.request.post(`${origin}/api/staff/session`, { data: { pin: PIN } });
    if (!signIn.ok()) throw new Error(`staff sign-in: ${signIn.status()}`);
    await context.route(`${origin}${BASELINE_PATH}`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: BASELINE_HTML }),
    );
    await context.addInitScript({ content: probe(ORDERS) });
    const page = await context.newPage();
    await page.goto(`${origin}${path}`, { waitUntil: 'commit' });
    const painted = (await page.evaluate(AWAIT_PAINT)) as number;
    // performance.now() counts from the navigation's time origin, which is what staff wait through.
    return painted;
  } finally {
    await context.close();
  }
}
