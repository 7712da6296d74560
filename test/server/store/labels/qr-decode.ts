// Runs in: node (vitest helper). Decodes QR codes drawn as SVG paths, with zxing-wasm loaded
// from node_modules (its default would fetch the wasm file from the network).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

let ready: Promise<unknown> | undefined;

function prepare(): Promise<unknown> {
  if (!ready) {
    const file = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    const bytes = readFileSync(file);
    const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    ready = Promise.resolve(prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true }));
  }
  return ready;
}

/**
 * Rasterises a QR path as written by render-svg (`M{x} {y}h{n}v1h-{n}z` in module units,
 * quiet zone included) into a greyscale PGM image and decodes it.
 */
export async function decodeQrPath(d: string): Promise<{ text: string; ecLevel: string }[]> {
  await prepare();
  const runs = [...d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)].map((m) => m.slice(1, 4).map(Number) as [number, number, number]);
  if (runs.length === 0) return [];
  const extent = Math.max(...runs.map(([x, y, n]) => Math.max(x + n, y + 1))) + 4;
  const scale = 4;
  const width = extent * scale;
  const pixels = new Uint8Array(width * width).fill(255);
  for (const [x, y, n] of runs) {
    for (let py = y * scale; py < (y + 1) * scale; py++) {
      pixels.fill(0, py * width + x * scale, py * width + (x + n) * scale);
    }
  }
  const pgm = Buffer.concat([Buffer.from(`P5\n${width} ${width}\n255\n`), Buffer.from(pixels)]);
  const results = await readBarcodes(new Uint8Array(pgm), { formats: ['QRCode'] });
  return results.filter((r) => r.isValid).map((r) => ({ text: r.text, ecLevel: r.ecLevel }));
}
