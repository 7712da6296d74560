// Runs in: node. The Z-report as one A4 PDF page (pdfkit), with Pretendard embedded through the
// label sheet's font loader so Korean product names print; the hourly chart is drawn as vectors.
import PDFDocument from 'pdfkit';
import { labelFont, type FontKey } from '../../labels/fonts.js';
import type { ZReport } from './schemas.js';
import { formatInstant, formatMoney, reportText, type ReportLang, type ReportText } from './text.js';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 42;
const INK = '#1f2430';
const MUTED = '#5b6272';
const RULE = '#d5d9e0';
const ACCENT = '#2457c5';
// Two weights, not three: pdfkit parses every registered font anew for each document, and a
// Hangul font costs ~0.2 s of the event loop to parse.
const FONT_KEYS: FontKey[] = ['regular', 'bold'];

interface Column {
  label: string;
  width: number;
  align?: 'left' | 'right';
}

export function zReportPdf(report: ZReport, lang: ReportLang | undefined): Promise<Buffer> {
  const t = reportText(lang);
  const doc = new PDFDocument({
    size: [A4.width, A4.height],
    // No bottom margin: the footer sits below the content area, and pdfkit would otherwise
    // start a second page for it.
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: 0 },
    lang: lang === 'ko' ? 'ko-KR' : 'en-US',
    info: { Title: `${t.title} ${report.reportNumber}`, Creator: 'omnistation', Producer: 'omnistation (pdfkit)' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const key of FONT_KEYS) doc.registerFont(key, labelFont(key).file);
  draw(doc, report, lang, t);
  doc.end();
  return done;
}

function draw(doc: PDFKit.PDFDocument, report: ZReport, lang: ReportLang | undefined, t: ReportText): void {
  const money = (minor: number) => formatMoney(minor, report.currency, lang);
  const width = A4.width - 2 * MARGIN;
  let y = MARGIN;

  doc.font('bold').fontSize(20).fillColor(INK).text(t.title, MARGIN, y, { width, lineBreak: false });
  doc.font('regular').fontSize(11).fillColor(MUTED).text(report.reportNumber, MARGIN, y + 6, { width, align: 'right', lineBreak: false });
  y += 30;
  doc.font('bold').fontSize(12).fillColor(INK).text(`${report.storeName} (${report.storeId})`, MARGIN, y, { width, lineBreak: false });
  y += 20;

  const meta: [string, string][] = [
    [t.date, `${report.date} (${report.timeZone})`],
    [t.generatedAt, formatInstant(report.generatedAt, report.timeZone, lang)],
    [t.firstOrder, formatInstant(report.firstOrderAt, report.timeZone, lang)],
    [t.lastOrder, formatInstant(report.lastOrderAt, report.timeZone, lang)],
  ];
  const half = width / 2;
  meta.forEach(([label, value], index) => {
    const x = MARGIN + (index % 2) * half;
    const rowY = y + Math.floor(index / 2) * 16;
    doc.font('regular').fontSize(9).fillColor(MUTED).text(label, x, rowY, { width: 80, lineBreak: false });
    doc.font('bold').fontSize(9).fillColor(INK).text(value, x + 80, rowY, { width: half - 90, lineBreak: false });
  });
  y += 36;
  if (!report.closed) {
    doc.save().roundedRect(MARGIN, y, width, 20, 4).fillColor('#fff4d6').fill().restore();
    doc.font('bold').fontSize(9).fillColor('#7a4b00').text(t.interim, MARGIN + 8, y + 5.5, { width: width - 16, lineBreak: false });
    y += 28;
  }

  // The four figures a manager reads first.
  const tiles: [string, string, string][] = [
    [t.gross, money(report.gross.amount), t.noteSales.replace('{n}', String(report.gross.count))],
    [t.refunds, money(report.refunds.amount === 0 ? 0 : -report.refunds.amount), t.noteRefunds.replace('{n}', String(report.refunds.count))],
    [t.cancellations, money(report.cancellations.amount), t.noteCancellations.replace('{n}', String(report.cancellations.count))],
    [t.net, money(report.net), t.noteOrders.replace('{n}', String(report.orders.total))],
  ];
  const gap = 8;
  const tileWidth = (width - gap * 3) / 4;
  tiles.forEach(([label, value, note], index) => {
    const x = MARGIN + index * (tileWidth + gap);
    const strong = index === 3;
    doc.save().roundedRect(x, y, tileWidth, 56, 6).lineWidth(strong ? 1.5 : 0.75).strokeColor(strong ? ACCENT : RULE).stroke().restore();
    doc.font('regular').fontSize(9).fillColor(MUTED).text(label, x + 10, y + 8, { width: tileWidth - 20, lineBreak: false });
    doc.font('bold').fontSize(15).fillColor(strong ? ACCENT : INK).text(value, x + 10, y + 21, { width: tileWidth - 20, lineBreak: false });
    doc.font('regular').fontSize(8).fillColor(MUTED).text(note, x + 10, y + 41, { width: tileWidth - 20, lineBreak: false });
  });
  y += 72;

  y = heading(doc, t.hourly, y);
  y = hourlyChart(doc, report, y, width, money) + 14;

  const colWidth = (width - 20) / 2;
  const left = MARGIN;
  const right = MARGIN + colWidth + 20;
  const figureColumns = (): Column[] => [
    { label: t.item, width: colWidth - 150 },
    { label: t.count, width: 50, align: 'right' },
    { label: t.amount, width: 100, align: 'right' },
  ];

  let leftY = heading(doc, t.byMethod, y, left, colWidth);
  leftY = table(
    doc,
    left,
    leftY,
    figureColumns(),
    report.byPaymentMethod.length > 0
      ? report.byPaymentMethod.map((m) => [t.method[m.method] ?? m.method, String(m.count), money(m.amount)])
      : [[t.none, '0', money(0)]],
  );
  leftY = heading(doc, t.byFulfilment, leftY + 12, left, colWidth);
  leftY = table(doc, left, leftY, figureColumns(), report.byFulfilment.map((f) => [t.fulfilment[f.type] ?? f.type, String(f.count), money(f.amount)]));

  let rightY = heading(doc, t.byState, y, right, colWidth);
  rightY = table(doc, right, rightY, figureColumns(), report.byPaymentState.map((s) => [t.state[s.state] ?? s.state, String(s.count), money(s.amount)]));
  rightY = heading(doc, t.orders, rightY + 12, right, colWidth);
  rightY = table(doc, right, rightY, [{ label: t.item, width: colWidth - 50 }, { label: t.count, width: 50, align: 'right' }], [
    [t.ordersTotal, String(report.orders.total)],
    [t.placed, String(report.orders.placed)],
    [t.handedOver, String(report.orders.handedOver)],
    [t.cancelled, String(report.orders.cancelled)],
  ]);

  y = Math.max(leftY, rightY) + 14;
  y = heading(doc, t.topProducts, y);
  y = table(
    doc,
    MARGIN,
    y,
    [
      { label: '#', width: 24 },
      { label: 'SKU', width: 110 },
      { label: t.product, width: width - 24 - 110 - 70 - 110 },
      { label: t.quantity, width: 70, align: 'right' },
      { label: t.amount, width: 110, align: 'right' },
    ],
    report.topProducts.length > 0
      ? report.topProducts.map((p, index) => [String(index + 1), p.sku, p.name, String(p.quantity), money(p.amount)])
      : [['', '', t.none, '', '']],
  );

  if (report.otherCurrencies.length > 0) {
    y = heading(doc, t.otherCurrencies, y + 12);
    table(
      doc,
      MARGIN,
      y,
      [
        { label: t.currency, width: width - 300 },
        { label: t.gross, width: 150, align: 'right' },
        { label: t.refunds, width: 150, align: 'right' },
      ],
      report.otherCurrencies.map((o) => [
        o.currency,
        `${o.gross.count} · ${formatMoney(o.gross.amount, o.currency, lang)}`,
        `${o.refunds.count} · ${formatMoney(o.refunds.amount, o.currency, lang)}`,
      ]),
    );
  }

  const footerY = A4.height - MARGIN + 12;
  doc
    .font('regular')
    .fontSize(8)
    .fillColor(MUTED)
    .text(`omnistation · ${report.reportNumber} · ${t.page.replace('{n}', '1').replace('{total}', '1')}`, MARGIN, footerY, {
      width,
      align: 'center',
      lineBreak: false,
    });
}

function heading(doc: PDFKit.PDFDocument, text: string, y: number, x = MARGIN, width = A4.width - 2 * MARGIN): number {
  doc.font('bold').fontSize(11).fillColor(INK).text(text, x, y, { width, lineBreak: false });
  return y + 18;
}

function table(doc: PDFKit.PDFDocument, x: number, y: number, columns: Column[], rows: string[][]): number {
  const rowHeight = 16;
  const total = columns.reduce((sum, c) => sum + c.width, 0);
  const cells = (values: string[], font: FontKey, color: string, rowY: number) => {
    let cx = x;
    columns.forEach((column, index) => {
      doc
        .font(font)
        .fontSize(9)
        .fillColor(color)
        .text(values[index] ?? '', cx + 2, rowY + 4, { width: column.width - 4, align: column.align ?? 'left', lineBreak: false, ellipsis: true });
      cx += column.width;
    });
  };
  cells(
    columns.map((c) => c.label),
    'regular',
    MUTED,
    y,
  );
  doc.save().moveTo(x, y + rowHeight).lineTo(x + total, y + rowHeight).lineWidth(0.75).strokeColor(INK).stroke().restore();
  let rowY = y + rowHeight;
  for (const row of rows) {
    cells(row, 'regular', INK, rowY);
    rowY += rowHeight;
    doc.save().moveTo(x, rowY).lineTo(x + total, rowY).lineWidth(0.5).strokeColor(RULE).stroke().restore();
  }
  return rowY;
}

function hourlyChart(doc: PDFKit.PDFDocument, report: ZReport, y: number, width: number, money: (minor: number) => string): number {
  const height = 130;
  const axisWidth = 64;
  const plotX = MARGIN + axisWidth;
  const plotWidth = width - axisWidth;
  const max = Math.max(...report.hourly.map((h) => h.amount), 0);
  // A round top of the scale (1, 2 or 5 × a power of ten) so grid labels read cleanly.
  const top = max > 0 ? niceCeiling(max) : 1;
  const baseY = y + height;
  for (let step = 0; step <= 4; step++) {
    const value = (top * step) / 4;
    const lineY = baseY - (height * step) / 4;
    doc.save().moveTo(plotX, lineY).lineTo(plotX + plotWidth, lineY).lineWidth(step === 0 ? 0.75 : 0.4).strokeColor(step === 0 ? INK : RULE).stroke().restore();
    if (max > 0 || step === 0) {
      doc.font('regular').fontSize(7).fillColor(MUTED).text(money(Math.round(value)), MARGIN, lineY - 4, { width: axisWidth - 6, align: 'right', lineBreak: false });
    }
  }
  const slot = plotWidth / 24;
  for (const hour of report.hourly) {
    const x = plotX + hour.hour * slot;
    if (hour.amount > 0) {
      const barHeight = Math.max(1, (height * hour.amount) / top);
      doc.save().rect(x + slot * 0.15, baseY - barHeight, slot * 0.7, barHeight).fillColor(ACCENT).fill().restore();
    }
    if (hour.hour % 2 === 0) {
      doc.font('regular').fontSize(7).fillColor(MUTED).text(String(hour.hour).padStart(2, '0'), x, baseY + 3, { width: slot, align: 'center', lineBreak: false });
    }
  }
  return baseY + 14;
}

function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (factor * power >= value) return factor * power;
  }
  return 10 * power;
}
