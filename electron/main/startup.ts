// Runs in: main. The station's start-up and shutdown as plain code over the parts index.ts wires
// from Electron: which windows open (the wizard on a first run, else the monitor and a kiosk on a
// second display), what a store-server status does to them, and the order of a quit (windows,
// devices, then the store server flushing its outbox, then the real quit). Tested with fakes.
import type { StoreServerStatus } from '../shared/bridge-api.js';
import { shellPageUrl } from './app-protocol.js';
import { applyStartAtLogin, claimSingleInstance, installGracefulQuit, type LifecycleApp } from './lifecycle.js';
import { APP_ORIGIN, APP_SCHEME } from './security.js';
import { planWindows, planWizardWindow, type DisplayInfo, type PlacementConfig, type WindowPlan, type WindowRole } from './window-placement.js';
import { pageUrl } from './windows.js';

/** What the station's windows should become: opened, moved, or closed. */
export interface WindowChanges {
  open: WindowPlan[];
  move: WindowPlan[];
  close: WindowRole[];
  notes: string[];
}

/** First run (wizard active): the wizard alone, next to whatever is open. Otherwise the monitor on
 * the primary display and the kiosk where the placement puts it; windows no plan has are closed. */
export function planStationWindows(
  wizardActive: boolean,
  displays: readonly DisplayInfo[],
  primaryId: number,
  config: PlacementConfig,
  openRoles: readonly WindowRole[],
): WindowChanges {
  if (wizardActive) {
    const plan = planWizardWindow(displays, primaryId);
    return { open: plan && !openRoles.includes('wizard') ? [plan] : [], move: [], close: [], notes: plan ? [] : ['no display is connected'] };
  }
  const { windows, notes } = planWindows(displays, primaryId, config);
  return {
    open: windows.filter((plan) => !openRoles.includes(plan.role)),
    move: windows.filter((plan) => openRoles.includes(plan.role)),
    // The wizard window IT opened again from the monitor stays until IT closes it.
    close: openRoles.filter((role) => role !== 'wizard' && !windows.some((plan) => plan.role === role)),
    notes,
  };
}

/** The page a window shows for this store-server status. The shell's own pages say which window
 * shows them (`?for=`): only the monitor's may offer staff the restart (ipc.ts CHANNEL_ROLES). */
export function targetUrl(role: WindowRole, status: StoreServerStatus): string {
  if (role === 'wizard') return `${APP_ORIGIN}/wizard.html`;
  if (status.state === 'running' && status.url) return pageUrl(role, status.url);
  return `${shellPageUrl(status.state === 'failed' ? 'failed' : 'starting')}?for=${role}`;
}

const isShellPage = (url: string) => url === '' || url.startsWith(`${APP_SCHEME}:`);

/** Which windows load another page after a status change. A restarting server keeps each page:
 * the monitor's app stays in memory (it was loaded before the server died), reconnects by itself
 * and shows the countdown from the status event. A running server replaces the shell's waiting
 * page. A server that gave up sends the kiosk (facing shoppers) and any window not showing the
 * app to the failed page; the monitor's app stays, its status strip saying what IT should do and
 * offering the restart. */
export function reloadsForStatus(status: StoreServerStatus, windows: readonly { role: WindowRole; url: string }[]): { role: WindowRole; url: string }[] {
  const reloads: { role: WindowRole; url: string }[] = [];
  for (const { role, url } of windows) {
    if (role === 'wizard') continue;
    const showingShellPage = isShellPage(url);
    if (status.state === 'running') {
      if (showingShellPage) reloads.push({ role, url: targetUrl(role, status) });
    } else if (status.state === 'failed') {
      const target = targetUrl(role, status);
      if ((role !== 'monitor' || showingShellPage) && url !== target) reloads.push({ role, url: target });
    }
  }
  return reloads;
}

/** A window failed to load the app's page (the server went down before or during a reload): it
 * shows the shell's page for the status instead, which follows the status live and is swapped for
 * the app by reloadsForStatus once the server runs. Null: nothing to do (a shell page or the
 * wizard failed, or the server runs and the failure was something else). */
export function pageAfterFailedLoad(role: WindowRole, failedUrl: string, status: StoreServerStatus): string | null {
  if (role === 'wizard' || isShellPage(failedUrl) || status.state === 'running') return null;
  return targetUrl(role, status);
}

/** The parts of the running shell that start-up and shutdown drive (index.ts gives the real ones). */
export interface StationParts {
  app: LifecycleApp & { whenReady(): Promise<void> };
  openAtLogin: boolean;
  host: {
    start(): void;
    stop(): Promise<void>;
    onStatus(listener: (status: StoreServerStatus) => void): unknown;
  };
  devices: { open(): Promise<void>; close(): Promise<void> };
  /** Registers the bridge's IPC handlers (before any window can call them). */
  registerHandlers(): void;
  /** Opens or rearranges the windows for the current state (planStationWindows). */
  openWindows(): void;
  /** Brings the station's front window forward (a second launch). */
  focus(): void;
  /** Closes every window of the shell, first in a quit. */
  closeWindows(): void;
  /** Every store-server status: pushed to the pages (the monitor shows restarts and their backoff)
   * and applied to the windows. */
  onServerStatus(status: StoreServerStatus): void;
  /** False on a first run before IT chose the store: the store server waits for the wizard. */
  shouldStartServer(): boolean;
  /** Display changes re-run openWindows. */
  onDisplaysChanged(listener: () => void): void;
  startUpdater(): void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  shutdownTimeoutMs?: number;
}

/** Claims the single-instance lock (a second station quits and focuses the first), then starts:
 * handlers, quit order, devices, the store server, windows, updates. Resolves false when this
 * instance quit at once. */
export async function runStation(parts: StationParts): Promise<boolean> {
  if (!claimSingleInstance(parts.app, () => parts.focus())) {
    parts.log('info', 'another station runs on this machine: quitting');
    parts.app.quit();
    return false;
  }
  await parts.app.whenReady();
  applyStartAtLogin(parts.app, parts.openAtLogin);
  parts.registerHandlers();
  parts.host.onStatus((status) => parts.onServerStatus(status));
  installGracefulQuit(parts.app, {
    // Pages go first (nothing new is ordered while the rest stops), then the devices (no more taps
    // or adverts reach the server), then the server, whose close flushes the outbox to central.
    shutdown: async () => {
      parts.closeWindows();
      await parts.devices.close().catch((error: unknown) => parts.log('warn', `devices did not close: ${(error as Error).message}`));
      await parts.host.stop();
    },
    log: parts.log,
    ...(parts.shutdownTimeoutMs === undefined ? {} : { timeoutMs: parts.shutdownTimeoutMs }),
  });
  parts.onDisplaysChanged(() => parts.openWindows());
  await parts.devices.open();
  if (parts.shouldStartServer()) parts.host.start();
  parts.openWindows();
  parts.startUpdater();
  return true;
}
