// Runs in: node (tests). The approval unit end to end through app.inject with a live central
// (issue 5, items 1, 2, 6, 8): enrolment, presence, the identity dialogue with a re-ask, the
// risk decision and its reasons for staff, the impostor who fails and is locked out chain-wide,
// and the bytes at rest of both databases, which never hold an answer.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveCentral, type LiveCentral } from '../../../../helpers/central.js';
import { FakeJudge, seededRandom } from '../../../../helpers/approval.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, TEST_STORE_ID, type Shopper, type TestStation } from '../../../../helpers/station.js';
import type { AppOptions } from '../../../../../server/store/app.js';

const CONTACT = '010-1234-5678';
const ENROLMENT = {
  contact: CONTACT,
  lang: 'en',
  questions: [
    { id: 'q.birth_city', answer: 'Busan' },
    { id: 'q.first_pet', answer: 'Dubu' },
    { id: 'q.first_school', answer: 'Sunrise Elementary' },
    { text: 'What did my grandmother call me?', answer: 'Little Dumpling' },
  ],
};
const RIGHT: Record<string, string> = {
  'q.birth_city': 'I was born in Busan!',
  'q.first_pet': 'dubu',
  'q.first_school': 'sunrise elementary school',
  'custom-4': 'little dumpling',
};
const WRONG: Record<string, string> = {
  'q.birth_city': 'Daejeon',
  'q.first_pet': 'Rexford',
  'q.first_school': 'Hanbit School',
  'custom-4': 'sweetie',
};
const SECRETS = ['busan', 'Busan', 'Dubu', 'dubu', 'Sunrise', 'sunrise', 'Dumpling', 'dumpling', 'grandmother'];

let central: LiveCentral;
let judge: FakeJudge;
let t: TestStation;
let cookie: string;

async function station(approval: AppOptions['approval'] = {}) {
  t = await createTestStation({
    central: await central.registerStore(TEST_STORE_ID),
    payments: { settings: { timeoutMs: 2_000 } },
    presence: { gate: true },
    approval: { gate: true, judge, random: seededRandom(), ...approval },
  });
  cookie = await staffCookie(t.app);
}

beforeEach(async () => {
  central = await startLiveCentral();
  judge = new FakeJudge();
});
afterEach(async () => {
  await t?.close();
  await central.close();
});

function inject(shopper: Shopper | null, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: shopper?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function enrol(shopper: Shopper, body: unknown = ENROLMENT) {
  return inject(shopper, 'POST', '/api/approval/profile', body);
}

async function checkout(shopper: Shopper, skus = ['MILK-1'], contact = CONTACT) {
  for (const sku of skus) await inject(shopper, 'POST', '/api/cart/items', { sku });
  const body = checkoutBody({ orderer: { name: '김민지', contact } });
  const response = await inject(shopper, 'POST', '/api/orders', body);
  expect(response.statusCode).toBe(201);
  return { orderId: body.orderId, order: response.json() };
}

async function staffOrder(orderId: string) {
  return (await t.app.inject({ url: `/api/staff/orders/${orderId}`, headers: { cookie } })).json();
}

async function staffApproval(orderId: string) {
  const response = await t.app.inject({ url: `/api/staff/orders/${orderId}/approval`, headers: { cookie } });
  expect(response.statusCode).toBe(200);
  return response.json();
}

/** Proves the shopper's presence by pairing at a kiosk, as the kiosk screen's code allows. */
async function provePresence(shopper: Shopper) {
  if ((await t.app.inject({ url: '/api/staff/kiosks', headers: { cookie } })).json().kiosks.length === 0) {
    await t.app.inject({ method: 'POST', url: '/api/staff/kiosks', headers: { cookie }, payload: { id: 'K1', name: 'Entrance' } });
  }
  const events: { type: string; data: unknown }[] = [];
  const stop = t.app.station.kiosks.subscribe('K1', (event) => events.push(event));
  const url = (events.find((e) => e.type === 'pairing')!.data as { url: string }).url;
  stop();
  const paired = await inject(shopper, 'POST', '/api/presence/pair', { kioskId: 'K1', nonce: url.split('/').pop()! });
  expect(paired.statusCode).toBe(200);
}

function dialogue(shopper: Shopper, orderId: string, path = '', payload?: unknown) {
  return inject(shopper, payload === undefined && path === '' ? 'GET' : 'POST', `/api/orders/${orderId}/approval${path}`, payload);
}

async function answerCurrent(shopper: Shopper, orderId: string, answers: Record<string, string>) {
  const view = (await dialogue(shopper, orderId)).json();
  const question = view.question;
  const response =
    question.kind === 'history'
      ? await dialogue(shopper, orderId, '/answer', { questionId: question.id, choice: answers[question.id] ?? question.choices[0].id })
      : await dialogue(shopper, orderId, '/answer', { questionId: question.id, answer: answers[question.id] });
  expect(response.statusCode).toBe(200);
  return response.json();
}

/** Every byte under a folder (database, WAL, secrets): what someone who copies the disk gets. */
function bytesUnder(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? [bytesUnder(path)] : [readFileSync(path)];
    }),
  );
}

describe('approval dialogue through the station', () => {
  it('enrols, shops, proves presence, answers with one re-ask and pays; staff see the audit', async () => {
    await station();
    const shopper = await startShopper(t.app);
    const catalogue = (await t.app.inject({ url: '/api/approval/questions' })).json();
    expect(catalogue).toMatchObject({ min: 3, max: 5 });
    expect(catalogue.questions.find((q: { id: string }) => q.id === 'q.birth_city')).toEqual({ id: 'q.birth_city', en: 'In which city were you born?', ko: '태어난 도시는 어디인가요?' });

    const enrolled = await enrol(shopper);
    expect(enrolled.statusCode).toBe(201);
    expect(enrolled.json().questions.map((q: { id: string }) => q.id)).toEqual(['q.birth_city', 'q.first_pet', 'q.first_school', 'custom-4']);
    expect(enrolled.json().questions[3].text).toEqual({ ko: 'What did my grandmother call me?', en: 'What did my grandmother call me?' });
    expect(judge.embedded).toBe(4);

    // Presence comes first: without it the order waits for presence, not for the questions.
    const { orderId, order } = await checkout(shopper);
    expect(order).toMatchObject({ paymentState: 'pending', hold: 'presence_mismatch' });
    expect((await dialogue(shopper, orderId, '', undefined)).json()).toMatchObject({ status: 'not_started', hold: 'presence_mismatch' });
    expect((await dialogue(shopper, orderId, '', {})).statusCode).toBe(409);
    // Starting right after the proof works even before the released order was re-gated.
    await provePresence(shopper);
    const started = await dialogue(shopper, orderId, '', {});
    expect(started.statusCode).toBe(200);
    expect((await staffOrder(orderId)).hold).toBe('approval_pending');
    expect(await central.paymentsFor(orderId)).toEqual([]);
    const first = started.json();
    expect(first).toMatchObject({ status: 'open', hold: 'approval_pending', questionNumber: 1, maxQuestions: 3, passesNeeded: 2, reasksLeft: 2, questionsLeft: 3 });
    expect(first.question.kind).toBe('enrolled');
    expect(first.question.text.en.length).toBeGreaterThan(5);
    // Starting again answers the same dialogue.
    expect((await dialogue(shopper, orderId, '', {})).json()).toEqual(first);

    const another = await dialogue(shopper, orderId, '/another', { questionId: first.question.id });
    expect(another.statusCode).toBe(200);
    expect(another.json()).toMatchObject({ status: 'open', questionNumber: 1, reasksLeft: 1 });
    expect(another.json().question.id).not.toBe(first.question.id);

    const second = await answerCurrent(shopper, orderId, RIGHT);
    expect(second).toMatchObject({ status: 'open', questionNumber: 2 });
    const done = await answerCurrent(shopper, orderId, RIGHT);
    expect(done).toMatchObject({ status: 'passed', question: null, hold: null, paymentState: 'paid' });
    expect(await central.paymentsFor(orderId)).toMatchObject([{ state: 'captured' }]);

    const audit = await staffApproval(orderId);
    expect(audit.decision).toMatchObject({ outcome: 'approve', hold: null });
    expect(audit.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['presence_proven', 'device_bound', 'dialogue_passed']);
    expect(audit.dialogue).toMatchObject({ status: 'passed', answered: 2, passes: 2, fails: 0, reasksLeft: 1 });
    expect(audit.dialogue.turns.map((turn: { action: string; verdict: string | null }) => [turn.action, turn.verdict])).toEqual([
      ['reask', null],
      ['answer', 'pass'],
      ['answer', 'pass'],
    ]);
    expect(audit.dialogue.turns[0].questionId).toBe(first.question.id);
    expect(audit.lockout).toEqual({ locked: false, until: null, failures: [] });
    expect(audit.policy).toMatchObject({ enabled: true, judge: 'fake' });

    // Answers never at rest: not in the station's files, not in central's; no contact at central.
    const stationBytes = bytesUnder(t.station.dataDir);
    const centralBytes = bytesUnder(central.dir);
    for (const secret of SECRETS) {
      expect(stationBytes.includes(Buffer.from(secret)), `station: ${secret}`).toBe(false);
      expect(centralBytes.includes(Buffer.from(secret)), `central: ${secret}`).toBe(false);
    }
    for (const contact of [CONTACT, '01012345678']) expect(centralBytes.includes(Buffer.from(contact))).toBe(false);
    // The grep reads real rows: the order's contact is on the station, as checkout keeps it.
    expect(stationBytes.includes(Buffer.from(CONTACT))).toBe(true);
    expect(JSON.stringify(audit)).not.toMatch(/busan|dubu|sunrise|dumpling/i);
  });

  it('holds an impostor who fails the questions, shows staff why, and locks approval chain-wide after a second failure', async () => {
    await station();
    const owner = await startShopper(t.app);
    expect((await enrol(owner)).statusCode).toBe(201);

    const impostor = await startShopper(t.app);
    await provePresence(impostor);
    const { orderId, order } = await checkout(impostor);
    expect(order).toMatchObject({ paymentState: 'pending', hold: 'approval_pending' });
    const before = await staffApproval(orderId);
    expect(before.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['presence_proven', 'device_bound', 'enrolled', 'new_device']);

    expect((await dialogue(impostor, orderId, '', {})).statusCode).toBe(200);
    const afterFirst = await answerCurrent(impostor, orderId, WRONG);
    expect(afterFirst).toMatchObject({ status: 'open', questionNumber: 2 });
    const failed = await answerCurrent(impostor, orderId, WRONG);
    expect(failed).toMatchObject({ status: 'failed', question: null, hold: 'approval_denied', paymentState: 'pending' });
    expect(await central.paymentsFor(orderId)).toEqual([]);

    const retry = await inject(impostor, 'POST', `/api/orders/${orderId}/pay`, { payment: { method: 'card', token: 'tok_mastercard' } });
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error.code).toBe('approval_denied');
    const answerAgain = await dialogue(impostor, orderId, '/answer', { questionId: 'q.birth_city', answer: 'Busan' });
    expect(answerAgain.statusCode).toBe(409);
    expect(answerAgain.json().error.code).toBe('dialogue_closed');

    const why = await staffApproval(orderId);
    expect(why).toMatchObject({ hold: 'approval_denied', decision: { outcome: 'deny', hold: 'approval_denied' } });
    expect(why.decision.reasons.at(-1)).toMatchObject({ code: 'dialogue_failed' });
    expect(why.dialogue).toMatchObject({ status: 'failed', fails: 2, failureReported: true });
    expect(why.dialogue.turns.map((turn: { verdict: string }) => turn.verdict)).toEqual(['fail', 'fail']);
    expect(why.lockout).toMatchObject({ locked: false, failures: [{ storeId: TEST_STORE_ID }] });
    expect(JSON.stringify(why)).not.toMatch(/daejeon|rexford|hanbit|sweetie/i);

    // A second failed dialogue within 24 h locks the contact, whichever order or phone tries next.
    const second = await checkout(impostor);
    await dialogue(impostor, second.orderId, '', {});
    await answerCurrent(impostor, second.orderId, WRONG);
    expect(await answerCurrent(impostor, second.orderId, WRONG)).toMatchObject({ status: 'failed', hold: 'approval_denied' });
    await provePresence(owner);
    const third = await checkout(owner);
    expect(third.order).toMatchObject({ hold: 'approval_locked', paymentState: 'pending' });
    const locked = await staffApproval(third.orderId);
    expect(locked.decision).toMatchObject({ outcome: 'deny', hold: 'approval_locked' });
    expect(locked.decision.reasons.at(-1).code).toBe('locked');
    expect(locked.decision.reasons.at(-1).message).toContain('2 failed identity dialogues within 24 h');
    expect(locked.lockout).toMatchObject({ locked: true });
    expect(locked.lockout.failures).toHaveLength(2);
    const refused = await dialogue(owner, third.orderId, '', {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('approval_not_needed');

    // Staff check the owner's ID at the counter and lift the lock for this order, audited.
    const override = await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${third.orderId}/override`,
      headers: { cookie },
      payload: { hold: 'approval_locked', staffName: 'Kim Jisoo', reason: 'ID card checked at the counter' },
    });
    expect(override.statusCode).toBe(200);
    expect(override.json()).toMatchObject({ paymentState: 'paid' });
    expect((await staffApproval(third.orderId)).decision.reasons.at(-1).code).toBe('staff_override');
  });

  it('asks about purchases of the last 30 days with decoys from the catalogue', async () => {
    await station();
    const shopper = await startShopper(t.app);
    await provePresence(shopper);
    // Unenrolled, within the limit: paid on presence and device binding.
    const earlier = await checkout(shopper, ['MILK-1']);
    expect(earlier.order).toMatchObject({ paymentState: 'paid' });
    expect((await enrol(shopper)).statusCode).toBe(201);

    const { orderId, order } = await checkout(shopper, ['SNK-2']);
    expect(order.hold).toBe('approval_pending');
    await dialogue(shopper, orderId, '', {});
    await answerCurrent(shopper, orderId, RIGHT);
    const history = (await dialogue(shopper, orderId)).json();
    expect(history.question).toMatchObject({ id: 'history.30d', kind: 'history', text: { en: 'Which of these did you buy in the last 30 days?' } });
    const options = history.question.choices.map((c: { id: string }) => c.id).sort();
    expect(options).toEqual(['MILK-1', 'RAMEN-3', 'SNK-2', 'USD-4'].filter((sku) => options.includes(sku)));
    expect(options).toContain('MILK-1');
    expect(options.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(history)).not.toContain('correct');

    const typed = await dialogue(shopper, orderId, '/answer', { questionId: 'history.30d', answer: 'banana milk' });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().error.code).toBe('choice_required');
    const unknown = await dialogue(shopper, orderId, '/answer', { questionId: 'history.30d', choice: 'NOPE-1' });
    expect(unknown.json().error.code).toBe('choice_unknown');
    const done = await answerCurrent(shopper, orderId, { 'history.30d': 'MILK-1' });
    expect(done).toMatchObject({ status: 'passed', paymentState: 'paid' });
    const audit = await staffApproval(orderId);
    expect(audit.dialogue.turns.map((turn: { kind: string; judge: string }) => [turn.kind, turn.judge])).toEqual([
      ['enrolled', 'fake'],
      ['history', 'choice'],
    ]);
  });

  it("asks about purchases made at the chain's other stores, as central keeps them", async () => {
    await station();
    const shopper = await startShopper(t.app);
    await provePresence(shopper);
    expect((await enrol(shopper)).statusCode).toBe(201);
    // Another store of the chain reports what this shopper bought there.
    const busan = await central.registerStore('BUSAN-0002');
    await busan.request('POST', '/v1/profiles/purchases', { contact: '+82 10 1234 5678', orderId: 'busan-order-1', items: [{ sku: 'RAMEN-3', name: '신라면' }] });

    const { orderId } = await checkout(shopper, ['SNK-2']);
    await dialogue(shopper, orderId, '', {});
    await answerCurrent(shopper, orderId, RIGHT);
    const history = (await dialogue(shopper, orderId)).json();
    expect(history.question.id).toBe('history.30d');
    expect(history.question.choices.map((c: { id: string }) => c.id)).toContain('RAMEN-3');
    const done = await answerCurrent(shopper, orderId, { 'history.30d': 'RAMEN-3' });
    expect(done).toMatchObject({ status: 'passed', paymentState: 'paid' });
    // And this paid order is now part of the chain's history for the next store.
    const found = (await busan.request('POST', '/v1/profiles/lookup', { contact: CONTACT })) as { purchases: { sku: string; storeId: string }[] };
    expect(found.purchases.map((p) => [p.sku, p.storeId])).toEqual([
      ['SNK-2', TEST_STORE_ID],
      ['RAMEN-3', 'BUSAN-0002'],
    ]);
  });

  it('lets unenrolled shoppers pay on presence and device binding below the limit, and steps up above it', async () => {
    await station({ unenrolledMaxAmount: 2_000 });
    const shopper = await startShopper(t.app);
    await provePresence(shopper);
    const small = await checkout(shopper, ['MILK-1'], 'someone@example.com');
    expect(small.order).toMatchObject({ paymentState: 'paid' });
    expect((await staffApproval(small.orderId)).decision.reasons.map((r: { code: string }) => r.code)).toEqual(['presence_proven', 'device_bound', 'not_enrolled', 'within_limit']);

    const large = await checkout(shopper, ['MILK-1', 'SNK-2'], 'someone@example.com');
    expect(large.order).toMatchObject({ paymentState: 'pending', hold: 'step_up' });
    const why = await staffApproval(large.orderId);
    expect(why.decision).toMatchObject({ outcome: 'step_up', hold: 'step_up' });
    expect(why.decision.reasons.at(-1)).toMatchObject({ code: 'above_limit', message: expect.stringContaining('3,300 KRW is above the 2,000 KRW') });
    const retry = await inject(shopper, 'POST', `/api/orders/${large.orderId}/pay`, { payment: { method: 'card', token: 'tok_visa' } });
    expect(retry.json().error.code).toBe('step_up_required');
    const override = await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${large.orderId}/override`,
      headers: { cookie },
      payload: { hold: 'step_up', staffName: 'Park', reason: 'Driving licence checked' },
    });
    expect(override.json()).toMatchObject({ paymentState: 'paid' });
  });

  it('refuses bad input with a 4xx and changes nothing', async () => {
    await station();
    const shopper = await startShopper(t.app);
    const bad: [unknown, string][] = [
      [{ ...ENROLMENT, questions: ENROLMENT.questions.slice(0, 2) }, 'invalid_request'],
      [{ ...ENROLMENT, contact: 'nobody' }, 'contact_invalid'],
      [{ ...ENROLMENT, extra: true }, 'invalid_request'],
      [{ ...ENROLMENT, questions: [...ENROLMENT.questions.slice(0, 3), { id: 'q.nope', answer: 'x' }] }, 'question_unknown'],
      [{ ...ENROLMENT, questions: [...ENROLMENT.questions.slice(0, 3), { id: 'q.first_job', text: 'Mine?', answer: 'x' }] }, 'question_invalid'],
      [{ ...ENROLMENT, questions: [...ENROLMENT.questions.slice(0, 3), { id: 'q.birth_city', answer: 'x' }] }, 'question_duplicate'],
      [{ ...ENROLMENT, questions: [...ENROLMENT.questions.slice(0, 3), { id: 'q.first_job', answer: '   ' }] }, 'answer_empty'],
    ];
    for (const [body, code] of bad) {
      const response = await enrol(shopper, body);
      expect(response.statusCode, code).toBe(400);
      expect(response.json().error.code).toBe(code);
    }
    expect((await inject(null, 'POST', '/api/approval/profile', ENROLMENT)).statusCode).toBe(401);
    judge.failing = true;
    const engineDown = await enrol(shopper);
    expect(engineDown.statusCode).toBe(503);
    expect(engineDown.json().error.code).toBe('approval_engine_unavailable');
    judge.failing = false;
    expect((await enrol(shopper)).statusCode).toBe(201);
    const twice = await enrol(shopper);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('profile_exists');

    await provePresence(shopper);
    const { orderId } = await checkout(shopper);
    const open = (await dialogue(shopper, orderId, '', {})).json();
    const stale = await dialogue(shopper, orderId, '/answer', { questionId: 'q.not_current', answer: 'x' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('question_changed');
    const empty = await dialogue(shopper, orderId, '/answer', { questionId: open.question.id, answer: '   ' });
    expect(empty.json().error.code).toBe('answer_empty');
    expect((await dialogue(shopper, orderId, '/answer', { questionId: open.question.id })).json().error.code).toBe('answer_required');
    expect((await dialogue(shopper, orderId, '/answer', { questionId: open.question.id, answer: 'x'.repeat(301) })).statusCode).toBe(400);
    judge.failing = true;
    const down = await dialogue(shopper, orderId, '/answer', { questionId: open.question.id, answer: 'wrong' });
    expect(down.statusCode).toBe(503);
    judge.failing = false;
    const stranger = await startShopper(t.app);
    expect((await dialogue(stranger, orderId)).statusCode).toBe(404);
    expect((await dialogue(stranger, orderId, '/answer', { questionId: open.question.id, answer: 'x' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/staff/orders/${orderId}/approval` })).statusCode).toBe(401);
    // None of the refusals above moved the dialogue.
    expect((await dialogue(shopper, orderId)).json()).toEqual(open);
    expect((await staffApproval(orderId)).dialogue.turns).toEqual([]);
  });
});
