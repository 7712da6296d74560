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
import type { ShellMessage, ShellMessageCode } from '../shared/bridge-api.js';
import { hashAdminPassphrase } from './admin-gate.js';
import { messageOf, ShellError, shellMessage } from './shell-message.js';

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

/** Input the wizard refuses: a code and values for the page, English for the log. */
export class WizardInputError extends ShellError {
  constructor(code: ShellMessageCode, english: string, params: Record<string, string | number> = {}) {
    super(code, params, english);
  }
}

/** A step's outcome: the English line for the log and the coded one for the page. */
interface StepOutcome {
  detail: string;
  message: ShellMessage;
}

const outcome = (detail: string, code: ShellMessageCode, params: Record<string, string | number> = {}): StepOutcome => ({ detail, message: shellMessage(code, params) });

type Persisted = Record<WizardStepId, { status: WizardStepStatus; detail: string | null; message: ShellMessage | null }>;

const ADMIN_PASSPHRASE_MIN = 12;
/** The same rule as `omnistation init --store-id` (server/protocol/label.ts STORE_ID_PATTERN). */
export const STORE_ID_PATTERN = /^[A-Z0-9-]{4,32}$/;
const STORE_NAME_MAX = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(input: Record<string, unknown>, key: string, max = 512): string {
  const value = input[key];
  if (typeof value !== 'string' || value.trim().length === 0) throw new WizardInputError('input.required', `${key} is required`, { field: key });
  if (value.length > max) throw new WizardInputError('input.tooLong', `${key} is too long`, { field: key });
  return value.trim();
}

export function parseRegisterInput(input: unknown): WizardRegisterInput {
  if (!isRecord(input)) throw new WizardInputError('register.missing', 'registration details are missing');
  const centralUrl = text(input, 'centralUrl', 2048);
  let url: URL;
  try {
    url = new URL(centralUrl);
  } catch {
    throw new WizardInputError('register.badUrl', 'the central service address is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WizardInputError('register.badScheme', 'the central service address must be http(s)://');
  return { centralUrl: url.origin, adminToken: text(input, 'adminToken', 4096), address: text(input, 'address', 300) };
}

export function parseStoreInput(input: unknown): WizardStoreInput {
  if (!isRecord(input)) throw new WizardInputError('store.missing', 'the store id and name are missing');
  const storeId = text(input, 'storeId', 64);
  if (!STORE_ID_PATTERN.test(storeId)) throw new WizardInputError('store.badId', 'the store id must be 4-32 characters of A-Z, 0-9 and - (e.g. SEOUL-GANGNAM-01)');
  const name = text(input, 'name', STORE_NAME_MAX);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new WizardInputError('store.badName', 'the store name must be one line of text');
  return { storeId, name: name.normalize('NFC') };
}

export function parseCredentialsInput(input: unknown): { pin: string; passphrase: string } {
  if (!isRecord(input)) throw new WizardInputError('credentials.missing', 'the PIN and passphrase are missing');
  // Not trimmed: a PIN or passphrase is exactly what was typed.
  const raw = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
  const pin = raw('pin');
  if (!/^[0-9]{4,12}$/.test(pin)) throw new WizardInputError('pin.format', 'the staff PIN must be 4-12 digits');
  if (/^(\d)\1+$/.test(pin) || '0123456789012'.includes(pin) || '9876543210987'.includes(pin)) {
    throw new WizardInputError('pin.easy', 'the staff PIN is too easy to guess');
  }
  if (raw('pinConfirm') !== pin) throw new WizardInputError('pin.differ', 'the two PINs differ');
  const passphrase = raw('passphrase');
  if (passphrase.length < ADMIN_PASSPHRASE_MIN) throw new WizardInputError('passphrase.short', `the admin passphrase needs at least ${ADMIN_PASSPHRASE_MIN} characters`, { min: ADMIN_PASSPHRASE_MIN });
  if (passphrase.length > 1024) throw new WizardInputError('passphrase.long', 'the admin passphrase is too long');
  if (passphrase.includes(pin)) throw new WizardInputError('passphrase.containsPin', 'the admin passphrase must not contain the staff PIN');
  if (raw('passphraseConfirm') !== passphrase) throw new WizardInputError('passphrase.differ', 'the two passphrases differ');
  return { pin, passphrase };
}

const CARD_FORMATS = ['hex', 'decimal', 'auto'] as const;

export function parseReaderChoices(input: unknown): WizardReaderChoice[] {
  if (!Array.isArray(input) || input.length > 16) throw new WizardInputError('readers.tooMany', 'pick up to 16 readers', { max: 16 });
  const readers = input.map((choice) => {
    const id = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
    if (!isRecord(choice) || !id(choice.vendorId) || !id(choice.productId) || (choice.mode !== 'keyboard-wedge' && choice.mode !== 'raw')) {
      throw new WizardInputError('readers.badIds', 'a reader needs a vendor id, a product id (0000-ffff) and a mode');
    }
    const format = choice.format ?? 'auto';
    if (!CARD_FORMATS.includes(format as WizardReaderChoice['format'])) throw new WizardInputError('readers.badFormat', 'a reader\'s card format is hex, decimal or auto');
    return { vendorId: choice.vendorId as number, productId: choice.productId as number, mode: choice.mode as WizardReaderChoice['mode'], format: format as WizardReaderChoice['format'] };
  });
  const keys = readers.map((r) => `${r.vendorId}:${r.productId}`);
  if (new Set(keys).size !== keys.length) throw new WizardInputError('readers.duplicate', 'the same reader (vendor and product id) is listed twice');
  return readers;
}

export function parseDevicesInput(input: unknown): WizardDevicesInput {
  if (!isRecord(input) || typeof input.radio !== 'boolean') throw new WizardInputError('devices.missing', 'say whether the BLE radio is on, and which readers to open');
  return { radio: input.radio, readers: parseReaderChoices(input.readers) };
}

export function parseStep(input: unknown): WizardStepId {
  const step = WIZARD_STEPS.find((s) => s.id === input);
  if (!step) throw new WizardInputError('step.unknown', 'no such wizard step');
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
    if (this.steps.store.status === 'done') throw new WizardInputError('store.fixed', `this station already holds store ${this.store?.storeId ?? ''}: its id cannot change`.trim(), { id: this.store?.storeId ?? '' });
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
      return outcome(`store ${created.storeId} (${created.name})`, 'done.store', { id: created.storeId, name: created.name });
    });
  }

  /** The store server runs on a data folder that was there already (made by `omnistation init`,
   * or by an earlier run): its store is the one, and the step is done. */
  adoptStore(store: WizardStoreInput): void {
    if (this.steps.store.status === 'done' && this.store?.storeId === store.storeId && this.store.name === store.name) return;
    const existed = this.steps.store.status !== 'done' && this.busy !== 'store';
    this.store = { storeId: store.storeId, name: store.name };
    if (this.busy !== 'store') {
      const params = { id: store.storeId, name: store.name };
      const result = existed
        ? outcome(`store ${store.storeId} (${store.name}), data folder already there`, 'done.storeExisting', params)
        : outcome(`store ${store.storeId} (${store.name})`, 'done.store', params);
      this.set('store', 'done', result);
    }
  }

  async register(input: unknown): Promise<WizardState> {
    const parsed = parseRegisterInput(input);
    this.assertStore();
    if (this.steps.register.status === 'done') throw new WizardInputError('register.already', 'this store is already registered');
    return this.run('register', async () => {
      const { storeId } = await this.env.actions.register(parsed);
      return outcome(`store ${storeId} registered with ${parsed.centralUrl}`, 'done.register', { id: storeId, url: parsed.centralUrl });
    });
  }

  async setCredentials(input: unknown): Promise<WizardState> {
    const { pin, passphrase } = parseCredentialsInput(input);
    this.assertStore();
    return this.run('credentials', async () => {
      await this.env.actions.setStaffPin(pin);
      this.env.saveAdminPassphraseHash(await hashAdminPassphrase(passphrase));
      return outcome('staff PIN and admin passphrase set', 'done.credentials');
    });
  }

  async configureDevices(input: unknown): Promise<WizardState> {
    const devices = parseDevicesInput(input);
    return this.run('devices', async () => {
      await this.env.saveDevices(devices);
      const readers = devices.readers.length === 0 ? 'no RFID readers' : `${devices.readers.length} reader type(s)`;
      return outcome(`BLE radio ${devices.radio ? 'on' : 'off'}, ${readers}`, devices.radio ? 'done.devicesRadioOn' : 'done.devicesRadioOff', {
        readers: devices.readers.length,
      });
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
      return outcome(`${result.products} products (${result.tags} tags) imported`, 'done.catalogue', { products: result.products, tags: result.tags });
    });
  }

  async printLabels(): Promise<WizardState> {
    this.assertIdle();
    if (this.steps.catalogue.status !== 'done') throw new WizardInputError('catalogue.first', 'import the catalogue before printing labels');
    const chosen = await this.env.pickLabelsFile();
    if (!chosen) return this.state();
    const file = /\.pdf$/i.test(chosen) ? chosen : `${chosen}.pdf`;
    return this.run('labels', async () => {
      const result = await this.env.actions.writeLabels(file);
      await this.env.openFile(file);
      return outcome(`${result.labels} labels on ${result.pages} page(s)`, 'done.labels', { labels: result.labels, pages: result.pages });
    });
  }

  skip(input: unknown): WizardState {
    const step = parseStep(input);
    if (!WIZARD_STEPS.find((s) => s.id === step)!.optional) throw new WizardInputError('step.notOptional', `the ${step} step cannot be skipped`, { step });
    if (this.steps[step].status !== 'done') this.set(step, 'skipped', null);
    return this.state();
  }

  finish(): WizardState {
    const state = this.state();
    if (!state.complete) {
      const missing = state.steps.filter((s) => s.status !== 'done' && !(s.optional && s.status === 'skipped')).map((s) => s.id);
      throw new WizardInputError('wizard.incomplete', `still to do: ${missing.join(', ')}`, { steps: missing.join(',') });
    }
    return state;
  }

  private async run(step: WizardStepId, work: () => Promise<StepOutcome>): Promise<WizardState> {
    this.assertIdle();
    this.busy = step;
    try {
      this.set(step, 'done', await work());
    } catch (error) {
      this.set(step, 'failed', { detail: (error as Error).message, message: messageOf(error) });
    } finally {
      this.busy = null;
    }
    return this.state();
  }

  private assertIdle(): void {
    if (this.busy) throw new WizardInputError('step.running', `the ${this.busy} step is still running`, { step: this.busy });
  }

  private assertStore(): void {
    if (this.steps.store.status !== 'done') throw new WizardInputError('store.first', 'create the store first (its id and name)');
  }

  private set(step: WizardStepId, status: WizardStepStatus, result: StepOutcome | { detail: string; message: ShellMessage } | null): void {
    this.steps[step] = { status, detail: result?.detail ?? null, message: result?.message ?? null };
    const tmp = `${this.env.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...this.steps, storeChoice: this.store }, null, 2));
    renameSync(tmp, this.env.stateFile);
  }

  private load(): Persisted {
    const fresh = Object.fromEntries(WIZARD_STEPS.map((s) => [s.id, { status: 'pending', detail: null, message: null }])) as Persisted;
    if (!existsSync(this.env.stateFile)) return fresh;
    try {
      const stored = JSON.parse(readFileSync(this.env.stateFile, 'utf8')) as Partial<Persisted> & { storeChoice?: unknown };
      for (const { id } of WIZARD_STEPS) {
        const entry = stored[id];
        if (entry && ['pending', 'done', 'skipped', 'failed'].includes(entry.status)) {
          // A progress file from before coded messages has English only: the page shows that.
          const message = isRecord(entry.message) && typeof entry.message.code === 'string' && isRecord(entry.message.params) ? entry.message : null;
          fresh[id] = { status: entry.status, detail: entry.detail ?? null, message };
        }
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
