// Runs in: main. Serves the shell's own pages over app://station/ instead of file://, so they get
// a real origin, a CSP header and no file-system reach beyond one folder.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { APP_ORIGIN, APP_SCHEME, SHELL_PAGE_CSP } from './security.js';

/** Passed to `protocol.registerSchemesAsPrivileged` before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, stream: false, bypassCSP: false },
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': SHELL_PAGE_CSP } });
}

/** A `protocol.handle` handler over `rootDir`; only GET of known file types inside it. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'bad url');
    }
    if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return plain(404, 'not found');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return plain(400, 'bad url');
    }
    if (pathname.includes('\0')) return plain(400, 'bad url');
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = normalize(join(root, pathname));
    // join() already collapses "..", so anything outside the root is a traversal attempt.
    if (file !== root && !file.startsWith(root + sep)) return plain(404, 'not found');
    const type = TYPES[extname(file).toLowerCase()];
    if (!type) return plain(404, 'not found');
    try {
      if (!(await stat(file)).isFile()) return plain(404, 'not found');
      const body = request.method === 'HEAD' ? null : await readFile(file);
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': type,
          'content-security-policy': SHELL_PAGE_CSP,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        },
      });
    } catch {
      return plain(404, 'not found');
    }
  };
}

export function shellPageUrl(page: 'starting' | 'failed' | 'wizard'): string {
  return `${APP_ORIGIN}/${page}.html`;
}
