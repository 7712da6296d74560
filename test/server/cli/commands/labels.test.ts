// Runs in: node (vitest). `omnistation labels` as a user runs it, on the sample catalogue.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initStation } from '../../../../server/store/station.js';
import { parseLabelUrl, verifyLabel } from '../../../../server/protocol/label.js';
import { runCli } from '../../../helpers/cli.js';

const SAMPLE = fileURLToPath(new URL('../../../../resources/catalogue/sample.csv', import.meta.url));
const SAMPLE_SKUS = readFileSync(SAMPLE, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',')[0]!)
  .sort();

let root: string;
let data: string;
let labelKey: Buffer;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'omni-labels-cli-'));
  data = join(root, 'store');
  const { station } = initStation({ dataDir: data, storeId: 'DEMO-1', pin: '1234', publicUrl: 'https://demo.omnistation.test' });
  labelKey = station.labelKey;
  station.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function expectVerified(urls: string[], origin: string) {
  expect(urls.map((u) => parseLabelUrl(u)!.sku).sort()).toEqual(SAMPLE_SKUS);
  for (const url of urls) {
    expect(url.startsWith(`${origin}/q/DEMO-1/`)).toBe(true);
    expect(verifyLabel(labelKey, 'DEMO-1', parseLabelUrl(url)!)).toMatchObject({ ok: true });
  }
}

describe('omnistation labels', () => {
  it('refuses an empty catalogue', () => {
    const out = join(root, 'empty.pdf');
    const result = runCli(['labels', '--data', data, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^omnistation labels: the catalogue of store DEMO-1 is empty: import one first/);
    expect(existsSync(out)).toBe(false);
  });

  it('writes a PDF with one label per product, two A4 pages for the 42-product sample', () => {
    expect(runCli(['import', '--data', data, SAMPLE]).code).toBe(0);
    const out = join(root, 'labels.pdf');
    const result = runCli(['labels', '--data', data, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`wrote 42 labels on 2 pages to ${out}\n`);
    const pdf = readFileSync(out).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect([...pdf.matchAll(/\/Type \/Page\b(?!s)/g)]).toHaveLength(2);
    expect(pdf).toMatch(/\/MediaBox \[0 0 595\.27\d* 841\.889\d*\]/);
    expectVerified([...pdf.matchAll(/\/URI \(([^)]*)\)/g)].map((m) => m[1]!), 'https://demo.omnistation.test');
    expect(existsSync(`${out}.${process.pid}.tmp`)).toBe(false);
  });

  it('writes an SVG with a QR per product, using --base-url when given', () => {
    const out = join(root, 'labels.svg');
    const result = runCli(['labels', '--data', data, '--out', out, '--base-url', 'https://shop.example.kr']);
    expect(result.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    const urls = [...svg.matchAll(/<path class="qr" data-url="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls).toHaveLength(42);
    expectVerified(urls, 'https://shop.example.kr');
    expect(svg).toContain('<title>바나나맛우유 240ml · Banana Flavored Milk 240ml · ₩1,500 · 8801062000012</title>');
  });

  it('explains a wrong output type or base URL in one line, exit 2', () => {
    const png = runCli(['labels', '--data', data, '--out', join(root, 'labels.png')]);
    expect(png.code).toBe(2);
    expect(png.stderr).toBe('omnistation labels: cannot write ".png" files: give an output file ending in .pdf or .svg\n');
    const base = runCli(['labels', '--data', data, '--out', join(root, 'x.pdf'), '--base-url', 'shop.example']);
    expect(base.code).toBe(2);
    expect(base.stderr).toMatch(/^omnistation labels: base URL "shop.example" is not a URL/);
    const noOut = runCli(['labels', '--data', data]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toBe('omnistation labels: --out is required\n');
  });
});
