// Runs in: main and preload (bundled into each); the renderer may `import type` from it only.
// The one declaration of what the desktop shell exposes to its pages. The preload script's object
// `satisfies BridgeApi` and the main process answers the same channels, so the three sides cannot
// drift apart. No imports: the renderer's type-check must be able to read this file on its own.

/** What the utility process hosting the store server is doing, for the monitor's status bar. */
export type StoreServerState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

export interface StoreServerStatus {
  state: StoreServerState;
  /** Loopback URL of the store server once it listens. */
  url: string | null;
  /** Unexpected exits since the shell started. */
  restarts: number;
  /** Failures in a row of the current incident (0 while it runs): the try now due is this one;
   * past `maxAttempts` the host gives up (`failed`). */
  attempt: number;
  maxAttempts: number;
  /** When the next restart is due (ms since epoch), while `restarting`. */
  nextRestartAt: number | null;
  lastExit: { code: number | null; at: number; reason: string } | null;
}

export type RadioStatusState = 'starting' | 'scanning' | 'unavailable' | 'powered-off' | 'stopped' | 'absent';

export interface DeviceStatus {
  /** `enabled` false: IT turned the BLE radio off in the station settings. */
  radio: { state: RadioStatusState; detail: string | null; advertsSeen: number; enabled: boolean };
  readers: {
    /** Why no reader can be seen (driver missing), else null. */
    detail: string | null;
    connected: { id: string; product: string | null; vendorId: number; productId: number; mode: 'keyboard-wedge' | 'raw'; taps: number }[];
    /** The last read that was a tag id (the wizard's live test shows it). */
    lastRead: { readerId: string; text: string; tag: string; at: number } | null;
    /** The last read that was no tag id, or a reader that failed. */
    lastIssue: { readerId: string | null; message: string; text: string | null; at: number } | null;
  };
}

export interface KioskInfo {
  /** True when this window runs locked full-screen (kiosk mode). */
  locked: boolean;
  /** Which display the window sits on, as the OS names it. */
  displayLabel: string;
}

export interface ShellInfo {
  appVersion: string;
  platform: 'win32' | 'darwin' | 'linux' | 'other';
  packaged: boolean;
  updateChannel: string;
}

export type WizardStepId = 'store' | 'register' | 'credentials' | 'devices' | 'catalogue' | 'labels';
export type WizardStepStatus = 'pending' | 'done' | 'skipped' | 'failed';

/** Every message the main process sends the shell's pages: the page puts it in words (Korean or
 * English), so the main process never picks a language. A test checks each code has both. */
export const SHELL_MESSAGE_CODES = [
  // The page's input, checked again in the main process.
  'input.required',
  'input.tooLong',
  'register.missing',
  'register.badUrl',
  'register.badScheme',
  'register.already',
  'register.failed',
  'store.missing',
  'store.badId',
  'store.badName',
  'store.fixed',
  'store.first',
  'credentials.missing',
  'pin.format',
  'pin.easy',
  'pin.differ',
  'passphrase.short',
  'passphrase.long',
  'passphrase.containsPin',
  'passphrase.differ',
  'devices.missing',
  'readers.tooMany',
  'readers.badIds',
  'readers.badFormat',
  'readers.duplicate',
  'step.unknown',
  'step.notOptional',
  'step.running',
  'wizard.incomplete',
  'catalogue.first',
  'catalogue.invalid',
  'catalogue.empty',
  'labels.emptyCatalogue',
  // What a finished step did.
  'done.store',
  'done.storeExisting',
  'done.register',
  'done.credentials',
  'done.devicesRadioOn',
  'done.devicesRadioOff',
  'done.catalogue',
  'done.labels',
  // The store server and the shell.
  'server.notRunning',
  'server.gone',
  'server.startFailed',
  'admin.locked',
  'admin.wrong',
  'admin.throttled',
  'admin.notSet',
  'ipc.refused',
  'kiosk.notFound',
  'kiosk.exists',
  'kiosk.badInput',
  // The live test of a reader or the radio.
  'test.busy',
  'reader.notFound',
  'reader.driver',
  'reader.noTap',
  'reader.notTag',
  'radio.unavailable',
  'radio.driver',
  // Anything else: its English reason, shown as it is.
  'error.other',
] as const;

export type ShellMessageCode = (typeof SHELL_MESSAGE_CODES)[number];

/** A message for a page: a code and the values its words take. A value under `field`, `step`,
 * `action` or `state` is itself a code the page translates (e.g. step `devices`). */
export interface ShellMessage {
  code: ShellMessageCode;
  params: Record<string, string | number>;
}

/** An invoke that fails rejects with an Error whose message ends in this mark and the
 * ShellMessage as JSON (Electron passes only the message string across). */
export const SHELL_MESSAGE_MARK = 'omnistation-message:';

export interface WizardState {
  /** `detail` is the English line for the log; `message` is what the page shows, in its language. */
  steps: { id: WizardStepId; status: WizardStepStatus; optional: boolean; detail: string | null; message: ShellMessage | null }[];
  /** The step running now (registration, import or labels take a while). */
  busy: WizardStepId | null;
  /** Every required step done and the others done or skipped: the station can open. */
  complete: boolean;
  /** The store this station holds, once its data folder exists (or is being created). */
  store: { storeId: string; name: string } | null;
  /** The device settings in force now (station-config.json). */
  devices: WizardDevicesInput;
  /** An admin passphrase exists and this window has not been unlocked with it: every step but
   * `state` and `unlock` is refused. */
  locked: boolean;
}

export interface WizardStoreInput {
  /** 4-32 characters of A-Z, 0-9 and - (as `omnistation init --store-id`); printed on labels. */
  storeId: string;
  name: string;
}

export interface WizardRegisterInput {
  centralUrl: string;
  adminToken: string;
  address: string;
}

export interface WizardCredentialsInput {
  pin: string;
  pinConfirm: string;
  passphrase: string;
  passphraseConfirm: string;
}

export interface WizardReaderChoice {
  vendorId: number;
  productId: number;
  mode: 'keyboard-wedge' | 'raw';
  /** How a keyboard-wedge reader prints card ids (see `--reader VID:PID:mode:format`). */
  format: 'hex' | 'decimal' | 'auto';
}

export interface WizardDevicesInput {
  /** The BLE radio (presence of shoppers' phones) on or off. */
  radio: boolean;
  readers: WizardReaderChoice[];
}

export interface AdminStatus {
  /** A passphrase exists (set in the wizard). */
  set: boolean;
  /** This window may do IT's actions now (always true while no passphrase exists). */
  unlocked: boolean;
  until: number | null;
}

export type AdminUnlockResult =
  | { ok: true; until: number }
  /** `throttled`: too many wrong guesses, try again at `retryAt`. */
  | { ok: false; reason: 'wrong' | 'throttled' | 'not-set'; retryAt: number | null };

/** The live test of one reader before it is saved: the first card held to it, decoded. */
export type ReaderTestResult =
  | { ok: true; readerId: string; product: string | null; text: string; tag: string; at: number }
  | { ok: false; message: ShellMessage };

/** The live test of the radio: adverts seen over a few seconds. */
export type RadioTestResult =
  | { ok: true; state: RadioStatusState; adverts: number; seconds: number; perSecond: number }
  | { ok: false; state: RadioStatusState; message: ShellMessage };

/** A kiosk enrolment link made by IT from the monitor (re-link an existing kiosk, or enrol a new
 * one when `name` is given), each time with the admin passphrase. */
export interface AdminKioskLinkInput {
  passphrase: string;
  kioskId: string;
  name?: string;
  readerIds?: string[];
}

export type AdminKioskLinkResult =
  | { ok: true; kioskId: string; name: string | null; link: string }
  | { ok: false; reason: 'wrong' | 'throttled' | 'not-set'; retryAt: number | null }
  | { ok: false; reason: 'failed'; message: ShellMessage };

export interface WizardProgress {
  step: WizardStepId;
  done: number;
  /** Null while the total is unknown. */
  total: number | null;
  message: string;
}

export type Unsubscribe = () => void;

export interface BridgeApi {
  readonly shell: { info(): Promise<ShellInfo> };
  readonly server: {
    status(): Promise<StoreServerStatus>;
    onStatus(listener: (status: StoreServerStatus) => void): Unsubscribe;
    /** Staff asked for a restart from the monitor after a `failed` state. */
    restart(): Promise<void>;
  };
  readonly devices: {
    status(): Promise<DeviceStatus>;
    onStatus(listener: (status: DeviceStatus) => void): Unsubscribe;
  };
  readonly kiosk: { info(): Promise<KioskInfo> };
  /** The admin passphrase that guards IT's actions (monitor and wizard windows). */
  readonly admin: {
    status(): Promise<AdminStatus>;
    unlock(passphrase: string): Promise<AdminUnlockResult>;
    lock(): Promise<AdminStatus>;
    /** Opens the wizard again (it asks for the passphrase itself before changing anything). */
    openWizard(): Promise<void>;
    /** A kiosk enrolment link, made only with the admin passphrase typed for this one action. */
    kioskLink(input: AdminKioskLinkInput): Promise<AdminKioskLinkResult>;
  };
  /** IT's first-run wizard (its own window only). */
  readonly wizard: {
    state(): Promise<WizardState>;
    /** Creates the store's data folder with this id and name (first run only). */
    chooseStore(input: WizardStoreInput): Promise<WizardState>;
    register(input: WizardRegisterInput): Promise<WizardState>;
    setCredentials(input: WizardCredentialsInput): Promise<WizardState>;
    /** Saves the radio and readers and opens them at once; devices.status is the live test. */
    configureDevices(input: WizardDevicesInput): Promise<WizardState>;
    /** Opens this reader (or watches it, when already open) until a card is held to it. */
    testReader(input: WizardReaderChoice): Promise<ReaderTestResult>;
    /** Counts the radio's adverts for a few seconds (turning it on for the test if it is off). */
    testRadio(): Promise<RadioTestResult>;
    /** Asks IT for the file in a system dialog, then imports it all or nothing. */
    importCatalogue(): Promise<WizardState>;
    /** Asks where to save the label sheet (PDF), writes it and opens it for printing. */
    printLabels(): Promise<WizardState>;
    skip(step: WizardStepId): Promise<WizardState>;
    /** Closes the wizard and opens the station's windows. */
    finish(): Promise<WizardState>;
    onProgress(listener: (progress: WizardProgress) => void): Unsubscribe;
  };
}

/** The name under which the preload script publishes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'omnistation';

/** IPC channels. Invoke channels answer one request; event channels push to the page. */
export const CHANNELS = {
  shellInfo: 'omnistation:shell:info',
  serverStatus: 'omnistation:server:status',
  serverRestart: 'omnistation:server:restart',
  serverStatusEvent: 'omnistation:server:status-event',
  devicesStatus: 'omnistation:devices:status',
  devicesStatusEvent: 'omnistation:devices:status-event',
  kioskInfo: 'omnistation:kiosk:info',
  adminStatus: 'omnistation:admin:status',
  adminUnlock: 'omnistation:admin:unlock',
  adminLock: 'omnistation:admin:lock',
  adminOpenWizard: 'omnistation:admin:open-wizard',
  adminKioskLink: 'omnistation:admin:kiosk-link',
  wizardStore: 'omnistation:wizard:store',
  wizardState: 'omnistation:wizard:state',
  wizardRegister: 'omnistation:wizard:register',
  wizardCredentials: 'omnistation:wizard:credentials',
  wizardDevices: 'omnistation:wizard:devices',
  wizardTestReader: 'omnistation:wizard:test-reader',
  wizardTestRadio: 'omnistation:wizard:test-radio',
  wizardCatalogue: 'omnistation:wizard:catalogue',
  wizardLabels: 'omnistation:wizard:labels',
  wizardSkip: 'omnistation:wizard:skip',
  wizardFinish: 'omnistation:wizard:finish',
  wizardProgressEvent: 'omnistation:wizard:progress-event',
} as const;

export type InvokeChannel = keyof InvokeResults;

export type EventChannel = typeof CHANNELS.serverStatusEvent | typeof CHANNELS.devicesStatusEvent | typeof CHANNELS.wizardProgressEvent;

/** What each invoke channel answers; the main process's handler table is checked against it. */
export interface InvokeResults {
  [CHANNELS.shellInfo]: ShellInfo;
  [CHANNELS.serverStatus]: StoreServerStatus;
  [CHANNELS.serverRestart]: void;
  [CHANNELS.devicesStatus]: DeviceStatus;
  [CHANNELS.kioskInfo]: KioskInfo;
  [CHANNELS.adminStatus]: AdminStatus;
  [CHANNELS.adminUnlock]: AdminUnlockResult;
  [CHANNELS.adminLock]: AdminStatus;
  [CHANNELS.adminOpenWizard]: void;
  [CHANNELS.adminKioskLink]: AdminKioskLinkResult;
  [CHANNELS.wizardStore]: WizardState;
  [CHANNELS.wizardState]: WizardState;
  [CHANNELS.wizardRegister]: WizardState;
  [CHANNELS.wizardCredentials]: WizardState;
  [CHANNELS.wizardDevices]: WizardState;
  [CHANNELS.wizardTestReader]: ReaderTestResult;
  [CHANNELS.wizardTestRadio]: RadioTestResult;
  [CHANNELS.wizardCatalogue]: WizardState;
  [CHANNELS.wizardLabels]: WizardState;
  [CHANNELS.wizardSkip]: WizardState;
  [CHANNELS.wizardFinish]: WizardState;
}

/** The one argument each invoke channel takes from the page (untrusted: the main process
 * validates it before use). */
export interface InvokeArguments {
  [CHANNELS.shellInfo]: void;
  [CHANNELS.serverStatus]: void;
  [CHANNELS.serverRestart]: void;
  [CHANNELS.devicesStatus]: void;
  [CHANNELS.kioskInfo]: void;
  [CHANNELS.adminStatus]: void;
  [CHANNELS.adminUnlock]: string;
  [CHANNELS.adminLock]: void;
  [CHANNELS.adminOpenWizard]: void;
  [CHANNELS.adminKioskLink]: AdminKioskLinkInput;
  [CHANNELS.wizardStore]: WizardStoreInput;
  [CHANNELS.wizardState]: void;
  [CHANNELS.wizardRegister]: WizardRegisterInput;
  [CHANNELS.wizardCredentials]: WizardCredentialsInput;
  [CHANNELS.wizardDevices]: WizardDevicesInput;
  [CHANNELS.wizardTestReader]: WizardReaderChoice;
  [CHANNELS.wizardTestRadio]: void;
  [CHANNELS.wizardCatalogue]: void;
  [CHANNELS.wizardLabels]: void;
  [CHANNELS.wizardSkip]: WizardStepId;
  [CHANNELS.wizardFinish]: void;
}
