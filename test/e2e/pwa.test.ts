// Runs in: node (tests). The shopper app installs as a PWA: a manifest with icons, and a service
// worker that keeps the shell (HTML and hashed assets) for a flaky connection but never prices,
// carts or orders — those always come from the station.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { labelPath } from '../../server/protocol/label.js';
import { TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, PHONE, screenshot } from './browser.js';
import { startE2eStation, type E2eStation } from './station.js';

let server: E2eStation;
let browser: Browser;

beforeAll(async () => {
  server = await startE2eStation({ presence: { gate: false } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('installable shopper app', () => {
  it('publishes a manifest with icons for the /shop/ scope', async () => {
    const response = await fetch(`${server.url}/shop.webmanifest`);
    expect(response.status).toBe(200);
    const manifest = (await response.json()) as { start_url: string; scope: string; display: string; icons: { src: string; sizes: string }[] };
    expect(manifest).toMatchObject({ start_url: '/shop/', scope: '/shop/', display: 'standalone' });
    for (const size of ['192x192', '512x512']) {
      const icon = manifest.icons.find((i) => i.sizes === size)!;
      const png = await fetch(`${server.url}${icon.src}`);
      expect(png.headers.get('content-type')).toBe('image/png');
    }
  });

  it('caches the shell only: no API answer is kept, and the shell opens offline', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const phone = await context.newPage();
    await phone.goto(`${server.url}${labelPath(server.station.labelKey, TEST_STORE_ID, 'MILK-1')}`);
    await phone.getByTestId('cart-item').first().waitFor();
    // A label URL (/q/...) registers it; pages under /shop/ are the ones it serves.
    await phone.goto(`${server.url}/shop/`);
    // Page scripts as strings: these tests are typed for Node, not the DOM.
    const scope = (await phone.evaluate('navigator.serviceWorker.ready.then((r) => r.scope)')) as string;
    expect(new URL(scope).pathname).toBe('/shop/');
    // The page that registered it is not controlled yet: a reload is, and its assets are cached.
    await phone.reload();
    await phone.getByTestId('cart-item').first().waitFor();
    await expect.poll(() => phone.evaluate('navigator.serviceWorker.controller !== null')).toBe(true);
    const cachedPaths = async () =>
      (await phone.evaluate(`(async () => {
        const urls = [];
        for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
        return urls;
      })()`)) as string[];
    // Assets are put in the cache as they pass, a moment after the page used them.
    await expect.poll(async () => (await cachedPaths()).some((path) => path.startsWith('/assets/'))).toBe(true);
    const cached = await cachedPaths();
    expect(cached).toContain('/shop/');
    expect(cached.filter((path) => path.startsWith('/api/') || path.startsWith('/q/'))).toEqual([]);

    // Offline: the shell still opens (the cart itself needs the station, and says so).
    await context.setOffline(true);
    await phone.goto(`${server.url}/shop/`);
    await phone.getByTestId('cart-not-loaded').waitFor();
    await screenshot(phone, 'shopper-offline-shell-en');
    await context.setOffline(false);
    await context.close();
  });
});
