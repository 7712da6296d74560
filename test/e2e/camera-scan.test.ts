// Runs in: node (tests). The shopper app's real camera scanner reading a real label: Chromium's
// fake camera plays a video of the label's QR code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { labelUrl } from '../../server/protocol/label.js';
import { TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, PHONE, screenshot } from './browser.js';
import { writeQrVideo } from './fake-camera.js';
import { startE2eStation, type E2eStation } from './station.js';

let server: E2eStation;
let browser: Browser;

beforeAll(async () => {
  server = await startE2eStation();
  const video = join(server.dir, 'label.y4m');
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
