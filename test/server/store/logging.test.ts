import { afterEach, describe, expect, it } from 'vitest';
import { logSink } from '../../helpers/log-sink.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type StoreApp } from '../../../server/store/app.js';
import { productionLogger } from '../../../server/store/server.js';
import { initStation, type Station } from '../../../server/store/station.js';
import { labelPath } from '../../../server/protocol/label.js';
import { checkoutBody, insertProducts, SAMPLE_PRODUCTS, startShopper, TEST_PIN } from '../../helpers/station.js';

let app: StoreApp | undefined;
let station: Station | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
  station?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('request logs', () => {
  it('record requests without tokens, device ids, PINs or orderer data', async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-log-'));
    station = initStation({ dataDir: join(dir, 'd'), storeId: 'LOGS-1', pin: TEST_PIN }).station;
    insertProducts(station, SAMPLE_PRODUCTS);
    const { stream: sink, lines } = logSink();
    app = await buildApp({ station, logger: productionLogger('debug', sink), rateLimits: { sessionsPerMinute: 100, pinAttemptsPerMinute: 100 } });
    const shopper = await startShopper(app, 'device-secret-4711');
    await app.inject({ method: 'POST', url: '/api/cart/scan', headers: shopper.headers, payload: { code: labelPath(station.labelKey, 'LOGS-1', 'MILK-1') } });
    const body = checkoutBody({ orderer: { name: 'Hong Gildong', contact: 'hong@example.org' }, fulfilment: { type: 'delivery', address: '1 Secret Lane, Seoul' } });
    expect((await app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body })).statusCode).toBe(201);
    await app.inject({ method: 'POST', url: '/api/staff/session', payload: { pin: TEST_PIN } });
    await app.inject({ method: 'POST', url: '/api/staff/session', payload: { pin: '999999' } });

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(4);
    expect(log).toContain('/api/orders');
    // PINs are digits that may occur inside timings, so look for them as JSON strings.
    for (const secret of [shopper.token, 'device-secret-4711', `"${TEST_PIN}"`, '"999999"', 'Hong Gildong', 'hong@example.org', 'Secret Lane', 'tok_test_visa']) {
      expect(log, secret).not.toContain(secret);
    }
  });
});
