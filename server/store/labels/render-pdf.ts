// Runs in: node (CLI). Draws a planned label sheet as a PDF with pdfkit. Pretendard is embedded
// (pdfkit subsets it to the glyphs used); QR codes are vector rectangles, sharp at any DPI.
import PDFDocument from 'pdfkit';
import type { DrawOp, SheetPlan } from './sheet.js';
import { labelFont, type FontKey } from './fonts.js';

const FONT_KEYS: FontKey[] = ['regular', 'semibold', 'bold'];

export function renderPdf(plan: SheetPlan, title = 'Product labels'): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [plan.layout.pageWidth, plan.layout.pageHeight],
    margin: 0,
    autoFirstPage: false,
    lang: 'ko-KR',
    info: { Title: title, Creator: 'omnistation', Producer: 'omnistation (pdfkit)' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const key of FONT_KEYS) doc.registerFont(key, labelFont(key).file);

  for (let page = 0; page < plan.pages; page++) {
    doc.addPage({ size: [plan.layout.pageWidth, plan.layout.pageHeight], margin: 0 });
    for (const placed of plan.labels) {
      if (placed.page !== page) continue;
      for (const op of placed.ops) draw(doc, op);
    }
  }
  doc.end();
  return done;
}

function draw(doc: PDFKit.PDFDocument, op: DrawOp): void {
  switch (op.kind) {
    case 'cut':
      doc.save().lineWidth(0.5).strokeColor('#cccccc');
      doc.roundedRect(op.x, op.y, op.w, op.h, op.radius).stroke().restore();
      return;
    case 'qr': {
      const module = op.size / (op.qr.size + 2 * op.qr.quietZone);
      const x0 = op.x + op.qr.quietZone * module;
      const y0 = op.y + op.qr.quietZone * module;
      doc.save();
      // All runs in one path and one fill, so viewers do not show hairlines between rows.
      for (const [row, col, len] of op.qr.runs) {
        doc.rect(x0 + col * module, y0 + row * module, len * module, module);
      }
      doc.fillColor('#000000').fill().restore();
      // Tapping the code in a PDF viewer opens the same URL a phone would.
      doc.link(op.x, op.y, op.size, op.size, op.url);
      return;
    }
    case 'text':
      doc
        .font(op.font)
        .fontSize(op.size)
        .fillColor(op.color)
        .text(op.text, op.x, op.y, { lineBreak: false, baseline: 'alphabetic' });
      return;
  }
}
