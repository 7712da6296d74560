// Runs in: node (vitest). The app:// handler serves one folder with a CSP and nothing outside it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, shellPageUrl } from '../../electron/main/app-protocol.js';

let root: string;
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'omni-protocol-'));
  root = join(base, 'pages');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'starting.html'), '<h1>starting</h1>');
  writeFileSync(join(root, 'index.html'), 'index');
  writeFileSync(join(root, 'station.css'), 'body{}');
  writeFileSync(join(root, 'sub', 'index.html'), 'sub');
  writeFileSync(join(root, 'script.ts'), 'alert(1)');
  writeFileSync(join(base, 'secret.html'), 'secret');
  handle = createAppProtocolHandler(root);
});

describe('app:// protocol', () => {
  it('serves the shell pages with a strict CSP and the right type', async () => {
    const response = await handle(new Request(shellPageUrl('starting')));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<h1>starting</h1>');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(response.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval|connect-src 'self'/);
    expect((await handle(new Request('app://station/station.css'))).headers.get('content-type')).toMatch(/^text\/css/);
    expect(await (await handle(new Request('app://station/'))).text()).toBe('index');
    expect(await (await handle(new Request('app://station/sub/'))).text()).toBe('sub');
  });

  it.each([
    'app://station/../secret.html',
    'app://station/%2e%2e/secret.html',
    'app://station/sub/%2e%2e%2f%2e%2e%2fsecret.html',
    'app://station/..%5csecret.html',
    'app://station/missing.html',
    'app://station/script.ts',
    'app://station/sub',
    'app://other/starting.html',
    'app://station/%00.html',
  ])('answers 4xx for %s', async (url) => {
    const response = await handle(new Request(url));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).not.toContain('secret');
  });

  it('refuses writes', async () => {
    expect((await handle(new Request('app://station/starting.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
