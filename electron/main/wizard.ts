// Runs in: main. IT's first-run wizard as a plain state machine: which steps exist, which may be
// skipped, what each accepts (the page is untrusted: every input is checked here), and where the
// progress is kept so a station switched off mid-wizard resumes at the same step.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type {
  WizardProgress,
  WizardReaderChoice,
  WizardRegisterInput,
  WizardState,
  WizardStepId,
  WizardStepStatus,
} from '../shared/bridge-api.js';

export const WIZARD_STEPS: readonly { id: WizardStepId; optional: boolean }[] = [
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
  /** Seals the admin passphrase's hash (safeStorage store). */
  saveAdminPassphraseHash(hash: string): void;
  /** Writes the readers into the shell config and reopens the reader hub. */
  saveReaders(readers: WizardReaderChoice[]): Promise<void>;
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
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** `scrypt$N$r$p$salt$hash`, all the parameters kept so they can be raised later. */
export function hashAdminPassphrase(passphrase: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(passphrase.normalize('NFC'), salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export function verifyAdminPassphrase(passphrase: string, stored: string): boolean {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(passphrase.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

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

export function parseReaderChoices(input: unknown): WizardReaderChoice[] {
  if (!Array.isArray(input) || input.length > 16) throw new WizardInputError('pick up to 16 readers');
  return input.map((choice) => {
    const id = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
    if (!isRecord(choice) || !id(choice.vendorId) || !id(choice.productId) || (choice.mode !== 'keyboard-wedge' && choice.mode !== 'raw')) {
      throw new WizardInputError('a reader needs a vendor id, a product id (0-65535) and a mode');
    }
    return { vendorId: choice.vendorId as number, productId: choice.productId as number, mode: choice.mode };
  });
}

export function parseStep(input: unknown): WizardStepId {
  const step = WIZARD_STEPS.find((s) => s.id === input);
  if (!step) throw new WizardInputError('no such wizard step');
  return step.id;
}

export class Wizard {
  private steps: Persisted;
  private busy: WizardStepId | null = null;

  constructor(private readonly env: WizardEnvironment) {
    this.steps = this.load();
  }

  state(): WizardState {
    const steps = WIZARD_STEPS.map(({ id, optional }) => ({ id, optional, ...this.steps[id] }));
    const complete = steps.every((s) => s.status === 'done' || (s.optional && s.status === 'skipped'));
    return { steps, busy: this.busy, complete };
  }

  async register(input: unknown): Promise<WizardState> {
    const parsed = parseRegisterInput(input);
    if (this.steps.register.status === 'done') throw new WizardInputError('this store is already registered');
    return this.run('register', async () => {
      const { storeId } = await this.env.actions.register(parsed);
      return `store ${storeId} registered with ${parsed.centralUrl}`;
    });
  }

  async setCredentials(input: unknown): Promise<WizardState> {
    const { pin, passphrase } = parseCredentialsInput(input);
    return this.run('credentials', async () => {
      await this.env.actions.setStaffPin(pin);
      this.env.saveAdminPassphraseHash(hashAdminPassphrase(passphrase));
      return 'staff PIN and admin passphrase set';
    });
  }

  async configureDevices(input: unknown): Promise<WizardState> {
    const readers = parseReaderChoices(input);
    return this.run('devices', async () => {
      await this.env.saveReaders(readers);
      return readers.length === 0 ? 'no RFID readers configured' : `${readers.length} reader type(s) configured`;
    });
  }

  async importCatalogue(): Promise<WizardState> {
    this.assertIdle();
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

  private set(step: WizardStepId, status: WizardStepStatus, detail: string | null): void {
    this.steps[step] = { status, detail };
    const tmp = `${this.env.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.steps, null, 2));
    renameSync(tmp, this.env.stateFile);
  }

  private load(): Persisted {
    const fresh = Object.fromEntries(WIZARD_STEPS.map((s) => [s.id, { status: 'pending', detail: null }])) as Persisted;
    if (!existsSync(this.env.stateFile)) return fresh;
    try {
      const stored = JSON.parse(readFileSync(this.env.stateFile, 'utf8')) as Partial<Persisted>;
      for (const { id } of WIZARD_STEPS) {
        const entry = stored[id];
        if (entry && ['pending', 'done', 'skipped', 'failed'].includes(entry.status)) fresh[id] = { status: entry.status, detail: entry.detail ?? null };
      }
    } catch {
      // A damaged progress file only means doing the wizard again.
    }
    return fresh;
  }
}
