import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelPath } from '../../../server/protocol/label.js';
import { createTestStation, startShopper, TEST_PIN, TEST_STORE_ID, type TestStation } from '../../helpers/station.js';

let t: TestStation | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('store app', () => {
  it('answers health and publishes its OpenAPI document with every API route', async () => {
    t = await createTestStation();
    expect((await t.app.inject('/health')).json()).toEqual({ ok: true });
    const doc = (await t.app.inject('/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/sessions', '/api/cart/scan', '/api/orders', '/api/staff/events', '/q/{storeId}/{sku}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('answers bad input with the contract error shape, never a 5xx', async () => {
    t = await createTestStation();
    const cases = [
      { method: 'POST' as const, url: '/api/sessions', payload: '{not json', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/api/sessions', payload: { deviceId: 'x' } },
      { method: 'POST' as const, url: '/api/sessions', payload: 'deviceId=abc', headers: { 'content-type': 'text/plain' } },
      { method: 'GET' as const, url: '/api/nowhere' },
      { method: 'POST' as const, url: '/api/sessions', payload: { deviceId: 'a'.repeat(100_000) } },
    ];
    for (const c of cases) {
      const response = await t.app.inject(c);
      expect(response.statusCode, c.url).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, c.url).toBeLessThan(500);
      const body = response.json();
      expect(typeof body.error.code).toBe('string');
      expect(typeof body.error.message).toBe('string');
    }
  });

  it('sends security headers and a strict CSP', async () => {
    t = await createTestStation();
    const response = await t.app.inject('/health');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['permissions-policy']).toContain('camera=(self)');
  });

  it('rate-limits session creation and PIN sign-in per client', async () => {
    t = await createTestStation({ rateLimits: { sessionsPerMinute: 3, pinAttemptsPerMinute: 2 } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await t.app.inject({ method: 'POST', url: '/api/sessions', payload: { deviceId: `device-${i}-abcdef` } })).statusCode);
    }
    expect(codes).toEqual([201, 201, 201, 429, 429]);
    const pins: number[] = [];
    for (let i = 0; i < 3; i++) {
      pins.push((await t.app.inject({ method: 'POST', url: '/api/staff/session', payload: { pin: '111111' } })).statusCode);
    }
    expect(pins).toEqual([401, 401, 429]);
    const limited = await t.app.inject({ method: 'POST', url: '/api/staff/session', payload: { pin: '111111' } });
    expect(limited.json().error.code).toBe('rate_limited');
  });

  it('keeps serving while a staff PIN is being checked', async () => {
    t = await createTestStation();
    let finished = false;
    const signIn = t.app.inject({ method: 'POST', url: '/api/staff/session', payload: { pin: TEST_PIN } });
    void signIn.then(() => (finished = true));
    // Count event-loop turns until the answer: checked on the loop, scrypt (tens of milliseconds)
    // would let only the handful the request itself needs go by.
    let turns = 0;
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    expect((await signIn).statusCode).toBe(200);
    expect(turns).toBeGreaterThan(100);
  });

  describe('label landing page', () => {
    async function withPages() {
      const dir = join(process.cwd(), 'test-results', `pages-${process.pid}-${Date.now()}`);
      for (const name of ['shopper', 'monitor', 'kiosk']) {
        mkdirSync(join(dir, name), { recursive: true });
        writeFileSync(join(dir, name, 'index.html'), `<!doctype html><title>${name}</title>`);
      }
      return createTestStation({ rendererDir: dir });
    }

    it('serves the shopper app for a genuine label and changes nothing by itself', async () => {
      t = await withPages();
      const path = labelPath(t.station.labelKey, TEST_STORE_ID, 'MILK-1');
      const page = await t.app.inject({ url: path, headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>shopper</title>');
      const json = await t.app.inject({ url: path, headers: { accept: 'application/json' } });
      expect(json.json()).toEqual({ ok: true, storeId: TEST_STORE_ID, sku: 'MILK-1' });
      expect((t.station.db.prepare('SELECT count(*) AS n FROM cart_items').get() as { n: number }).n).toBe(0);
    });

    it.each([
      ['forged', (p: string) => p.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x')), 400, 'label_bad_signature'],
      ['truncated', (p: string) => p.slice(0, -3), 400, 'label_malformed'],
      ['unsigned', (p: string) => p.split('?')[0]!, 400, 'label_malformed'],
    ])('refuses a %s label with a clear error', async (_name, mutate, status, code) => {
      t = await withPages();
      const path = mutate(labelPath(t.station.labelKey, TEST_STORE_ID, 'MILK-1'));
      const json = await t.app.inject({ url: path, headers: { accept: 'application/json' } });
      expect(json.statusCode).toBe(status);
      expect(json.json().error.code).toBe(code);
      const page = await t.app.inject({ url: path, headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(status);
      expect(page.headers['content-type']).toContain('text/html');
    });

    it('refuses a genuine label of an unknown product and of another store', async () => {
      t = await withPages();
      const unknown = await t.app.inject({ url: labelPath(t.station.labelKey, TEST_STORE_ID, 'GONE-1'), headers: { accept: 'application/json' } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('product_not_found');
      const foreign = await t.app.inject({ url: labelPath(t.station.labelKey, 'ELSE-2', 'MILK-1'), headers: { accept: 'application/json' } });
      expect(foreign.json().error.code).toBe('label_other_store');
    });

    it('falls back to the app shells for history-mode routes', async () => {
      t = await withPages();
      expect((await t.app.inject('/monitor/orders/x')).body).toContain('<title>monitor</title>');
      expect((await t.app.inject('/shop/checkout')).body).toContain('<title>shopper</title>');
      expect((await t.app.inject('/')).headers.location).toBe('/shop/');
    });
  });

  it('answers 503 with a clear message when the apps are not built', async () => {
    t = await createTestStation();
    const shopper = await startShopper(t.app);
    expect(shopper.token).toBeTruthy();
    const response = await t.app.inject('/shop/');
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('apps_not_built');
  });
});
