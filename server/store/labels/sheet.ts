// Runs in: node (CLI, store server). Product label sheets: one label per product on A4, each
// with the signed label URL of DESIGN.md ("Product label") as a QR code. The layout is computed
// once here and drawn by two backends (SVG, PDF), so both outputs look the same.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { create as createQr } from 'qrcode';
import { labelUrl } from '../../protocol/label.js';
import { labelFont, type FontKey } from './fonts.js';

export interface LabelProduct {
  sku: string;
  name: string;
  nameEn?: string;
  /** Minor units. */
  price: number;
  currency: string;
}

/** Everything printed on one label; `url` is what its QR code encodes. */
export interface Label {
  sku: string;
  name: string;
  nameEn?: string;
  price: string;
  url: string;
}

export interface LabelSigner {
  /** The station's public origin, e.g. https://store.example. */
  baseUrl: string;
  labelKey: Buffer;
  storeId: string;
}

/** Sizes in PDF points (1/72 inch); the origin is the page's top-left corner. */
export interface SheetLayout {
  pageWidth: number;
  pageHeight: number;
  columns: number;
  rows: number;
  marginX: number;
  marginY: number;
}

const MM = 72 / 25.4;
/** A4 in 3 × 8 labels of about 65 × 35 mm, inside margins most printers can reach. */
export const A4_3X8: SheetLayout = {
  pageWidth: 210 * MM,
  pageHeight: 297 * MM,
  columns: 3,
  rows: 8,
  marginX: 7 * MM,
  marginY: 8.5 * MM,
};

export type DrawOp =
  | { kind: 'cut'; x: number; y: number; w: number; h: number; radius: number }
  | {
      kind: 'text';
      text: string;
      font: FontKey;
      size: number;
      /** Left end of the alphabetic baseline. */
      x: number;
      y: number;
      color: string;
    }
  | { kind: 'qr'; x: number; y: number; size: number; url: string; qr: QrMatrix };

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  quietZone: number;
  /** Horizontal runs of dark modules: [row, column, length]. */
  runs: Array<[number, number, number]>;
}

export interface PlacedLabel {
  label: Label;
  page: number;
  x: number;
  y: number;
  w: number;
  h: number;
  ops: DrawOp[];
}

export interface SheetPlan {
  layout: SheetLayout;
  pages: number;
  labels: PlacedLabel[];
}

export class LabelSheetError extends Error {}

const priceFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** Minor units as a Korean shopper reads a price: ₩1,500, US$15.00. */
export function formatPrice(minor: number, currency: string): string {
  let entry = priceFormats.get(currency);
  if (!entry) {
    const format = new Intl.NumberFormat('ko-KR', { style: 'currency', currency });
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 0 };
    priceFormats.set(currency, entry);
  }
  return entry.format.format(minor / 10 ** entry.digits);
}

export function buildLabels(products: Iterable<LabelProduct>, signer: LabelSigner): Label[] {
  checkBaseUrl(signer.baseUrl);
  const labels: Label[] = [];
  for (const product of products) {
    const label: Label = {
      sku: product.sku,
      name: product.name,
      price: formatPrice(product.price, product.currency),
      url: labelUrl(signer.baseUrl, signer.labelKey, signer.storeId, product.sku),
    };
    if (product.nameEn) label.nameEn = product.nameEn;
    labels.push(label);
  }
  return labels;
}

export function checkBaseUrl(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new LabelSheetError(`base URL "${baseUrl}" is not a URL (e.g. https://store.example)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LabelSheetError(`base URL "${baseUrl}" must start with https:// (or http://)`);
  }
}

/** Error correction M (15 %): survives a scuffed shelf label without making the code dense. */
export function qrMatrix(url: string): QrMatrix {
  const { modules } = createQr(url, { errorCorrectionLevel: 'M' });
  const runs: Array<[number, number, number]> = [];
  for (let row = 0; row < modules.size; row++) {
    let start = -1;
    for (let col = 0; col <= modules.size; col++) {
      const dark = col < modules.size && modules.get(row, col);
      if (dark && start < 0) start = col;
      else if (!dark && start >= 0) {
        runs.push([row, start, col - start]);
        start = -1;
      }
    }
  }
  return { size: modules.size, quietZone: 2, runs };
}

// Inside a label; points.
const PAD = 7;
const GAP = 6;
const NAME = { font: 'semibold' as FontKey, size: 9.5, leading: 11.5, lines: 3 };
const NAME_EN = { font: 'regular' as FontKey, size: 6.5, leading: 8, lines: 2 };
const PRICE = { font: 'bold' as FontKey, size: 14 };
const SKU = { font: 'regular' as FontKey, size: 6 };
const INK = '#111111';
const MUTED = '#666666';

export function planSheet(labels: readonly Label[], layout: SheetLayout = A4_3X8): SheetPlan {
  const perPage = layout.columns * layout.rows;
  const w = (layout.pageWidth - 2 * layout.marginX) / layout.columns;
  const h = (layout.pageHeight - 2 * layout.marginY) / layout.rows;
  const placed = labels.map((label, index): PlacedLabel => {
    const page = Math.floor(index / perPage);
    const slot = index % perPage;
    const x = layout.marginX + (slot % layout.columns) * w;
    const y = layout.marginY + Math.floor(slot / layout.columns) * h;
    return { label, page, x, y, w, h, ops: layoutLabel(label, x, y, w, h) };
  });
  return { layout, pages: Math.max(1, Math.ceil(labels.length / perPage)), labels: placed };
}

function layoutLabel(label: Label, x: number, y: number, w: number, h: number): DrawOp[] {
  const ops: DrawOp[] = [{ kind: 'cut', x: x + 1, y: y + 1, w: w - 2, h: h - 2, radius: 4 }];
  const qrSize = h - 2 * PAD;
  ops.push({ kind: 'qr', x: x + PAD, y: y + PAD, size: qrSize, url: label.url, qr: qrMatrix(label.url) });

  const left = x + PAD + qrSize + GAP;
  const width = x + w - PAD - left;
  const bottom = y + h - PAD;
  const skuBaseline = bottom - 1;
  const priceBaseline = skuBaseline - SKU.size - 4;
  // The name block gets what the price and SKU leave, the English line giving way first.
  const top = y + PAD + 1;
  const room = priceBaseline - PRICE.size - 2 - top;
  const nameLines = wrap(label.name, NAME.font, NAME.size, width, Math.min(NAME.lines, Math.floor(room / NAME.leading)));
  let used = nameLines.length * NAME.leading;
  let baseline = top + NAME.size;
  for (const line of nameLines) {
    ops.push({ kind: 'text', text: line, font: NAME.font, size: NAME.size, x: left, y: baseline, color: INK });
    baseline += NAME.leading;
  }
  if (label.nameEn) {
    const fit = Math.min(NAME_EN.lines, Math.floor((room - used) / NAME_EN.leading));
    baseline += NAME_EN.size - NAME.size + 1;
    for (const line of wrap(label.nameEn, NAME_EN.font, NAME_EN.size, width, fit)) {
      ops.push({ kind: 'text', text: line, font: NAME_EN.font, size: NAME_EN.size, x: left, y: baseline, color: MUTED });
      baseline += NAME_EN.leading;
      used += NAME_EN.leading;
    }
  }
  const price = fitSize(label.price, PRICE.font, PRICE.size, width);
  ops.push({ kind: 'text', text: label.price, font: PRICE.font, size: price, x: left, y: priceBaseline, color: INK });
  const sku = wrap(label.sku, SKU.font, SKU.size, width, 1)[0] ?? '';
  ops.push({ kind: 'text', text: sku, font: SKU.font, size: SKU.size, x: left, y: skuBaseline, color: MUTED });
  return ops;
}

/** Shrinks a one-line text (a price) rather than cutting it: a partial price is a wrong price. */
function fitSize(text: string, font: FontKey, size: number, width: number): number {
  const natural = labelFont(font).width(text, size);
  return natural <= width ? size : Math.max(5, (size * width) / natural);
}

/**
 * Greedy line breaking at spaces (Korean breaks between words too), splitting a word only when
 * it alone is wider than the line; the last allowed line ends in "…" when text is left over.
 */
export function wrap(text: string, fontKey: FontKey, size: number, width: number, maxLines: number): string[] {
  if (maxLines <= 0) return [];
  const font = labelFont(fontKey);
  const fits = (s: string) => font.width(s, size) <= width;
  const lines: string[] = [];
  let current = '';
  const words = text.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const candidate = current ? `${current} ${word}` : word;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current) {
      lines.push(current);
      current = '';
      i--;
      continue;
    }
    // A single word wider than the line: cut it by characters.
    const chars = [...word];
    let piece = '';
    while (chars.length > 0 && fits(piece + chars[0]!)) piece += chars.shift()!;
    if (piece === '') piece = chars.shift()!;
    lines.push(piece);
    if (chars.length > 0) {
      words[i] = chars.join('');
      i--;
    }
  }
  if (current) lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = `${kept[maxLines - 1]!} ${lines.slice(maxLines).join(' ')}`;
  while (last.length > 0 && !fits(`${last}…`)) last = [...last].slice(0, -1).join('').trimEnd();
  kept[maxLines - 1] = `${last}…`;
  return kept;
}

export type SheetFormat = 'pdf' | 'svg';

export function sheetFormatOf(file: string): SheetFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.pdf') return 'pdf';
  if (ext === '.svg') return 'svg';
  throw new LabelSheetError(
    `cannot write "${ext || file}" files: give an output file ending in .pdf or .svg`,
  );
}

export interface SheetOptions {
  layout?: SheetLayout;
  /** Shown as the document title. */
  title?: string;
}

/** Renders the sheet in the format the file name asks for; a partial file is never left. */
export async function writeLabelSheet(
  file: string,
  labels: readonly Label[],
  options: SheetOptions = {},
): Promise<{ format: SheetFormat; pages: number; bytes: number }> {
  const format = sheetFormatOf(file);
  if (labels.length === 0) throw new LabelSheetError('there are no products to print labels for');
  const plan = planSheet(labels, options.layout);
  const data =
    format === 'svg'
      ? Buffer.from((await import('./render-svg.js')).renderSvg(plan, options.title), 'utf8')
      : await (await import('./render-pdf.js')).renderPdf(plan, options.title);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return { format, pages: plan.pages, bytes: data.length };
}
