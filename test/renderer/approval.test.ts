// Runs in: node (vitest). The approval UI's rules that need no browser: the enrolment form
// (limits, duplicates, the request), the chat transcript, the dialogue outcome, the holds
// (shopper and board), and how the monitor words reasons and audited questions.
import { describe, expect, it } from 'vitest';
import {
  buildEnrolRequest,
  dialogueOutcome,
  dialogueStale,
  extendTranscript,
  hasEnrolErrors,
  localText,
  choiceLabel,
  validateEnrolment,
  type EnrolEntry,
} from '../../renderer/shopper/approval';
import { reasonParams, scorePercent, turnQuestion, KNOWN_REASONS } from '../../renderer/monitor/approval';
import { approvalHeldCount, heldCount } from '../../renderer/monitor/board';
import { APPROVAL_HOLDS, canPayAgain, handOverBlock, holdOf, isApprovalHold, isHeld, ORDER_HOLDS } from '../../renderer/shared/payment';
import { en } from '../../renderer/shared/messages/en';
import { ko } from '../../renderer/shared/messages/ko';
import type { ApprovalDialogue, OrderHold, StaffApproval, StaffOrder } from '../../renderer/shared/types';

const limits = { min: 3, max: 5 };
const entry = (key: string, answer = 'x', extra: Partial<EnrolEntry> = {}): EnrolEntry => ({ key, source: 'catalogue', id: key, text: '', answer, ...extra });

describe('enrolment form', () => {
  it('needs a contact and 3 to 5 answered questions', () => {
    const empty = validateEnrolment({ contact: '', entries: [] }, limits);
    expect(empty.contact).toBe(true);
    expect(empty.count).toBe('few');
    const ok = validateEnrolment({ contact: '010-1234-5678', entries: [entry('a'), entry('b'), entry('c')] }, limits);
    expect(hasEnrolErrors(ok)).toBe(false);
    const many = validateEnrolment({ contact: 'a@b.co', entries: ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => entry(k)) }, limits);
    expect(many.count).toBe('many');
  });

  it('marks empty or long answers and short or repeated own questions', () => {
    const errors = validateEnrolment(
      {
        contact: '010-1234-5678',
        entries: [
          entry('a', '   '),
          entry('b', 'y'.repeat(301)),
          entry('custom-1', 'z', { source: 'custom', id: undefined, text: 'My first bike?' }),
          entry('custom-2', 'z', { source: 'custom', id: undefined, text: '  my FIRST   bike? ' }),
          entry('custom-3', 'z', { source: 'custom', id: undefined, text: 'ab' }),
        ],
      },
      limits,
    );
    expect(errors.entries).toEqual({ a: ['answerEmpty'], b: ['answerLong'], 'custom-2': ['textDuplicate'], 'custom-3': ['textShort'] });
  });

  it('sends catalogue ids or the own words, trimmed, in the UI language', () => {
    const request = buildEnrolRequest(
      { contact: ' 010-1234-5678 ', entries: [entry('q.first_pet', ' 초코 '), entry('custom-1', 'Blue', { source: 'custom', id: undefined, text: ' My   first bike? ' })] },
      'ko',
    );
    expect(request).toEqual({
      contact: '010-1234-5678',
      lang: 'ko',
      questions: [
        { id: 'q.first_pet', answer: '초코' },
        { text: 'My first bike?', answer: 'Blue' },
      ],
    });
  });
});

const dialogue = (over: Partial<ApprovalDialogue> = {}): ApprovalDialogue => ({
  orderId: 'o1',
  status: 'open',
  hold: 'approval_pending',
  paymentState: 'pending',
  question: { id: 'q.birth_city', kind: 'enrolled', text: { ko: '태어난 도시는?', en: 'Born where?' } },
  questionNumber: 1,
  maxQuestions: 3,
  passesNeeded: 2,
  reasksLeft: 2,
  questionsLeft: 3,
  expiresAt: '2026-11-25T09:10:00.000Z',
  timeoutMinutes: 10,
  canRestart: false,
  ...over,
});

describe('chat transcript', () => {
  it('asks each question once and adds the shopper turn before the next question', () => {
    let chat = extendTranscript([], dialogue(), null);
    expect(chat.map((e) => e.type)).toEqual(['question']);
    // A reload of the same question adds nothing.
    chat = extendTranscript(chat, dialogue(), null);
    expect(chat).toHaveLength(1);
    const next = dialogue({ question: { id: 'history.30d', kind: 'history', text: { ko: '구매?', en: 'Bought?' }, choices: [{ id: 'MILK-1', label: '바나나우유', labelEn: 'Banana milk' }] }, reasksLeft: 1 });
    chat = extendTranscript(chat, next, { type: 'reask' });
    expect(chat.map((e) => `${e.from}:${e.type}`)).toEqual(['station:question', 'me:reask', 'station:question']);
    chat = extendTranscript(chat, dialogue({ status: 'passed', question: null }), { type: 'answer', text: '부산' });
    expect(chat.at(-1)).toMatchObject({ from: 'me', type: 'answer', text: '부산' });
    expect(new Set(chat.map((e) => e.seq)).size).toBe(chat.length);
  });

  it('words questions and choices in the UI language', () => {
    expect(localText({ ko: '한국어', en: 'English' }, 'ko')).toBe('한국어');
    expect(localText({ ko: '한국어', en: '' }, 'en')).toBe('한국어');
    expect(choiceLabel({ id: 'a', label: '신라면', labelEn: 'Shin ramyun' }, 'en')).toBe('Shin ramyun');
    expect(choiceLabel({ id: 'a', label: '신라면' }, 'en')).toBe('신라면');
  });
});

describe('dialogue outcome', () => {
  const order = (hold: OrderHold | undefined, paymentState = 'pending') => ({ hold, paymentState, state: 'placed' });
  it('follows the order: paid, held for staff, or still asking', () => {
    expect(dialogueOutcome(dialogue(), order('approval_pending'))).toBe('asking');
    expect(dialogueOutcome(dialogue({ status: 'passed' }), order(undefined, 'paid'))).toBe('paid');
    expect(dialogueOutcome(dialogue({ status: 'passed' }), order(undefined))).toBe('passed');
    expect(dialogueOutcome(dialogue({ status: 'failed' }), order('approval_denied'))).toBe('denied');
    expect(dialogueOutcome(null, order('approval_locked'))).toBe('locked');
    expect(dialogueOutcome(null, order('step_up'))).toBe('step_up');
    expect(dialogueOutcome(null, order('presence_mismatch'))).toBe('presence');
    expect(dialogueOutcome(dialogue({ status: 'not_started', hold: null }), order(undefined, 'paid_offline'))).toBe('paid');
  });

  it('shows an expired dialogue held for staff as expired, until presence or a payment takes over', () => {
    const expired = dialogue({ status: 'expired', question: null, hold: 'step_up', expiresAt: null, canRestart: true });
    expect(dialogueOutcome(expired, order('step_up'))).toBe('expired');
    expect(dialogueOutcome(expired, order(undefined, 'paid'))).toBe('paid');
    expect(dialogueOutcome(expired, order('presence_mismatch'))).toBe('presence');
    // Without the expiry, a step-up hold stays the ID check it always was.
    expect(dialogueOutcome(null, order('step_up'))).toBe('step_up');
    // An open dialogue whose order is now held for staff expired meanwhile: reload it.
    expect(dialogueStale(dialogue(), 'step_up')).toBe(true);
    expect(dialogueStale(dialogue(), 'approval_pending')).toBe(false);
    expect(dialogueStale(expired, 'step_up')).toBe(false);
  });
});

const staffOrder = (over: Partial<StaffOrder> = {}): StaffOrder => ({
  id: 'a',
  number: 1,
  state: 'placed',
  items: [],
  total: 60_000,
  currency: 'KRW',
  orderer: { name: 'n', contact: 'c' },
  fulfilment: { type: 'pickup' },
  payment: { method: 'card' },
  paymentState: 'pending',
  createdAt: '2026-11-25T09:00:00.000Z',
  updatedAt: '2026-11-25T09:00:00.000Z',
  deviceId: 'd',
  ...over,
});

describe('holds', () => {
  it('hold every unpaid placed order, by kind', () => {
    for (const hold of ORDER_HOLDS) {
      expect(isHeld(staffOrder({ hold }))).toBe(true);
      expect(canPayAgain(staffOrder({ hold }))).toBe(false);
      expect(handOverBlock(staffOrder({ hold }))).toBe(hold);
    }
    expect(holdOf(staffOrder({ hold: 'step_up', paymentState: 'paid' }))).toBeNull();
    expect(holdOf(staffOrder({ hold: 'brand_new' as OrderHold }))).toBeNull();
    expect(isApprovalHold('presence_mismatch')).toBe(false);
    expect(APPROVAL_HOLDS.every((h) => isApprovalHold(h))).toBe(true);
  });

  it('are counted on the board apart from presence holds', () => {
    const orders = [staffOrder({ hold: 'presence_mismatch' }), staffOrder({ id: 'b', hold: 'approval_denied' }), staffOrder({ id: 'c', hold: 'step_up' }), staffOrder({ id: 'd', hold: 'step_up', paymentState: 'paid' })];
    expect(heldCount(orders)).toBe(1);
    expect(approvalHeldCount(orders)).toBe(2);
  });
});

describe('monitor wording', () => {
  const approval: Pick<StaffApproval, 'dialogue' | 'lockout' | 'policy'> = {
    policy: { enabled: true, unenrolledMaxAmount: 50_000, judge: 'engine:use-lite' },
    dialogue: { status: 'failed', expiresAt: null, timeoutMinutes: 10, restartsLeft: 0, answered: 2, passes: 0, fails: 2, reasksLeft: 1, failureReported: true, startedAt: '', updatedAt: '', turns: [] },
    lockout: { locked: true, until: '2026-11-26T09:00:00.000Z', failures: [] },
  };
  const format = { money: (n: number, c: string) => `${n} ${c}`, dateTime: (iso: string) => `at ${iso}` };

  it('fills the numbers of a known reason, or gives way to the server message', () => {
    expect(reasonParams('dialogue_failed', approval, staffOrder(), format)).toEqual({ fails: 2, answered: 2 });
    expect(reasonParams('above_limit', approval, staffOrder(), format)).toEqual({ total: '60000 KRW', limit: '50000 KRW' });
    expect(reasonParams('locked', approval, staffOrder(), format)).toEqual({ until: 'at 2026-11-26T09:00:00.000Z' });
    expect(reasonParams('dialogue_passed', { ...approval, dialogue: null }, staffOrder(), format)).toBeNull();
    expect(reasonParams('something_new', approval, staffOrder(), format)).toBeNull();
    expect(reasonParams('device_bound', approval, staffOrder(), format)).toEqual({});
  });

  it('has a message for every reason code, hold and outcome in both languages', () => {
    for (const messages of [en, ko]) {
      for (const code of KNOWN_REASONS) expect(messages.monitor.approval.reason[code], code).toEqual(expect.any(String));
      for (const hold of ORDER_HOLDS) {
        expect(messages.monitor.hold[hold], hold).toEqual(expect.any(String));
        expect(messages.monitor.holdTitle[hold], hold).toEqual(expect.any(String));
        expect(messages.monitor.override.open[hold], hold).toEqual(expect.any(String));
        expect(messages.monitor.override.title[hold], hold).toEqual(expect.any(String));
        expect(messages.monitor.handOverBlocked[hold], hold).toEqual(expect.any(String));
      }
    }
  });

  it('words audited questions in the UI language, never guessing a custom one', () => {
    const catalogue = { min: 3, max: 5, questions: [{ id: 'q.first_pet', ko: '반려동물?', en: 'Pet?' }] };
    expect(turnQuestion({ questionId: 'q.first_pet', question: 'Pet?', kind: 'enrolled' }, catalogue, 'ko')).toEqual({ kind: 'text', text: '반려동물?' });
    expect(turnQuestion({ questionId: 'history.30d', question: 'x', kind: 'history' }, catalogue, 'ko')).toEqual({ kind: 'key', key: 'history' });
    expect(turnQuestion({ questionId: 'custom-2', question: 'custom question (sealed in the profile)', kind: 'enrolled' }, catalogue, 'en')).toEqual({ kind: 'key', key: 'custom' });
    expect(turnQuestion({ questionId: 'q.new', question: 'New?', kind: 'enrolled' }, null, 'ko')).toEqual({ kind: 'text', text: 'New?' });
    expect(scorePercent(0.914)).toBe(91);
    expect(scorePercent(null)).toBeNull();
    expect(scorePercent(3)).toBe(100);
  });
});
