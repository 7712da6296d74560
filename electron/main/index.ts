// Runs in: main. Wires the real Electron modules into the plain modules beside this file; every
// decision lives there (tested under Node), this file only connects them.
import { app, BrowserWindow, crashReporter, dialog, ipcMain, protocol, safeStorage, screen, session, shell, utilityProcess } from 'electron';
import electronUpdater from 'electron-updater';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeHidReaderHub } from '../../server/store/devices/hid/node-hid-readers.js';
import { CHANNELS, type StoreServerStatus } from '../shared/bridge-api.js';
import type { UtilityToMain } from '../shared/utility-messages.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, shellPageUrl } from './app-protocol.js';
import { loadShellConfig, saveShellConfigPatch } from './config.js';
import { MainDeviceBridge } from './device-bridge.js';
import { registerBridgeHandlers, WindowRegistry, type BridgeHandlers } from './ipc.js';
import { applyStartAtLogin, claimSingleInstance, installGracefulQuit } from './lifecycle.js';
import { lineSplitter, RotatingLog } from './logs.js';
import { realDeviceFactories } from './real-devices.js';
import { isStationSecretName, SafeStorageSecretStore, SecretStoreUnavailableError } from './secret-store.js';
import { APP_ORIGIN, APP_SCHEME, installPermissionHandlers, lockNavigation, originOf } from './security.js';
import { configureUpdater, UPDATE_CHECK_INTERVAL_MS } from './updater.js';
import { UtilityHost, type UtilityChild } from './utility-host.js';
import { planWindows, planWizardWindow, type WindowPlan, type WindowRole } from './window-placement.js';
import { createStationWindow, isBlockedKioskShortcut, pageUrl, sessionPartition } from './windows.js';
import { Wizard } from './wizard.js';
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

const host = new UtilityHost({
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
  startRequest: () => ({
    dataDir: join(userData, 'station'),
    port: config.server.port,
    host: config.server.host,
    rendererDir: RENDERER_DIR,
    secrets: unsealedSecrets(),
    storeId: null,
  }),
  onMessage: (message) => void onUtilityMessage(message),
  log: logFile.for('utility-host'),
});

const devices = new MainDeviceBridge({
  factories: realDeviceFactories(config),
  send: (message) => host.send(message),
  onStatus: (status) => registry.broadcast(CHANNELS.devicesStatusEvent, status),
  log: logFile.for('devices'),
});

const wizardActions = new UtilityWizardActions((message) => host.send(message));
const wizard = new Wizard({
  actions: wizardActions,
  stateFile: join(userData, 'wizard-state.json'),
  saveAdminPassphraseHash: (hash) => {
    try {
      secrets.setAny('adminPassphrase', Buffer.from(hash));
    } catch (error) {
      if (!(error instanceof SecretStoreUnavailableError)) throw error;
      // A slow salted hash, not a key: without a keychain it may sit in a file only the user reads.
      writeFileSync(join(userData, 'admin-passphrase.hash'), hash, { mode: 0o600 });
      log('warn', `admin passphrase hash kept in a 0600 file: ${error.message}`);
    }
  },
  saveReaders: async (readers) => {
    saveShellConfigPatch(CONFIG_FILE, { readers });
    config.readers = readers;
    await devices.reopenReaders(() => new NodeHidReaderHub({ matchers: readers }));
  },
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

if (!claimSingleInstance(app, () => focusMain())) {
  app.quit();
} else {
  void start().catch((error: unknown) => {
    log('error', `start-up failed: ${(error as Error).stack ?? String(error)}`);
    dialog.showErrorBox('omnistation could not start', (error as Error).message);
    app.exit(1);
  });
}

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

function targetUrl(role: WindowRole, status: StoreServerStatus): string {
  if (role === 'wizard') return `${APP_ORIGIN}/wizard.html`;
  if (status.state === 'running' && status.url) return pageUrl(role, status.url);
  return shellPageUrl(status.state === 'failed' ? 'failed' : 'starting');
}

function onServerStatus(status: StoreServerStatus): void {
  registry.broadcast(CHANNELS.serverStatusEvent, status);
  if (status.state !== 'running' && status.state !== 'starting') wizardActions.failAll(`the store server is ${status.state}`);
  for (const [role, { window }] of windows) {
    if (role === 'wizard') continue;
    const current = window.webContents.getURL();
    // A restarting server keeps its page: the page reconnects by itself when the server is back.
    const showingShellPage = current === '' || current.startsWith(`${APP_SCHEME}:`);
    if (status.state === 'running' ? showingShellPage : status.state === 'failed') void window.loadURL(targetUrl(role, status));
  }
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
  }
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    registry.remove(id);
    windows.delete(plan.role);
  });
  windows.set(plan.role, { window, plan });
  void window.loadURL(targetUrl(plan.role, host.status()));
}

function openWindows(): void {
  const displays = screen.getAllDisplays();
  const primary = screen.getPrimaryDisplay().id;
  if (wizardActive) {
    const plan = planWizardWindow(displays, primary);
    if (plan && !windows.has('wizard')) openWindow(plan);
    return;
  }
  const { windows: plans, notes } = planWindows(displays, primary, config);
  for (const note of notes) log('info', `windows: ${note}`);
  for (const [role, entry] of windows) {
    if (!plans.some((plan) => plan.role === role)) entry.window.close();
  }
  for (const plan of plans) {
    const existing = windows.get(plan.role);
    if (existing) {
      existing.window.setBounds(plan.bounds);
      existing.plan = plan;
    } else {
      openWindow(plan);
    }
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  applyStartAtLogin(app, config.openAtLogin);

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
    [CHANNELS.wizardState]: () => wizard.state(),
    [CHANNELS.wizardRegister]: async (_context, input) => {
      const state = await wizard.register(input);
      // The central client is made when the server starts: restart it to begin syncing.
      if (state.steps.find((s) => s.id === 'register')?.status === 'done') void host.restart();
      return state;
    },
    [CHANNELS.wizardCredentials]: (_context, input) => wizard.setCredentials(input),
    [CHANNELS.wizardDevices]: (_context, input) => wizard.configureDevices(input),
    [CHANNELS.wizardCatalogue]: () => wizard.importCatalogue(),
    [CHANNELS.wizardLabels]: () => wizard.printLabels(),
    [CHANNELS.wizardSkip]: (_context, input) => wizard.skip(input),
    [CHANNELS.wizardFinish]: () => {
      const state = wizard.finish();
      wizardActive = false;
      windows.get('wizard')?.window.close();
      openWindows();
      return state;
    },
  };
  registerBridgeHandlers(ipcMain, handlers, registry, stationOrigins, (channel, reason) => log('warn', `ipc ${channel} refused: ${reason}`));

  host.onStatus(onServerStatus);
  installGracefulQuit(app, {
    shutdown: async () => {
      await host.stop();
      await devices.close();
    },
    log,
  });
  // A station keeps serving phones with its windows closed; a second launch reopens them.
  app.on('window-all-closed', () => {});
  for (const event of ['display-added', 'display-removed', 'display-metrics-changed'] as const) screen.on(event, () => openWindows());

  await devices.open();
  host.start();
  openWindows();
  if (configureUpdater(electronUpdater.autoUpdater, config, app.isPackaged, logFile.for('updater'))) {
    // Failures are logged by the updater's 'error' listener; the next check retries.
    const check = () => void electronUpdater.autoUpdater.checkForUpdates().catch(() => {});
    check();
    setInterval(check, UPDATE_CHECK_INTERVAL_MS).unref();
  }
}
