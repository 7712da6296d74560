// Runs in: node (tests). A station can keep its keys in a store other than the data folder's
// file (the desktop shell seals them with safeStorage): nothing secret is then written there.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initStation, openStation, SECRETS_FILE } from '../../../server/store/station.js';
import type { SecretName, SecretStore } from '../../../server/store/secrets.js';

class MemorySecrets implements SecretStore {
  readonly values = new Map<SecretName, Buffer>();
  get(name: SecretName) {
    return this.values.get(name);
  }
  set(name: SecretName, value: Buffer) {
    this.values.set(name, value);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('station secrets', () => {
  it('keeps the label key in the given store and never in the data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-secrets-'));
    dirs.push(dir);
    const secrets = new MemorySecrets();
    const { station } = initStation({ dataDir: join(dir, 'data'), storeId: 'SEC-0001', secrets });
    expect(secrets.values.get('labelKey')).toHaveLength(32);
    expect(station.labelKey.equals(secrets.values.get('labelKey')!)).toBe(true);
    station.close();
    expect(existsSync(join(dir, 'data', SECRETS_FILE))).toBe(false);

    const reopened = openStation(join(dir, 'data'), { secrets });
    expect(reopened.labelKey.equals(secrets.values.get('labelKey')!)).toBe(true);
    reopened.close();
    // Without its store the station refuses to open rather than making new keys.
    expect(() => openStation(join(dir, 'data'))).toThrow(/labelKey is missing/);
  });
});
