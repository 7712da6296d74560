// Runs in: node. Where a headless station keeps its secrets: a JSON file readable only by the
// service user (0600). The Electron shell swaps in a safeStorage-backed store (issue 7).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export type SecretName = 'labelKey' | 'storeKey';

export interface SecretStore {
  get(name: SecretName): Buffer | undefined;
  set(name: SecretName, value: Buffer): void;
}

export class FileSecretStore implements SecretStore {
  constructor(private readonly file: string) {}

  get(name: SecretName): Buffer | undefined {
    const value = this.read()[name];
    return value === undefined ? undefined : Buffer.from(value, 'base64');
  }

  set(name: SecretName, value: Buffer): void {
    const all = this.read();
    all[name] = value.toString('base64');
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  private read(): Partial<Record<SecretName, string>> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Record<SecretName, string>>;
  }
}

export function requireSecret(store: SecretStore, name: SecretName): Buffer {
  const value = store.get(name);
  if (!value) throw new Error(`secret ${name} is missing from the station's secret store`);
  return value;
}

export function newKey(): Buffer {
  return randomBytes(32);
}
