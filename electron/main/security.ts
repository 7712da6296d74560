// Runs in: main. The renderer lock-down from Electron's security checklist, as functions over the
// few Electron objects they touch so each decision is tested under Node with fakes.

/** The shell's own pages (start-up and failure screens) load from this scheme, never file://. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://station`;

export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // Custom schemes give the string "null" as origin in WHATWG URL; rebuild it so app:// compares.
    return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** Origins a station window may show: its own scheme and the store server on loopback. */
export type AllowedOrigins = () => readonly string[];

export function isAllowedNavigation(url: string, allowed: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && allowed.includes(origin);
}

/** The part of `WebContents` the navigation lock uses. */
export interface NavigableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url: string }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface NavigationRefusal {
  kind: 'navigate' | 'redirect' | 'window-open' | 'webview';
  url: string;
}

/** Pages stay on the app's origins; new windows and <webview> are refused outright (links to
 * other sites have nothing to do on a locked station, so nothing opens in a browser either). */
export function lockNavigation(contents: NavigableContents, allowed: AllowedOrigins, onRefused: (refusal: NavigationRefusal) => void = () => {}): void {
  const guard = (kind: 'navigate' | 'redirect') => (event: { preventDefault(): void }, url: string) => {
    if (isAllowedNavigation(url, allowed())) return;
    event.preventDefault();
    onRefused({ kind, url });
  };
  contents.on('will-navigate', guard('navigate'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    onRefused({ kind: 'webview', url: '' });
  });
  contents.setWindowOpenHandler(({ url }) => {
    onRefused({ kind: 'window-open', url });
    return { action: 'deny' };
  });
}

export interface PermissionQuery {
  permission: string;
  /** URL of the frame asking. */
  requestingUrl: string;
  /** For 'media': which devices it wants. Absent in permission *checks*. */
  mediaTypes?: readonly ('video' | 'audio')[];
  isMainFrame: boolean;
}

export interface PermissionPolicy {
  /** The store server's origin (changes only if the port does). */
  serverOrigin: () => string | null;
  /** Paths on that origin whose pages scan QR codes with a camera. */
  cameraPaths: readonly string[];
}

export const DEFAULT_CAMERA_PATHS = ['/kiosk/', '/shop/'] as const;

/** Grants the camera, and only the camera, to the top frame of a page that scans codes. */
export function decidePermission(query: PermissionQuery, policy: PermissionPolicy): boolean {
  if (query.permission !== 'media' || !query.isMainFrame) return false;
  if (query.mediaTypes && (query.mediaTypes.length === 0 || query.mediaTypes.some((t) => t !== 'video'))) return false;
  const server = policy.serverOrigin();
  if (!server) return false;
  let url: URL;
  try {
    url = new URL(query.requestingUrl);
  } catch {
    return false;
  }
  if (url.origin !== server) return false;
  return policy.cameraPaths.some((path) => url.pathname.startsWith(path));
}

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl?: string; mediaTypes?: ('video' | 'audio')[]; isMainFrame?: boolean },
) => void;
type PermissionCheckHandler = (
  contents: unknown,
  permission: string,
  requestingOrigin: string,
  details: { requestingUrl?: string; isMainFrame?: boolean; mediaType?: string },
) => boolean;

/** The part of `Session` the permission lock uses. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: PermissionRequestHandler): void;
  setPermissionCheckHandler(handler: PermissionCheckHandler): void;
  setDevicePermissionHandler(handler: () => boolean): void;
}

export function installPermissionHandlers(session: PermissionSession, policy: PermissionPolicy): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(
      decidePermission(
        {
          permission,
          requestingUrl: details.requestingUrl ?? '',
          mediaTypes: details.mediaTypes ?? [],
          isMainFrame: details.isMainFrame ?? false,
        },
        policy,
      ),
    );
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    // A check names no media type; an audio check is refused by the request that follows anyway.
    if (details.mediaType === 'audio') return false;
    return decidePermission(
      { permission, requestingUrl: details.requestingUrl ?? requestingOrigin, isMainFrame: details.isMainFrame ?? true },
      policy,
    );
  });
  // WebHID/WebUSB/serial: the readers and the radio belong to the main process, never to a page.
  session.setDevicePermissionHandler(() => false);
}

/** CSP for the shell's own app:// pages: their own files only, no inline code, no network (the
 * wizard talks to the main process through the preload bridge, never over fetch). */
export const SHELL_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
