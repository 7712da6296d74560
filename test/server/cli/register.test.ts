import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliAsync } from '../../helpers/cli.js';
import { CENTRAL_ADMIN_TOKEN, startLiveCentral, type LiveCentral } from '../../helpers/central.js';
import { openStation } from '../../../server/store/station.js';

let central: LiveCentral;
let dir: string;
beforeAll(async () => {
  central = await startLiveCentral();
  dir = mkdtempSync(join(tmpdir(), 'omni-register-'));
});
afterAll(async () => {
  await central.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('omnistation register', () => {
  it('registers a store once, keeps its key, and refuses a second registration or a wrong token', async () => {
    const data = join(dir, 'store');
    expect((await runCliAsync(['init', '--data', data, '--store-id', 'REG-0001'])).code).toBe(0);
    const noAddress = await runCliAsync(['register', '--data', data, '--central', central.url, '--admin-token', CENTRAL_ADMIN_TOKEN]);
    expect(noAddress.code).toBe(2);
    expect(noAddress.stderr).toMatch(/--address is required/);
    const wrongToken = await runCliAsync(['register', '--data', data, '--central', central.url, '--admin-token', 'x'.repeat(32), '--address', '서울 중구 1']);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(/refused/);

    const ok = await runCliAsync(['register', '--data', data, '--central', central.url, '--admin-token', CENTRAL_ADMIN_TOKEN, '--address', '서울 중구 1']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('REG-0001 registered');
    const station = openStation(data);
    try {
      expect(station.secrets.get('storeKey')?.length).toBeGreaterThanOrEqual(16);
      expect(station.config.centralUrl).toBe(new URL(central.url).origin);
    } finally {
      station.close();
    }
    const again = await runCliAsync(['register', '--data', data, '--central', central.url, '--admin-token', CENTRAL_ADMIN_TOKEN, '--address', '서울 중구 1']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already registered/);
  });
});
