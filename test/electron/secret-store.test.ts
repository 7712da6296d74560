// Runs in: node (vitest). The safeStorage-sealed secret store, with a fake safeStorage whose
// "encryption" is real AES so a leak of clear text in the file would show.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, SecretStoreUnavailableError, type SafeStorageLike } from '../../electron/main/secret-store.js';
import { BridgedSecretStore, importFileSecrets } from '../../electron/utility/store-host.js';
import { FileSecretStore, type SecretStore } from '../../server/store/secrets.js';
import type { UtilityToMain } from '../../electron/shared/utility-messages.js';

function fakeSafeStorage(backend = 'gnome_libsecret'): SafeStorageLike & { available: boolean } {
  const key = randomBytes(32);
  return {
    available: true,
    isEncryptionAvailable() {
      return this.available;
    },
    encryptString(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
    getSelectedStorageBackend: () => backend,
  };
}

const dir = () => mkdtempSync(join(tmpdir(), 'omni-secrets-'));

describe('safeStorage secret store', () => {
  it('round-trips every station secret through a sealed file that holds no clear text', () => {
    const file = join(dir(), 'secrets.sealed.json');
    const safe = fakeSafeStorage();
    const store = new SafeStorageSecretStore(file, safe);
    const label = randomBytes(32);
    const storeKey = randomBytes(32);
    const dbKey = randomBytes(32);
    store.set('labelKey', label);
    store.set('storeKey', storeKey);
    store.setAny('databaseKey', dbKey);
    const reopened = new SafeStorageSecretStore(file, safe);
    expect(reopened.get('labelKey')).toEqual(label);
    expect(reopened.get('storeKey')).toEqual(storeKey);
    expect(reopened.getAny('databaseKey')).toEqual(dbKey);
    expect(reopened.names().sort()).toEqual(['databaseKey', 'labelKey', 'storeKey']);
    expect(reopened.unsealAll()).toEqual({ labelKey: label.toString('base64'), storeKey: storeKey.toString('base64'), databaseKey: dbKey.toString('base64') });
    const raw = readFileSync(file, 'utf8');
    for (const secret of [label, storeKey, dbKey]) {
      expect(raw).not.toContain(secret.toString('base64'));
      expect(raw).not.toContain(secret.toString('hex'));
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('has the headless store\'s shape: code written against SecretStore takes either', () => {
    const d = dir();
    const stores: SecretStore[] = [new FileSecretStore(join(d, 'secrets.json')), new SafeStorageSecretStore(join(d, 'sealed.json'), fakeSafeStorage())];
    for (const store of stores) {
      expect(store.get('storeKey')).toBeUndefined();
      store.set('storeKey', Buffer.from('k'));
      expect(store.get('storeKey')).toEqual(Buffer.from('k'));
    }
  });

  it('another machine\'s keychain cannot open the file', () => {
    const file = join(dir(), 'sealed.json');
    new SafeStorageSecretStore(file, fakeSafeStorage()).set('labelKey', randomBytes(32));
    expect(() => new SafeStorageSecretStore(file, fakeSafeStorage()).get('labelKey')).toThrow();
  });

  it('refuses to write when the keychain is unavailable or only the fixed-key fallback exists', () => {
    const safe = fakeSafeStorage();
    safe.available = false;
    expect(() => new SafeStorageSecretStore(join(dir(), 's.json'), safe).set('labelKey', Buffer.from('x'))).toThrow(SecretStoreUnavailableError);
    const weak = fakeSafeStorage('basic_text');
    const file = join(dir(), 's.json');
    expect(() => new SafeStorageSecretStore(file, weak).set('labelKey', Buffer.from('x'))).toThrow(/keyring/);
    expect(existsSync(file)).toBe(false);
    new SafeStorageSecretStore(file, weak, { allowWeakBackend: true }).set('labelKey', Buffer.from('x'));
    expect(new SafeStorageSecretStore(file, weak, { allowWeakBackend: true }).get('labelKey')).toEqual(Buffer.from('x'));
  });

  it('refuses a file it does not understand instead of overwriting it', () => {
    const file = join(dir(), 's.json');
    writeFileSync(file, JSON.stringify({ version: 7, entries: {} }));
    expect(() => new SafeStorageSecretStore(file, fakeSafeStorage()).set('labelKey', Buffer.from('x'))).toThrow(/not a sealed secret file/);
  });
});

describe('secrets in the utility process', () => {
  it('hold the unsealed values and send new ones back to be sealed', () => {
    const posted: UtilityToMain[] = [];
    const store = new BridgedSecretStore({ labelKey: Buffer.from('label').toString('base64') }, (m) => posted.push(m));
    expect(store.get('labelKey')).toEqual(Buffer.from('label'));
    store.set('storeKey', Buffer.from('store'));
    expect(store.get('storeKey')).toEqual(Buffer.from('store'));
    expect(posted).toEqual([{ type: 'secret-set', name: 'storeKey', value: Buffer.from('store').toString('base64') }]);
  });

  it('import what a headless init left in the data folder, without overwriting sealed ones', () => {
    const d = dir();
    const file = new FileSecretStore(join(d, 'secrets.json'));
    file.set('labelKey', Buffer.from('from-file'));
    file.set('storeKey', Buffer.from('file-store-key'));
    const posted: UtilityToMain[] = [];
    const store = new BridgedSecretStore({ storeKey: Buffer.from('sealed').toString('base64') }, (m) => posted.push(m));
    expect(importFileSecrets(d, store)).toEqual(['labelKey']);
    expect(store.get('labelKey')).toEqual(Buffer.from('from-file'));
    expect(store.get('storeKey')).toEqual(Buffer.from('sealed'));
    expect(posted.map((m) => m.type === 'secret-set' && m.name)).toEqual(['labelKey']);
    expect(importFileSecrets(dir(), store)).toEqual([]);
  });
});
