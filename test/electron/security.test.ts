// Runs in: node (vitest). Renderer lock-down: web preferences, navigation and window-open
// refusal, permission decisions, kiosk shortcuts — with fakes of webContents and session.
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  decidePermission,
  installPermissionHandlers,
  isAllowedNavigation,
  lockNavigation,
  originOf,
  type NavigableContents,
  type NavigationRefusal,
  type PermissionSession,
} from '../../electron/main/security.js';
import { createStationWindow, isBlockedKioskShortcut, pageUrl, type StationWindowOptions } from '../../electron/main/windows.js';

const SERVER = 'http://127.0.0.1:8080';

class FakeContents implements NavigableContents {
  listeners = new Map<string, (event: { preventDefault(): void; url: string }, url: string) => void>();
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  on(event: string, listener: (event: { preventDefault(): void; url: string }, url: string) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** Fires an event; true when the page's action went ahead. */
  fire(event: string, url: string): boolean {
    let prevented = false;
    this.listeners.get(event)!({ preventDefault: () => (prevented = true), url }, url);
    return !prevented;
  }
}

class FakeWindow {
  constructor(readonly options: StationWindowOptions) {}
}
const plan = (role: 'monitor' | 'kiosk', kiosk: boolean) => ({ role, displayId: 2, displayLabel: 'x', bounds: { x: 1920, y: 0, width: 800, height: 600 }, kiosk });

describe('station windows', () => {
  it('every window is isolated, sandboxed, without Node and in its own partition', () => {
    const kiosk = createStationWindow(FakeWindow, plan('kiosk', true), '/app/out/preload/index.cjs', true);
    expect(kiosk.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      partition: 'persist:kiosk',
    });
    expect(createStationWindow(FakeWindow, plan('monitor', false), 'p', true).options.webPreferences.partition).toBe('persist:monitor');
  });

  it('developer tools only in development builds; the kiosk window is in kiosk mode on its display', () => {
    expect(createStationWindow(FakeWindow, plan('kiosk', true), 'p', true).options).toMatchObject({ kiosk: true, fullscreen: true, show: false, x: 1920, webPreferences: { devTools: false } });
    expect(createStationWindow(FakeWindow, plan('kiosk', true), 'p', false).options.webPreferences.devTools).toBe(true);
    expect(createStationWindow(FakeWindow, plan('monitor', false), 'p', true).options).toMatchObject({ kiosk: false, fullscreen: false });
  });

  it('pages come from the store server on loopback', () => {
    expect(pageUrl('monitor', SERVER)).toBe('http://127.0.0.1:8080/monitor/');
    expect(pageUrl('kiosk', SERVER)).toBe('http://127.0.0.1:8080/kiosk/');
  });
});

describe('navigation lock', () => {
  const allowed = () => [APP_ORIGIN, SERVER];

  it('compares origins, including the custom scheme', () => {
    expect(originOf('app://station/starting.html')).toBe(APP_ORIGIN);
    expect(isAllowedNavigation('http://127.0.0.1:8080/kiosk/', allowed())).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:8081/kiosk/', allowed())).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:8080@evil.example/', allowed())).toBe(false);
    expect(isAllowedNavigation('https://127.0.0.1:8080/', allowed())).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', allowed())).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', allowed())).toBe(false);
    expect(isAllowedNavigation('not a url', allowed())).toBe(false);
  });

  it('lets the page move within the app and refuses everything else, with a note for the log', () => {
    const contents = new FakeContents();
    const refusals: NavigationRefusal[] = [];
    lockNavigation(contents, allowed, (r) => refusals.push(r));
    expect(contents.fire('will-navigate', 'http://127.0.0.1:8080/monitor/orders')).toBe(true);
    expect(contents.fire('will-navigate', 'https://phish.example/login')).toBe(false);
    expect(contents.fire('will-redirect', 'https://phish.example/')).toBe(false);
    expect(contents.fire('will-attach-webview', '')).toBe(false);
    expect(refusals.map((r) => r.kind)).toEqual(['navigate', 'redirect', 'webview']);
  });

  it('denies every new window, even one to the app itself', () => {
    const contents = new FakeContents();
    const refusals: NavigationRefusal[] = [];
    lockNavigation(contents, allowed, (r) => refusals.push(r));
    expect(contents.openHandler!({ url: 'http://127.0.0.1:8080/monitor/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(refusals).toHaveLength(2);
  });

  it('follows the allowed origins as they change (the server URL is known only once it listens)', () => {
    let origins = [APP_ORIGIN];
    const contents = new FakeContents();
    lockNavigation(contents, () => origins);
    expect(contents.fire('will-navigate', 'http://127.0.0.1:8080/kiosk/')).toBe(false);
    origins = [APP_ORIGIN, SERVER];
    expect(contents.fire('will-navigate', 'http://127.0.0.1:8080/kiosk/')).toBe(true);
  });
});

describe('permissions', () => {
  const policy = { serverOrigin: () => SERVER, cameraPaths: ['/kiosk/', '/shop/'] };
  const ask = (permission: string, requestingUrl: string, extra: Partial<{ mediaTypes: ('video' | 'audio')[]; isMainFrame: boolean }> = {}) =>
    decidePermission({ permission, requestingUrl, mediaTypes: ['video'], isMainFrame: true, ...extra }, policy);

  it('grants the camera to the kiosk and shopper pages of the store server', () => {
    expect(ask('media', 'http://127.0.0.1:8080/kiosk/')).toBe(true);
    expect(ask('media', 'http://127.0.0.1:8080/shop/scan')).toBe(true);
  });

  it('refuses the camera to the monitor, other origins, sub-frames, and any microphone', () => {
    expect(ask('media', 'http://127.0.0.1:8080/monitor/')).toBe(false);
    expect(ask('media', 'http://evil.example/kiosk/')).toBe(false);
    expect(ask('media', 'app://station/kiosk/')).toBe(false);
    expect(ask('media', 'http://127.0.0.1:8080/kiosk/', { isMainFrame: false })).toBe(false);
    expect(ask('media', 'http://127.0.0.1:8080/kiosk/', { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(ask('media', 'http://127.0.0.1:8080/kiosk/', { mediaTypes: [] })).toBe(false);
  });

  it('refuses every other permission everywhere', () => {
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'openExternal', 'fullscreen', 'midi']) {
      expect(ask(permission, 'http://127.0.0.1:8080/kiosk/')).toBe(false);
    }
  });

  it('refuses everything before the server origin is known', () => {
    expect(decidePermission({ permission: 'media', requestingUrl: 'http://127.0.0.1:8080/kiosk/', mediaTypes: ['video'], isMainFrame: true }, { ...policy, serverOrigin: () => null })).toBe(false);
  });

  it('installs request, check and device handlers on the session', () => {
    const installed: Partial<Record<'request' | 'check' | 'device', (...args: never[]) => unknown>> = {};
    const session: PermissionSession = {
      setPermissionRequestHandler: (h) => (installed.request = h as never),
      setPermissionCheckHandler: (h) => (installed.check = h as never),
      setDevicePermissionHandler: (h) => (installed.device = h as never),
    };
    installPermissionHandlers(session, policy);
    const answers: boolean[] = [];
    const request = installed.request as unknown as (c: unknown, p: string, cb: (g: boolean) => void, d: object) => void;
    request(null, 'media', (g) => answers.push(g), { requestingUrl: 'http://127.0.0.1:8080/kiosk/', mediaTypes: ['video'], isMainFrame: true });
    request(null, 'media', (g) => answers.push(g), { requestingUrl: 'http://127.0.0.1:8080/kiosk/', mediaTypes: ['audio'], isMainFrame: true });
    request(null, 'geolocation', (g) => answers.push(g), { requestingUrl: 'http://127.0.0.1:8080/kiosk/', isMainFrame: true });
    expect(answers).toEqual([true, false, false]);
    const check = installed.check as unknown as (c: unknown, p: string, o: string, d: object) => boolean;
    expect(check(null, 'media', SERVER, { requestingUrl: 'http://127.0.0.1:8080/kiosk/', mediaType: 'video', isMainFrame: true })).toBe(true);
    expect(check(null, 'media', SERVER, { requestingUrl: 'http://127.0.0.1:8080/kiosk/', mediaType: 'audio', isMainFrame: true })).toBe(false);
    expect(check(null, 'notifications', SERVER, { requestingUrl: 'http://127.0.0.1:8080/kiosk/' })).toBe(false);
    expect((installed.device as () => boolean)()).toBe(false);
  });
});

describe('kiosk shortcuts', () => {
  const key = (k: string, mods: Partial<{ control: boolean; meta: boolean; alt: boolean; shift: boolean }> = {}) => ({
    type: 'keyDown',
    key: k,
    control: false,
    meta: false,
    alt: false,
    shift: false,
    ...mods,
  });
  it('swallows reload, devtools, close, zoom and print', () => {
    for (const input of [key('F5'), key('F12'), key('r', { control: true }), key('R', { meta: true }), key('I', { control: true, shift: true }), key('F4', { alt: true }), key('w', { control: true }), key('+', { control: true }), key('p', { control: true })]) {
      expect(isBlockedKioskShortcut(input)).toBe(true);
    }
  });
  it('lets typing through', () => {
    for (const input of [key('a'), key('R'), key('Enter'), key('1'), key('c', { control: true }), key('v', { control: true })]) {
      expect(isBlockedKioskShortcut(input)).toBe(false);
    }
    expect(isBlockedKioskShortcut({ ...key('F5'), type: 'keyUp' })).toBe(false);
  });
});
