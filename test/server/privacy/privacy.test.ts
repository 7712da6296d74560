// Runs in: node (vitest). Issue 8, item 5: after a full run — shoppers with names, phones, e-mail
// and delivery addresses check out and pay, one tries a card number as a "token" and is refused,
// one enrols identity answers and passes the dialogue, both pair at a kiosk — against a real
// station and a real central on disk, with production logging at debug level captured to files,
// the bytes of every database file (main, -wal, -shm) and of the logs are scanned:
//   card numbers (13-19 digits, Luhn)  nowhere;
//   enrolled or given answers          nowhere;
//   orderer name/contact/address       never at central, never in a log, and on the station only
//                                      in the columns docs/threat-model.md lists ("Personal data").
// The station's and central's key files are not databases and are left out.
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { centralLogger, startCentralServer, type RunningCentral } from '../../../server/central/server.js';
import { luhnValid } from '../../../server/central/pan.js';
import { productionLogger, startStoreServer, type RunningServer } from '../../../server/store/server.js';
import { initStation, openStation } from '../../../server/store/station.js';
import { registerWithCentral } from '../../../server/store/registration.js';
import { FakeJudge, seededRandom } from '../../helpers/approval.js';
import { insertProducts, SAMPLE_PRODUCTS, TEST_PIN } from '../../helpers/station.js';

const ADMIN_TOKEN = 'privacy-test-admin-token-0123456789';
const STORE_ID = 'PRIV-0001';
const PAN_TOKEN = 'tok_4242424242424242';

const ALICE = { name: '박서연', contact: '010-9876-5432', address: '부산 해운대구 마린시티2로 38, 1204호' };
const BOB = { name: 'Oliver Stanbridge', contact: 'oliver.stanbridge@example.net', address: 'Flat 12, 38 Marine City Road, Busan' };
/** Orderer data: what must stay in the station's order rows. */
const PERSONAL = [ALICE.name, ALICE.contact, '01098765432', ALICE.address, BOB.name, BOB.contact, BOB.address, 'Stanbridge', '마린시티2로'];
const ENROLMENT = {
  contact: ALICE.contact,
  lang: 'en',
  questions: [
    { id: 'q.birth_city', answer: 'Tongyeong' },
    { id: 'q.first_pet', answer: 'Mungchi' },
    { id: 'q.first_school', answer: 'Haneulbit Elementary' },
    { text: 'What did my grandmother call me?', answer: 'Kkomaengi' },
  ],
};
const GIVEN: Record<string, string> = {
  'q.birth_city': 'I was born in Tongyeong',
  'q.first_pet': 'mungchi',
  'q.first_school': 'haneulbit elementary school',
  'custom-4': 'kkomaengi!',
};
const ANSWERS = ['Tongyeong', 'Mungchi', 'Haneulbit', 'Kkomaengi', 'grandmother call me'];

/** Where orderer data may sit on the station (docs/threat-model.md "Personal data"). */
const STATION_PERSONAL_COLUMNS = new Set(['orders.orderer_name', 'orders.orderer_contact', 'orders.delivery_address']);

const root = mkdtempSync(join(tmpdir(), 'omni-privacy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Card numbers as people and acquirers write them: 13-19 digits, issuer 2-6, Luhn-valid. */
export function cardNumbersIn(text: string): string[] {
  const found: string[] = [];
  // A run after "<digit>." is the fraction of a decimal (a response time), not a number on its own.
  for (const match of text.matchAll(/(?<![0-9]|[0-9]\.)[0-9]{13,19}(?![0-9])/g)) {
    if (/^[2-6]/.test(match[0]) && luhnValid(match[0])) found.push(match[0]);
  }
  return found;
}

function databaseFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.db(-wal|-shm)?$/.test(name))
    .map((name) => join(dir, name));
}

/** The few answer fields this test reads; the servers' own tests check the shapes. */
interface Answer {
  token: string;
  status: string;
  paymentState: string;
  question: { id: string; kind: string; choices: { id: string }[] };
  error: { code: string };
  sync: { backlog: number; lastSeq: number };
}

async function http<T = Answer>(url: string, init: { method?: string; headers?: Record<string, string>; json?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: { ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

interface Shopper {
  headers: Record<string, string>;
}

describe('privacy of data at rest and in logs after a full run', () => {
  let central: RunningCentral | undefined;
  let store: RunningServer | undefined;
  const logs: WriteStream[] = [];

  afterAll(async () => {
    await store?.close();
    await central?.close();
  });

  it('keeps card numbers and answers out of every file, and orderer data where it belongs', async () => {
    const centralDir = join(root, 'central');
    const dataDir = join(root, 'station');
    const centralLog = createWriteStream(join(root, 'central.log'));
    const stationLog = createWriteStream(join(root, 'station.log'));
    logs.push(centralLog, stationLog);
    central = await startCentralServer({ dataDir: centralDir, port: 0, adminToken: ADMIN_TOKEN, logger: centralLogger('debug', centralLog) });
    const created = initStation({ dataDir, storeId: STORE_ID, pin: TEST_PIN, name: 'Privacy store' }).station;
    insertProducts(created, SAMPLE_PRODUCTS);
    created.close();
    const registering = openStation(dataDir);
    await registerWithCentral(registering, { centralUrl: central.url, adminToken: ADMIN_TOKEN, address: '서울 중구 세종대로 110' });
    registering.close();
    store = await startStoreServer({
      dataDir,
      port: 0,
      logger: productionLogger('debug', stationLog),
      presence: { gate: true },
      approval: { gate: true, judge: new FakeJudge(), random: seededRandom(11) },
    });
    const url = store.url;
    const signIn = await http(`${url}/api/staff/session`, { json: { pin: TEST_PIN } });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const staff = { cookie };
    expect((await http(`${url}/api/staff/kiosks`, { headers: staff, json: { id: 'K1', name: 'Entrance' } })).status).toBe(201);

    const newShopper = async (): Promise<Shopper> => {
      const deviceId = `phone-${randomUUID()}`;
      const session = await http(`${url}/api/sessions`, { json: { deviceId } });
      expect(session.status).toBe(201);
      return { headers: { authorization: `Bearer ${session.body.token}`, 'x-device-id': deviceId } };
    };
    const pairAtKiosk = async (shopper: Shopper) => {
      const events: { type: string; data: unknown }[] = [];
      const stop = store!.app.station.kiosks.subscribe('K1', (event) => events.push(event));
      stop();
      const pairing = events.find((e) => e.type === 'pairing')!.data as { url: string };
      const paired = await http(`${url}/api/presence/pair`, { headers: shopper.headers, json: { kioskId: 'K1', nonce: pairing.url.split('/').pop() } });
      expect(paired.status, JSON.stringify(paired.body)).toBe(200);
    };
    const fill = async (shopper: Shopper, skus: string[]) => {
      for (const sku of skus) expect((await http(`${url}/api/cart/items`, { headers: shopper.headers, json: { sku } })).status).toBe(200);
    };

    // Alice enrols, pairs at the kiosk, orders for delivery and passes the identity dialogue.
    const alice = await newShopper();
    expect((await http(`${url}/api/approval/profile`, { headers: alice.headers, json: ENROLMENT })).status).toBe(201);
    await pairAtKiosk(alice);
    await fill(alice, ['MILK-1', 'SNK-2']);
    const aliceOrder = randomUUID();
    const placed = await http(`${url}/api/orders`, {
      headers: alice.headers,
      json: { orderId: aliceOrder, orderer: { name: ALICE.name, contact: ALICE.contact }, fulfilment: { type: 'delivery', address: ALICE.address }, payment: { method: 'card', token: 'tok_visa' } },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    let view = placed.body;
    let answeredTurns = 0;
    expect(view.paymentState).toBe('pending');
    {
      view = (await http(`${url}/api/orders/${aliceOrder}/approval`, { headers: alice.headers, json: {} })).body;
      for (let turn = 0; view.status === 'open' && turn < 5; turn++) {
        const q = view.question;
        const answer = q.kind === 'history' ? { questionId: q.id, choice: q.choices[0]!.id } : { questionId: q.id, answer: GIVEN[q.id] };
        const answered = await http(`${url}/api/orders/${aliceOrder}/approval/answer`, { headers: alice.headers, json: answer });
        expect(answered.status, JSON.stringify(answered.body)).toBe(200);
        answeredTurns++;
        view = answered.body;
      }
    }
    expect(view.paymentState).toBe('paid');
    expect(answeredTurns, 'answers were typed, so there were answers to leak').toBeGreaterThanOrEqual(2);

    // Bob pairs, tries a card number as the token (refused, nothing kept), then pays properly.
    const bob = await newShopper();
    await pairAtKiosk(bob);
    await fill(bob, ['RAMEN-3']);
    const bobBody = (token: string, orderId = randomUUID()) => ({
      orderId,
      orderer: { name: BOB.name, contact: BOB.contact },
      fulfilment: { type: 'delivery', address: BOB.address },
      payment: { method: 'card', token },
    });
    const refused = await http(`${url}/api/orders`, { headers: bob.headers, json: bobBody(PAN_TOKEN) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('payment_token_invalid');
    const paid = await http(`${url}/api/orders`, { headers: bob.headers, json: bobBody('tok_mastercard') });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body.paymentState).toBe('paid');
    // The same number straight at central's payment API is refused there too.
    const direct = await http(`${central.url}/v1/payments`, { json: { storeId: STORE_ID, orderId: randomUUID(), amount: 100, currency: 'KRW', token: PAN_TOKEN } });
    expect(direct.status).toBeGreaterThanOrEqual(400);
    expect(direct.status).toBeLessThan(500);

    // Sync drains, so central holds everything it will ever hold of this run.
    for (let i = 0; i < 200; i++) {
      const status = (await http(`${url}/api/staff/status`, { headers: staff })).body;
      if (status.sync.backlog === 0 && status.sync.lastSeq > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await http(`${url}/api/staff/status`, { headers: staff })).body.sync).toMatchObject({ backlog: 0 });

    // Snapshot while both run (WAL files present), then again after a clean close (checkpointed).
    const scans: { label: string; files: Map<string, Buffer> }[] = [];
    const readAll = (dir: string) => new Map(databaseFiles(dir).map((file) => [file, readFileSync(file)]));
    scans.push({ label: 'running', files: new Map([...readAll(dataDir), ...readAll(centralDir)]) });
    const stationColumns = personalColumns(join(dataDir, 'station.db'));
    await store.close();
    await central.close();
    store = undefined;
    central = undefined;
    scans.push({ label: 'closed', files: new Map([...readAll(dataDir), ...readAll(centralDir)]) });
    for (const log of logs) {
      log.end();
      await once(log, 'finish');
    }

    const running = [...scans[0]!.files.keys()].map((f) => f.slice(root.length + 1)).sort();
    expect(running).toEqual(expect.arrayContaining(['central/central.db', 'central/central.db-wal', 'station/station.db', 'station/station.db-wal']));

    const problems: string[] = [];
    for (const { label, files } of scans) {
      for (const [file, bytes] of files) {
        const name = `${label} ${file.slice(root.length + 1)}`;
        const text = bytes.toString('latin1');
        const cards = cardNumbersIn(text);
        if (cards.length) problems.push(`${name}: card numbers ${cards.join(', ')}`);
        for (const answer of ANSWERS) {
          if (includesFolded(bytes, answer)) problems.push(`${name}: answer "${answer}"`);
        }
        if (file.startsWith(centralDir)) {
          for (const value of PERSONAL) if (bytes.includes(Buffer.from(value))) problems.push(`${name}: orderer data "${value}"`);
        }
      }
    }
    const logText = ['central.log', 'station.log'].map((f) => [f, readFileSync(join(root, f), 'utf8')] as const);
    for (const [name, text] of logText) {
      expect(text.length, `${name} is empty`).toBeGreaterThan(1000);
      const cards = cardNumbersIn(text);
      if (cards.length) problems.push(`${name}: card numbers ${cards.join(', ')}`);
      for (const value of [...PERSONAL, ...ANSWERS]) if (text.toLowerCase().includes(value.toLowerCase())) problems.push(`${name}: "${value}"`);
    }
    // On the station, orderer data is in the order rows and nowhere else.
    for (const [where, values] of stationColumns) if (!STATION_PERSONAL_COLUMNS.has(where)) problems.push(`station ${where}: ${values.join(', ')}`);
    expect(problems).toEqual([]);

    // The scanners see real data: the order rows do hold the orderer, and a card number is found.
    expect([...stationColumns.keys()].sort()).toEqual([...STATION_PERSONAL_COLUMNS].sort());
    expect(scans[1]!.files.get(join(dataDir, 'station.db'))!.includes(Buffer.from(ALICE.address))).toBe(true);
    expect(cardNumbersIn(`x"${PAN_TOKEN}",1764000000000,01098765432`)).toEqual(['4242424242424242']);
    expect(logText[0]![1]).toContain('/v1/sync/batches');
    expect(logText[1]![1]).toContain('/api/orders');
  }, 60_000);
});

/** Case-insensitive search of bytes (ASCII answers; the files hold them as UTF-8 if at all). */
function includesFolded(bytes: Buffer, needle: string): boolean {
  return bytes.toString('latin1').toLowerCase().includes(needle.toLowerCase());
}

/** Every table.column of the station that holds a piece of orderer data, with what it holds. */
function personalColumns(file: string): Map<string, string[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const found = new Map<string, string[]>();
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    for (const { name: table } of tables) {
      const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
      for (const { name: column } of columns) {
        const values = new Set<string>();
        for (const row of db.prepare(`SELECT CAST("${column}" AS BLOB) AS v FROM "${table}"`).all() as { v: Buffer | null }[]) {
          if (!row.v) continue;
          for (const value of PERSONAL) if (row.v.includes(Buffer.from(value))) values.add(value);
        }
        if (values.size) found.set(`${table}.${column}`, [...values]);
      }
    }
  } finally {
    db.close();
  }
  return found;
}
