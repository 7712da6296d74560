// Runs in: main. The desktop station's own settings (which screen shows what, the store server's
// port, the update server), read from station-config.json in the user-data folder. A bad value
// falls back to its default with a note, so a typo never keeps a store from opening.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { HidReaderMatcher } from '../../server/store/devices/hid/node-hid-readers.js';
import type { WizardDevicesInput } from '../shared/bridge-api.js';
import type { KioskMode } from './window-placement.js';
import { DEFAULT_CAMERA_PATHS } from './security.js';

export interface ShellConfig {
  kioskMode: KioskMode;
  kioskDisplayId: number | null;
  /** Phones reach the store server over the LAN, so it listens beyond loopback by default. */
  server: { port: number; host: string };
  /** The chain's own update server (electron-updater generic provider); null: no updates. */
  updates: { url: string | null; channel: string };
  openAtLogin: boolean;
  cameraPaths: string[];
  /** The BLE radio (noble) for shoppers' phones, or off; the wizard writes it. */
  radio: 'noble' | 'off';
  /** HID RFID readers to open (vendor/product ids, mode, card format), see
   * server/store/devices/hid; the wizard writes them. */
  readers: HidReaderMatcher[];
  /** Linux without a keyring: accept safeStorage's fixed-key fallback (not recommended). */
  allowWeakKeychain: boolean;
}

export const DEFAULT_CONFIG: ShellConfig = {
  kioskMode: 'auto',
  kioskDisplayId: null,
  server: { port: 8080, host: '0.0.0.0' },
  updates: { url: null, channel: 'latest' },
  openAtLogin: true,
  cameraPaths: [...DEFAULT_CAMERA_PATHS],
  radio: 'noble',
  readers: [],
  allowWeakKeychain: false,
};

export interface LoadedConfig {
  config: ShellConfig;
  problems: string[];
}

const KIOSK_MODES: readonly KioskMode[] = ['auto', 'off', 'kiosk-only'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseShellConfig(input: unknown): LoadedConfig {
  const problems: string[] = [];
  const config: ShellConfig = structuredClone(DEFAULT_CONFIG);
  if (input === undefined) return { config, problems };
  if (!isRecord(input)) return { config, problems: ['the station config is not a JSON object; using defaults'] };
  const bad = (key: string) => problems.push(`${key} is invalid; using the default`);

  if ('kioskMode' in input) {
    if (KIOSK_MODES.includes(input.kioskMode as KioskMode)) config.kioskMode = input.kioskMode as KioskMode;
    else bad('kioskMode');
  }
  if ('kioskDisplayId' in input) {
    if (input.kioskDisplayId === null || Number.isInteger(input.kioskDisplayId)) config.kioskDisplayId = input.kioskDisplayId as number | null;
    else bad('kioskDisplayId');
  }
  if ('server' in input) {
    const server = input.server;
    if (isRecord(server)) {
      if ('port' in server) {
        if (Number.isInteger(server.port) && (server.port as number) > 0 && (server.port as number) < 65536) config.server.port = server.port as number;
        else bad('server.port');
      }
      if ('host' in server) {
        if (typeof server.host === 'string' && server.host.length > 0) config.server.host = server.host;
        else bad('server.host');
      }
    } else bad('server');
  }
  if ('updates' in input) {
    const updates = input.updates;
    if (isRecord(updates)) {
      if ('url' in updates) {
        if (updates.url === null) config.updates.url = null;
        else if (typeof updates.url === 'string' && /^https:\/\/[^\s]+$/.test(updates.url)) config.updates.url = updates.url;
        // Updates are code: never over plain HTTP.
        else bad('updates.url (must be https://)');
      }
      if ('channel' in updates) {
        if (typeof updates.channel === 'string' && /^[a-z][a-z0-9-]{0,31}$/.test(updates.channel)) config.updates.channel = updates.channel;
        else bad('updates.channel');
      }
    } else bad('updates');
  }
  if ('openAtLogin' in input) {
    if (typeof input.openAtLogin === 'boolean') config.openAtLogin = input.openAtLogin;
    else bad('openAtLogin');
  }
  if ('cameraPaths' in input) {
    if (Array.isArray(input.cameraPaths) && input.cameraPaths.every((p) => typeof p === 'string' && p.startsWith('/'))) {
      config.cameraPaths = input.cameraPaths as string[];
    } else bad('cameraPaths');
  }
  if ('radio' in input) {
    if (input.radio === 'noble' || input.radio === 'off') config.radio = input.radio;
    else bad('radio (noble or off)');
  }
  if ('readers' in input) {
    const id = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
    if (
      Array.isArray(input.readers) &&
      input.readers.every(
        (r) =>
          isRecord(r) &&
          id(r.vendorId) &&
          id(r.productId) &&
          (r.mode === 'keyboard-wedge' || r.mode === 'raw') &&
          (r.format === undefined || r.format === 'hex' || r.format === 'decimal' || r.format === 'auto'),
      )
    ) {
      config.readers = input.readers as unknown as HidReaderMatcher[];
    } else bad('readers');
  }
  if ('allowWeakKeychain' in input) {
    if (typeof input.allowWeakKeychain === 'boolean') config.allowWeakKeychain = input.allowWeakKeychain;
    else bad('allowWeakKeychain');
  }
  return { config, problems };
}

export function loadShellConfig(file: string): LoadedConfig {
  if (!existsSync(file)) return parseShellConfig(undefined);
  try {
    return parseShellConfig(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    return { config: structuredClone(DEFAULT_CONFIG), problems: [`${file} could not be read (${(error as Error).message}); using defaults`] };
  }
}

/** Writes some settings (the wizard's reader choice) and keeps whatever else IT put in the file. */
export function saveShellConfigPatch(file: string, patch: Partial<ShellConfig>): void {
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isRecord(parsed)) current = parsed;
    } catch {
      // An unreadable file was already being ignored (defaults); the new one replaces it.
    }
  }
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...current, ...patch }, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The device settings as the wizard shows them. */
export function devicesOfConfig(config: Pick<ShellConfig, 'radio' | 'readers'>): WizardDevicesInput {
  return {
    radio: config.radio !== 'off',
    readers: config.readers.map((r) => ({ vendorId: r.vendorId, productId: r.productId, mode: r.mode, format: r.format ?? 'auto' })),
  };
}

/** The wizard's device choice as station-config.json settings. */
export function configOfDevices(devices: WizardDevicesInput): Pick<ShellConfig, 'radio' | 'readers'> {
  return { radio: devices.radio ? 'noble' : 'off', readers: devices.readers.map((r) => ({ ...r })) };
}
