import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LeanHttpClient } from '../../../server/bench/lean-http.js';

let server: http.Server | undefined;
let client: LeanHttpClient | undefined;

afterEach(async () => {
  client?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = client = undefined;
});

async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
  });
}

describe('LeanHttpClient', () => {
  it('posts JSON with the given headers and reads status and body, reusing one connection', async () => {
    const sockets = new Set<unknown>();
    const url = await serve(async (request, response) => {
      sockets.add(request.socket);
      const body = JSON.parse(await readBody(request)) as { code: string };
      const answer = JSON.stringify({ echo: body.code, auth: request.headers.authorization, type: request.headers['content-type'] });
      response.writeHead(request.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      response.end(answer);
    });
    client = new LeanHttpClient(url);
    const first = await client.post('/scan', { authorization: 'Bearer t1' }, { code: '상품 한 개' });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ echo: '상품 한 개', auth: 'Bearer t1', type: 'application/json' });
    const second = await client.post('/missing', {}, { code: 'x' });
    expect(second.status).toBe(404);
    expect(sockets.size).toBe(1);
  });

  it('opens a connection per request in flight', async () => {
    const sockets = new Set<unknown>();
    const url = await serve(async (request, response) => {
      sockets.add(request.socket);
      await readBody(request);
      setTimeout(() => response.end('{}'), 20);
    });
    client = new LeanHttpClient(url);
    const answers = await Promise.all([1, 2, 3].map((n) => client!.post('/scan', {}, { n })));
    expect(answers.map((a) => a.body)).toEqual(['{}', '{}', '{}']);
    expect(sockets.size).toBe(3);
  });

  it('reads an answer whose head and body arrive in separate packets', async () => {
    const url = await serve(async (request, response) => {
      await readBody(request);
      response.writeHead(201, { 'content-length': 11 });
      response.flushHeaders();
      setTimeout(() => response.write('hello '), 10);
      setTimeout(() => response.end('world'), 20);
    });
    client = new LeanHttpClient(url);
    expect(await client.post('/x', {}, {})).toMatchObject({ status: 201, body: 'hello world' });
  });

  it('refuses an answer without content-length instead of guessing where it ends', async () => {
    const url = await serve(async (request, response) => {
      await readBody(request);
      response.write('chunked');
      response.end();
    });
    client = new LeanHttpClient(url);
    await expect(client.post('/x', {}, {})).rejects.toThrow(/without content-length/);
  });

  it('fails the request in flight when the server drops the connection, and reconnects for the next', async () => {
    let calls = 0;
    const url = await serve(async (request, response) => {
      await readBody(request);
      if (++calls === 1) request.socket.destroy();
      else response.end('ok');
    });
    client = new LeanHttpClient(url);
    await expect(client.post('/x', {}, {})).rejects.toThrow(/closed|ECONNRESET/);
    expect(await client.post('/x', {}, {})).toMatchObject({ status: 200, body: 'ok' });
  });
});
