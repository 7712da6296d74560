// Runs in: main. What each station window is made of: where it sits, what it loads, and the
// keyboard shortcuts a kiosk must not honour.
import type { WindowPlan, WindowRole } from './window-placement.js';

/** The window constructor, injected so tests can see exactly what a window is made with. */
export type WindowConstructor<W> = new (options: StationWindowOptions) => W;

export interface StationWindowOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  show: false;
  title: string;
  kiosk: boolean;
  fullscreen: boolean;
  autoHideMenuBar: true;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    experimentalFeatures: false;
    webviewTag: false;
    navigateOnDragDrop: false;
    spellcheck: false;
    disableBlinkFeatures: string;
    partition: string;
    devTools: boolean;
  };
}

/** Opens one station window. The lock-down is spelled out at the constructor call itself, where
 * a reviewer (and electronegativity) looks for it. */
export function createStationWindow<W>(BrowserWindow: WindowConstructor<W>, plan: WindowPlan, preload: string, packaged: boolean): W {
  return new BrowserWindow({
    ...plan.bounds,
    // Shown on 'ready-to-show', so nobody sees a white flash on the shop floor.
    show: false,
    title: `omnistation — ${plan.role}`,
    kiosk: plan.kiosk,
    fullscreen: plan.kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#101418',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in a new window; the open handler refuses those anyway.
      disableBlinkFeatures: 'Auxclick',
      // One cookie jar per role: a kiosk session can never read the monitor's staff cookie.
      partition: sessionPartition(plan.role),
      // Developer tools only in development builds: on a shop-floor kiosk they are a way out.
      devTools: !packaged,
    },
  });
}

export function sessionPartition(role: WindowRole): string {
  return `persist:${role}`;
}

/** The page each role shows, served by the store server on loopback (same origin as its API,
 * which the pages' cookie sessions and event streams need). */
export function pageUrl(role: Exclude<WindowRole, 'wizard'>, serverUrl: string): string {
  return new URL(role === 'monitor' ? '/monitor/' : '/kiosk/', serverUrl).toString();
}

/** The fields of Electron's `Input` read here. */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

/** Reload, developer tools, zoom, print, close and new-window shortcuts are swallowed on a kiosk:
 * a shopper must not be able to reset, inspect or leave the page. */
export function isBlockedKioskShortcut(input: KeyInput): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.toLowerCase();
  if (key === 'f5' || key === 'f11' || key === 'f12') return true;
  if (input.alt && key === 'f4') return true;
  const command = input.control || input.meta;
  if (!command) return false;
  return ['r', 'w', 'q', 'n', 't', 'p', 'i', 'j', 'u', '+', '-', '=', '0'].includes(key);
}

/** Ctrl+Alt+Shift+S (Cmd on macOS) in the monitor: IT's way back into the setup wizard, which
 * asks for the admin passphrase before it changes anything. Never handled in the kiosk. */
export function isOpenWizardShortcut(input: KeyInput): boolean {
  return input.type === 'keyDown' && (input.control || input.meta) === true && input.alt === true && input.shift === true && input.key.toLowerCase() === 's';
}
