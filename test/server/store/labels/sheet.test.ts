// Runs in: node (vitest). Label sheets: what each label says, the URLs its QR codes carry, and
// that the SVG and PDF files hold one label per product.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabelUrl, verifyLabel } from '../../../../server/protocol/label.js';
import {
  A4_3X8,
  buildLabels,
  formatPrice,
  LabelSheetError,
  planSheet,
  qrMatrix,
  sheetFormatOf,
  wrap,
  writeLabelSheet,
  type LabelProduct,
} from '../../../../server/store/labels/sheet.js';
import { labelFont } from '../../../../server/store/labels/fonts.js';
import { renderSvg, qrPath } from '../../../../server/store/labels/render-svg.js';
import { decodeQrPath } from './qr-decode.js';

const dir = mkdtempSync(join(tmpdir(), 'omni-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signer = { baseUrl: 'https://store.example', labelKey: Buffer.alloc(32, 7), storeId: 'DEMO-1' };

function products(n: number): LabelProduct[] {
  return Array.from({ length: n }, (_, i) => ({
    sku: `SKU-${String(i).padStart(3, '0')}`,
    name: i % 2 ? `바나나맛우유 ${i}` : `정관장 홍삼정 에브리타임 리미티드 에디션 선물세트 ${i}호`,
    ...(i % 3 ? { nameEn: `Banana Flavored Milk ${i}` } : {}),
    price: 1500 + i * 100,
    currency: 'KRW',
  }));
}

/** The URLs of the QR codes in a PDF: each code carries a link annotation with its URL. */
function pdfLinks(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/\/URI \(([^)]*)\)/g)].map((m) => m[1]!);
}

function pdfPageCount(pdf: Buffer): number {
  return [...pdf.toString('latin1').matchAll(/\/Type \/Page\b(?!s)/g)].length;
}

describe('label content', () => {
  it('formats prices from minor units in Korean style', () => {
    expect(formatPrice(1500, 'KRW')).toBe('₩1,500');
    expect(formatPrice(38000, 'KRW')).toBe('₩38,000');
    expect(formatPrice(1599, 'USD')).toBe('US$15.99');
    expect(formatPrice(0, 'KRW')).toBe('₩0');
  });

  it('gives each product its signed label URL, which verifies', () => {
    const labels = buildLabels(products(3), signer);
    expect(labels.map((l) => l.url)).toEqual([
      expect.stringMatching(/^https:\/\/store\.example\/q\/DEMO-1\/SKU-000\?s=[A-Za-z0-9_-]{16}$/),
      expect.stringMatching(/\/q\/DEMO-1\/SKU-001\?s=/),
      expect.stringMatching(/\/q\/DEMO-1\/SKU-002\?s=/),
    ]);
    for (const label of labels) {
      expect(verifyLabel(signer.labelKey, 'DEMO-1', parseLabelUrl(label.url)!)).toMatchObject({ ok: true });
    }
    expect(labels[1]).toMatchObject({ name: '바나나맛우유 1', nameEn: 'Banana Flavored Milk 1', price: '₩1,600' });
  });

  it('refuses a base URL that a phone could not open', () => {
    expect(() => buildLabels(products(1), { ...signer, baseUrl: 'store.example' })).toThrow(LabelSheetError);
    expect(() => buildLabels(products(1), { ...signer, baseUrl: 'ftp://store.example' })).toThrow(/https/);
  });

  it('uses error correction level M', () => {
    const url = buildLabels(products(1), signer)[0]!.url;
    expect(qrMatrix(url).size).toBeGreaterThanOrEqual(21);
  });

  it('wraps long names at word breaks, within the width, ending in … when cut', () => {
    const text = '정관장 홍삼정 에브리타임 리미티드 에디션 선물세트 아주 긴 이름';
    const lines = wrap(text, 'semibold', 9.5, 80, 3);
    expect(lines).toHaveLength(3);
    expect(lines[2]!.endsWith('…')).toBe(true);
    for (const line of lines) expect(labelFont('semibold').width(line, 9.5)).toBeLessThanOrEqual(80);
    expect(wrap('짧은 이름', 'semibold', 9.5, 80, 3)).toEqual(['짧은 이름']);
    // A word wider than the line is split rather than overflowing.
    const long = wrap('가'.repeat(40), 'regular', 10, 50, 10);
    expect(long.join('')).toBe('가'.repeat(40));
    for (const line of long) expect(labelFont('regular').width(line, 10)).toBeLessThanOrEqual(50);
  });

  it('lays out 24 labels per A4 page inside the printable margins, without overlap', () => {
    const plan = planSheet(buildLabels(products(50), signer));
    expect(plan.pages).toBe(3);
    expect(plan.labels.filter((l) => l.page === 2)).toHaveLength(2);
    for (const label of plan.labels) {
      expect(label.x).toBeGreaterThanOrEqual(A4_3X8.marginX - 0.01);
      expect(label.y + label.h).toBeLessThanOrEqual(A4_3X8.pageHeight - A4_3X8.marginY + 0.01);
      for (const op of label.ops) {
        if (op.kind === 'text') {
          expect(op.x + labelFont(op.font).width(op.text, op.size)).toBeLessThanOrEqual(label.x + label.w);
          expect(op.y).toBeLessThanOrEqual(label.y + label.h);
        }
      }
    }
    const firstPage = plan.labels.filter((l) => l.page === 0);
    const cells = new Set(firstPage.map((l) => `${l.x.toFixed(1)},${l.y.toFixed(1)}`));
    expect(cells.size).toBe(24);
  });
});

describe('SVG sheet', () => {
  it('holds one QR per product, each decoding to its verified label URL', async () => {
    const labels = buildLabels(products(26), signer);
    const file = join(dir, 'labels.svg');
    const result = await writeLabelSheet(file, labels);
    expect(result).toMatchObject({ format: 'svg', pages: 2 });
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg.match(/<svg /g)).toHaveLength(1);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<g\b/g)!.length).toBe(svg.match(/<\/g>/g)!.length);
    expect(svg).toContain('data-pages="2"');
    expect(svg).toContain('height="594mm"');

    const qrs = [...svg.matchAll(/<path class="qr" data-url="([^"]+)"[^>]* d="([^"]+)"/g)];
    expect(qrs).toHaveLength(26);
    const urls = qrs.map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(urls).toEqual(labels.map((l) => l.url));
    for (const [i, match] of qrs.entries()) {
      // The drawn modules are exactly the QR code of the URL...
      expect(match[2]).toBe(qrPath(qrMatrix(urls[i]!)));
      expect(verifyLabel(signer.labelKey, 'DEMO-1', parseLabelUrl(urls[i]!)!)).toMatchObject({ ok: true });
    }
    // ...and a real decoder reads them back (a sample keeps the test quick).
    for (const i of [0, 13, 25]) {
      expect(await decodeQrPath(qrs[i]![2]!)).toEqual([{ text: urls[i], ecLevel: 'M' }]);
    }
  });

  it('draws names as outlines from the embedded font and keeps the text in titles', () => {
    const svg = renderSvg(planSheet(buildLabels(products(2), signer)));
    expect(svg).not.toContain('<text');
    expect(svg).toContain('<title>정관장 홍삼정 에브리타임 리미티드 에디션 선물세트 0호 · ₩1,500 · SKU-000</title>');
    expect(svg).toContain('aria-label="₩1,600"');
    expect(svg.match(/<use xlink:href="#/g)!.length).toBeGreaterThan(40);
  });
});

describe('PDF sheet', () => {
  it('is a PDF with one linked QR per product over several pages', async () => {
    const labels = buildLabels(products(30), signer);
    const file = join(dir, 'labels.pdf');
    const result = await writeLabelSheet(file, labels, { title: '테스트 매장 labels' });
    expect(result).toMatchObject({ format: 'pdf', pages: 2 });
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
    expect(pdfPageCount(pdf)).toBe(2);
    expect(pdfLinks(pdf)).toEqual(labels.map((l) => l.url));
    // Hangul needs the embedded Pretendard; the base-14 fonts have no Korean glyphs.
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+Pretendard-SemiBold/);
    expect(pdf.toString('latin1')).not.toMatch(/\/BaseFont \/Helvetica/);
  });

  it('keeps one page for up to 24 products', async () => {
    const file = join(dir, 'one.pdf');
    await writeLabelSheet(file, buildLabels(products(24), signer));
    expect(pdfPageCount(readFileSync(file))).toBe(1);
  });
});

describe('output file', () => {
  it('is chosen by extension; anything else is a clear error and writes nothing', async () => {
    expect(sheetFormatOf('a/B.PDF')).toBe('pdf');
    expect(sheetFormatOf('x.svg')).toBe('svg');
    expect(() => sheetFormatOf('labels.png')).toThrow('cannot write ".png" files: give an output file ending in .pdf or .svg');
    await expect(writeLabelSheet(join(dir, 'x.docx'), buildLabels(products(1), signer))).rejects.toThrow(LabelSheetError);
    await expect(writeLabelSheet(join(dir, 'empty.pdf'), [])).rejects.toThrow(/no products/);
  });
});
