// Runs in: node (tests). The shopper app's real camera scanner reading a real label: Chromium's
// fake camera plays a video of the label's QR code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { initStation } from '../../server/store/station.js';
import { startStoreServer, DEFAULT_RENDERER_DIR, type RunningServer } from '../../server/store/server.js';
import { labelUrl } from '../../server/protocol/label.js';
import { insertProducts, SAMPLE_PRODUCTS, TEST_PIN, TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, PHONE, screenshot } from './browser.js';
import { writeQrVideo } from './fake-camera.js';

let dir: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omni-camera-'));
  const { station } = initStation({ dataDir: join(dir, 'data'), storeId: TEST_STORE_ID, pin: TEST_PIN });
  insertProducts(station, SAMPLE_PRODUCTS);
  station.close();
  server = await startStoreServer({ dataDir: join(dir, 'data'), port: 0, logger: false, rendererDir: DEFAULT_RENDERER_DIR });
  const video = join(dir, 'label.y4m');
  writeQrVideo(video, labelUrl('https://station.example', server.station.labelKey, TEST_STORE_ID, 'RAMEN-3'));
  browser = await launchBrowser([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('camera scanning', () => {
  it('adds the product whose label the camera sees', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US', permissions: ['camera'] });
    const phone = await context.newPage();
    await phone.goto(`${server.url}/shop/`);
    await phone.getByTestId('scan-product').click();
    await phone.locator('[data-testid="cart-item"][data-sku="RAMEN-3"]').waitFor({ timeout: 15_000 });
    expect(new URL(phone.url()).pathname).toBe('/shop/');
    expect(await phone.getByTestId('cart-item').count()).toBe(1);
    await screenshot(phone, 'shopper-after-camera-scan-en');
    await context.close();
  });
});
