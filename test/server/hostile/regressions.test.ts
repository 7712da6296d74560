// Runs in: node (tests). Refusals the hostile-input fuzzer found outside the error shape of
// CONTRACT.md "HTTP", pinned one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostileWorld, signedHeaders, type HostileWorld } from '../../helpers/hostile-world.js';
import { CENTRAL_ADMIN_TOKEN } from '../../helpers/central.js';

let world: HostileWorld;

beforeAll(async () => {
  world = await createHostileWorld();
});

afterAll(async () => {
  await world?.close();
});

function inShape(body: string): { code: string; message: string } | undefined {
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  const { code, message } = parsed.error ?? {};
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
}

describe('central: the router’s own refusals', () => {
  it('an over-long path parameter is a 414 in the error shape', async () => {
    const url = `/v1/payments/${'9'.repeat(400)}`;
    const response = await world.central.app.inject({ method: 'GET', url, headers: signedHeaders(world.storeX, 'GET', url, undefined) });
    expect(response.statusCode).toBe(414);
    expect(inShape(response.body)?.code).toBe('uri_too_long');
  });

  it('a malformed percent-escape in the path is a 400 in the error shape', async () => {
    const response = await world.central.app.inject({ method: 'POST', url: '/admin/stores/%zz/key', headers: { authorization: `Bearer ${CENTRAL_ADMIN_TOKEN}` } });
    expect(response.statusCode).toBe(400);
    expect(inShape(response.body)?.code).toBe('invalid_request');
  });
});

describe('central: JSON nesting bombs in free-form fields', () => {
  it('a sync event payload nested 10,000 deep is a 400, not a 500 from a stack overflow', async () => {
    const payload = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const body = `{"storeId":"${world.storeX.storeId}","events":[{"id":"01890a5d-ac96-7000-8000-000000000001","seq":1,"type":"order.placed","occurredAt":"2026-11-25T09:00:00Z","payload":${payload}}]}`;
    const response = await world.central.app.inject({
      method: 'POST',
      url: '/v1/sync/batches',
      headers: { ...signedHeaders(world.storeX, 'POST', '/v1/sync/batches', body), 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(inShape(response.body)?.code).toBe('body_too_deep');
  });
});

describe('store: the router’s own refusals', () => {
  it('an over-long path parameter is a 414, a malformed escape a 400, both in the error shape', async () => {
    const response = await world.t.app.inject({ method: 'GET', url: `/api/orders/${'A'.repeat(400)}`, headers: world.shopperA.headers });
    expect(response.statusCode).toBe(414);
    expect(inShape(response.body)).toBeDefined();
    const escape = await world.t.app.inject({ method: 'GET', url: '/api/orders/%zz', headers: world.shopperA.headers });
    expect(escape.statusCode).toBe(400);
    expect(inShape(escape.body)).toBeDefined();
  });
});

describe('store: numbers a query string coerces to Infinity', () => {
  it('limit=Infinity or 1e999 is a 400, not a 500 from SQLite', async () => {
    for (const [url, headers] of [
      ['/api/staff/orders?limit=Infinity', { cookie: world.staff }],
      ['/api/staff/orders?state=placed&limit=1e999', { cookie: world.staff }],
      ['/api/products?limit=1e999', world.shopperA.headers],
      ['/api/products?q=milk&limit=-Infinity', world.shopperA.headers],
    ] as const) {
      const response = await world.t.app.inject({ method: 'GET', url, headers });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
      expect(inShape(response.body)?.code).toBe('invalid_request');
    }
  });
});

describe('store: plugins that answer refusals themselves', () => {
  it('an event stream asked for as JSON is a 406 in the error shape', async () => {
    for (const [url, headers] of [
      ['/api/staff/events', { cookie: world.staff }],
      ['/api/shopper/events', world.shopperA.headers],
      ['/api/kiosk/events', { cookie: world.kiosk.cookie }],
    ] as const) {
      const response = await world.t.app.inject({ method: 'GET', url, headers: { ...headers, accept: 'application/json' } });
      expect(response.statusCode, url).toBe(406);
      expect(inShape(response.body), `${url}: ${response.body}`).toEqual({ code: 'not_acceptable', message: expect.any(String) });
    }
  });

  it('a rate-limited request is a 429 whose body has a message, not only a code', async () => {
    let last = { statusCode: 0, body: '' };
    for (let i = 0; i < 12 && last.statusCode !== 429; i++) {
      last = await world.t.app.inject({ method: 'POST', url: '/api/kiosk/session', payload: { token: 'x'.repeat(40) } });
    }
    expect(last.statusCode).toBe(429);
    expect(inShape(last.body)).toEqual({ code: 'rate_limited', message: expect.stringMatching(/Try again/) });
  });
});
