// Runs in: node (vitest). The station's client for central over real sockets: what each way a call
// can fail means for the change it carried (sent or not), and that answers are read as central
// gave them. A wrong "not sent" would let a payment be charged twice.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CentralError, CentralClient, classifyFailure, parseRetryAfter } from '../../../../server/store/sync/central-client.js';
import { systemClock } from '../../../../server/store/clock.js';
import { deriveSigningKey, readSignedHeaders, verifySignature } from '../../../../server/protocol/signing.js';

const STORE_KEY = Buffer.alloc(32, 7).toString('base64url');
const servers: http.Server[] = [];
const clients: CentralClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(baseUrl: string): CentralClient {
  const c = new CentralClient({ baseUrl, storeId: 'STORE-0001', storeKey: STORE_KEY, clock: systemClock, timeoutMs: 2_000 });
  clients.push(c);
  return c;
}

async function failureOf(call: Promise<unknown>) {
  const error = await call.then(
    () => expect.fail('the call should have failed'),
    (e: unknown) => e,
  );
  return classifyFailure(error);
}

describe('central client', () => {
  it('sends signed JSON and reads the answer, reusing its connection', async () => {
    const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string; socket: unknown }[] = [];
    const base = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body, socket: req.socket });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ackSeq: seen.length }));
      });
    });
    const c = client(base);
    expect(await c.sendBatch([])).toEqual({ ackSeq: 1 });
    expect(await c.syncState()).toEqual({ ackSeq: 2 });
    expect(seen.map((s) => [s.method, s.url])).toEqual([
      ['POST', '/v1/sync/batches'],
      ['GET', '/v1/sync/state'],
    ]);
    expect(JSON.parse(seen[0]!.body)).toEqual({ storeId: 'STORE-0001', events: [] });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    for (const request of seen) {
      const signed = readSignedHeaders(request.headers);
      if (!signed.ok) expect.fail(signed.message);
      expect(signed.value.storeId).toBe('STORE-0001');
      const verdict = verifySignature({
        method: request.method!,
        path: request.url!,
        body: request.body || undefined,
        headers: signed.value,
        signingKey: deriveSigningKey(STORE_KEY),
        now: Date.now(),
      });
      expect(verdict).toEqual({ ok: true });
    }
    for (let i = 0; i < 5; i++) await c.syncState();
    // Seven calls, not seven connections (each would be a TCP and, in a store, a TLS handshake).
    expect(new Set(seen.map((s) => s.socket)).size).toBeLessThanOrEqual(2);
  });

  it('tells its listeners only of requests central carried out, not of refusals or failures', async () => {
    const base = await serve((req, res) => {
      const status = Number(req.url!.slice(1));
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status < 300 ? {} : { error: { code: 'x', message: 'no' } }));
    });
    const c = client(base);
    let answers = 0;
    c.onAnswer(() => answers++);
    for (const status of [401, 429, 409, 400, 500, 503]) await c.request('GET', `/${status}`).catch(() => undefined);
    expect(answers).toBe(0);
    await c.request('GET', '/200');
    await c.request('POST', '/201', {});
    expect(answers).toBe(2);
  });

  it("reads how far this station's clock is from central's off every answer, refusals too", async () => {
    let centralNow = Date.now();
    const base = await serve((req, res) => {
      res.writeHead(req.url === '/no' ? 401 : 200, { 'content-type': 'application/json', date: new Date(centralNow).toUTCString() });
      res.end(JSON.stringify(req.url === '/no' ? { error: { code: 'stale_request', message: 'no' } } : {}));
    });
    const c = client(base);
    expect(c.clockOffsetMs).toBeNull();
    // Central's clock is 7 minutes behind this station's.
    centralNow = Date.now() - 7 * 60_000;
    await c.request('GET', '/no').catch(() => undefined);
    // The header is to the second: within a second and the round trip of the truth.
    expect(Math.abs(c.clockOffsetMs! - 7 * 60_000)).toBeLessThan(1_500);
    centralNow = Date.now() + 90_000;
    await c.request('GET', '/yes');
    expect(Math.abs(c.clockOffsetMs! + 90_000)).toBeLessThan(1_500);
  });

  it('turns an error answer into a CentralError with central’s code, refused for good or busy', async () => {
    const base = await serve((req, res) => {
      const [status, code] = req.url === '/busy' ? [409, 'request_in_progress'] : [422, 'amount_mismatch'];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code, message: 'no' } }));
    });
    const refused = await client(base).request('POST', '/refuse', {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CentralError);
    expect(refused).toMatchObject({ status: 422, code: 'amount_mismatch' });
    expect(classifyFailure(refused)).toMatchObject({ kind: 'refused', status: 422, code: 'amount_mismatch' });
    expect(await failureOf(client(base).request('POST', '/busy', {}))).toMatchObject({ kind: 'unavailable', maybeDone: true });
    expect(refused).toMatchObject({ retryAfterMs: undefined });
  });

  it("reads central's signature refusals as the station's link being down, not as a no to what it carried", () => {
    // Turned away before anything ran (clock off, store key unknown): nothing was done.
    expect(classifyFailure(new CentralError(401, 'stale_request', 'The request timestamp is too far from the server clock.'))).toEqual({
      kind: 'unavailable',
      maybeDone: false,
      message: 'The request timestamp is too far from the server clock.',
    });
    expect(classifyFailure(new CentralError(401, 'bad_signature', 'no'))).toMatchObject({ kind: 'unavailable', maybeDone: false });
    // The same signed request arrived before: that one may have been carried out.
    expect(classifyFailure(new CentralError(401, 'replayed_request', 'no'))).toMatchObject({ kind: 'unavailable', maybeDone: true });
    // A refusal of the request itself stays one.
    expect(classifyFailure(new CentralError(403, 'store_mismatch', 'no'))).toMatchObject({ kind: 'refused', code: 'store_mismatch' });
  });

  it('keeps how long central asked to wait (Retry-After, seconds or a date)', async () => {
    const base = await serve((req, res) => {
      res.writeHead(req.url === '/later' ? 429 : 409, { 'content-type': 'application/json', 'retry-after': req.url === '/later' ? '7' : 'soon' });
      res.end(JSON.stringify({ error: { code: req.url === '/later' ? 'rate_limited' : 'request_in_progress', message: 'wait' } }));
    });
    expect(await client(base).request('POST', '/later', {}).catch((e: unknown) => e)).toMatchObject({ status: 429, retryAfterMs: 7_000 });
    expect(await client(base).request('POST', '/odd', {}).catch((e: unknown) => e)).toMatchObject({ status: 409, retryAfterMs: undefined });
    const now = Date.UTC(2026, 10, 26, 9, 0, 0);
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 08:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['2', '9'], now)).toBe(2_000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });

  it('says a call to a closed port was never sent', async () => {
    const base = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    expect(await failureOf(client(base).request('POST', '/v1/payments', {}))).toMatchObject({ kind: 'unavailable', maybeDone: false });
  });

  it('says a call cut after it left the station may have been done', async () => {
    const base = await serve((req) => req.socket.destroy());
    expect(await failureOf(client(base).request('POST', '/v1/payments', {}))).toMatchObject({ kind: 'unavailable', maybeDone: true });
  });

  it('gives up after its timeout, and says the call may have been done', async () => {
    const base = await serve(() => undefined);
    const started = Date.now();
    const failure = await failureOf(client(base).request('POST', '/v1/payments', {}, {}, { timeoutMs: 200 }));
    expect(failure).toMatchObject({ kind: 'unavailable', maybeDone: true });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
