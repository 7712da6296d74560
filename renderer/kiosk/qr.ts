// Runs in: renderer (DOM); pure, also unit-tested in node. A QR code as one SVG path (drawn by
// the page itself: no image download, no inline script, nothing the CSP must allow).
import { create } from 'qrcode';

export interface QrShape {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** One `M x y h1v1h-1z` square per dark module, offset by the quiet zone. */
  path: string;
  /** Size of the viewBox: modules plus a 4-module quiet zone on each side. */
  box: number;
}

const QUIET = 4;

export function qrShape(text: string, level: 'L' | 'M' | 'Q' | 'H' = 'M'): QrShape {
  const { modules } = create(text, { errorCorrectionLevel: level });
  const size = modules.size;
  const parts: string[] = [];
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      if (modules.get(row, col)) parts.push(`M${col + QUIET} ${row + QUIET}h1v1h-1z`);
    }
  }
  return { size, path: parts.join(''), box: size + QUIET * 2 };
}
