// Runs in: node (CLI). Draws a planned label sheet as one SVG, pages stacked top to bottom.
// Text is drawn as glyph outlines from the embedded font, because an SVG's <text> would be
// set in whatever font the viewing machine has, and many have no Hangul at all.
import type { DrawOp, QrMatrix, SheetPlan } from './sheet.js';
import { labelFont, type FontKey } from './fonts.js';

export function renderSvg(plan: SheetPlan, title = 'Product labels'): string {
  const { pageWidth, pageHeight } = plan.layout;
  const height = pageHeight * plan.pages;
  const glyphs = new GlyphDefs();
  const pages: string[] = [];
  for (let page = 0; page < plan.pages; page++) {
    const body: string[] = [];
    for (const placed of plan.labels) {
      if (placed.page !== page) continue;
      const { label } = placed;
      const caption = [label.name, label.nameEn, label.price, label.sku].filter(Boolean).join(' · ');
      body.push(
        `<g class="label" data-sku="${attr(label.sku)}" data-url="${attr(label.url)}">`,
        `<title>${text(caption)}</title>`,
        ...placed.ops.map((op) => drawOp(op, glyphs)),
        '</g>',
      );
    }
    // Pages are exactly A4 high with no gap, so printing the SVG at 210 mm wide splits it at
    // page boundaries.
    pages.push(
      `<g class="page" id="page-${page + 1}" transform="translate(0 ${num(page * pageHeight)})">`,
      `<rect width="${num(pageWidth)}" height="${num(pageHeight)}" fill="#ffffff"/>`,
      ...body,
      '</g>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"` +
      ` width="${num(pageWidth / (72 / 25.4))}mm" height="${num(height / (72 / 25.4))}mm"` +
      ` viewBox="0 0 ${num(pageWidth)} ${num(height)}" data-pages="${plan.pages}"` +
      ` data-labels="${plan.labels.length}">`,
    `<title>${text(title)}</title>`,
    `<defs>${glyphs.defs()}</defs>`,
    ...pages,
    '</svg>',
    '',
  ].join('\n');
}

function drawOp(op: DrawOp, glyphs: GlyphDefs): string {
  switch (op.kind) {
    case 'cut':
      return (
        `<rect class="cut" x="${num(op.x)}" y="${num(op.y)}" width="${num(op.w)}" height="${num(op.h)}"` +
        ` rx="${num(op.radius)}" fill="none" stroke="#cccccc" stroke-width="0.5"/>`
      );
    case 'qr':
      return (
        `<a xlink:href="${attr(op.url)}"><path class="qr" data-url="${attr(op.url)}"` +
        ` transform="translate(${num(op.x)} ${num(op.y)}) scale(${num(op.size / (op.qr.size + 2 * op.qr.quietZone), 4)})"` +
        ` shape-rendering="crispEdges" fill="#000000" d="${qrPath(op.qr)}"/></a>`
      );
    case 'text':
      return glyphs.line(op.text, op.font, op.size, op.x, op.y, op.color);
  }
}

/** One subpath per horizontal run of dark modules, in module units inside the quiet zone. */
export function qrPath(qr: QrMatrix): string {
  const q = qr.quietZone;
  return qr.runs.map(([row, col, len]) => `M${col + q} ${row + q}h${len}v1h-${len}z`).join('');
}

/** Each glyph outline is written once in <defs> and placed with <use>, keeping files small. */
class GlyphDefs {
  private readonly paths = new Map<string, string>();

  line(content: string, key: FontKey, size: number, x: number, y: number, color: string): string {
    const { font } = labelFont(key);
    const run = font.layout(content);
    const scale = size / font.unitsPerEm;
    let pen = 0;
    const uses: string[] = [];
    run.glyphs.forEach((glyph, i) => {
      const position = run.positions[i]!;
      const id = `${key[0]}${glyph.id}`;
      if (!this.paths.has(id)) this.paths.set(id, glyph.path.toSVG());
      if (glyph.path.commands.length > 0) {
        const gx = pen + position.xOffset;
        const gy = position.yOffset;
        uses.push(`<use xlink:href="#${id}"${gx ? ` x="${num(gx)}"` : ''}${gy ? ` y="${num(-gy)}"` : ''}/>`);
      }
      pen += position.xAdvance;
    });
    // Font units are y-up; the page is y-down.
    return (
      `<g class="text" aria-label="${attr(content)}" fill="${color}"` +
      ` transform="translate(${num(x)} ${num(y)}) scale(${num(scale, 6)} ${num(-scale, 6)})">${uses.join('')}</g>`
    );
  }

  defs(): string {
    return [...this.paths].map(([id, d]) => `<path id="${id}" d="${d}"/>`).join('');
  }
}

function num(value: number, digits = 2): string {
  return String(Number(value.toFixed(digits)));
}

function text(value: string): string {
  return value.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;');
}
