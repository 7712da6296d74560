// Runs in: node (CLI, store server). The label fonts: Pretendard (SIL OFL 1.1, npm package
// `pretendard`), because product names are Korean and no built-in PDF font has Hangul.
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

export type FontKey = 'regular' | 'semibold' | 'bold';

const FILES: Record<FontKey, string> = {
  regular: 'pretendard/dist/public/static/Pretendard-Regular.otf',
  semibold: 'pretendard/dist/public/static/Pretendard-SemiBold.otf',
  bold: 'pretendard/dist/public/static/Pretendard-Bold.otf',
};

const require = createRequire(import.meta.url);
const cache = new Map<FontKey, LabelFont>();

export interface LabelFont {
  key: FontKey;
  /** Absolute path, for pdfkit to embed (it subsets the glyphs used). */
  file: string;
  font: fontkit.Font;
  /** Width of `text` at `size` points, with the font's kerning and shaping applied. */
  width(text: string, size: number): number;
}

export function labelFont(key: FontKey): LabelFont {
  let entry = cache.get(key);
  if (!entry) {
    const file = require.resolve(FILES[key]);
    const font = fontkit.openSync(file) as fontkit.Font;
    const widths = new Map<string, number>();
    entry = {
      key,
      file,
      font,
      width(text, size) {
        let units = widths.get(text);
        if (units === undefined) {
          units = font.layout(text).advanceWidth;
          widths.set(text, units);
        }
        return (units * size) / font.unitsPerEm;
      },
    };
    cache.set(key, entry);
  }
  return entry;
}
