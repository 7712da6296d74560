// Runs in: main and utility process (bundled into each; types and guards only).
// The message protocol between the main process and the utility process that hosts the store
// server. Declared once here; both ends switch on `type` and drop anything they do not know,
// because a message port carries whatever the other side's version sends.
import type { BleAdvert, RadioState } from '../../server/store/devices/radio/types.js';
import type { HidIssue, HidReaderInfo, HidTap } from '../../server/store/devices/hid/types.js';

/** How the main process asks the utility process to start the store server. */
export interface StartRequest {
  dataDir: string;
  port: number;
  host: string;
  rendererDir: string;
  /** Base64 secrets the main process unsealed from the OS keychain; absent = headless file store. */
  secrets: Record<string, string> | null;
  /** Store id for a fresh data folder (the wizard picks one; otherwise one is generated). */
  storeId: string | null;
  /** Store name for a fresh data folder (the wizard asks; otherwise the id). */
  storeName: string | null;
}

/** Work the first-run wizard needs done against the open station (its database and secrets). */
export type WizardRequest =
  | { action: 'register'; centralUrl: string; adminToken: string; address: string }
  | { action: 'set-pin'; pin: string }
  | { action: 'import-catalogue'; file: string }
  | { action: 'write-labels'; file: string }
  /** IT's kiosk enrolment from the monitor (the main process checked the admin passphrase):
   * a new kiosk when `name` is given, else a new link for an existing one. */
  | { action: 'kiosk-link'; kioskId: string; name: string | null; readerIds: string[] };

export type WizardValue =
  | { storeId: string }
  | { products: number; tags: number }
  | { labels: number; pages: number }
  | { kioskId: string; name: string | null; link: string }
  | null;

export type MainToUtility =
  | { type: 'wizard'; id: number; request: WizardRequest }
  | { type: 'start'; request: StartRequest }
  | { type: 'shutdown' }
  | { type: 'radio-advert'; advert: BleAdvert }
  | { type: 'radio-state'; state: RadioState; detail: string | null }
  | { type: 'hid-tap'; tap: HidTap }
  | { type: 'hid-readers'; readers: HidReaderInfo[]; unavailable: string | null }
  | { type: 'hid-issue'; issue: HidIssue };

export type DeviceCommand = 'start' | 'stop';

export type UtilityToMain =
  /** `firstRunPin`: the staff PIN of a data folder created by this start, shown to IT once. */
  | { type: 'ready'; url: string; storeId: string; storeName: string; firstRunPin: string | null }
  | { type: 'start-failed'; message: string }
  | { type: 'stopped' }
  | { type: 'radio-command'; command: DeviceCommand }
  | { type: 'hid-command'; command: DeviceCommand }
  /** The store server stored a new secret (e.g. the store key at registration): seal it. */
  | { type: 'secret-set'; name: string; value: string }
  | { type: 'wizard-progress'; id: number; done: number; total: number | null }
  | { type: 'wizard-result'; id: number; ok: true; value: WizardValue }
  /** `code` and `params`: the coded message (bridge-api.ts SHELL_MESSAGE_CODES) when there is one. */
  | { type: 'wizard-result'; id: number; ok: false; message: string; code?: string; params?: Record<string, string | number> };

const MAIN_TO_UTILITY = new Set<string>(['wizard', 'start', 'shutdown', 'radio-advert', 'radio-state', 'hid-tap', 'hid-readers', 'hid-issue']);
const UTILITY_TO_MAIN = new Set<string>(['ready', 'start-failed', 'stopped', 'radio-command', 'hid-command', 'secret-set', 'wizard-progress', 'wizard-result']);

function hasType(value: unknown, known: Set<string>): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    known.has((value as { type: string }).type)
  );
}

export function isMainToUtility(value: unknown): value is MainToUtility {
  return hasType(value, MAIN_TO_UTILITY);
}

export function isUtilityToMain(value: unknown): value is UtilityToMain {
  return hasType(value, UTILITY_TO_MAIN);
}
