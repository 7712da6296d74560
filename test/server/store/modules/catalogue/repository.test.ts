// Runs in: node (vitest). The catalogue repository: all-or-nothing imports, look-ups, search.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../../server/store/db.js';
import { ManualClock } from '../../../../../server/store/clock.js';
import {
  CatalogueError,
  CatalogueRepository,
  escapeLike,
  TagConflictError,
  type ProductInput,
} from '../../../../../server/store/modules/catalogue/repository.js';
import { parseCatalogueText } from '../../../../../server/store/modules/catalogue/parse.js';

const T1 = '30000000000000000000000A';
const T2 = '30000000000000000000000B';
const T3 = '30000000000000000000000C';

let dir: string;
let db: Db;
let clock: ManualClock;
let repo: CatalogueRepository;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omni-catalogue-'));
  db = openDatabase(join(dir, 'station.db'));
  clock = new ManualClock();
  repo = new CatalogueRepository(db, clock);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function product(sku: string, price: number, rfid: string[] = [], extra: Record<string, unknown> = {}): ProductInput {
  return { sku, name: `상품 ${sku}`, price, currency: 'KRW', rfid, extra };
}

/** Every row of both catalogue tables, to compare the database before and after. */
function snapshot() {
  return {
    products: db.prepare('SELECT * FROM products ORDER BY sku').all(),
    tags: db.prepare('SELECT * FROM product_tags ORDER BY tag').all(),
  };
}

describe('CatalogueRepository', () => {
  it('imports products with their tags and reads them back', () => {
    const summary = repo.importRows([
      product('A1', 1500, [T1, T2], { name_en: 'Banana Milk', category: 'dairy' }),
      { ...product('A2', 900), image: 'img/a2.png' },
    ]);
    expect(summary).toEqual({ products: 2, tags: 2, created: 2, updated: 0 });
    expect(repo.count()).toBe(2);
    expect(repo.get('A1')).toEqual({
      sku: 'A1',
      name: '상품 A1',
      nameEn: 'Banana Milk',
      price: 1500,
      currency: 'KRW',
      rfid: [T1, T2],
      extra: { name_en: 'Banana Milk', category: 'dairy' },
    });
    expect(repo.get('A2')).toEqual({
      sku: 'A2',
      name: '상품 A2',
      price: 900,
      currency: 'KRW',
      image: 'img/a2.png',
      rfid: [],
      extra: {},
    });
    expect(repo.get('nope')).toBeUndefined();
    expect(repo.findByTag(T2)?.sku).toBe('A1');
    expect(repo.findByTag(T2.toLowerCase())?.sku).toBe('A1');
    expect(repo.findByTag('DEADBEEF')).toBeUndefined();
  });

  it('re-import updates prices and replaces tag sets, keeping products not in the file', () => {
    repo.importRows([product('A1', 1500, [T1, T2]), product('A2', 900, [T3]), product('A3', 700)]);
    clock.advance(60_000);
    const summary = repo.importRows([product('A1', 1700, [T2]), product('A2', 950, [T1]), product('A4', 100)]);
    expect(summary).toEqual({ products: 3, tags: 2, created: 1, updated: 2 });
    expect(repo.get('A1')).toMatchObject({ price: 1700, rfid: [T2] });
    expect(repo.get('A2')).toMatchObject({ price: 950, rfid: [T1] });
    expect(repo.get('A3')).toMatchObject({ price: 700 });
    expect(repo.findByTag(T3)).toBeUndefined();
    const updated = db.prepare('SELECT sku, updated_at FROM products ORDER BY sku').all();
    expect(updated).toEqual([
      { sku: 'A1', updated_at: clock.now() },
      { sku: 'A2', updated_at: clock.now() },
      { sku: 'A3', updated_at: clock.now() - 60_000 },
      { sku: 'A4', updated_at: clock.now() },
    ]);
  });

  it('lets a tag move between products of the same import, in either order', () => {
    repo.importRows([product('A1', 1, [T1]), product('A2', 2, [T2])]);
    repo.importRows([product('A1', 1, [T2]), product('A2', 2, [T1])]);
    expect(repo.findByTag(T1)?.sku).toBe('A2');
    expect(repo.findByTag(T2)?.sku).toBe('A1');
  });

  it('refuses a tag owned by a product outside the import and changes nothing', () => {
    repo.importRows([product('A1', 1000, [T1]), product('B1', 2000)]);
    const before = snapshot();
    clock.advance(1000);
    let error: unknown;
    try {
      repo.importRows([
        { ...product('B1', 2500), row: 2 },
        { ...product('N1', 10), row: 3 },
        { ...product('C1', 3000, [T2, T1]), row: 4 },
        { ...product('N2', 10), row: 5 },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TagConflictError);
    expect((error as TagConflictError).conflicts).toEqual([{ tag: T1, sku: 'C1', ownerSku: 'A1', row: 4 }]);
    expect((error as TagConflictError).issues).toEqual([
      { row: 4, field: 'rfid', message: `tag ${T1} already belongs to product A1, which is not in this file` },
    ]);
    expect(snapshot()).toEqual(before);
  });

  it('rolls back everything when a product in the middle is invalid', () => {
    repo.importRows([product('A1', 1000, [T1])]);
    const before = snapshot();
    const rows = [product('A1', 1), product('A2', 2, [T2]), { ...product('BAD', -5), row: 9 }, product('A3', 3)];
    expect(() => repo.importRows(rows)).toThrow(CatalogueError);
    try {
      repo.importRows(rows);
    } catch (e) {
      expect((e as CatalogueError).issues).toEqual([{ row: 9, field: 'price', message: '-5 must not be negative' }]);
    }
    expect(snapshot()).toEqual(before);
  });

  it('leaves the database exactly as before when a parsed file has a bad row in the middle', async () => {
    repo.importRows([product('A1', 1000, [T1])]);
    const before = snapshot();
    const lines = ['sku,name,price,currency,rfid'];
    for (let i = 0; i < 50; i++) lines.push(`P${i},상품,${i === 25 ? '12.50' : 100 + i},KRW,`);
    const parsed = await parseCatalogueText(lines.join('\n'));
    expect(parsed.errors).toHaveLength(1);
    // The importer's rule: rows are only written when the whole file is valid.
    if (parsed.errors.length === 0) repo.importRows(parsed.rows);
    expect(snapshot()).toEqual(before);
    // And the repository on its own never writes part of a batch either.
    expect(() => repo.importRows([...parsed.rows, product('A1', 5, [T1]), product('X', 1, [T1])])).toThrow();
    expect(snapshot()).toEqual(before);
  });

  it('refuses the same sku twice in one import', () => {
    expect(() => repo.importRows([product('A1', 1), product('A1', 2)])).toThrow(/listed more than once/);
    expect(repo.count()).toBe(0);
  });

  it('upserts one product, with the same tag rules', () => {
    expect(repo.upsert(product('A1', 100, [T1.toLowerCase()]))).toMatchObject({ sku: 'A1', rfid: [T1] });
    expect(repo.upsert(product('A1', 200))).toMatchObject({ price: 200, rfid: [] });
    repo.upsert(product('A2', 1, [T2]));
    expect(() => repo.upsert(product('A1', 200, [T2]))).toThrow(TagConflictError);
    expect(repo.get('A1')).toMatchObject({ price: 200, rfid: [] });
  });

  describe('search', () => {
    beforeEach(() => {
      repo.importRows([
        { ...product('SNK-001', 1800), name: '농심 새우깡 90g', extra: { name_en: 'Shrimp Crackers' } },
        { ...product('SNK-002', 1800), name: '허니버터칩', extra: { name_en: 'Honey Butter Chips' } },
        { ...product('8801062000012', 1500), name: '바나나맛우유', extra: { name_en: 'Banana Milk' } },
        { ...product('DRK_100', 1000), name: '100% 오렌지', extra: {} },
        { ...product('SN', 500), name: '과자 SNK 모음', extra: {} },
      ]);
    });

    it('finds by sku prefix, case-insensitively, exact and prefix matches first', () => {
      expect(repo.search('snk').map((p) => p.sku)).toEqual(['SNK-001', 'SNK-002', 'SN']);
      expect(repo.search('SN').map((p) => p.sku)[0]).toBe('SN');
      expect(repo.search('880106').map((p) => p.sku)).toEqual(['8801062000012']);
    });

    it('finds by a substring of the Korean or English name', () => {
      expect(repo.search('새우').map((p) => p.sku)).toEqual(['SNK-001']);
      expect(repo.search('BUTTER').map((p) => p.sku)).toEqual(['SNK-002']);
      expect(repo.search('milk')[0]).toMatchObject({ sku: '8801062000012', nameEn: 'Banana Milk' });
    });

    it('treats LIKE wildcards literally and honours the limit', () => {
      expect(repo.search('%').map((p) => p.sku)).toEqual(['DRK_100']);
      // Unescaped, "_" would match every product; no sku starts with it and no name has it.
      expect(repo.search('_')).toEqual([]);
      expect(repo.search('K_1').map((p) => p.sku)).toEqual([]);
      expect(repo.search('', 2)).toHaveLength(2);
      expect(repo.search('  ', 100)).toHaveLength(5);
      expect(repo.search('없는상품')).toEqual([]);
    });

    it('answers exactly as a LIKE scan of every product would, for any catalogue and query', () => {
      // What search() ran before the index: the reference the index must agree with, row for row.
      const scan = db.prepare(`
        SELECT p.sku FROM products p
        WHERE p.sku LIKE @prefix ESCAPE '\\' OR p.name LIKE @infix ESCAPE '\\' OR p.name_en LIKE @infix ESCAPE '\\'
        ORDER BY (p.sku = @exact COLLATE NOCASE) DESC, (p.sku LIKE @prefix ESCAPE '\\') DESC, p.name, p.sku
        LIMIT @limit`);
      const reference = (q: string, limit: number) =>
        scan.all({ exact: q, prefix: `${escapeLike(q)}%`, infix: `%${escapeLike(q)}%`, limit }).map((row) => (row as { sku: string }).sku);
      // É/é: LIKE folds ASCII only; 😀 and \ue000: UTF-16 and SQLite's code-point order disagree on them.
      const letters = fc.constantFrom(...'aAbBsSnNkKÉé01_-%우유새깡바나 '.split(''), '😀', '\ue000');
      const text = (max: number) => fc.array(letters, { minLength: 1, maxLength: max }).map((chars) => chars.join(''));
      const skuText = fc
        .tuple(fc.constantFrom(...'aAbBsSnNkK01'.split('')), fc.array(fc.constantFrom(...'aAbBsSnNkK01_-.'.split('')), { maxLength: 5 }))
        .map(([first, rest]) => first + rest.join(''));
      const catalogue = fc.uniqueArray(fc.record({ sku: skuText, name: text(12), nameEn: fc.option(text(10), { nil: undefined }) }), {
        minLength: 1,
        maxLength: 40,
        selector: (p) => p.sku,
      });
      const flipCase = (q: string) => q.replace(/[a-z]/gi, (c, i: number) => (i % 2 ? c.toUpperCase() : c.toLowerCase()));
      fc.assert(
        fc.property(catalogue, fc.array(text(4), { minLength: 1, maxLength: 8 }), (products, randomQueries) => {
          db.exec('DELETE FROM product_tags; DELETE FROM products');
          const imported = products.filter((p) => p.name.trim() !== '' && (p.nameEn === undefined || p.nameEn.trim() !== ''));
          if (imported.length === 0) return;
          repo.importRows(imported.map((p) => ({ ...product(p.sku, 100), name: p.name, extra: p.nameEn === undefined ? {} : { name_en: p.nameEn } })));
          const stored = db.prepare('SELECT sku, name, name_en FROM products').all() as { sku: string; name: string; name_en: string | null }[];
          // Substrings of what is stored, case flipped, as a shopper would type them, and random text.
          const taken = stored.flatMap((p) => [p.sku.slice(0, 3), p.name.slice(1, 4), p.name_en?.slice(2, 5) ?? ''].map(flipCase));
          for (const q of [...randomQueries, ...taken].map((t) => t.trim()).filter((t) => t !== '')) {
            // 3: fewer than the hits, so which ones make the cut is tested too.
            for (const limit of [100, 3]) expect(repo.search(q, limit).map((p) => p.sku), q).toEqual(reference(q, limit));
          }
        }),
        { numRuns: 60, seed: 0x5ea4c },
      );
    });

    it('keeps the database’s order of names past U+FFFF when choosing which hits make the limit', () => {
      // SQLite sorts text by code point: U+E000 before U+1F600. UTF-16 code units say the opposite.
      repo.importRows([
        { ...product('X-2', 100), name: 'ab😀' },
        { ...product('X-1', 100), name: 'ab\ue000' },
      ]);
      expect(repo.search('ab', 1).map((p) => p.sku)).toEqual(['X-1']);
      expect(repo.search('ab', 2).map((p) => p.sku)).toEqual(['X-1', 'X-2']);
    });

    it('sees every change to the products, an import by another connection too', () => {
      expect(repo.search('새우').map((p) => p.sku)).toEqual(['SNK-001']);
      repo.upsert({ ...product('SNK-003', 900), name: '새우탕면' });
      expect(repo.search('새우').map((p) => p.sku)).toEqual(['SNK-001', 'SNK-003']);
      repo.upsert({ ...product('SNK-001', 1800), name: '농심 감자깡' });
      expect(repo.search('새우').map((p) => p.sku)).toEqual(['SNK-003']);
      // The CLI's importer writes through its own connection while the station serves.
      const cli = new CatalogueRepository(openDatabase(join(dir, 'station.db')), clock);
      cli.upsert({ ...product('SNK-004', 700), name: '새우볶음밥', extra: { name_en: 'Shrimp Fried Rice' } });
      expect(repo.search('새우').map((p) => p.sku)).toEqual(['SNK-004', 'SNK-003']);
      expect(repo.search('fried').map((p) => p.sku)).toEqual(['SNK-004']);
    });

    it('lists every product in sku order', () => {
      expect([...repo.all()].map((p) => p.sku)).toEqual(['8801062000012', 'DRK_100', 'SN', 'SNK-001', 'SNK-002']);
    });
  });
});
