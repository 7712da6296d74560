// Runs in: node (tests). A throw-away station with a few products and a built app around it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildApp, type AppOptions, type StoreApp } from '../../server/store/app.js';
import { ManualClock } from '../../server/store/clock.js';
import { initStation, type Station } from '../../server/store/station.js';
import { CatalogueRepository } from '../../server/store/modules/catalogue/repository.js';

export const TEST_PIN = '482913';
export const TEST_STORE_ID = 'TEST-001';

export interface TestProduct {
  sku: string;
  name: string;
  price: number;
  currency?: string;
  nameEn?: string;
  rfid?: string[];
}

export const SAMPLE_PRODUCTS: TestProduct[] = [
  { sku: 'MILK-1', name: '바나나우유', nameEn: 'Banana milk', price: 1500 },
  { sku: 'SNK-2', name: '새우깡', nameEn: 'Shrimp crackers', price: 1800 },
  { sku: 'RAMEN-3', name: '신라면', nameEn: 'Shin ramyun', price: 950, rfid: ['E2801160600002040000A1B2'] },
  { sku: 'USD-4', name: 'Imported cola', price: 299, currency: 'USD' },
];

export interface TestStation {
  dir: string;
  station: Station;
  app: StoreApp;
  clock: ManualClock;
  close(): Promise<void>;
}

export function insertProducts(station: Pick<Station, 'db'>, products: TestProduct[]): void {
  new CatalogueRepository(station.db).importRows(
    products.map((p) => ({
      sku: p.sku,
      name: p.name,
      price: p.price,
      currency: p.currency ?? 'KRW',
      rfid: p.rfid ?? [],
      extra: p.nameEn ? { name_en: p.nameEn } : {},
    })),
  );
}

export async function createTestStation(
  options: {
    products?: TestProduct[];
    rendererDir?: string;
    rateLimits?: { sessionsPerMinute?: number; pinAttemptsPerMinute?: number };
  } & Pick<AppOptions, 'central' | 'payments' | 'syncTransport' | 'presence' | 'approval' | 'devices' | 'logger'> = {},
): Promise<TestStation> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-test-'));
  const { station } = initStation({
    dataDir: join(dir, 'data'),
    storeId: TEST_STORE_ID,
    name: 'Test store',
    pin: TEST_PIN,
    publicUrl: 'https://station.test',
  });
  insertProducts(station, options.products ?? SAMPLE_PRODUCTS);
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 9));
  const app = await buildApp({
    station,
    clock,
    rendererDir: options.rendererDir,
    rateLimits: options.rateLimits ?? { sessionsPerMinute: 1000, pinAttemptsPerMinute: 1000 },
    central: options.central,
    payments: options.payments,
    syncTransport: options.syncTransport,
    // Tests of other modules pay without proving presence; test/server/store/presence turns it on.
    presence: options.presence ?? { gate: false },
    // Likewise the identity approval gate; test/server/store/modules/approval turns it on.
    approval: options.approval ?? { gate: false },
    devices: options.devices,
    logger: options.logger,
  });
  return {
    dir,
    station,
    app,
    clock,
    async close() {
      await app.close();
      station.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Shopper {
  deviceId: string;
  token: string;
  sessionId: string;
  headers: Record<string, string>;
}

export async function startShopper(app: StoreApp, deviceId = `dev-${randomUUID()}`): Promise<Shopper> {
  const response = await app.inject({ method: 'POST', url: '/api/sessions', payload: { deviceId } });
  if (response.statusCode !== 201) throw new Error(`session: ${response.statusCode} ${response.body}`);
  const { token, sessionId } = response.json() as { token: string; sessionId: string };
  return { deviceId, token, sessionId, headers: { authorization: `Bearer ${token}`, 'x-device-id': deviceId } };
}

export async function staffCookie(app: StoreApp, pin = TEST_PIN): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/staff/session', payload: { pin } });
  if (response.statusCode !== 200) throw new Error(`staff sign-in: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'omni_staff');
  if (!cookie) throw new Error('no staff cookie');
  return `omni_staff=${cookie.value}`;
}

export function checkoutBody(overrides: Record<string, unknown> = {}) {
  return {
    orderId: randomUUID(),
    orderer: { name: '김민지', contact: '010-1234-5678' },
    fulfilment: { type: 'pickup' },
    payment: { method: 'card', token: 'tok_test_visa_4242' },
    ...overrides,
  };
}
