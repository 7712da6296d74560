// Runs in: main. Wires the real Electron modules into the plain modules beside this file; every
// decision lives there (tested under Node), this file only connects them.
import { app, BrowserWindow, crashReporter, dialog, ipcMain, protocol, safeStorage, screen, session, shell, utilityProcess } from 'electron';
import electronUpdater from 'electron-updater';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNELS, type StoreServerStatus, type WizardStoreInput } from '../shared/bridge-api.js';
import type { StartRequest, UtilityToMain } from '../shared/utility-messages.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.js';
import { AdminGate } from './admin-gate.js';
import { configOfDevices, devicesOfConfig, loadShellConfig, saveShellConfigPatch } from './config.js';
import { MainDeviceBridge } from './device-bridge.js';
import { DeviceLiveTest } from './device-test.js';
import { registerBridgeHandlers, WindowRegistry, type BridgeHandlers } from './ipc.js';
import { lineSplitter, RotatingLog } from './logs.js';
import { realDeviceFactories } from './real-devices.js';
import { isStationSecretName, SafeStorageSecretStore, SecretStoreUnavailableError } from './secret-store.js';
import { APP_ORIGIN, APP_SCHEME, installPermissionHandlers, lockNavigation, originOf } from './security.js';
import { pageAfterFailedLoad, planStationWindows, reloadsForStatus, runStation, targetUrl } from './startup.js';
import { configureUpdater, UPDATE_CHECK_INTERVAL_MS } from './updater.js';
import { UtilityHost, type UtilityChild } from './utility-host.js';
import { planWizardWindow, type WindowPlan, type WindowRole } from './window-placement.js';
import { createStationWindow, isBlockedKioskShortcut, isOpenWizardShortcut, sessionPartition } from './windows.js';
import { Wizard } from './wizard.js';
import { adminWizardHandlers } from './wizard-handlers.js';
import { UtilityWizardActions } from './wizard-client.js';

const here = dirname(fileURLToPath(import.meta.url));
// out/main/ → the app root, inside app.asar when packaged and the checkout in development (where
// `electron out/main/index.js` makes app.getAppPath() point at out/main instead).
const APP_ROOT = join(here, '..', '..');
const PRELOAD = join(here, '../preload/index.cjs');
const UTILITY_ENTRY = join(here, 'store-server.js');
const SHELL_PAGES = join(APP_ROOT, 'electron', 'pages');
const RENDERER_DIR = join(APP_ROOT, 'dist', 'renderer');

// Must happen before 'ready'.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

const userData = app.getPath('userData');
app.setPath('crashDumps', join(userData, 'crashes'));
// Dumps stay on the station; IT collects them from the crashes folder when needed.
crashReporter.start({ uploadToServer: false, compress: true });

const logFile = new RotatingLog({ dir: join(userData, 'logs') });
const log = logFile.for('main');
const CONFIG_FILE = join(userData, 'station-config.json');
const { config, problems } = loadShellConfig(CONFIG_FILE);
for (const problem of problems) log('warn', `station-config.json: ${problem}`);
process.on('uncaughtException', (error) => log('error', `uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => log('error', `unhandled rejection: ${String(reason)}`));

const windows = new Map<WindowRole, { window: BrowserWindow; plan: WindowPlan }>();
const registry = new WindowRegistry();
let serverOrigin: string | null = null;
const stationOrigins = () => (serverOrigin ? [APP_ORIGIN, serverOrigin] : [APP_ORIGIN]);
// The wizard only ever shows its own app:// page.
const wizardOrigins = () => [APP_ORIGIN];

const secrets = new SafeStorageSecretStore(join(userData, 'secrets.sealed.json'), safeStorage, {
  allowWeakBackend: config.allowWeakKeychain,
});
const DATA_DIR = join(userData, 'station');
const ADMIN_HASH_FILE = join(userData, 'admin-passphrase.hash');
/** The store server's data folder exists (its database file, as server/store/station.ts isStation). */
const stationExists = () => existsSync(join(DATA_DIR, 'station.db'));

let adminHash: string | null | undefined;
/** The admin passphrase's hash; fails closed: a hash that exists but cannot be unsealed unlocks
 * nothing (a malformed hash verifies no passphrase). */
function loadAdminHash(): string | null {
  if (adminHash !== undefined) return adminHash;
  let names: string[];
  try {
    names = secrets.names();
  } catch (error) {
    log('error', `sealed secrets unreadable: ${(error as Error).message}`);
    return (adminHash = existsSync(join(userData, 'secrets.sealed.json')) ? 'unreadable' : null);
  }
  if (names.includes('adminPassphrase')) {
    try {
      return (adminHash = secrets.getAny('adminPassphrase')!.toString('utf8'));
    } catch (error) {
      log('error', `admin passphrase hash cannot be unsealed; IT actions stay locked: ${(error as Error).message}`);
      return (adminHash = 'unreadable');
    }
  }
  adminHash = existsSync(ADMIN_HASH_FILE) ? readFileSync(ADMIN_HASH_FILE, 'utf8').trim() || 'unreadable' : null;
  return adminHash;
}
const gate = new AdminGate({ loadHash: loadAdminHash });

function unsealedSecrets(): Record<string, string> | null {
  try {
    secrets.assertAvailable();
    return secrets.unsealAll();
  } catch (error) {
    // The store server then keeps its file store in the data folder (0600), as when headless.
    log('error', `secrets stay in the data folder's file: ${(error as Error).message}`);
    return null;
  }
}

const host: UtilityHost = new UtilityHost({
  fork: () => {
    const child = utilityProcess.fork(UTILITY_ENTRY, [], { serviceName: 'omnistation store server', stdio: 'pipe' });
    const serverLog = logFile.for('store-server');
    for (const [stream, level] of [[child.stdout, 'info'], [child.stderr, 'error']] as const) {
      const lines = lineSplitter((line) => serverLog(level, line));
      stream?.on('data', (chunk: Buffer) => lines.push(chunk));
      stream?.on('end', () => lines.end());
    }
    return child as UtilityChild;
  },
  startRequest: (): StartRequest => {
    const choice = wizard.storeChoice();
    // A first run never makes up a store id: it waits for IT's choice in the wizard.
    if (!choice && wizardActive && !stationExists()) throw new Error('waiting for the store id and name from the setup wizard');
    return {
      dataDir: DATA_DIR,
      port: config.server.port,
      host: config.server.host,
      rendererDir: RENDERER_DIR,
      secrets: unsealedSecrets(),
      storeId: choice?.storeId ?? null,
      storeName: choice?.name ?? null,
    };
  },
  onMessage: (message) => void onUtilityMessage(message),
  log: logFile.for('utility-host'),
});

const devices = new MainDeviceBridge({
  factories: realDeviceFactories(config),
  send: (message) => host.send(message),
  onStatus: (status) => registry.broadcast(CHANNELS.devicesStatusEvent, status),
  log: logFile.for('devices'),
});

const liveTest = new DeviceLiveTest({ bridge: devices, factories: (chosen) => realDeviceFactories(configOfDevices(chosen)), log: logFile.for('devices') });

const wizardActions: UtilityWizardActions = new UtilityWizardActions((message) => host.send(message));
/** The wizard's store step, waiting for the store server to report the new folder's store. */
let storeCreation: { resolve(store: WizardStoreInput): void; reject(error: Error): void } | null = null;
const wizard: Wizard = new Wizard({
  actions: wizardActions,
  stateFile: join(userData, 'wizard-state.json'),
  createStore: () =>
    new Promise<WizardStoreInput>((resolve, reject) => {
      storeCreation = { resolve, reject };
      // startRequest() reads the choice from the wizard.
      if (host.status().state === 'stopped') host.start();
      else host.restartNow();
    }),
  saveAdminPassphraseHash: (hash) => {
    try {
      secrets.setAny('adminPassphrase', Buffer.from(hash));
    } catch (error) {
      if (!(error instanceof SecretStoreUnavailableError)) throw error;
      // A slow salted hash, not a key: without a keychain it may sit in a file only the user reads.
      writeFileSync(ADMIN_HASH_FILE, hash, { mode: 0o600 });
      log('warn', `admin passphrase hash kept in a 0600 file: ${error.message}`);
    }
    adminHash = hash;
  },
  saveDevices: async (chosen) => {
    const before = devicesOfConfig(config);
    const patch = configOfDevices(chosen);
    saveShellConfigPatch(CONFIG_FILE, patch);
    Object.assign(config, patch);
    const factories = realDeviceFactories(config);
    if (before.radio !== chosen.radio) await devices.reopenRadio(factories.radio);
    await devices.reopenReaders(factories.readers);
  },
  currentDevices: () => devicesOfConfig(config),
  pickCatalogueFile: async () => {
    const parent = windows.get('wizard')?.window;
    const options = { title: 'Catalogue file', properties: ['openFile' as const], filters: [{ name: 'Catalogue (CSV or JSON)', extensions: ['csv', 'json'] }] };
    const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  pickLabelsFile: async () => {
    const options = { title: 'Save the label sheet', defaultPath: join(app.getPath('documents'), 'omnistation-labels.pdf'), filters: [{ name: 'PDF', extensions: ['pdf'] }] };
    const parent = windows.get('wizard')?.window;
    const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
  openFile: async (file) => {
    const problem = await shell.openPath(file);
    if (problem) log('warn', `could not open ${file}: ${problem}`);
  },
  onProgress: (progress) => registry.broadcast(CHANNELS.wizardProgressEvent, progress),
});
let wizardActive = !wizard.state().complete;

void runStation({
  app,
  openAtLogin: config.openAtLogin,
  host,
  devices,
  registerHandlers,
  openWindows,
  focus: focusMain,
  closeWindows: () => {
    for (const { window } of windows.values()) window.close();
  },
  onServerStatus,
  // First run on an empty data folder: the store server starts once IT chose the store's id.
  shouldStartServer: () => stationExists() || !wizardActive || wizard.storeChoice() !== null,
  onDisplaysChanged: (listener) => {
    for (const event of ['display-added', 'display-removed', 'display-metrics-changed'] as const) screen.on(event, listener);
  },
  startUpdater,
  log,
}).catch((error: unknown) => {
  log('error', `start-up failed: ${(error as Error).stack ?? String(error)}`);
  dialog.showErrorBox('omnistation could not start', (error as Error).message);
  app.exit(1);
});

function focusMain(): void {
  const entry = windows.get('wizard') ?? windows.get('monitor') ?? windows.get('kiosk');
  if (!entry) return openWindows();
  if (entry.window.isMinimized()) entry.window.restore();
  entry.window.focus();
}

async function onUtilityMessage(message: UtilityToMain): Promise<void> {
  switch (message.type) {
    case 'ready':
      serverOrigin = originOf(message.url);
      devices.replay();
      storeCreation?.resolve({ storeId: message.storeId, name: message.storeName });
      storeCreation = null;
      wizard.adoptStore({ storeId: message.storeId, name: message.storeName });
      // The wizard sets the PIN itself; without it, the generated one must reach IT once.
      if (message.firstRunPin && !wizardActive) {
        await dialog.showMessageBox({
          type: 'info',
          title: 'New store data folder',
          message: `Store ${message.storeId} was created on this station.`,
          detail: `Staff PIN: ${message.firstRunPin}\nWrite it down now: it is not shown again and never logged.`,
        });
      }
      break;
    case 'radio-command':
    case 'hid-command':
      await devices.handle(message);
      break;
    case 'secret-set':
      if (isStationSecretName(message.name)) {
        try {
          secrets.setAny(message.name, Buffer.from(message.value, 'base64'));
        } catch (error) {
          log('error', `could not seal ${message.name}: ${(error as Error).message}`);
        }
      }
      break;
    case 'wizard-progress':
    case 'wizard-result':
      wizardActions.handle(message);
      break;
    default:
      break;
  }
}

function onServerStatus(status: StoreServerStatus): void {
  registry.broadcast(CHANNELS.serverStatusEvent, status);
  if (status.state !== 'running' && status.state !== 'starting') wizardActions.failAll(status.state);
  if (storeCreation && (status.state === 'restarting' || status.state === 'failed')) {
    // The new data folder could not be made (or the server died at once): say why, and do not
    // retry the same choice in a loop.
    storeCreation.reject(new Error(status.lastExit?.reason ?? `the store server is ${status.state}`));
    storeCreation = null;
    void host.halt();
  }
  const showing = [...windows].map(([role, { window }]) => ({ role, url: window.webContents.getURL() }));
  for (const { role, url } of reloadsForStatus(status, showing)) void windows.get(role)?.window.loadURL(url);
}

const preparedSessions = new Set<string>();
function prepareSession(partition: string): void {
  if (preparedSessions.has(partition)) return;
  preparedSessions.add(partition);
  const ses = session.fromPartition(partition);
  installPermissionHandlers(ses, { serverOrigin: () => serverOrigin, cameraPaths: config.cameraPaths });
  ses.protocol.handle(APP_SCHEME, createAppProtocolHandler(SHELL_PAGES));
}

function openWindow(plan: WindowPlan): void {
  prepareSession(sessionPartition(plan.role));
  const window = createStationWindow(BrowserWindow, plan, PRELOAD, app.isPackaged);
  const contents = window.webContents;
  const id = contents.id;
  registry.add(id, plan.role, contents);
  lockNavigation(contents, plan.role === 'wizard' ? wizardOrigins : stationOrigins, (refusal) =>
    log('warn', `${plan.role}: refused ${refusal.kind} to ${refusal.url}`),
  );
  if (plan.kiosk) {
    contents.on('before-input-event', (event, input) => {
      if (isBlockedKioskShortcut(input)) event.preventDefault();
    });
  } else if (plan.role === 'monitor') {
    contents.on('before-input-event', (event, input) => {
      if (!isOpenWizardShortcut(input)) return;
      event.preventDefault();
      openWizardWindow();
    });
  }
  contents.on('did-fail-load', (_event, errorCode, errorDescription, failedUrl, isMainFrame) => {
    // -3 (ERR_ABORTED): this load was replaced by another one, not a failure.
    if (!isMainFrame || errorCode === -3) return;
    const fallback = pageAfterFailedLoad(plan.role, failedUrl, host.status());
    if (!fallback) return;
    log('warn', `${plan.role}: ${failedUrl} did not load (${errorDescription}); showing the shell's page`);
    void window.loadURL(fallback);
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    registry.remove(id);
    gate.lock(id);
    windows.delete(plan.role);
  });
  windows.set(plan.role, { window, plan });
  void window.loadURL(targetUrl(plan.role, host.status()));
}

/** The wizard again, beside the station's windows (it is locked until IT types the passphrase). */
function openWizardWindow(): void {
  const existing = windows.get('wizard');
  if (existing) {
    existing.window.focus();
    return;
  }
  const plan = planWizardWindow(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
  if (plan) openWindow(plan);
}

function openWindows(): void {
  const changes = planStationWindows(wizardActive, screen.getAllDisplays(), screen.getPrimaryDisplay().id, config, [...windows.keys()]);
  for (const note of changes.notes) log('info', `windows: ${note}`);
  for (const role of changes.close) windows.get(role)?.window.close();
  for (const plan of changes.move) {
    const existing = windows.get(plan.role)!;
    existing.window.setBounds(plan.bounds);
    existing.plan = plan;
  }
  for (const plan of changes.open) openWindow(plan);
}

function startUpdater(): void {
  if (!configureUpdater(electronUpdater.autoUpdater, config, app.isPackaged, logFile.for('updater'))) return;
  // Failures are logged by the updater's 'error' listener; the next check retries.
  const check = () => void electronUpdater.autoUpdater.checkForUpdates().catch(() => {});
  check();
  setInterval(check, UPDATE_CHECK_INTERVAL_MS).unref();
}

function registerHandlers(): void {
  const handlers: BridgeHandlers = {
    [CHANNELS.shellInfo]: () => ({
      appVersion: app.getVersion(),
      platform: process.platform === 'win32' || process.platform === 'darwin' || process.platform === 'linux' ? process.platform : 'other',
      packaged: app.isPackaged,
      updateChannel: config.updates.channel,
    }),
    [CHANNELS.serverStatus]: () => host.status(),
    [CHANNELS.serverRestart]: () => host.restartNow(),
    [CHANNELS.devicesStatus]: () => devices.status(),
    [CHANNELS.kioskInfo]: ({ role }) => {
      const entry = windows.get(role);
      return { locked: entry?.plan.kiosk ?? false, displayLabel: entry?.plan.displayLabel ?? '' };
    },
    ...adminWizardHandlers(wizard, gate, {
      // The central client is made when the server starts: restart it to begin syncing.
      registered: () => void host.restart(),
      finished: () => {
        wizardActive = false;
        windows.get('wizard')?.window.close();
        openWindows();
      },
      openWizard: () => openWizardWindow(),
      liveTest,
      kioskLink: (kioskId, name, readerIds) => wizardActions.kioskLink(kioskId, name, readerIds),
    }),
  };
  registerBridgeHandlers(ipcMain, handlers, registry, stationOrigins, (channel, reason) => log('warn', `ipc ${channel} refused: ${reason}`));
  // A station keeps serving phones with its windows closed; a second launch reopens them.
  app.on('window-all-closed', () => {});
}
