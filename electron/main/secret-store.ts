// Runs in: main. The desktop station's secrets (store key, label key, database key) sealed with
// Electron safeStorage, i.e. the OS keychain (Keychain, DPAPI, libsecret/kwallet). Same shape as
// the headless FileSecretStore in server/store/secrets.ts, which the headless server keeps.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretName, SecretStore } from '../../server/store/secrets.js';

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means a hard-coded key, i.e. no real protection. */
  getSelectedStorageBackend?(): string;
}

/** Everything the sealed file may hold: the server's names, the database key, and the hash of
 * IT's admin passphrase (set by the first-run wizard). */
export type StationSecretName = SecretName | 'databaseKey' | 'adminPassphrase';

interface SealedFile {
  version: 1;
  /** base64 of safeStorage's ciphertext of the base64 secret. */
  entries: Record<string, string>;
}

export class SecretStoreUnavailableError extends Error {}

export interface SafeStorageSecretStoreOptions {
  /** Accept Linux's 'basic_text' backend (no keyring running); off by default, because such a
   * "sealed" file is readable by anyone who can read the file. */
  allowWeakBackend?: boolean;
}

export class SafeStorageSecretStore implements SecretStore {
  constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly options: SafeStorageSecretStoreOptions = {},
  ) {}

  /** Throws when the OS cannot seal secrets, so the shell can say so instead of writing clear text. */
  assertAvailable(): void {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new SecretStoreUnavailableError('the OS keychain is not available to seal the station secrets');
    }
    const backend = this.safeStorage.getSelectedStorageBackend?.();
    if (backend === 'basic_text' && !this.options.allowWeakBackend) {
      throw new SecretStoreUnavailableError(
        'no keyring (gnome-keyring or kwallet) is running: safeStorage would fall back to a fixed key; start a keyring or set allowWeakKeychain in the station config',
      );
    }
  }

  get(name: SecretName): Buffer | undefined {
    return this.getAny(name);
  }

  set(name: SecretName, value: Buffer): void {
    this.setAny(name, value);
  }

  getAny(name: StationSecretName): Buffer | undefined {
    const sealed = this.read().entries[name];
    if (sealed === undefined) return undefined;
    this.assertAvailable();
    return Buffer.from(this.safeStorage.decryptString(Buffer.from(sealed, 'base64')), 'base64');
  }

  setAny(name: StationSecretName, value: Buffer): void {
    this.assertAvailable();
    const file = this.read();
    file.entries[name] = this.safeStorage.encryptString(value.toString('base64')).toString('base64');
    this.write(file);
  }

  /** Names present, without unsealing anything. */
  names(): string[] {
    return Object.keys(this.read().entries);
  }

  /** The store server's secrets unsealed, base64, for the utility process's start request; the
   * admin passphrase's hash is the shell's own and stays in the main process. */
  unsealAll(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.names()) {
      if (name === 'adminPassphrase') continue;
      out[name] = this.getAny(name as StationSecretName)!.toString('base64');
    }
    return out;
  }

  private read(): SealedFile {
    if (!existsSync(this.file)) return { version: 1, entries: {} };
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SealedFile>;
    if (parsed.version !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) {
      throw new Error(`${this.file} is not a sealed secret file this version understands`);
    }
    return { version: 1, entries: { ...parsed.entries } };
  }

  private write(file: SealedFile): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(file, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}

/** Names the utility process may ask to seal: the admin passphrase is the shell's own. */
const NAMES = new Set<string>(['labelKey', 'storeKey', 'databaseKey']);

export function isStationSecretName(name: string): name is StationSecretName {
  return NAMES.has(name);
}
