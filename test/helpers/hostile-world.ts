// Runs in: node (tests, bench). A station on a live central with everyone who may call either
// server (shoppers A and B, staff, a kiosk, IT, stores X and Y), what each of them owns, and
// content hashes of both databases, for the hostile-input fuzzer and the authorisation matrix.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { CentralClient } from '../../server/store/sync/central-client.js';
import { systemClock } from '../../server/store/clock.js';
import { signRequest } from '../../server/protocol/signing.js';
import { labelUrl } from '../../server/protocol/label.js';
import type { KioskEvent } from '../../server/store/modules/presence/kiosks.js';
import { CENTRAL_ADMIN_TOKEN, startLiveCentral, type LiveCentral } from './central.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, TEST_STORE_ID, type Shopper, type TestStation } from './station.js';

export const STORE_Y = 'FUZZ-Y001';
/** The built apps (npm test builds them first): without them page routes answer 503 apps_not_built. */
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
export const RENDERER_BUILT = existsSync(`${RENDERER_DIR}/shopper/index.html`);

/** Who is calling: headers for one request (signatures cover its exact method, URL and body). */
export interface Caller {
  name: string;
  headers(method: string, url: string, body: string | undefined): Record<string, string>;
}

export interface StoreKeys {
  storeId: string;
  storeKey: string;
}

export interface HostileWorld {
  central: LiveCentral;
  t: TestStation;
  storeX: StoreKeys;
  storeY: StoreKeys;
  shopperA: Shopper;
  shopperB: Shopper;
  staff: string;
  kiosk: { id: string; token: string; cookie: string };
  /** A's orders: one paid, one declined (payable again). */
  orders: { paidA: string; declinedA: string };
  /** Central payment ids each store made. */
  payments: { x: string; y: string };
  storeCallers(): Caller[];
  centralCallers(): Caller[];
  /** Signs in staff again and re-enrols the kiosk when a fuzzed request signed them out or revoked them. */
  heal(): Promise<void>;
  /** The current pairing code on the world's kiosk screen. */
  pairingNonce(kioskId?: string): string;
  close(): Promise<void>;
}

async function adminRegister(central: LiveCentral, storeId: string): Promise<StoreKeys> {
  const response = await central.app.inject({
    method: 'POST',
    url: '/admin/stores',
    headers: { authorization: `Bearer ${CENTRAL_ADMIN_TOKEN}` },
    payload: { storeId, name: 'Hostile test store', address: '서울 강남구 테헤란로 1' },
  });
  if (response.statusCode !== 201) throw new Error(`register ${storeId}: ${response.statusCode} ${response.body}`);
  return { storeId, storeKey: (response.json() as { storeKey: string }).storeKey };
}

export function signedHeaders(keys: StoreKeys, method: string, url: string, body: string | undefined): Record<string, string> {
  return signRequest({ method, path: url, body, storeId: keys.storeId, key: keys.storeKey, now: Date.now() });
}

export async function centralPayment(central: LiveCentral, keys: StoreKeys, token = 'tok_visa'): Promise<string> {
  const body = JSON.stringify({ orderId: `ord-${randomUUID()}`, amount: 1500, currency: 'KRW', token, capture: true });
  const response = await central.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { ...signedHeaders(keys, 'POST', '/v1/payments', body), 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    payload: body,
  });
  if (response.statusCode !== 201) throw new Error(`payment: ${response.statusCode} ${response.body}`);
  return (response.json() as { id: string }).id;
}

/** A shopper's checkout of one line; the order id comes back whatever the payment did. */
export async function placeOrder(t: TestStation, shopper: Shopper, token = 'tok_test_visa_4242'): Promise<string> {
  const add = await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1', quantity: 1 } });
  if (add.statusCode !== 200) throw new Error(`cart: ${add.statusCode} ${add.body}`);
  const body = checkoutBody({ payment: { method: 'card', token } });
  const response = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
  if (response.statusCode >= 300) throw new Error(`checkout: ${response.statusCode} ${response.body}`);
  return body.orderId;
}

export async function enrolKiosk(t: TestStation, staff: string, id: string): Promise<{ id: string; token: string; cookie: string }> {
  const created = await t.app.inject({ method: 'POST', url: '/api/staff/kiosks', headers: { cookie: staff }, payload: { id, name: `Kiosk ${id}` } });
  if (created.statusCode !== 201) throw new Error(`kiosk: ${created.statusCode} ${created.body}`);
  const token = new URL((created.json() as { link: string }).link).hash.replace(/^#token=/, '');
  return { id, token, cookie: `omni_kiosk=${token}` };
}

export async function createHostileWorld(options: { gate?: boolean } = {}): Promise<HostileWorld> {
  const central = await startLiveCentral();
  const storeX = await adminRegister(central, TEST_STORE_ID);
  const storeY = await adminRegister(central, STORE_Y);
  const client = new CentralClient({ baseUrl: central.url, storeId: storeX.storeId, storeKey: storeX.storeKey, clock: systemClock });
  const t = await createTestStation({
    rendererDir: RENDERER_BUILT ? RENDERER_DIR : undefined,
    central: client,
    payments: { settings: { timeoutMs: 1_000 }, forwarder: { baseDelayMs: 20, maxDelayMs: 100, idlePollMs: 50 } },
    presence: { gate: options.gate ?? false },
  });
  const shopperA = await startShopper(t.app);
  const shopperB = await startShopper(t.app);
  let staff = await staffCookie(t.app);
  let kioskSerial = 0;
  let kiosk = await enrolKiosk(t, staff, `KIOSK-W${kioskSerial++}`);
  const pairingNonce = (kioskId = kiosk.id): string => {
    let nonce = '';
    const stop = t.app.station.kiosks.subscribe(kioskId, (event: KioskEvent) => {
      if (event.type === 'pairing') nonce = (event.data as { url: string }).url.split('/').pop()!;
    });
    stop();
    return nonce;
  };
  if (options.gate) {
    const paired = await t.app.inject({
      method: 'POST',
      url: '/api/presence/pair',
      headers: shopperA.headers,
      payload: { kioskId: kiosk.id, nonce: pairingNonce() },
    });
    if (paired.statusCode !== 200) throw new Error(`pair: ${paired.statusCode} ${paired.body}`);
  }
  const orders = { paidA: await placeOrder(t, shopperA), declinedA: await placeOrder(t, shopperA, 'tok_decline_insufficient_funds') };
  // A's cart keeps a line, so the cart routes have something of A's to touch.
  await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopperA.headers, payload: { sku: 'SNK-2', quantity: 2 } });
  const payments = { x: await centralPayment(central, storeX), y: await centralPayment(central, storeY) };
  const forged: StoreKeys = { storeId: storeX.storeId, storeKey: randomBytes(32).toString('base64url') };

  const fixed = (name: string, headers: Record<string, string>): Caller => ({ name, headers: () => headers });
  const world: HostileWorld = {
    central,
    t,
    storeX,
    storeY,
    shopperA,
    shopperB,
    get staff() {
      return staff;
    },
    get kiosk() {
      return kiosk;
    },
    orders,
    payments,
    storeCallers: () => [
      fixed('anonymous', {}),
      fixed('shopperA', shopperA.headers),
      fixed('shopperB', shopperB.headers),
      fixed('staff', { cookie: staff }),
      fixed('kiosk', { cookie: kiosk.cookie }),
      // A's token from another phone: sessions are bound to their device.
      fixed('stolenToken', { authorization: shopperA.headers.authorization!, 'x-device-id': 'dev-thief-0000' }),
      fixed('forgedCookies', { cookie: `omni_staff=${randomBytes(24).toString('base64url')}; omni_kiosk=${randomBytes(24).toString('base64url')}` }),
    ],
    centralCallers: () => [
      fixed('anonymous', {}),
      fixed('admin', { authorization: `Bearer ${CENTRAL_ADMIN_TOKEN}` }),
      fixed('wrongAdmin', { authorization: `Bearer ${CENTRAL_ADMIN_TOKEN}x` }),
      { name: 'storeX', headers: (m, u, b) => signedHeaders(storeX, m, u, b) },
      { name: 'storeY', headers: (m, u, b) => signedHeaders(storeY, m, u, b) },
      { name: 'forgedStore', headers: (m, u, b) => signedHeaders(forged, m, u, b) },
    ],
    pairingNonce,
    async heal() {
      const staffOk = await t.app.inject({ method: 'GET', url: '/api/staff/session', headers: { cookie: staff } });
      if (staffOk.statusCode !== 200) staff = await staffCookie(t.app);
      const kioskOk = await t.app.inject({ method: 'GET', url: '/api/kiosk/session', headers: { cookie: kiosk.cookie } });
      if (kioskOk.statusCode !== 200) kiosk = await enrolKiosk(t, staff, `KIOSK-W${kioskSerial++}`);
    },
    async close() {
      await t.close();
      await central.close();
    },
  };
  return world;
}

export interface DbSnapshot {
  changes: number;
  tables: Map<string, string>;
}

function hashRows(rows: unknown[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v)));
  return `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
}

/**
 * Per table: row count and a hash of every row in rowid order (primary-key order for a WITHOUT
 * ROWID table, which has no rowid). Small test databases only.
 */
export function storeSnapshot(world: HostileWorld): DbSnapshot {
  const db = world.t.station.db;
  const tables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string; sql: string }[];
  const out = new Map<string, string>();
  for (const { name, sql: definition } of tables) {
    const order = /WITHOUT\s+ROWID/i.test(definition)
      ? (db.pragma(`table_info("${name}")`) as { name: string; pk: number }[])
          .filter((column) => column.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((column) => `"${column.name}"`)
          .join(', ')
      : 'rowid';
    out.set(name, hashRows(db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).raw().all()));
  }
  return { changes: storeChanges(world), tables: out };
}

/** Rows written by the station's connection so far: unchanged means nothing was written. */
export function storeChanges(world: HostileWorld): number {
  return (world.t.station.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
}

export async function centralChanges(world: HostileWorld): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT total_changes() AS n`.execute(world.central.db.db);
  return Number(rows[0]!.n);
}

/** As storeSnapshot, for central; `skip` names tables not worth hashing (they may change anyway). */
export async function centralSnapshot(world: HostileWorld, skip: ReadonlySet<string> = new Set()): Promise<DbSnapshot> {
  const db = world.central.db.db;
  const changes = await centralChanges(world);
  const { rows: tables } = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(db);
  const out = new Map<string, string>();
  for (const { name } of tables) {
    if (skip.has(name)) continue;
    const { rows } = await sql.raw(`SELECT * FROM "${name}" ORDER BY rowid`).execute(db);
    out.set(name, hashRows(rows));
  }
  return { changes, tables: out };
}

/** Tables whose hash differs, minus those a refusal may legitimately write (with the reason). */
export function changedTables(before: DbSnapshot, after: DbSnapshot, allowed: ReadonlySet<string> = new Set()): string[] {
  const names = new Set([...before.tables.keys(), ...after.tables.keys()]);
  return [...names].filter((n) => !allowed.has(n) && before.tables.get(n) !== after.tables.get(n));
}

export { labelUrl };
