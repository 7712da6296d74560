// Runs in: node. The built apps reach phones compressed: each asset is sent as the Brotli or gzip
// copy the build wrote beside it when the browser accepts one, byte for byte the same file once
// decoded, and as is when it accepts neither. Needs `npm run build` (the test command runs it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RENDERER_DIR } from '../../../server/store/server.js';
import { createTestStation, type TestStation } from '../../helpers/station.js';

let t: TestStation;
let entry: string;
beforeAll(async () => {
  t = await createTestStation({ rendererDir: DEFAULT_RENDERER_DIR });
  // The shopper shell's entry script, as its HTML names it.
  const html = readFileSync(join(DEFAULT_RENDERER_DIR, 'shopper', 'index.html'), 'utf8');
  entry = /<script type="module" crossorigin src="([^"]+)"/.exec(html)![1]!;
});
afterAll(async () => {
  await t.close();
});

describe('compressed assets', () => {
  const original = () => readFileSync(join(DEFAULT_RENDERER_DIR, entry));

  it('sends the Brotli copy to a browser that accepts it', async () => {
    const response = await t.app.inject({ url: entry, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(String(response.headers.vary)).toMatch(/accept-encoding/i);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toContain('immutable');
    expect(brotliDecompressSync(response.rawPayload).equals(original())).toBe(true);
    expect(response.rawPayload.length).toBeLessThan(original().length / 2);
  });

  it('sends the gzip copy when Brotli is not accepted', async () => {
    const response = await t.app.inject({ url: entry, headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(response.rawPayload).equals(original())).toBe(true);
  });

  it('sends the file as is when no encoding is accepted', async () => {
    const response = await t.app.inject({ url: entry, headers: { 'accept-encoding': 'identity' } });
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.rawPayload.equals(original())).toBe(true);
  });
});
