// Runs in: renderer (DOM). QR decoding with zxing-wasm; this module (and its .wasm, served by
// the station from /assets, never from a CDN) loads only when the scanner opens.
import { prepareZXingModule, readBarcodes, type ReaderOptions, type ZXingModuleOverrides } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

// One overrides object: zxing compares it by reference before reusing the compiled module.
const overrides: ZXingModuleOverrides = {
  locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path),
};
prepareZXingModule({ overrides, fireImmediately: false });

const OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  maxNumberOfSymbols: 1,
};

/** Fetches and compiles the decoder now, so the first frame is not slow. */
export async function warmUp(): Promise<void> {
  await prepareZXingModule({ overrides, fireImmediately: true });
}

/** The text of the first QR code in the frame, or null. */
export async function decodeQr(frame: ImageData): Promise<string | null> {
  const results = await readBarcodes(frame, OPTIONS);
  const hit = results.find((result) => result.isValid && result.text.length > 0);
  return hit?.text ?? null;
}
