// Runs in: main. IT's first-run wizard as a plain state machine: which steps exist, which may be
// skipped, what each accepts (the page is untrusted: every input is checked here), and where the
// progress is kept so a station switched off mid-wizard resumes at the same step.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type {
  WizardDevicesInput,
  WizardProgress,
  WizardReaderChoice,
  WizardRegisterInput,
  WizardState,
  WizardStepId,
  WizardStepStatus,
  WizardStoreInput,
} from '../shared/bridge-api.js';
import { hashAdminPassphrase } from './admin-gate.js';

export const WIZARD_STEPS: readonly { id: WizardStepId; optional: boolean }[] = [
  // The store id is printed (signed) on every label and names the store at central: IT picks it
  // before the data folder exists, and it never changes afterwards.
  { id: 'store', optional: false },
  // A store can sell before it is registered (orders stay on the station, unpaid by card).
  { id: 'register', optional: true },
  { id: 'credentials', optional: false },
  { id: 'devices', optional: true },
  { id: 'catalogue', optional: false },
  { id: 'labels', optional: true },
];

/** Work done against the open station in the utility process (see electron/utility/wizard-actions.ts). */
export interface WizardActions {
  register(input: WizardRegisterInput): Promise<{ storeId: string }>;
  setStaffPin(pin: string): Promise<void>;
  importCatalogue(file: string, onProgress: (done: number, total: number | null) => void): Promise<{ products: number; tags: number }>;
  writeLabels(file: string): Promise<{ labels: number; pages: number }>;
}

export interface WizardEnvironment {
  actions: WizardActions;
  /** Where the wizard keeps its progress (user-data folder). */
  stateFile: string;
  /** Starts the store server on a new data folder with this id and name; resolves with what the
   * server reports once it runs, rejects with why it could not. */
  createStore(choice: WizardStoreInput): Promise<WizardStoreInput>;
  /** Seals the admin passphrase's hash (safeStorage store). */
  saveAdminPassphraseHash(hash: string): void;
  /** Writes the radio and readers into the shell config and reopens them. */
  saveDevices(devices: WizardDevicesInput): Promise<void>;
  /** The device settings in force now. */
  currentDevices(): WizardDevicesInput;
  /** System file dialogs; null when IT cancelled. */
  pickCatalogueFile(): Promise<string | null>;
  pickLabelsFile(): Promise<string | null>;
  /** Hands the finished sheet to the OS (the PDF viewer prints it). */
  openFile(file: string): Promise<void>;
  onProgress?(progress: WizardProgress): void;
}

export class WizardInputError extends Error {}

type Persisted = Record<WizardStepId, { status: WizardStepStatus; detail: string | null }>;

const ADMIN_PASSPHRASE_MIN = 12;
/** The same rule as `omnistation init --store-id` (server/protocol/label.ts STORE_ID_PATTERN). */
export const STORE_ID_PATTERN = /^[A-Z0-9-]{4,32}$/;
const STORE_NAME_MAX = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(input: Record<string, unknown>, key: string, max = 512): string {
  const value = input[key];
  if (typeof value !== 'string' || value.trim().length === 0) throw new WizardInputError(`${key} is required`);
  if (value.length > max) throw new WizardInputError(`${key} is too long`);
  return value.trim();
}

export function parseRegisterInput(input: unknown): WizardRegisterInput {
  if (!isRecord(input)) throw new WizardInputError('registration details are missing');
  const centralUrl = text(input, 'centralUrl', 2048);
  let url: URL;
  try {
    url = new URL(centralUrl);
  } catch {
    throw new WizardInputError('the central service address is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WizardInputError('the central service address must be http(s)://');
  return { centralUrl: url.origin, adminToken: text(input, 'adminToken', 4096), address: text(input, 'address', 300) };
}

export function parseStoreInput(input: unknown): WizardStoreInput {
  if (!isRecord(input)) throw new WizardInputError('the store id and name are missing');
  const storeId = text(input, 'storeId', 64);
  if (!STORE_ID_PATTERN.test(storeId)) throw new WizardInputError('the store id must be 4-32 characters of A-Z, 0-9 and - (e.g. SEOUL-GANGNAM-01)');
  const name = text(input, 'name', STORE_NAME_MAX);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new WizardInputError('the store name must be one line of text');
  return { storeId, name: name.normalize('NFC') };
}

export function parseCredentialsInput(input: unknown): { pin: string; passphrase: string } {
  if (!isRecord(input)) throw new WizardInputError('the PIN and passphrase are missing');
  // Not trimmed: a PIN or passphrase is exactly what was typed.
  const raw = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
  const pin = raw('pin');
  if (!/^[0-9]{4,12}$/.test(pin)) throw new WizardInputError('the staff PIN must be 4-12 digits');
  if (/^(\d)\1+$/.test(pin) || '0123456789012'.includes(pin) || '9876543210987'.includes(pin)) {
    throw new WizardInputError('the staff PIN is too easy to guess');
  }
  if (raw('pinConfirm') !== pin) throw new WizardInputError('the two PINs differ');
  const passphrase = raw('passphrase');
  if (passphrase.length < ADMIN_PASSPHRASE_MIN) throw new WizardInputError(`the admin passphrase needs at least ${ADMIN_PASSPHRASE_MIN} characters`);
  if (passphrase.length > 1024) throw new WizardInputError('the admin passphrase is too long');
  if (passphrase.includes(pin)) throw new WizardInputError('the admin passphrase must not contain the staff PIN');
  if (raw('passphraseConfirm') !== passphrase) throw new WizardInputError('the two passphrases differ');
  return { pin, passphrase };
}

const CARD_FORMATS = ['hex', 'decimal', 'auto'] as const;

export function parseReaderChoices(input: unknown): WizardReaderChoice[] {
  if (!Array.isArray(input) || input.length > 16) throw new WizardInputError('pick up to 16 readers');
  const readers = input.map((choice) => {
    const id = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
    if (!isRecord(choice) || !id(choice.vendorId) || !id(choice.productId) || (choice.mode !== 'keyboard-wedge' && choice.mode !== 'raw')) {
      throw new WizardInputError('a reader needs a vendor id, a product id (0000-ffff) and a mode');
    }
    const format = choice.format ?? 'auto';
    if (!CARD_FORMATS.includes(format as WizardReaderChoice['format'])) throw new WizardInputError('a reader\'s card format is hex, decimal or auto');
    return { vendorId: choice.vendorId as number, productId: choice.productId as number, mode: choice.mode as WizardReaderChoice['mode'], format: format as WizardReaderChoice['format'] };
  });
  const keys = readers.map((r) => `${r.vendorId}:${r.productId}`);
  if (new Set(keys).size !== keys.length) throw new WizardInputError('the same reader (vendor and product id) is listed twice');
  return readers;
}

export function parseDevicesInput(input: unknown): WizardDevicesInput {
  if (!isRecord(input) || typeof input.radio !== 'boolean') throw new WizardInputError('say whether the BLE radio is on, and which readers to open');
  return { radio: input.radio, readers: parseReaderChoices(input.readers) };
}

export function parseStep(input: unknown): WizardStepId {
  const step = WIZARD_STEPS.find((s) => s.id === input);
  if (!step) throw new WizardInputError('no such wizard step');
  return step.id;
}

export class Wizard {
  private steps: Persisted;
  private store: WizardStoreInput | null = null;
  private busy: WizardStepId | null = null;

  constructor(private readonly env: WizardEnvironment) {
    this.steps = this.load();
  }

  /** `locked` is the caller's to say (the admin gate knows which window is unlocked). */
  state(locked = false): WizardState {
    const steps = WIZARD_STEPS.map(({ id, optional }) => ({ id, optional, ...this.steps[id] }));
    const complete = steps.every((s) => s.status === 'done' || (s.optional && s.status === 'skipped'));
    return { steps, busy: this.busy, complete, store: this.store && { ...this.store }, devices: this.env.currentDevices(), locked };
  }

  /** The id and name IT chose, for the store server's start request (null: none chosen yet). */
  storeChoice(): WizardStoreInput | null {
    return this.store && { ...this.store };
  }

  /** First run: IT names the store; its data folder is created with that id. */
  async chooseStore(input: unknown): Promise<WizardState> {
    const choice = parseStoreInput(input);
    if (this.steps.store.status === 'done') throw new WizardInputError(`this station already holds store ${this.store?.storeId ?? ''}: its id cannot change`.trim());
    this.assertIdle();
    this.store = choice;
    return this.run('store', async () => {
      let created: WizardStoreInput;
      try {
        created = await this.env.createStore(choice);
      } catch (error) {
        // Not kept: the next start must not try the refused choice again.
        this.store = null;
        throw error;
      }
      this.store = created;
      return `store ${created.storeId} (${created.name})`;
    });
  }

  /** The store server runs on a data folder that was there already (made by `omnistation init`,
   * or by an earlier run): its store is the one, and the step is done. */
  adoptStore(store: WizardStoreInput): void {
    if (this.steps.store.status === 'done' && this.store?.storeId === store.storeId && this.store.name === store.name) return;
    const existed = this.steps.store.status !== 'done' && this.busy !== 'store';
    this.store = { storeId: store.storeId, name: store.name };
    if (this.busy !== 'store') this.set('store', 'done', `store ${store.storeId} (${store.name})${existed ? ', data folder already there' : ''}`);
  }

  async register(input: unknown): Promise<WizardState> {
    const parsed = parseRegisterInput(input);
    this.assertStore();
    if (this.steps.register.status === 'done') throw new WizardInputError('this store is already registered');
    return this.run('register', async () => {
      const { storeId } = await this.env.actions.register(parsed);
      return `store ${storeId} registered with ${parsed.centralUrl}`;
    });
  }

  async setCredentials(input: unknown): Promise<WizardState> {
    const { pin, passphrase } = parseCredentialsInput(input);
    this.assertStore();
    return this.run('credentials', async () => {
      await this.env.actions.setStaffPin(pin);
      this.env.saveAdminPassphraseHash(await hashAdminPassphrase(passphrase));
      return 'staff PIN and admin passphrase set';
    });
  }

  async configureDevices(input: unknown): Promise<WizardState> {
    const devices = parseDevicesInput(input);
    return this.run('devices', async () => {
      await this.env.saveDevices(devices);
      const readers = devices.readers.length === 0 ? 'no RFID readers' : `${devices.readers.length} reader type(s)`;
      return `BLE radio ${devices.radio ? 'on' : 'off'}, ${readers}`;
    });
  }

  async importCatalogue(): Promise<WizardState> {
    this.assertIdle();
    this.assertStore();
    const file = await this.env.pickCatalogueFile();
    if (!file) return this.state();
    return this.run('catalogue', async () => {
      const result = await this.env.actions.importCatalogue(file, (done, total) =>
        this.env.onProgress?.({ step: 'catalogue', done, total, message: `${done} rows read` }),
      );
      return `${result.products} products (${result.tags} tags) imported`;
    });
  }

  async printLabels(): Promise<WizardState> {
    this.assertIdle();
    if (this.steps.catalogue.status !== 'done') throw new WizardInputError('import the catalogue before printing labels');
    const chosen = await this.env.pickLabelsFile();
    if (!chosen) return this.state();
    const file = /\.pdf$/i.test(chosen) ? chosen : `${chosen}.pdf`;
    return this.run('labels', async () => {
      const result = await this.env.actions.writeLabels(file);
      await this.env.openFile(file);
      return `${result.labels} labels on ${result.pages} page(s)`;
    });
  }

  skip(input: unknown): WizardState {
    const step = parseStep(input);
    if (!WIZARD_STEPS.find((s) => s.id === step)!.optional) throw new WizardInputError(`the ${step} step cannot be skipped`);
    if (this.steps[step].status !== 'done') this.set(step, 'skipped', null);
    return this.state();
  }

  finish(): WizardState {
    const state = this.state();
    if (!state.complete) {
      const missing = state.steps.filter((s) => s.status !== 'done' && !(s.optional && s.status === 'skipped')).map((s) => s.id);
      throw new WizardInputError(`still to do: ${missing.join(', ')}`);
    }
    return state;
  }

  private async run(step: WizardStepId, work: () => Promise<string>): Promise<WizardState> {
    this.assertIdle();
    this.busy = step;
    try {
      this.set(step, 'done', await work());
    } catch (error) {
      this.set(step, 'failed', (error as Error).message);
    } finally {
      this.busy = null;
    }
    return this.state();
  }

  private assertIdle(): void {
    if (this.busy) throw new WizardInputError(`the ${this.busy} step is still running`);
  }

  private assertStore(): void {
    if (this.steps.store.status !== 'done') throw new WizardInputError('create the store first (its id and name)');
  }

  private set(step: WizardStepId, status: WizardStepStatus, detail: string | null): void {
    this.steps[step] = { status, detail };
    const tmp = `${this.env.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...this.steps, storeChoice: this.store }, null, 2));
    renameSync(tmp, this.env.stateFile);
  }

  private load(): Persisted {
    const fresh = Object.fromEntries(WIZARD_STEPS.map((s) => [s.id, { status: 'pending', detail: null }])) as Persisted;
    if (!existsSync(this.env.stateFile)) return fresh;
    try {
      const stored = JSON.parse(readFileSync(this.env.stateFile, 'utf8')) as Partial<Persisted> & { storeChoice?: unknown };
      for (const { id } of WIZARD_STEPS) {
        const entry = stored[id];
        if (entry && ['pending', 'done', 'skipped', 'failed'].includes(entry.status)) fresh[id] = { status: entry.status, detail: entry.detail ?? null };
      }
      try {
        if (stored.storeChoice) this.store = parseStoreInput(stored.storeChoice);
      } catch {
        // A hand-edited choice that no longer validates is asked for again.
      }
    } catch {
      // A damaged progress file only means doing the wizard again.
    }
    return fresh;
  }
}
