// Runs in: node (tests). The authorisation matrix: every documented route of both servers, each
// caller, the status class it must get; and IDOR: another shopper's or another store's ids are
// refused exactly like ids that do not exist, and change nothing. A route without an entry
// here fails the first test, so a new route cannot ship without saying who may call it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApi, REFUSAL_MAY_WRITE, routeKey, routesOf } from '../../helpers/fuzz.js';
import {
  centralSnapshot,
  changedTables,
  createHostileWorld,
  enrolKiosk,
  labelUrl,
  placeOrder,
  signedHeaders,
  storeSnapshot,
  type HostileWorld,
  type StoreKeys,
} from '../../helpers/hostile-world.js';
import { CENTRAL_ADMIN_TOKEN } from '../../helpers/central.js';
import { checkoutBody, startShopper, TEST_PIN } from '../../helpers/station.js';

type StoreRole = 'anonymous' | 'shopperA' | 'shopperB' | 'staff' | 'kiosk';
type CentralRole = 'anonymous' | 'admin' | 'storeX' | 'storeY';
/**
 * `authorised`: past authentication and authorisation (not 401/403, not 5xx, and a 404 only for
 * something other than the order itself, e.g. a dialogue not started); for routes whose success
 * needs state built elsewhere.
 */
type Class = '2xx' | '401' | '403' | '404' | 'authorised';

interface Call {
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

interface Entry<R extends string> {
  expect: Record<R, Class>;
  /** The request each caller sends: the resource in it belongs to shopper A / store X. */
  call(w: HostileWorld, role: R): Promise<Call> | Call;
  /** The same request naming an id that does not exist: what B / Y must get for A's / X's id. */
  missing?(w: HostileWorld): Call;
  /** text/event-stream: checked over a real socket, the stream dropped once its status is known. */
  sse?: true;
  why?: string;
}

const STORE_ROLES: readonly StoreRole[] = ['anonymous', 'shopperA', 'shopperB', 'staff', 'kiosk'];
const CENTRAL_ROLES: readonly CentralRole[] = ['anonymous', 'admin', 'storeX', 'storeY'];

const PUBLIC: Record<StoreRole, Class> = { anonymous: '2xx', shopperA: '2xx', shopperB: '2xx', staff: '2xx', kiosk: '2xx' };
const SHOPPER: Record<StoreRole, Class> = { anonymous: '401', shopperA: '2xx', shopperB: '2xx', staff: '401', kiosk: '401' };
const OWN_A: Record<StoreRole, Class> = { anonymous: '401', shopperA: '2xx', shopperB: '404', staff: '401', kiosk: '401' };
const OWN_A_AUTHORISED: Record<StoreRole, Class> = { ...OWN_A, shopperA: 'authorised' };
const SHOPPER_AUTHORISED: Record<StoreRole, Class> = { ...SHOPPER, shopperA: 'authorised', shopperB: 'authorised' };
const STAFF: Record<StoreRole, Class> = { anonymous: '401', shopperA: '401', shopperB: '401', staff: '2xx', kiosk: '401' };
const KIOSK: Record<StoreRole, Class> = { anonymous: '401', shopperA: '401', shopperB: '401', staff: '401', kiosk: '2xx' };

const C_PUBLIC: Record<CentralRole, Class> = { anonymous: '2xx', admin: '2xx', storeX: '2xx', storeY: '2xx' };
const ADMIN: Record<CentralRole, Class> = { anonymous: '401', admin: '2xx', storeX: '401', storeY: '401' };
const STORE: Record<CentralRole, Class> = { anonymous: '401', admin: '401', storeX: '2xx', storeY: '2xx' };
const STORE_AUTHORISED: Record<CentralRole, Class> = { ...STORE, storeX: 'authorised', storeY: 'authorised' };
const OWN_X: Record<CentralRole, Class> = { anonymous: '401', admin: '401', storeX: '2xx', storeY: '404' };

const isShopper = (role: StoreRole): role is 'shopperA' | 'shopperB' => role === 'shopperA' || role === 'shopperB';
const shopperOf = (w: HostileWorld, role: 'shopperA' | 'shopperB') => (role === 'shopperA' ? w.shopperA : w.shopperB);
const PAY = { payment: { method: 'card', token: 'tok_test_visa_4242' } };
let serial = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36).toUpperCase()}${serial++}`;

async function addToCart(w: HostileWorld, role: StoreRole, sku = 'MILK-1'): Promise<void> {
  if (!isShopper(role)) return;
  await w.t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopperOf(w, role).headers, payload: { sku, quantity: 1 } });
}

const STORE_MATRIX: Record<string, Entry<StoreRole>> = {
  'GET /health': { expect: PUBLIC, call: () => ({ url: '/health' }) },
  'GET /api/store': { expect: PUBLIC, call: () => ({ url: '/api/store' }) },
  'GET /api/approval/questions': { expect: PUBLIC, call: () => ({ url: '/api/approval/questions' }), why: 'the enrolment catalogue is public' },
  'POST /api/sessions': {
    expect: PUBLIC,
    call: (w, role) => ({ url: '/api/sessions', payload: { deviceId: isShopper(role) ? shopperOf(w, role).deviceId : `dev-${randomUUID()}` } }),
  },
  'GET /q/{storeId}/{sku}': {
    expect: PUBLIC,
    call: (w) => {
      const label = new URL(labelUrl('https://station.test', w.t.station.labelKey, w.t.station.config.storeId, 'MILK-1'));
      return { url: `${label.pathname}${label.search}` };
    },
  },
  'GET /api/products': { expect: SHOPPER, call: () => ({ url: '/api/products?q=milk' }) },
  'GET /api/products/{sku}': { expect: SHOPPER, call: () => ({ url: '/api/products/MILK-1' }) },
  'GET /api/cart': { expect: SHOPPER, call: () => ({ url: '/api/cart' }) },
  'POST /api/cart/scan': {
    expect: SHOPPER,
    call: (w) => ({ url: '/api/cart/scan', payload: { code: labelUrl('https://station.test', w.t.station.labelKey, w.t.station.config.storeId, 'RAMEN-3') } }),
  },
  'POST /api/cart/items': { expect: SHOPPER, call: () => ({ url: '/api/cart/items', payload: { sku: 'SNK-2', quantity: 1 } }) },
  'PUT /api/cart/items/{sku}': {
    expect: SHOPPER,
    call: async (w, role) => {
      await addToCart(w, role);
      return { url: '/api/cart/items/MILK-1', payload: { quantity: 2 } };
    },
  },
  'DELETE /api/cart/items/{sku}': {
    expect: SHOPPER,
    call: async (w, role) => {
      await addToCart(w, role, 'RAMEN-3');
      return { url: '/api/cart/items/RAMEN-3' };
    },
  },
  'POST /api/orders': {
    expect: SHOPPER,
    call: async (w, role) => {
      await addToCart(w, role);
      return { url: '/api/orders', payload: checkoutBody() };
    },
  },
  'GET /api/orders': { expect: SHOPPER, call: () => ({ url: '/api/orders' }) },
  'GET /api/orders/{id}': { expect: OWN_A, call: (w) => ({ url: `/api/orders/${w.orders.paidA}` }), missing: () => ({ url: `/api/orders/${randomUUID()}` }) },
  'POST /api/orders/{id}/pay': {
    expect: OWN_A,
    // A declined order of A's each time: paying it is what A may do once.
    call: async (w) => ({ url: `/api/orders/${await placeOrder(w.t, w.shopperA, 'tok_decline_insufficient_funds')}/pay`, payload: PAY }),
    missing: () => ({ url: `/api/orders/${randomUUID()}/pay`, payload: PAY }),
  },
  'GET /api/orders/{id}/approval': {
    expect: OWN_A_AUTHORISED,
    call: (w) => ({ url: `/api/orders/${w.orders.paidA}/approval` }),
    missing: () => ({ url: `/api/orders/${randomUUID()}/approval` }),
    why: 'a dialogue needs an enrolled profile at central (approval work in progress): A is only checked to get past authorisation',
  },
  'POST /api/orders/{id}/approval': {
    expect: OWN_A_AUTHORISED,
    call: (w) => ({ url: `/api/orders/${w.orders.paidA}/approval` }),
    missing: () => ({ url: `/api/orders/${randomUUID()}/approval` }),
  },
  'POST /api/orders/{id}/approval/answer': {
    expect: OWN_A_AUTHORISED,
    call: (w) => ({ url: `/api/orders/${w.orders.paidA}/approval/answer`, payload: { questionId: 'home-city', answer: 'Seoul' } }),
    missing: () => ({ url: `/api/orders/${randomUUID()}/approval/answer`, payload: { questionId: 'home-city', answer: 'Seoul' } }),
  },
  'POST /api/orders/{id}/approval/another': {
    expect: OWN_A_AUTHORISED,
    call: (w) => ({ url: `/api/orders/${w.orders.paidA}/approval/another`, payload: { questionId: 'home-city' } }),
    missing: () => ({ url: `/api/orders/${randomUUID()}/approval/another`, payload: { questionId: 'home-city' } }),
  },
  'POST /api/orders/{id}/approval/restart': {
    expect: OWN_A_AUTHORISED,
    call: (w) => ({ url: `/api/orders/${w.orders.paidA}/approval/restart` }),
    missing: () => ({ url: `/api/orders/${randomUUID()}/approval/restart` }),
  },
  'POST /api/approval/profile': {
    expect: SHOPPER_AUTHORISED,
    call: () => ({ url: '/api/approval/profile', payload: { contact: '010-1234-5678', lang: 'ko', questions: [] } }),
    why: 'enrolment is stored at central with its profile key (work in progress): only who gets past authentication is checked',
  },
  'GET /api/presence': { expect: SHOPPER, call: () => ({ url: '/api/presence' }) },
  'POST /api/presence/pair': { expect: SHOPPER, call: (w) => ({ url: '/api/presence/pair', payload: { kioskId: w.kiosk.id, nonce: w.pairingNonce() } }) },
  'GET /api/shopper/events': { expect: SHOPPER, sse: true, call: () => ({ url: '/api/shopper/events' }) },
  'POST /api/staff/session': { expect: PUBLIC, call: () => ({ url: '/api/staff/session', payload: { pin: TEST_PIN } }), why: 'whoever knows the PIN' },
  'GET /api/staff/session': { expect: STAFF, call: () => ({ url: '/api/staff/session' }) },
  'DELETE /api/staff/session': { expect: STAFF, call: () => ({ url: '/api/staff/session' }) },
  'GET /api/staff/status': { expect: STAFF, call: () => ({ url: '/api/staff/status' }) },
  'GET /api/staff/orders': { expect: STAFF, call: () => ({ url: '/api/staff/orders?limit=10' }) },
  'GET /api/staff/orders/{id}': { expect: STAFF, call: (w) => ({ url: `/api/staff/orders/${w.orders.paidA}` }) },
  'GET /api/staff/orders/{id}/approval': {
    expect: { ...STAFF, staff: 'authorised' },
    call: (w) => ({ url: `/api/staff/orders/${w.orders.paidA}/approval` }),
  },
  'GET /api/staff/orders/{id}/presence': { expect: STAFF, call: (w) => ({ url: `/api/staff/orders/${w.orders.paidA}/presence` }) },
  'GET /api/staff/orders/{id}/history': { expect: STAFF, call: (w) => ({ url: `/api/staff/orders/${w.orders.paidA}/history` }) },
  'POST /api/staff/orders/{id}/contact': { expect: STAFF, call: (w) => ({ url: `/api/staff/orders/${w.orders.paidA}/contact`, payload: {} }) },
  'POST /api/staff/orders/{id}/hand-over': {
    expect: STAFF,
    call: async (w) => ({ url: `/api/staff/orders/${await placeOrder(w.t, w.shopperA)}/hand-over` }),
  },
  'POST /api/staff/orders/{id}/cancel': {
    expect: STAFF,
    call: async (w) => ({ url: `/api/staff/orders/${await placeOrder(w.t, w.shopperA)}/cancel`, payload: { reason: 'customer changed their mind' } }),
  },
  'POST /api/staff/orders/{id}/override': {
    expect: STAFF,
    // A phone with no presence proof: its order is held for presence mismatch (the gate is on).
    call: async (w) => ({
      url: `/api/staff/orders/${await placeOrder(w.t, await startShopper(w.t.app))}/override`,
      payload: { hold: 'presence_mismatch', staffName: '김직원', reason: 'known regular, phone without Bluetooth' },
    }),
  },
  'GET /api/staff/events': { expect: STAFF, sse: true, call: () => ({ url: '/api/staff/events' }) },
  'GET /api/staff/kiosks': { expect: STAFF, call: () => ({ url: '/api/staff/kiosks' }) },
  'POST /api/staff/kiosks': { expect: STAFF, call: () => ({ url: '/api/staff/kiosks', payload: { id: unique('K-'), name: 'Entrance' } }) },
  'POST /api/staff/kiosks/{id}/link': {
    expect: STAFF,
    call: async (w) => ({ url: `/api/staff/kiosks/${(await enrolKiosk(w.t, w.staff, unique('KL-'))).id}/link` }),
  },
  'DELETE /api/staff/kiosks/{id}': {
    expect: STAFF,
    call: async (w) => ({ url: `/api/staff/kiosks/${(await enrolKiosk(w.t, w.staff, unique('KD-'))).id}` }),
  },
  'GET /api/staff/devices': { expect: STAFF, call: () => ({ url: '/api/staff/devices' }) },
  'GET /api/staff/reports/z': { expect: STAFF, call: () => ({ url: '/api/staff/reports/z' }), why: 'sales figures are for staff only' },
  'GET /api/staff/reports/z.csv': { expect: STAFF, call: () => ({ url: `/api/staff/reports/z.csv?date=${day}&lang=ko` }) },
  'GET /api/staff/reports/z.pdf': { expect: STAFF, call: () => ({ url: `/api/staff/reports/z.pdf?date=${day}` }) },
  'POST /api/kiosk/session': { expect: PUBLIC, call: (w) => ({ url: '/api/kiosk/session', payload: { token: w.kiosk.token } }), why: 'whoever holds the kiosk link' },
  'GET /api/kiosk/session': { expect: KIOSK, call: () => ({ url: '/api/kiosk/session' }) },
  'POST /api/kiosk/unpair': { expect: KIOSK, call: () => ({ url: '/api/kiosk/unpair', payload: { reason: 'done' } }) },
  'GET /api/kiosk/events': { expect: KIOSK, sse: true, call: () => ({ url: '/api/kiosk/events' }) },
};

const day = new Date().toISOString().slice(0, 10);

async function authorisedPayment(w: HostileWorld, capture: boolean): Promise<string> {
  const body = JSON.stringify({ orderId: `ord-${randomUUID()}`, amount: 5000, currency: 'KRW', token: 'tok_visa', capture });
  const response = await w.central.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { ...signedHeaders(w.storeX, 'POST', '/v1/payments', body), 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    payload: body,
  });
  return (response.json() as { id: string }).id;
}

const IDEM = () => ({ 'idempotency-key': randomUUID() });

const CENTRAL_MATRIX: Record<string, Entry<CentralRole>> = {
  'GET /health': { expect: C_PUBLIC, call: () => ({ url: '/health' }) },
  'POST /admin/stores': { expect: ADMIN, call: () => ({ url: '/admin/stores', payload: { storeId: unique('AZ-'), name: 'New store', address: '부산 해운대구 1' } }) },
  'GET /admin/stores': { expect: ADMIN, call: () => ({ url: '/admin/stores' }) },
  'POST /admin/stores/{storeId}/key': {
    expect: ADMIN,
    call: async (w) => {
      const storeId = unique('RK-');
      await w.central.app.inject({ method: 'POST', url: '/admin/stores', headers: { authorization: `Bearer ${CENTRAL_ADMIN_TOKEN}` }, payload: { storeId, name: 'Rotating', address: '서울 1' } });
      return { url: `/admin/stores/${storeId}/key` };
    },
  },
  'GET /admin/reports/ledger': { expect: ADMIN, call: (w) => ({ url: `/admin/reports/ledger?storeId=${w.storeX.storeId}&from=${day}&to=${day}` }) },
  'GET /admin/reports/refunds': { expect: ADMIN, call: (w) => ({ url: `/admin/reports/refunds?storeId=${w.storeX.storeId}&from=${day}&to=${day}` }) },
  'GET /admin/reports/reconciliation': { expect: ADMIN, call: (w) => ({ url: `/admin/reports/reconciliation?storeId=${w.storeX.storeId}&date=${day}` }) },
  'POST /v1/payments': {
    expect: STORE,
    call: () => ({ url: '/v1/payments', headers: IDEM(), payload: { orderId: `ord-${randomUUID()}`, amount: 1200, currency: 'KRW', token: 'tok_visa', capture: true } }),
  },
  // Each store asks about its own keys only: another store's key reads 'unknown' (payments.test.ts).
  'GET /v1/payment-attempts/{key}': { expect: STORE, call: () => ({ url: `/v1/payment-attempts/omni-pay-${randomUUID()}-1` }) },
  'GET /v1/payments/{id}': { expect: OWN_X, call: (w) => ({ url: `/v1/payments/${w.payments.x}` }), missing: () => ({ url: `/v1/payments/${randomUUID()}` }) },
  'POST /v1/payments/{id}/capture': {
    expect: OWN_X,
    call: async (w) => ({ url: `/v1/payments/${await authorisedPayment(w, false)}/capture`, headers: IDEM(), payload: {} }),
    missing: () => ({ url: `/v1/payments/${randomUUID()}/capture`, headers: IDEM(), payload: {} }),
  },
  'POST /v1/payments/{id}/cancel': {
    expect: OWN_X,
    call: async (w) => ({ url: `/v1/payments/${await authorisedPayment(w, false)}/cancel`, headers: IDEM(), payload: {} }),
    missing: () => ({ url: `/v1/payments/${randomUUID()}/cancel`, headers: IDEM(), payload: {} }),
  },
  'POST /v1/payments/{id}/refunds': {
    expect: OWN_X,
    call: async (w) => ({ url: `/v1/payments/${await authorisedPayment(w, true)}/refunds`, headers: IDEM(), payload: { amount: 1000 } }),
    missing: () => ({ url: `/v1/payments/${randomUUID()}/refunds`, headers: IDEM(), payload: { amount: 1000 } }),
  },
  'POST /v1/sync/batches': { expect: STORE, call: (w, role) => ({ url: '/v1/sync/batches', payload: { storeId: (role === 'storeY' ? w.storeY : w.storeX).storeId, events: [] } }) },
  'GET /v1/sync/state': { expect: STORE, call: () => ({ url: '/v1/sync/state' }) },
  'POST /v1/profiles': {
    expect: STORE_AUTHORISED,
    call: () => ({ url: '/v1/profiles', payload: {} }),
    why: 'profiles are keyed by contact (no ids to steal) and need central’s profile key (work in progress): only authentication is checked',
  },
  'POST /v1/profiles/lookup': { expect: STORE_AUTHORISED, call: () => ({ url: '/v1/profiles/lookup', payload: {} }) },
  'POST /v1/profiles/lockout': { expect: STORE_AUTHORISED, call: () => ({ url: '/v1/profiles/lockout', payload: {} }) },
  'POST /v1/profiles/failures': { expect: STORE_AUTHORISED, call: () => ({ url: '/v1/profiles/failures', payload: {} }) },
  'POST /v1/profiles/purchases': { expect: STORE_AUTHORISED, call: () => ({ url: '/v1/profiles/purchases', payload: {} }) },
};

interface Answer {
  status: number;
  body: string;
}

let world: HostileWorld;
let storeBase = '';

beforeAll(async () => {
  // The presence gate is on so a held order exists for the override route; A is paired (present).
  world = await createHostileWorld({ gate: true });
  await world.t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = world.t.app.server.address();
  storeBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await world?.close();
});

function storeHeaders(w: HostileWorld, role: StoreRole): Record<string, string> {
  if (isShopper(role)) return shopperOf(w, role).headers;
  if (role === 'staff') return { cookie: w.staff };
  if (role === 'kiosk') return { cookie: w.kiosk.cookie };
  return {};
}

function centralHeaders(w: HostileWorld, role: CentralRole, method: string, url: string, body: string | undefined): Record<string, string> {
  if (role === 'admin') return { authorization: `Bearer ${CENTRAL_ADMIN_TOKEN}` };
  const keys: StoreKeys | undefined = role === 'storeX' ? w.storeX : role === 'storeY' ? w.storeY : undefined;
  return keys ? signedHeaders(keys, method, url, body) : {};
}

async function sendStore(method: string, role: StoreRole, call: Call, sse = false): Promise<Answer> {
  const payload = call.payload === undefined ? undefined : JSON.stringify(call.payload);
  const headers = { ...storeHeaders(world, role), ...call.headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) };
  if (sse) {
    // An open stream never ends: its status line is all that is needed.
    const abort = new AbortController();
    const response = await fetch(`${storeBase}${call.url}`, { headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal });
    const status = response.status;
    const body = status === 200 ? '' : await response.text();
    abort.abort();
    return { status, body };
  }
  const response = await world.t.app.inject({ method: method as 'GET', url: call.url, headers, ...(payload === undefined ? {} : { payload }) });
  return { status: response.statusCode, body: response.body };
}

async function sendCentral(method: string, role: CentralRole, call: Call): Promise<Answer> {
  const payload = call.payload === undefined ? undefined : JSON.stringify(call.payload);
  const headers = { ...centralHeaders(world, role, method, call.url, payload), ...call.headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) };
  const response = await world.central.app.inject({ method: method as 'GET', url: call.url, headers, ...(payload === undefined ? {} : { payload }) });
  return { status: response.statusCode, body: response.body };
}

function classOf(status: number): string {
  if (status >= 200 && status < 300) return '2xx';
  return String(status);
}

function meets(expected: Class, answer: Answer): boolean {
  if (expected === 'authorised') {
    return answer.status < 500 && answer.status !== 401 && answer.status !== 403 && !(answer.status === 404 && /_not_found"/.test(answer.body));
  }
  return classOf(answer.status) === expected;
}

const errorCode = (answer: Answer): string | undefined => {
  try {
    return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
};

describe('authorisation matrix', () => {
  it('has an entry for every documented route of both servers, and none for a route that is gone', async () => {
    for (const [name, app, matrix] of [
      ['store', world.t.app, STORE_MATRIX],
      ['central', world.central.app, CENTRAL_MATRIX],
    ] as const) {
      const documented = routesOf(await openApi(app)).map(routeKey);
      const missing = documented.filter((key) => !(key in matrix));
      const stale = Object.keys(matrix).filter((key) => !documented.includes(key));
      expect(missing, `${name} routes with no authorisation entry: add them to test/server/hostile/authz.test.ts`).toEqual([]);
      expect(stale, `${name} entries for routes the OpenAPI document no longer has`).toEqual([]);
    }
  });

  describe.each(Object.entries(STORE_MATRIX))('store %s', (key, entry) => {
    const method = key.split(' ')[0]!;
    it.each(STORE_ROLES.map((role) => [role, entry.expect[role]] as const))('as %s → %s', async (role, expected) => {
      const answer = await sendStore(method, role, await entry.call(world, role), entry.sse);
      // A sign-out or a revoked kiosk must not leak into the next case.
      await world.heal();
      expect(meets(expected, answer), `${key} as ${role}: expected ${expected}, got ${answer.status} ${answer.body.slice(0, 200)}`).toBe(true);
    });
  });

  describe.each(Object.entries(CENTRAL_MATRIX))('central %s', (key, entry) => {
    const method = key.split(' ')[0]!;
    it.each(CENTRAL_ROLES.map((role) => [role, entry.expect[role]] as const))('as %s → %s', async (role, expected) => {
      const answer = await sendCentral(method, role, await entry.call(world, role));
      expect(meets(expected, answer), `${key} as ${role}: expected ${expected}, got ${answer.status} ${answer.body.slice(0, 200)}`).toBe(true);
    });
  });
});

describe('IDOR: another tenant’s id is refused like a missing one and changes nothing', () => {
  const storeIdor = Object.entries(STORE_MATRIX).filter(([, e]) => e.missing);
  const centralIdor = Object.entries(CENTRAL_MATRIX).filter(([, e]) => e.missing);

  it('covers every id-taking shopper and store route', () => {
    const idRoutes = (matrix: Record<string, Entry<never>>, owner: string) =>
      Object.entries(matrix)
        .filter(([key, e]) => /\{(id|sku)\}/.test(key) && (e.expect as Record<string, Class>)[owner] !== undefined && (e.expect as Record<string, Class>)[owner] !== '401')
        .map(([key]) => key);
    // Cart lines are addressed by SKU inside the caller's own cart: there is no one else's to name.
    expect(idRoutes(STORE_MATRIX as never, 'shopperB').filter((k) => !k.includes('{sku}')).sort()).toEqual(storeIdor.map(([k]) => k).sort());
    expect(idRoutes(CENTRAL_MATRIX as never, 'storeY').sort()).toEqual(centralIdor.map(([k]) => k).sort());
  });

  it.each(storeIdor)('store %s: shopper B on A’s order', async (key, entry) => {
    const method = key.split(' ')[0]!;
    const call = await entry.call(world, 'shopperA');
    const beforeStore = storeSnapshot(world);
    const beforeCentral = await centralSnapshot(world, new Set(Object.keys(REFUSAL_MAY_WRITE.central)));
    const stolen = await sendStore(method, 'shopperB', call);
    const missing = await sendStore(method, 'shopperB', entry.missing!(world));
    expect([403, 404], stolen.body).toContain(stolen.status);
    expect({ status: stolen.status, code: errorCode(stolen), body: stolen.body.replace(/[0-9a-f-]{36}/g, 'ID') }).toEqual({
      status: missing.status,
      code: errorCode(missing),
      body: missing.body.replace(/[0-9a-f-]{36}/g, 'ID'),
    });
    expect(changedTables(beforeStore, storeSnapshot(world))).toEqual([]);
    expect(changedTables(beforeCentral, await centralSnapshot(world, new Set(Object.keys(REFUSAL_MAY_WRITE.central))))).toEqual([]);
    // And A still reaches it: the refusal was about B, not about the id.
    const own = await sendStore('GET', 'shopperA', { url: `/api/orders/${call.url.split('/')[3]}` });
    expect(own.status).toBe(200);
  });

  it.each(centralIdor)('central %s: store Y on X’s payment', async (key, entry) => {
    const method = key.split(' ')[0]!;
    const call = await entry.call(world, 'storeX');
    const skip = new Set(Object.keys(REFUSAL_MAY_WRITE.central));
    const before = await centralSnapshot(world, skip);
    const stolen = await sendCentral(method, 'storeY', call);
    const missing = await sendCentral(method, 'storeY', entry.missing!(world));
    expect([403, 404], stolen.body).toContain(stolen.status);
    expect({ status: stolen.status, code: errorCode(stolen), body: stolen.body.replace(/[0-9a-f-]{36}/g, 'ID') }).toEqual({
      status: missing.status,
      code: errorCode(missing),
      body: missing.body.replace(/[0-9a-f-]{36}/g, 'ID'),
    });
    expect(changedTables(before, await centralSnapshot(world, skip))).toEqual([]);
  });

  it('store Y cannot push a sync batch in store X’s name', async () => {
    const answer = await sendCentral('POST', 'storeY', { url: '/v1/sync/batches', payload: { storeId: world.storeX.storeId, events: [] } });
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('store_mismatch');
  });

  it('store Y reusing store X’s Idempotency-Key gets a payment of its own, never X’s replay', async () => {
    const key = randomUUID();
    const body = { orderId: `ord-${randomUUID()}`, amount: 2200, currency: 'KRW', token: 'tok_visa', capture: true };
    const x = await sendCentral('POST', 'storeX', { url: '/v1/payments', headers: { 'idempotency-key': key }, payload: body });
    const y = await sendCentral('POST', 'storeY', { url: '/v1/payments', headers: { 'idempotency-key': key }, payload: body });
    expect([x.status, y.status]).toEqual([201, 201]);
    const [px, py] = [JSON.parse(x.body), JSON.parse(y.body)] as { id: string; storeId: string }[];
    expect(py!.id).not.toBe(px!.id);
    expect(py!.storeId).toBe(world.storeY.storeId);
  });

  it('shopper B cannot resume A’s session by naming A’s device, nor take over A’s order id', async () => {
    const resumed = await sendStore('POST', 'shopperB', { url: '/api/sessions', payload: { deviceId: world.shopperA.deviceId } });
    expect(resumed.status).toBe(201);
    const fresh = JSON.parse(resumed.body) as { token: string; sessionId: string; resumed: boolean };
    expect(fresh.resumed).toBe(false);
    expect(`Bearer ${fresh.token}`).not.toBe(world.shopperA.headers.authorization);
    await addToCart(world, 'shopperB');
    const before = storeSnapshot(world);
    const taken = await sendStore('POST', 'shopperB', { url: '/api/orders', payload: checkoutBody({ orderId: world.orders.paidA }) });
    expect(taken.status, taken.body).toBe(409);
    expect(taken.body).not.toContain(world.shopperA.deviceId);
    expect(changedTables(before, storeSnapshot(world))).toEqual([]);
  });

  it('a shopper’s token from another phone is no session at all', async () => {
    const stolen = { authorization: world.shopperA.headers.authorization!, 'x-device-id': 'dev-another-phone-1' };
    const answer = await world.t.app.inject({ method: 'GET', url: `/api/orders/${world.orders.paidA}`, headers: stolen });
    expect(answer.statusCode).toBe(401);
  });
});
