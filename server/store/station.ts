// Runs in: node. A station's data folder: its database and secrets, created once by `init`.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Db } from './db.js';
import { FileSecretStore, newKey, requireSecret, type SecretStore } from './secrets.js';
import { generatePin, hashPin, PIN_PATTERN } from './pin.js';
import { isStoreId } from '../protocol/label.js';

export const DATABASE_FILE = 'station.db';
export const SECRETS_FILE = 'secrets.json';

export interface StationConfig {
  storeId: string;
  name: string;
  currency: string;
  /** Origin printed on labels; the phone opens it. */
  publicUrl: string;
  /** Central payment service this store is registered with, if any. */
  centralUrl: string | null;
}

export interface Station {
  dataDir: string;
  db: Db;
  secrets: SecretStore;
  labelKey: Buffer;
  config: StationConfig;
  close(): void;
}

export interface InitOptions {
  dataDir: string;
  storeId: string;
  name?: string;
  currency?: string;
  publicUrl?: string;
  pin?: string;
  /** Where the keys go; default the data folder's 0600 file (the desktop shell seals them). */
  secrets?: SecretStore;
}

export class StationError extends Error {}

export function isStation(dataDir: string): boolean {
  return existsSync(join(dataDir, DATABASE_FILE));
}

/** Creates a new station data folder. Refuses a folder that already holds anything. */
export function initStation(options: InitOptions): { station: Station; pin: string } {
  const dataDir = resolve(options.dataDir);
  if (!isStoreId(options.storeId)) {
    throw new StationError(
      `store id "${options.storeId}" is invalid: use 4-32 characters of A-Z, 0-9 and -`,
    );
  }
  const pin = options.pin ?? generatePin();
  if (!PIN_PATTERN.test(pin)) throw new StationError('the staff PIN must be 4-12 digits');
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new StationError(`${dataDir} is not empty: refusing to initialise over existing data`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = options.secrets ?? new FileSecretStore(join(dataDir, SECRETS_FILE));
  secrets.set('labelKey', newKey());
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const settings: Record<string, string> = {
    store_id: options.storeId,
    store_name: options.name ?? options.storeId,
    currency: options.currency ?? 'KRW',
    public_url: options.publicUrl ?? 'https://omnistation.local',
    staff_pin_hash: hashPin(pin),
  };
  const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
  db.transaction(() => {
    for (const [key, value] of Object.entries(settings)) insert.run(key, value);
  })();
  db.close();
  return { station: openStation(dataDir, { secrets }), pin };
}

export function openStation(dataDirInput: string, options: { secrets?: SecretStore } = {}): Station {
  const dataDir = resolve(dataDirInput);
  if (!isStation(dataDir)) {
    throw new StationError(`${dataDir} is not a station data folder (run omnistation init)`);
  }
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const secrets = options.secrets ?? new FileSecretStore(join(dataDir, SECRETS_FILE));
  return {
    dataDir,
    db,
    secrets,
    labelKey: requireSecret(secrets, 'labelKey'),
    config: readConfig(db),
    close: () => db.close(),
  };
}

export function readSetting(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
    | { value: string }
    | undefined;
  return row?.value;
}

export function writeSetting(db: Db, key: string, value: string): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

function readConfig(db: Db): StationConfig {
  const get = (key: string): string => {
    const value = readSetting(db, key);
    if (value === undefined) throw new StationError(`station setting ${key} is missing`);
    return value;
  };
  return {
    storeId: get('store_id'),
    name: get('store_name'),
    currency: get('currency'),
    publicUrl: get('public_url'),
    centralUrl: readSetting(db, 'central_url') ?? null,
  };
}

/** A store id for a station that `serve` creates on the fly. */
export function generateStoreId(): string {
  return `ST-${randomBytes(4).toString('hex').toUpperCase()}`;
}
