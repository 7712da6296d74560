// Runs in: node (vitest). Catalogue file parsing and validation (CONTRACT.md "Catalogue files").
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatIssue,
  parseCatalogueFile,
  parseCatalogueText,
  sniffFormat,
  type ParseProgress,
} from '../../../../../server/store/modules/catalogue/parse.js';

const dir = mkdtempSync(join(tmpdir(), 'omni-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'sku,name,price,currency,rfid';
const EPC1 = '3034257BF7194E4000000001';
const EPC2 = '3034257BF7194E4000000002';

function csv(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

async function errorsOf(text: string, format?: 'csv' | 'json') {
  const result = await parseCatalogueText(text, format ? { format } : {});
  return result.errors.map((e) => formatIssue(e, result.format));
}

describe('CSV catalogue', () => {
  it('reads rows, prices in minor units and |-separated tags', async () => {
    const result = await parseCatalogueText(
      csv(HEADER, `SNK-001,새우깡 90g,1800,KRW,${EPC1}|${EPC2.toLowerCase()}`, '8801062000012,바나나맛우유,1500,KRW,'),
    );
    expect(result.errors).toEqual([]);
    expect(result.format).toBe('csv');
    expect(result.rowCount).toBe(2);
    expect(result.tagCount).toBe(2);
    expect(result.rows).toEqual([
      { sku: 'SNK-001', name: '새우깡 90g', price: 1800, currency: 'KRW', rfid: [EPC1, EPC2], extra: {}, row: 2 },
      { sku: '8801062000012', name: '바나나맛우유', price: 1500, currency: 'KRW', rfid: [], extra: {}, row: 3 },
    ]);
  });

  it('follows RFC 4180 quoting: commas, doubled quotes and line breaks inside fields', async () => {
    const result = await parseCatalogueText(
      csv(
        `${HEADER},name_en`,
        `A-1,"햄, 치즈 샌드위치",3200,KRW,,"Ham ""&"" Cheese"`,
        `A-2,"두 줄`,
        `이름",100,KRW,,`,
        `A-3,세번째,1,KRW,,`,
      ),
    );
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => [r.sku, r.name, r.extra, r.row])).toEqual([
      ['A-1', '햄, 치즈 샌드위치', { name_en: 'Ham "&" Cheese' }, 2],
      ['A-2', '두 줄\n이름', {}, 3],
      // Rows are numbered by the line they start on, as a spreadsheet shows them.
      ['A-3', '세번째', {}, 5],
    ]);
  });

  it('keeps extra columns, drops blank cells, and accepts columns in any order and case', async () => {
    const result = await parseCatalogueText(
      csv('Category,SKU,Name,Price,Currency,name_en,RFID', 'snacks,A1,과자,1000,KRW,Snack,', ',A2,물,900,KRW,,'),
    );
    expect(result.errors).toEqual([]);
    expect(result.rows[0]!.extra).toEqual({ Category: 'snacks', name_en: 'Snack' });
    expect(result.rows[1]!.extra).toEqual({});
  });

  it('tolerates a UTF-8 BOM and CRLF line ends', async () => {
    const text = `\uFEFF${HEADER}\r\nA1,김밥,1300,KRW,\r\nA2,라면,1200,KRW,\r\n`;
    const result = await parseCatalogueText(text);
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => [r.sku, r.row])).toEqual([
      ['A1', 2],
      ['A2', 3],
    ]);
  });

  it('accepts the optional image column: relative path or https URL', async () => {
    const result = await parseCatalogueText(
      csv(`${HEADER},image`, 'A1,a,1,KRW,,img/a.png', 'A2,b,1,KRW,,https://cdn.example/b.jpg', 'A3,c,1,KRW,,'),
    );
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => r.image)).toEqual(['img/a.png', 'https://cdn.example/b.jpg', undefined]);
    expect(await errorsOf(csv(`${HEADER},image`, 'A1,a,1,KRW,,../secret.png', 'A2,b,1,KRW,,http://x/y.png', 'A3,c,1,KRW,,/etc/a.png'))).toEqual([
      'row 2, image: "../secret.png" must be a relative path (no "..", no leading /) or an https:// URL',
      'row 3, image: "http://x/y.png" must be a relative path (no "..", no leading /) or an https:// URL',
      'row 4, image: "/etc/a.png" must be a relative path (no "..", no leading /) or an https:// URL',
    ]);
  });

  it('reports every error kind with its row number and field, not just the first', async () => {
    const long = 'ㄱ'.repeat(201);
    const errors = await errorsOf(
      csv(
        HEADER,
        'OK-1,좋은 상품,1000,KRW,AABBCCDD', // 2
        'bad sku,이름,1000,KRW,', // 3
        `OK-2,,1000,KRW,`, // 4
        `OK-3,${long},1000,KRW,`, // 5
        'OK-4,가격,12.50,KRW,', // 6
        'OK-5,가격,-1,KRW,', // 7
        'OK-6,가격,1e3,KRW,', // 8
        'OK-7,가격,,KRW,', // 9
        'OK-8,통화,100,krw,', // 10
        'OK-9,통화,100,WON1,', // 11
        'OK-10,태그,100,KRW,XYZ12345', // 12
        'OK-11,태그,100,KRW,ABC', // 13
        'OK-1,중복,100,KRW,', // 14
        'OK-12,중복태그,100,KRW,aabbccdd', // 15
        'OK-13,짧은,100', // 16
      ),
    );
    expect(errors).toEqual([
      'row 3, sku: "bad sku" is not a valid SKU (1-64 characters of A-Z a-z 0-9 . _ -)',
      'row 4, name: is required',
      'row 5, name: is 201 characters long; the limit is 200',
      'row 6, price: "12.50" is not a whole number of minor units',
      'row 7, price: "-1" must not be negative',
      'row 8, price: "1e3" is not a whole number of minor units',
      'row 9, price: is required',
      'row 10, currency: "krw" is not a currency code (3 upper-case letters, e.g. KRW)',
      'row 11, currency: "WON1" is not a currency code (3 upper-case letters, e.g. KRW)',
      'row 12, rfid: "XYZ12345" is not a tag id (8-64 hex digits, an even number)',
      'row 13, rfid: "ABC" is not a tag id (8-64 hex digits, an even number)',
      'row 14, sku: "OK-1" already appears in row 2',
      'row 15, rfid: tag AABBCCDD already appears in row 2',
      'row 16: has 3 fields; the header has 5',
    ]);
  });

  it('keeps only valid rows and counts every data row', async () => {
    const result = await parseCatalogueText(csv(HEADER, 'A1,a,1,KRW,', 'A2,b,x,KRW,', 'A3,c,3,KRW,'));
    expect(result.rowCount).toBe(3);
    expect(result.rows.map((r) => r.sku)).toEqual(['A1', 'A3']);
    expect(result.errors).toHaveLength(1);
  });

  it('upper-cases lower-case hex tags and refuses a tag listed twice in one row', async () => {
    const result = await parseCatalogueText(csv(HEADER, `A1,a,1,KRW, ${EPC1.toLowerCase()} `));
    expect(result.rows[0]!.rfid).toEqual([EPC1]);
    expect(await errorsOf(csv(HEADER, `A1,a,1,KRW,${EPC1}|${EPC1.toLowerCase()}`))).toEqual([
      `row 2, rfid: tag ${EPC1} is listed twice in this row`,
    ]);
  });

  it('refuses a header without the required columns, or a duplicated column', async () => {
    expect(await errorsOf(csv('sku,name,cost,currency', 'A,b,1,KRW'))).toEqual([
      'row 1: the header has no "price" column (expected sku,name,price,currency,rfid)',
    ]);
    expect(await errorsOf(csv('sku,name,price,currency,rfid,Name', 'A,b,1,KRW,,c'))).toEqual([
      'row 1, name: the header names this column twice',
    ]);
  });

  it('reports broken CSV syntax with its line instead of throwing', async () => {
    const errors = await errorsOf(csv(HEADER, 'A1,a,1,KRW,', 'A2,"never closed,1,KRW,', 'A3,c,1,KRW,'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^row \d+: a quoted field is never closed/);
  });

  it('refuses an empty file and a file that is not UTF-8', async () => {
    expect(await errorsOf('', 'csv')).toEqual([
      'file: is empty: expected a header row sku,name,price,currency,rfid',
    ]);
    // "바나나" in CP949, as Korean Excel saves a plain "CSV".
    const cp949 = Buffer.concat([Buffer.from(`${HEADER}\nA1,`), Buffer.from([0xb9, 0xd9, 0xb3, 0xaa, 0xb3, 0xaa]), Buffer.from(',1,KRW,\n')]);
    const result = await parseCatalogueText(cp949, { format: 'csv' });
    expect(result.errors.map((e) => formatIssue(e, 'csv'))).toEqual([
      expect.stringMatching(/^file: is not UTF-8 text/),
    ]);
    expect(result.rows).toEqual([]);
  });

  it('streams a large file with progress in rows and bytes', async () => {
    const file = join(dir, 'big.csv');
    const lines = [HEADER];
    for (let i = 0; i < 30_000; i++) {
      lines.push(`P-${i},상품 ${i},${1000 + i},KRW,${i % 10 === 0 ? (0x30000000 + i).toString(16).toUpperCase().padStart(24, '0') : ''}`);
    }
    writeFileSync(file, csv(...lines));
    const seen: ParseProgress[] = [];
    const result = await parseCatalogueFile(file, { onProgress: (p) => seen.push(p) });
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(30_000);
    expect(result.tagCount).toBe(3_000);
    expect(result.rows[29_999]!.row).toBe(30_001);
    expect(seen.length).toBeGreaterThan(3);
    const last = seen.at(-1)!;
    expect(last).toEqual({ rows: 30_000, bytes: last.totalBytes, totalBytes: last.totalBytes });
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows);
      expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
    }
    // Progress arrives while reading, not only at the end.
    expect(seen.some((p) => p.rows > 0 && p.rows < 30_000)).toBe(true);
  });
});

describe('JSON catalogue', () => {
  it('reads an array of products, keeping extra fields', async () => {
    const result = await parseCatalogueText(
      JSON.stringify([
        { sku: 'A1', name: '김밥', price: 1300, currency: 'KRW', rfid: [EPC1.toLowerCase()], name_en: 'Kimbap', tags: ['fresh'] },
        { sku: 'A2', name: '물', price: 900, currency: 'KRW' },
      ]),
    );
    expect(result.format).toBe('json');
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      { sku: 'A1', name: '김밥', price: 1300, currency: 'KRW', rfid: [EPC1], extra: { name_en: 'Kimbap', tags: ['fresh'] }, row: 0 },
      { sku: 'A2', name: '물', price: 900, currency: 'KRW', rfid: [], extra: {}, row: 1 },
    ]);
  });

  it('reports errors by array index and field', async () => {
    const errors = await errorsOf(
      JSON.stringify([
        { sku: 'A1', name: 'a', price: 12.5, currency: 'KRW', rfid: [] },
        { sku: 8801062000012, name: 'b', price: -1, currency: 'KRW', rfid: 'AABBCCDD' },
        'not an object',
        { sku: 'A1', name: 'c', price: '100', currency: 'KRW', rfid: [42] },
      ]),
    );
    expect(errors).toEqual([
      'item 0, price: 12.5 is not a whole number of minor units',
      'item 1, sku: must be a string',
      'item 1, price: -1 must not be negative',
      'item 2: is not an object',
      'item 3, rfid: "42" is not a tag id (tag ids are strings)',
      'item 3, sku: "A1" already appears in item 0',
    ]);
  });

  it('refuses JSON that is not an array or not JSON', async () => {
    expect(await errorsOf('{"sku":"A1"}')).toEqual([
      'file: must be a JSON array of products [{"sku","name","price","currency","rfid"}, …]',
    ]);
    expect((await errorsOf('[{"sku": "A1",', 'json'))[0]).toMatch(/^file: is not valid JSON/);
  });

  it('is chosen by extension, or by content when the extension says nothing', async () => {
    const json = join(dir, 'catalogue.txt');
    writeFileSync(json, `\uFEFF  [{"sku":"A1","name":"a","price":1,"currency":"KRW","rfid":[]}]`);
    expect((await parseCatalogueFile(json)).format).toBe('json');
    const csvFile = join(dir, 'export.dat');
    writeFileSync(csvFile, csv(HEADER, 'A1,a,1,KRW,'));
    expect((await parseCatalogueFile(csvFile)).rows).toHaveLength(1);
    expect(sniffFormat(Buffer.from('sku,name'))).toBe('csv');
    expect(sniffFormat(Buffer.from('\n [ {'))).toBe('json');
  });
});
