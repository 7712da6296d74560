// Runs in: node (bench process). Product search on a supermarket-sized catalogue (issue 8, load):
// the shopper's search box asks on every pause in typing, and each search runs on the station's
// request thread, where every scan waits behind it. 20,000 products with Korean and English
// names; a mix of SKU prefixes, two-syllable Korean words, English words and misses. Baseline:
// the LIKE scan over every product that search() ran before its index, on the same database with
// the same queries in the same run. Both are timed in alternating ~1 ms slices, median slice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { openDatabase } from '../store/db.js';
import { CatalogueRepository, escapeLike } from '../store/modules/catalogue/repository.js';
import { seededRandom } from './load.js';
import { percentile, ratio, roundSignificant } from './stats.js';
import type { Benchmark } from './types.js';

const PRODUCTS = 20_000;
const GOAL_US = 1_000;
const SLICE_NS = 1_000_000;
const KOREAN = ['우유', '바나나', '새우깡', '라면', '과자', '초코', '딸기', '커피', '녹차', '김치', '참치', '두부', '계란', '식빵', '치즈', '요구르트'];
const ENGLISH = ['milk', 'banana', 'shrimp', 'ramen', 'snack', 'choco', 'strawberry', 'coffee', 'green tea', 'kimchi', 'tuna', 'tofu', 'egg', 'bread', 'cheese', 'yogurt'];
const BRANDS = ['농심', '오뚜기', '빙그레', '롯데', '해태', '동원', '풀무원', 'CJ'];

export const benchmark: Benchmark = {
  group: 'catalogue_search',
  baseline: 'the LIKE scan of every product that search() ran before its index, same database and queries, same run (median ~1 ms slices)',
  rows: [
    {
      name: 'catalogue_search_us',
      unit: 'us',
      better: 'lower',
      goal: { text: `≤ ${GOAL_US.toLocaleString('en')} µs per search with ${PRODUCTS.toLocaleString('en')} products`, met: (row) => row.value <= GOAL_US },
    },
  ],
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'omni-bench-search-'));
    const db = openDatabase(join(dir, 'station.db'));
    try {
      const random = seededRandom(0x5ea4);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      const repo = new CatalogueRepository(db);
      repo.importRows(
        Array.from({ length: PRODUCTS }, (_, i) => {
          const word = Math.floor(random() * KOREAN.length);
          const size = `${50 + Math.floor(random() * 950)}${pick(['g', 'ml'])}`;
          return {
            sku: `88010${String(i).padStart(8, '0')}`,
            name: `${pick(BRANDS)} ${KOREAN[word]}${pick(['', '맛', ' 오리지널', ' 라이트'])} ${size}`,
            price: 500 + Math.floor(random() * 20_000),
            currency: 'KRW',
            rfid: [],
            extra: { name_en: `${ENGLISH[word]} ${pick(['', 'original ', 'light '])}${size}` },
          };
        }),
      );
      const queries = [
        ...['8801000012', '880100001999', '88010', '8801001'],
        ...KOREAN.slice(0, 10),
        ...ENGLISH.slice(0, 10).map((w) => w.slice(0, 4)),
        ...['Coffee', '오리지널', '없는상품', 'zzz', '빙그레 바'],
      ];
      const scan = db.prepare(`
        SELECT p.sku, p.name, p.price, p.currency, p.image, p.extra,
               (SELECT group_concat(t.tag, '|') FROM product_tags t WHERE t.sku = p.sku) AS tags
        FROM products p
        WHERE p.sku LIKE @prefix ESCAPE '\\' OR p.name LIKE @infix ESCAPE '\\' OR p.name_en LIKE @infix ESCAPE '\\'
        ORDER BY (p.sku = @exact COLLATE NOCASE) DESC, (p.sku LIKE @prefix ESCAPE '\\') DESC, p.name, p.sku
        LIMIT 20`);
      let answered = 0;
      const sides = {
        index: (q: string) => (answered += repo.search(q, 20).length),
        scan: (q: string) => (answered += scan.all({ exact: q, prefix: `${escapeLike(q)}%`, infix: `%${escapeLike(q)}%` }).length),
      };
      // The index is built on the first search after a change: once per catalogue import.
      const built = process.hrtime.bigint();
      repo.search('우유', 20);
      const buildMs = Number(process.hrtime.bigint() - built) / 1e6;
      for (const q of queries) {
        const a = repo.search(q, 20).map((p) => p.sku);
        const b = (scan.all({ exact: q, prefix: `${escapeLike(q)}%`, infix: `%${escapeLike(q)}%` }) as { sku: string }[]).map((r) => r.sku);
        if (a.join() !== b.join()) throw new Error(`catalogue_search: "${q}" answered differently by the index and the scan`);
      }
      const rounds = ctx.quick ? 1 : 5;
      const roundMs = ctx.quick ? 150 : 600;
      const slices: Record<keyof typeof sides, number[]> = { index: [], scan: [] };
      for (let round = 0; round < rounds && !ctx.signal.aborted; round++) {
        for (const side of ['scan', 'index'] as const) slices[side].push(...(await timed(roundMs, queries, sides[side])));
      }
      if (ctx.signal.aborted) throw new Error('catalogue_search: aborted');
      const us = { index: percentile(slices.index, 50) / 1000, scan: percentile(slices.scan, 50) / 1000 };
      ctx.log(
        `catalogue_search: ${PRODUCTS} products, ${queries.length} queries; index built in ${buildMs.toFixed(0)} ms; ` +
          `per search ${us.index.toFixed(1)} µs with the index, ${us.scan.toFixed(1)} µs scanning (median of ${slices.index.length} and ${slices.scan.length} slices; ${answered} rows answered)`,
      );
      const value = roundSignificant(us.index, 3);
      const baseline = roundSignificant(us.scan, 3);
      return [{ name: 'catalogue_search_us', value, unit: 'us', baseline, ratio: roundSignificant(ratio(value, baseline), 3) }];
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** ns per search in each ~1 ms slice of `ms`, cycling through the queries. */
async function timed(ms: number, queries: readonly string[], search: (q: string) => unknown): Promise<number[]> {
  const perSearch: number[] = [];
  const until = performance.now() + ms;
  let next = 0;
  while (performance.now() < until) {
    const start = process.hrtime.bigint();
    let count = 0;
    let elapsed = 0;
    while (elapsed < SLICE_NS) {
      search(queries[next++ % queries.length]!);
      count++;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    perSearch.push(elapsed / count);
    // Let the loop breathe between slices, as a server's would.
    await yieldToLoop();
  }
  return perSearch;
}
