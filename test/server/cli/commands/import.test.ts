// Runs in: node (vitest). `omnistation import` as a user runs it: exit codes, messages, and
// that a refused file leaves the store's catalogue untouched.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initStation, openStation } from '../../../../server/store/station.js';
import { CatalogueRepository } from '../../../../server/store/modules/catalogue/repository.js';
import { runCli } from '../../../helpers/cli.js';

const SAMPLE = fileURLToPath(new URL('../../../../resources/catalogue/sample.csv', import.meta.url));
const HEADER = 'sku,name,price,currency,rfid';

let root: string;
let data: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'omni-import-'));
  data = join(root, 'store');
  initStation({ dataDir: data, storeId: 'DEMO-1', pin: '1234' }).station.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

/** The whole catalogue as stored, to compare before and after a command. */
function catalogue() {
  const station = openStation(data);
  try {
    return {
      count: new CatalogueRepository(station.db).count(),
      rows: station.db.prepare('SELECT * FROM products ORDER BY sku').all(),
      tags: station.db.prepare('SELECT * FROM product_tags ORDER BY tag').all(),
    };
  } finally {
    station.close();
  }
}

function product(sku: string) {
  const station = openStation(data);
  try {
    return new CatalogueRepository(station.db).get(sku);
  } finally {
    station.close();
  }
}

describe('omnistation import', () => {
  it('imports the sample catalogue in one go', () => {
    const result = runCli(['import', '--data', data, SAMPLE]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^imported 42 products \(13 tags\)\n/);
    expect(catalogue().count).toBe(42);
    expect(product('8801062000012')).toMatchObject({
      name: '바나나맛우유 240ml',
      nameEn: 'Banana Flavored Milk 240ml',
      price: 1500,
      currency: 'KRW',
      extra: { name_en: 'Banana Flavored Milk 240ml', category: 'dairy' },
    });
    expect(product('SNK-101')!.rfid).toHaveLength(2);
    expect(product('FRS-005')!.nameEn).toBe('Eggs, large, 10 pack');
  });

  it('prints every bad row and imports nothing', () => {
    const before = catalogue();
    const bad = file(
      'bad.csv',
      [
        HEADER,
        '8801062000012,바나나맛우유 240ml,1,KRW,', // would change a price: must not land
        'NEW-1,새 상품,1000,KRW,',
        'NEW-2,,1000,KRW,',
        'NEW-3,가격,12.50,KRW,',
        'NEW-4,태그,100,KRW,XYZ',
        '',
      ].join('\n'),
    );
    const result = runCli(['import', '--data', data, bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `${bad}: row 4, name: is required`,
        `${bad}: row 5, price: "12.50" is not a whole number of minor units`,
        `${bad}: row 6, rfid: "XYZ" is not a tag id (8-64 hex digits, an even number)`,
        'nothing imported: 3 errors in 5 rows',
        '',
      ].join('\n'),
    );
    expect(catalogue()).toEqual(before);
  });

  it('refuses a tag that belongs to a product outside the file, importing nothing', () => {
    const before = catalogue();
    const owned = product('SNK-101')!.rfid[0]!;
    const clash = file('clash.csv', `${HEADER}\nNEW-9,새 상품,100,KRW,\nNEW-10,충돌,100,KRW,${owned.toLowerCase()}\n`);
    const result = runCli(['import', '--data', data, clash]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${clash}: row 3, rfid: tag ${owned} already belongs to product SNK-101, which is not in this file`);
    expect(result.stderr).toContain('nothing imported');
    expect(catalogue()).toEqual(before);
  });

  it('re-imports a JSON file that updates prices and moves tags', () => {
    const json = file(
      'update.json',
      JSON.stringify([
        { sku: '8801062000012', name: '바나나맛우유 240ml', price: 1700, currency: 'KRW', rfid: ['AABBCCDD'], name_en: 'Banana Milk' },
        { sku: 'NEW-20', name: '새 상품', price: 500, currency: 'KRW', rfid: [] },
      ]),
    );
    const result = runCli(['import', '--data', data, json]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('imported 2 products (1 tag)\nstore DEMO-1: 1 new, 1 updated\n');
    expect(catalogue().count).toBe(43);
    expect(product('8801062000012')).toMatchObject({ price: 1700, rfid: ['AABBCCDD'], nameEn: 'Banana Milk' });
  });

  it('draws no progress bar when stderr is not a terminal, even for a large file', () => {
    const lines = [HEADER];
    for (let i = 0; i < 3000; i++) lines.push(`BULK-${i},대량 상품 ${i},${100 + i},KRW,`);
    const big = file('big.csv', `${lines.join('\n')}\n`);
    const result = runCli(['import', '--data', data, big]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^imported 3000 products \(0 tags\)\n/);
  });

  it('warns about products in a currency other than the store\'s', () => {
    const usd = file('usd.csv', `${HEADER}\nUSD-1,Imported snack,399,USD,\n`);
    const result = runCli(['import', '--data', data, usd]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("warning: 1 product priced in USD; the store's currency is KRW\n");
  });

  it('explains usage mistakes in one line', () => {
    const noFile = runCli(['import', '--data', data]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toBe('omnistation import: expected exactly one catalogue FILE: omnistation import --data DIR FILE\n');
    const noData = runCli(['import', SAMPLE]);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toBe('omnistation import: --data is required\n');
    const missing = runCli(['import', '--data', data, join(root, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv: no such file\n$/);
    const notStore = runCli(['import', '--data', join(root, 'nowhere'), SAMPLE]);
    expect(notStore.code).toBe(1);
    expect(notStore.stderr).toMatch(/is not a station data folder/);
    expect(notStore.stderr.split('\n')).toHaveLength(2);
  });

  it('refuses a file with no products', () => {
    const empty = file('empty.csv', `${HEADER}\n`);
    const result = runCli(['import', '--data', data, empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/has no products: nothing imported\n$/);
  });
});
