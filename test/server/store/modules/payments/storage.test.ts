// Runs in: node (tests). How payments are kept: every payment write commits and then has its
// WAL flushed to disk before anything goes on, settings come from the station, old orders migrate as unpaid, and a station
// without central takes orders it cannot charge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { durableCommit, openDatabase, WalFlusher } from '../../../../../server/store/db.js';
import { migrations } from '../../../../../server/store/migrations/index.js';
import { PaymentRepository } from '../../../../../server/store/modules/payments/repository.js';
import { DEFAULT_PAYMENT_SETTINGS, readPaymentSettings } from '../../../../../server/store/modules/payments/settings.js';
import { writeSetting } from '../../../../../server/store/station.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, type TestStation } from '../../../../helpers/station.js';
import { createHarness, type Harness } from './harness.js';

const NORMAL = 1;

let h: Harness | undefined;
let t: TestStation | undefined;
const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  await t?.close();
  h = t = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'omni-payments-'));
  dirs.push(dir);
  return join(dir, 'station.db');
}

describe('durability', () => {
  it('refuses to nest and rolls back a failed change, staying at NORMAL', async () => {
    const db = openDatabase(tempDb());
    let nested: Promise<unknown> | undefined;
    db.transaction(() => {
      nested = durableCommit(db, () => 1);
    })();
    await expect(nested).rejects.toThrow(/inside another transaction/);
    await expect(durableCommit(db, () => { throw new Error('rolled back'); })).rejects.toThrow('rolled back');
    expect(db.pragma('synchronous', { simple: true })).toBe(NORMAL);
    db.close();
  });

  it('flushes every payment row, from checkout to refund, before the next step', async () => {
    h = await createHarness();
    const steps: string[] = [];
    const { create, update } = PaymentRepository.prototype;
    vi.spyOn(PaymentRepository.prototype, 'create').mockImplementation(function (this: PaymentRepository, ...args) {
      steps.push('write');
      return create.apply(this, args);
    });
    vi.spyOn(PaymentRepository.prototype, 'update').mockImplementation(function (this: PaymentRepository, ...args) {
      steps.push('write');
      return update.apply(this, args);
    });
    const { flush } = WalFlusher.prototype;
    vi.spyOn(WalFlusher.prototype, 'flush').mockImplementation(function (this: WalFlusher) {
      steps.push('flush');
      return flush.apply(this);
    });
    const declined = await h.checkout('tok_decline_insufficient_funds');
    await h.pay(declined, 'tok_visa');
    await h.staff('cancel', declined.orderId);
    // create, attempt 1, declined, attempt 2, captured, refunded: each on disk before the next.
    expect(steps).toEqual(Array.from({ length: 6 }, () => ['write', 'flush']).flat());
  });
});

describe('settings', () => {
  it('reads the limits from the station settings, with defaults, and refuses nonsense', () => {
    const db = openDatabase(tempDb());
    expect(readPaymentSettings(db)).toEqual(DEFAULT_PAYMENT_SETTINGS);
    writeSetting(db, 'offline_max_per_payment', '20000');
    writeSetting(db, 'payment_timeout_ms', '3000');
    expect(readPaymentSettings(db, { offlineMaxOutstanding: 1 })).toEqual({
      ...DEFAULT_PAYMENT_SETTINGS,
      offlineMaxPerPayment: 20_000,
      timeoutMs: 3000,
      offlineMaxOutstanding: 1,
    });
    writeSetting(db, 'offline_max_outstanding', '-1');
    expect(() => readPaymentSettings(db)).toThrow(/offline_max_outstanding/);
    db.close();
  });
});

describe('migration', () => {
  it('gives orders placed before payments an unpaid payment row that is never charged by itself', () => {
    const file = tempDb();
    const old = openDatabase(file, migrations.filter((m) => m.version <= 4));
    old.prepare("INSERT INTO shopper_sessions VALUES ('s1', 'h1', 'd1', 0, 0)").run();
    old
      .prepare(
        `INSERT INTO orders (id, number, session_id, device_id, state, total, currency, orderer_name, orderer_contact,
           fulfilment, payment_method, payment_token, request_hash, created_at, updated_at)
         VALUES ('o1', 1, 's1', 'd1', 'placed', 2500, 'KRW', 'Kim', '010-1234-5678', 'pickup', 'card', 'tok_test_old', 'x', 5, 6)`,
      )
      .run();
    old.close();
    const db = openDatabase(file);
    expect(new PaymentRepository(db).forOrder('o1')).toMatchObject({
      amount: 2500,
      currency: 'KRW',
      method: 'card',
      token_ref: 'tok_test_old',
      state: 'pending',
      attempts: 0,
      settled_attempt: 0,
    });
    expect(new PaymentRepository(db).waitingForCentral()).toEqual([]);
    db.close();
  });
});

describe('a station not registered with central', () => {
  it('keeps orders pending, cannot take a payment, and says so in its status', async () => {
    t = await createTestStation();
    const shopper = await startShopper(t.app);
    await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
    const body = checkoutBody();
    const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
    expect(placed.json()).toMatchObject({ paymentState: 'pending' });
    const pay = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${body.orderId}/pay`,
      headers: shopper.headers,
      payload: { payment: { method: 'card', token: 'tok_visa' } },
    });
    expect(pay.statusCode).toBe(503);
    expect(pay.json().error.code).toBe('payments_unavailable');
    const status = await t.app.inject({ url: '/api/staff/status', headers: { cookie: await staffCookie(t.app) } });
    expect(status.json().payments).toMatchObject({ enabled: false, offline: { count: 0, outstanding: 0 }, forwarder: { state: 'not_registered' } });
    expect(t.app.station.outbox.pending(10).map((e) => e.type)).toEqual(['order.placed']);
  });
});
