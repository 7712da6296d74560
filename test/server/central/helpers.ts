// Runs in: node (tests). A central app on a throw-away database of either dialect, a store
// registered on it, and helpers that sign requests as that store's station would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { buildCentralApp, type CentralApp, type CentralAppOptions } from '../../../server/central/app.js';
import { openCentralDb, type CentralDb, type Dialect, type OpenOptions } from '../../../server/central/db/index.js';
import { TestAcquirer } from '../../../server/central/acquirer/test-acquirer.js';
import { ManualClock } from '../../../server/store/clock.js';
import { signRequest } from '../../../server/protocol/signing.js';

export const PG_URL = process.env.OMNI_TEST_PG_URL;
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const STORE_ID = 'SEOUL-0001';
export const T0 = Date.UTC(2026, 10, 25, 9);

if (!PG_URL) {
  console.warn('central tests: OMNI_TEST_PG_URL is not set, so the PostgreSQL runs are SKIPPED (SQLite only).');
}

/** Runs `body` once per dialect; the PostgreSQL suite is skipped, visibly, without a server. */
export function describeDialects(title: string, body: (dialect: Dialect) => void): void {
  describe(`${title} [sqlite]`, () => body('sqlite'));
  describe.skipIf(!PG_URL)(`${title} [postgres${PG_URL ? '' : ': skipped, set OMNI_TEST_PG_URL'}]`, () => {
    beforeAll(() => {
      fileDbUsers++;
    });
    afterAll(async () => {
      if (--fileDbUsers === 0) await dropFileDatabase();
    });
    body('postgres');
  });
}

/*
 * Each test file gets a database of its own and each test a schema in it. Kysely's migrator
 * reads the catalogue of the whole database, which fails while another test file drops a
 * schema; test files run in parallel, the tests of one file do not.
 */
let fileDb: Promise<string> | undefined;
let fileDbName: string | undefined;
let fileDbUsers = 0;

function fileDatabaseUrl(): Promise<string> {
  fileDb ??= (async () => {
    const name = `omni_t_${randomBytes(6).toString('hex')}`;
    await pgQuery(PG_URL!, `CREATE DATABASE ${name}`);
    fileDbName = name;
    const url = new URL(PG_URL!);
    url.pathname = `/${name}`;
    return url.toString();
  })();
  return fileDb;
}

async function dropFileDatabase(): Promise<void> {
  if (!fileDbName) return;
  await pgQuery(PG_URL!, `DROP DATABASE IF EXISTS ${fileDbName} WITH (FORCE)`);
  fileDb = undefined;
  fileDbName = undefined;
}

export interface TestDb {
  central: CentralDb;
  /** For a second instance on the same database. */
  reopen(): Promise<CentralDb>;
  drop(): Promise<void>;
}

/** A fresh database: a temp folder for SQLite, a schema of its own for PostgreSQL (in the file's database). */
export async function createTestDb(dialect: Dialect): Promise<TestDb> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'omni-central-'));
    return tracked({ dataDir: dir }, async () => rmSync(dir, { recursive: true, force: true }));
  }
  const url = await fileDatabaseUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await pgQuery(url, `CREATE SCHEMA ${schema}`);
  return tracked({ url, pgSchema: schema, poolSize: 5 }, () => pgQuery(url, `DROP SCHEMA ${schema} CASCADE`));
}

/** Every handle opened on one test database, so dropping it closes them all first. */
async function tracked(options: OpenOptions, remove: () => Promise<void>): Promise<TestDb> {
  const opened: CentralDb[] = [];
  const open = async () => {
    const db = await openCentralDb(options);
    opened.push(db);
    return db;
  };
  return {
    central: await open(),
    reopen: open,
    async drop() {
      for (const db of opened) await db.close();
      await remove();
    },
  };
}

async function pgQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface TestCentral {
  app: CentralApp;
  db: TestDb;
  clock: ManualClock;
  acquirer: TestAcquirer;
  storeId: string;
  storeKey: string;
  /** A request signed as the registered store, at the test clock's time. */
  signed(method: string, url: string, body?: unknown, headers?: Record<string, string>, as?: { storeId: string; key: string }): Promise<InjectResult>;
  /** A payment call with a fresh (or given) Idempotency-Key. */
  pay(url: string, body: unknown, key?: string): Promise<InjectResult>;
  admin(method: string, url: string, body?: unknown): Promise<InjectResult>;
  /** Another app instance on the same database (another central behind the load balancer). */
  secondInstance(): Promise<CentralApp>;
  close(): Promise<void>;
}

/** What most assertions read: the error shape of CONTRACT.md "HTTP". */
export type ErrorJson = { error: { code: string; message: string } };

export interface InjectResult {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
  json<T = ErrorJson & Record<string, unknown>>(): T;
}

export async function createTestCentral(dialect: Dialect, options: Partial<CentralAppOptions> = {}): Promise<TestCentral> {
  const db = await createTestDb(dialect);
  const clock = new ManualClock(T0);
  const acquirer = new TestAcquirer();
  const build = (central: CentralDb) =>
    buildCentralApp({ db: central, acquirer, clock, adminToken: ADMIN_TOKEN, acquirerTimeoutMs: 200, purgeEveryMs: 0, ...options });
  const app = await build(db.central);
  const apps: CentralApp[] = [app];
  const admin = async (method: string, url: string, body?: unknown) =>
    (await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(body === undefined ? {} : { payload: body as object }),
    })) as unknown as InjectResult;
  const created = await admin('POST', '/admin/stores', { storeId: STORE_ID, name: '강남점', address: '서울 강남구 테헤란로 1' });
  if (created.statusCode !== 201) throw new Error(`store: ${created.statusCode} ${created.body}`);
  const storeKey = created.json<{ storeKey: string }>().storeKey;

  const signedOn = (target: CentralApp, method: string, url: string, body?: unknown, headers: Record<string, string> = {}, as = { storeId: STORE_ID, key: storeKey }) =>
    signedInject(target, clock, as.key, method, url, body, headers, as.storeId);
  return {
    app,
    db,
    clock,
    acquirer,
    storeId: STORE_ID,
    storeKey,
    admin,
    signed: (method, url, body, headers, as) => signedOn(app, method, url, body, headers, as),
    pay: (url, body, key = randomUUID()) => signedOn(app, 'POST', url, body, { 'idempotency-key': key }),
    async secondInstance() {
      const second = await build(await db.reopen());
      apps.push(second);
      return second;
    },
    async close() {
      for (const a of apps) await a.close();
      await db.drop();
    },
  };
}

/** Signs for a given app instance: what a station does towards whichever instance it reaches. */
export async function signedInject(
  app: CentralApp,
  clock: ManualClock,
  key: string,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  storeId = STORE_ID,
): Promise<InjectResult> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const signature = signRequest({ method, path: url, body: payload, storeId, key, now: clock.now() });
  return (await app.inject({
    method: method as 'GET',
    url,
    headers: { ...signature, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(payload === undefined ? {} : { payload }),
  })) as unknown as InjectResult;
}

export function paymentBody(overrides: Record<string, unknown> = {}) {
  return { orderId: randomUUID(), amount: 12_500, currency: 'KRW', token: 'tok_visa', capture: true, ...overrides };
}
