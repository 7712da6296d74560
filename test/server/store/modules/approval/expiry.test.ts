// Runs in: node (tests). An identity dialogue the shopper walked away from (issue 5 follow-up),
// through app.inject with a live central and the station's fake clock: it expires after the
// configured time (on access and by the timer, which tells the monitor's feed), the order is held
// for staff with the reason, the audit has the expiry and no answer, central's lockout does not
// count it, a late answer gets 409 and changes nothing, and the shopper may start over once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveCentral, type LiveCentral } from '../../../../helpers/central.js';
import { FakeJudge, seededRandom } from '../../../../helpers/approval.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, TEST_STORE_ID, type Shopper, type TestStation } from '../../../../helpers/station.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSetting } from '../../../../../server/store/station.js';
import { openDatabase } from '../../../../../server/store/db.js';
import { migrations } from '../../../../../server/store/migrations/index.js';
import { DIALOGUE_TIMEOUT_SETTING, readDialogueTimeout, startDialogueExpiry } from '../../../../../server/store/modules/approval/expiry.js';

const CONTACT = '010-5555-1212';
const ENROLMENT = {
  contact: CONTACT,
  lang: 'en',
  questions: [
    { id: 'q.birth_city', answer: 'Busan' },
    { id: 'q.first_pet', answer: 'Dubu' },
    { id: 'q.first_school', answer: 'Sunrise Elementary' },
  ],
};
const RIGHT: Record<string, string> = { 'q.birth_city': 'Busan', 'q.first_pet': 'dubu', 'q.first_school': 'Sunrise Elementary' };
const MINUTE = 60_000;

let central: LiveCentral;
let t: TestStation;
let cookie: string;

beforeEach(async () => {
  central = await startLiveCentral();
  t = await createTestStation({
    central: await central.registerStore(TEST_STORE_ID),
    payments: { settings: { timeoutMs: 2_000 } },
    presence: { gate: true },
    approval: { gate: true, judge: new FakeJudge(), random: seededRandom() },
  });
  cookie = await staffCookie(t.app);
});
afterEach(async () => {
  await t?.close();
  await central.close();
});

function inject(shopper: Shopper, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: shopper.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}
const dialogue = (shopper: Shopper, orderId: string) => inject(shopper, 'GET', `/api/orders/${orderId}/approval`);
const post = (shopper: Shopper, orderId: string, path: string, payload?: unknown) => inject(shopper, 'POST', `/api/orders/${orderId}/approval${path}`, payload);

async function staffApproval(orderId: string) {
  const response = await t.app.inject({ url: `/api/staff/orders/${orderId}/approval`, headers: { cookie } });
  expect(response.statusCode).toBe(200);
  return response.json();
}
async function staffHold(orderId: string): Promise<string | null> {
  return (await t.app.inject({ url: `/api/staff/orders/${orderId}`, headers: { cookie } })).json().hold ?? null;
}

async function provePresence(shopper: Shopper) {
  if ((await t.app.inject({ url: '/api/staff/kiosks', headers: { cookie } })).json().kiosks.length === 0) {
    await t.app.inject({ method: 'POST', url: '/api/staff/kiosks', headers: { cookie }, payload: { id: 'K1', name: 'Entrance' } });
  }
  const events: { type: string; data: unknown }[] = [];
  const stop = t.app.station.kiosks.subscribe('K1', (event) => events.push(event));
  const url = (events.find((e) => e.type === 'pairing')!.data as { url: string }).url;
  stop();
  expect((await inject(shopper, 'POST', '/api/presence/pair', { kioskId: 'K1', nonce: url.split('/').pop()! })).statusCode).toBe(200);
}

/** An enrolled shopper, present, with an order whose dialogue is open (one question answered right). */
async function openDialogue(shopper: Shopper, enrol = true, minutes = 10) {
  if (enrol) expect((await inject(shopper, 'POST', '/api/approval/profile', ENROLMENT)).statusCode).toBe(201);
  await provePresence(shopper);
  await inject(shopper, 'POST', '/api/cart/items', { sku: 'MILK-1' });
  const body = checkoutBody({ orderer: { name: 'Kim Minji', contact: CONTACT } });
  expect((await inject(shopper, 'POST', '/api/orders', body)).json()).toMatchObject({ hold: 'approval_pending' });
  const started = (await post(shopper, body.orderId, '', {})).json();
  expect(started).toMatchObject({ status: 'open', timeoutMinutes: minutes, canRestart: false });
  return { orderId: body.orderId as string, view: started };
}

async function answerRight(shopper: Shopper, orderId: string) {
  const { question } = (await dialogue(shopper, orderId)).json();
  const response =
    question.kind === 'history'
      ? await post(shopper, orderId, '/answer', { questionId: question.id, choice: question.choices[0].id })
      : await post(shopper, orderId, '/answer', { questionId: question.id, answer: RIGHT[question.id] });
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe('an abandoned identity dialogue', () => {
  it('expires after the timeout on access: held for staff with the reason, audited, a late answer refused', async () => {
    const shopper = await startShopper(t.app);
    const { orderId } = await openDialogue(shopper);
    const one = await answerRight(shopper, orderId);
    expect(one).toMatchObject({ status: 'open', questionNumber: 2 });
    // The deadline counts from the last turn.
    expect(Date.parse(one.expiresAt)).toBe(t.clock.now() + 10 * MINUTE);

    t.clock.advance(10 * MINUTE - 1);
    expect((await dialogue(shopper, orderId)).json()).toMatchObject({ status: 'open' });
    const question = (await dialogue(shopper, orderId)).json().question;
    const turnsBefore = (await staffApproval(orderId)).dialogue.turns.length;
    t.clock.advance(1);
    // An answer sent after the deadline: 409, nothing recorded but the expiry itself.
    const late = await post(shopper, orderId, '/answer', { questionId: question.id, answer: RIGHT[question.id] ?? 'x' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'dialogue_expired', message: expect.stringMatching(/expired unanswered/) });
    const again = await post(shopper, orderId, '/answer', { questionId: question.id, answer: RIGHT[question.id] ?? 'x' });
    expect(again.statusCode).toBe(409);
    expect((await post(shopper, orderId, '/another', { questionId: question.id })).json().error.code).toBe('dialogue_expired');

    const view = (await dialogue(shopper, orderId)).json();
    expect(view).toMatchObject({ status: 'expired', question: null, hold: 'step_up', paymentState: 'pending', expiresAt: null, canRestart: true });
    expect(await staffHold(orderId)).toBe('step_up');
    // The board tells this ID check from a plain one; the phone's own view does not carry it.
    const staffOrder = (await t.app.inject({ url: `/api/staff/orders/${orderId}`, headers: { cookie } })).json();
    expect(staffOrder.holdCause).toBe('dialogue_expired');
    const listed = (await t.app.inject({ url: '/api/staff/orders', headers: { cookie } })).json().orders.find((o: { id: string }) => o.id === orderId);
    expect(listed.holdCause).toBe('dialogue_expired');
    const own = await t.app.inject({ url: `/api/orders/${orderId}`, headers: shopper.headers });
    expect(own.json()).toMatchObject({ id: orderId, hold: 'step_up' });
    expect(own.json()).not.toHaveProperty('holdCause');
    expect(await central.paymentsFor(orderId)).toEqual([]);

    const audit = await staffApproval(orderId);
    expect(audit.decision).toMatchObject({ outcome: 'step_up', hold: 'step_up' });
    expect(audit.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['dialogue_expired']);
    expect(audit.decision.reasons[0].message).toMatch(/expired unanswered after 10 min.*not counted as a failed attempt/);
    expect(audit.dialogue).toMatchObject({ status: 'expired', answered: 1, passes: 1, fails: 0, restartsLeft: 1, failureReported: null, expiresAt: null });
    expect(audit.dialogue.turns).toHaveLength(turnsBefore + 1);
    expect(audit.dialogue.turns.at(-1)).toMatchObject({ action: 'expire', questionId: question.id, score: null, verdict: null, judge: null });
    expect(audit.dialogue.turns.at(-1).at).toBe(new Date(t.clock.now()).toISOString());
    // Walking away is not a wrong answer: central's lockout has nothing.
    expect(audit.lockout).toEqual({ locked: false, until: null, failures: [] });
  });

  it('expires by the timer without a request; the monitor feed hears of it; two expiries never lock the shopper out', async () => {
    const shopper = await startShopper(t.app);
    const events: { type: string; data: unknown }[] = [];
    const unsubscribe = t.app.station.hub.subscribe((event) => void events.push(event as { type: string; data: unknown }));
    const sweeper = startDialogueExpiry({ approval: t.app.station.approval, log: { info: () => {}, warn: () => {}, error: () => {} }, everyMs: 20 });
    try {
      for (let round = 0; round < 2; round++) {
        const { orderId } = await openDialogue(shopper, round === 0);
        events.length = 0;
        t.clock.advance(10 * MINUTE);
        // No request about this order: the timer finds it.
        await expect.poll(() => events.some((e) => e.type === 'approval.updated' && (e.data as { orderId: string; status: string }).orderId === orderId && (e.data as { status: string }).status === 'expired')).toBe(true);
        // The order's own event, as the monitor's board receives it: held for staff.
        await expect.poll(() => events.some((e) => e.type === 'order.updated' && (e.data as { id: string; hold?: string }).id === orderId && (e.data as { hold?: string }).hold === 'step_up')).toBe(true);
        const held = events.filter((e) => e.type === 'order.updated' && (e.data as { id: string }).id === orderId).at(-1)!.data;
        expect(held).toMatchObject({ hold: 'step_up', holdCause: 'dialogue_expired' });
        expect(t.app.station.orders.forStaff(orderId).hold).toBe('step_up');
      }
      // A third order still gets the questions: neither expiry counted as a failure.
      const third = await openDialogue(shopper, false);
      expect(third.view.question).not.toBeNull();
      expect((await staffApproval(third.orderId)).lockout).toEqual({ locked: false, until: null, failures: [] });
    } finally {
      sweeper.stop();
      unsubscribe();
    }
  });

  it('starts over once while the order is payable and pays; a second expiry cannot start over', async () => {
    const shopper = await startShopper(t.app);
    const { orderId } = await openDialogue(shopper);
    // Nothing to start over while the dialogue is open.
    expect((await post(shopper, orderId, '/restart')).json().error.code).toBe('restart_not_allowed');
    // The shopper comes back 11 minutes later.
    t.clock.advance(11 * MINUTE);
    expect((await dialogue(shopper, orderId)).json()).toMatchObject({ status: 'expired', canRestart: true });

    // Another shopper cannot restart it (the same answer as a missing order).
    const other = await startShopper(t.app);
    expect((await post(other, orderId, '/restart')).statusCode).toBe(404);

    const restarted = await post(shopper, orderId, '/restart');
    expect(restarted.statusCode).toBe(200);
    // The proof of presence lapsed with the 10 minutes: presence comes first again.
    expect(restarted.json()).toMatchObject({ status: 'open', hold: 'presence_mismatch', questionNumber: 1, reasksLeft: 2, canRestart: false });
    await provePresence(shopper);
    await expect.poll(async () => staffHold(orderId)).toBe('approval_pending');
    expect((await staffApproval(orderId)).dialogue.turns.at(-1)).toMatchObject({ action: 'restart', score: null, verdict: null });
    expect((await post(shopper, orderId, '/restart')).json().error.code).toBe('restart_not_allowed');

    await answerRight(shopper, orderId);
    const done = await answerRight(shopper, orderId);
    expect(done).toMatchObject({ status: 'passed', paymentState: 'paid', hold: null });
    const actions = (await staffApproval(orderId)).dialogue.turns.map((turn: { action: string }) => turn.action);
    expect(actions).toEqual(['expire', 'restart', 'answer', 'answer']);

    // A second order: started over once, expired again: held for staff, no third chance.
    await provePresence(shopper);
    await inject(shopper, 'POST', '/api/cart/items', { sku: 'MILK-1' });
    const body = checkoutBody({ orderer: { name: 'Kim Minji', contact: CONTACT } });
    await inject(shopper, 'POST', '/api/orders', body);
    await post(shopper, body.orderId, '', {});
    t.clock.advance(10 * MINUTE);
    expect((await post(shopper, body.orderId, '/restart')).statusCode).toBe(200);
    t.clock.advance(10 * MINUTE);
    expect((await dialogue(shopper, body.orderId)).json()).toMatchObject({ status: 'expired', hold: 'step_up', canRestart: false });
    const refused = await post(shopper, body.orderId, '/restart');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('restart_not_allowed');
    expect((await staffApproval(body.orderId)).decision.reasons[0].message).toMatch(/Already started over once/);
  });

  it('refuses a restart once the order is no longer payable (staff lifted the hold)', async () => {
    const shopper = await startShopper(t.app);
    const { orderId } = await openDialogue(shopper);
    t.clock.advance(10 * MINUTE);
    await dialogue(shopper, orderId);
    const lifted = await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${orderId}/override`,
      headers: { cookie },
      payload: { hold: 'step_up', staffName: 'Kim Jisoo', reason: 'ID card checked at the counter' },
    });
    expect(lifted.statusCode).toBe(200);
    const view = (await dialogue(shopper, orderId)).json();
    expect(view).toMatchObject({ status: 'expired', canRestart: false });
    const refused = await post(shopper, orderId, '/restart');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('order_not_payable');
  });

  it('reads the timeout from its setting and refuses bad values with a log line', async () => {
    const warnings: string[] = [];
    expect(readDialogueTimeout(t.station.db)).toBe(10 * MINUTE);
    for (const bad of ['0', '2.5', 'ten', '', '1441', '-3']) {
      writeSetting(t.station.db, DIALOGUE_TIMEOUT_SETTING, bad);
      expect(readDialogueTimeout(t.station.db, (m) => warnings.push(m))).toBe(10 * MINUTE);
    }
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toBe('setting approval_dialogue_timeout_min="0" is not a whole number of minutes between 1 and 1440: using 10');

    // A good value takes effect at the next sweep, without a restart; a bad one is logged once.
    writeSetting(t.station.db, DIALOGUE_TIMEOUT_SETTING, '3');
    const logged: string[] = [];
    const sweeper = startDialogueExpiry({ approval: t.app.station.approval, log: { info: () => {}, warn: (m) => logged.push(m), error: () => {} }, everyMs: 60_000 });
    await sweeper.sweep();
    const shopper = await startShopper(t.app);
    const { orderId, view } = await openDialogue(shopper, true, 3);
    expect(Date.parse(view.expiresAt)).toBe(t.clock.now() + 3 * MINUTE);
    t.clock.advance(3 * MINUTE);
    expect((await dialogue(shopper, orderId)).json()).toMatchObject({ status: 'expired', timeoutMinutes: 3 });
    writeSetting(t.station.db, DIALOGUE_TIMEOUT_SETTING, '3 minutes');
    await sweeper.sweep();
    await sweeper.sweep();
    expect(logged).toEqual(['setting approval_dialogue_timeout_min="3 minutes" is not a whole number of minutes between 1 and 1440: using 10']);
    expect(t.app.station.approval.timeoutMs).toBe(10 * MINUTE);
    sweeper.stop();
  });
});

describe('migration 11', () => {
  it('keeps the dialogues and turns of earlier versions and accepts expiry rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-approval-m11-'));
    try {
      const file = join(dir, 'station.db');
      const old = openDatabase(file, migrations.filter((m) => m.version < 11));
      old.prepare("INSERT INTO shopper_sessions (id, token_hash, device_id, created_at, last_seen_at) VALUES ('s1', 'h1', 'd1', 0, 0)").run();
      old
        .prepare(
          `INSERT INTO orders (id, number, session_id, device_id, state, total, currency, orderer_name, orderer_contact,
             fulfilment, payment_method, payment_token, request_hash, created_at, updated_at)
           VALUES ('o1', 1, 's1', 'd1', 'placed', 2500, 'KRW', 'Kim', '010-1234-5678', 'pickup', 'card', 'tok_test_old', 'x', 5, 6)`,
        )
        .run();
      old.prepare("INSERT INTO approval_dialogues (order_id, status, state, failure_sent, started_at, updated_at) VALUES ('o1', 'failed', '{}', 1, 5, 6)").run();
      old.prepare("INSERT INTO approval_turns (order_id, turn, question_id, question_kind, action, score, verdict, judge, reasons, at) VALUES ('o1', 1, 'q.first_pet', 'enrolled', 'answer', 0.2, 'fail', 'fake', '[]', 6)").run();
      expect(() => old.prepare("UPDATE approval_dialogues SET status = 'expired'").run()).toThrow(/CHECK/);
      old.close();
      const db = openDatabase(file);
      expect(db.prepare('SELECT order_id, status, failure_sent, started_at, updated_at FROM approval_dialogues').all()).toEqual([
        { order_id: 'o1', status: 'failed', failure_sent: 1, started_at: 5, updated_at: 6 },
      ]);
      expect(db.prepare('SELECT turn, action, score, verdict FROM approval_turns').all()).toEqual([{ turn: 1, action: 'answer', score: 0.2, verdict: 'fail' }]);
      db.prepare("UPDATE approval_dialogues SET status = 'expired'").run();
      db.prepare("INSERT INTO approval_turns (order_id, turn, question_id, question_kind, action, at) VALUES ('o1', 2, 'q.first_pet', 'enrolled', 'expire', 7)").run();
      db.prepare("INSERT INTO approval_turns (order_id, turn, question_id, question_kind, action, at) VALUES ('o1', 3, 'q.first_pet', 'enrolled', 'restart', 8)").run();
      expect(() => db.prepare("UPDATE approval_dialogues SET status = 'gone'").run()).toThrow(/CHECK/);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
