// Runs in: node (browser tests). A station the way a store runs one, for the browser to visit: a
// data folder made by initStation (as `omnistation init` does), the sample products, optionally
// a live central it is registered with, then startStoreServer on a real port serving the built
// apps. One close() takes it all down, central and the folder included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initStation, type Station } from '../../server/store/station.js';
import { startStoreServer, DEFAULT_RENDERER_DIR, type RunningServer, type StartOptions } from '../../server/store/server.js';
import { registerWithCentral } from '../../server/store/registration.js';
import { CENTRAL_ADMIN_TOKEN, startLiveCentral, type LiveCentral } from '../helpers/central.js';
import { insertProducts, SAMPLE_PRODUCTS, staffCookie, TEST_PIN, TEST_STORE_ID, type TestProduct } from '../helpers/station.js';

export interface E2eStationOptions extends Pick<StartOptions, 'presence' | 'approval' | 'devices' | 'rateLimits'> {
  /** A live central, started first and the store registered with it: payments go through it. */
  central?: boolean;
  products?: TestProduct[];
  storeId?: string;
  name?: string;
  /** Runs on the new station's database before the server opens it (settings the test needs). */
  prepare?(station: Station): void;
  /** Signs staff in once: `staffCookie` is then ready for staff API calls. */
  staff?: boolean;
}

export interface E2eStation extends RunningServer {
  /** The throw-away folder: the station's data in data/, room for the test's own files. */
  dir: string;
  central?: LiveCentral;
  /** `omni_staff=…`, when asked for with `staff: true`. */
  staffCookie?: string;
}

export function startE2eStation(options: E2eStationOptions & { central: true }): Promise<E2eStation & { central: LiveCentral }>;
export function startE2eStation(options?: E2eStationOptions): Promise<E2eStation>;
export async function startE2eStation(options: E2eStationOptions = {}): Promise<E2eStation> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-e2e-'));
  const dataDir = join(dir, 'data');
  let central: LiveCentral | undefined;
  let server: RunningServer | undefined;
  const closeAll = async () => {
    await server?.close();
    await central?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (options.central) central = await startLiveCentral();
    const { station } = initStation({ dataDir, storeId: options.storeId ?? TEST_STORE_ID, name: options.name ?? '테스트 매장', pin: TEST_PIN });
    try {
      insertProducts(station, options.products ?? SAMPLE_PRODUCTS);
      options.prepare?.(station);
      if (central) await registerWithCentral(station, { centralUrl: central.url, adminToken: CENTRAL_ADMIN_TOKEN, address: '서울 강남구 테헤란로 1' });
    } finally {
      // The server opens the folder itself, as `omnistation start` would.
      station.close();
    }
    server = await startStoreServer({
      dataDir,
      port: 0,
      logger: false,
      rendererDir: DEFAULT_RENDERER_DIR,
      presence: options.presence,
      approval: options.approval,
      devices: options.devices,
      rateLimits: options.rateLimits,
    });
    return {
      ...server,
      dir,
      central,
      staffCookie: options.staff ? await staffCookie(server.app) : undefined,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
