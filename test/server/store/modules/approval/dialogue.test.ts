// Runs in: node (vitest). The approval dialogue as a pure state machine with a fake clock
// (DESIGN.md "Approval dialogue"): rounds, re-asks, 2 passes approve, 2 failures end it, and the
// chain-wide lockout rule (2 failed dialogues in 24 h, lifted 24 h after the second).
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../server/store/clock.js';
import {
  answer,
  DialogueError,
  expire,
  expiresAt,
  MAX_QUESTIONS,
  questionsLeft,
  reask,
  restart,
  startDialogue,
  type DialogueQuestion,
  type DialogueState,
} from '../../../../../server/store/modules/approval/dialogue.js';
import { lockoutState, LOCKOUT_WINDOW_MS, normaliseAnswer, normaliseContact } from '../../../../../server/protocol/approval.js';

const T0 = Date.UTC(2026, 10, 25, 9);
const PASS = { score: 0.9, match: true };
const FAIL = { score: 0.2, match: false };

function questions(n: number): DialogueQuestion[] {
  return Array.from({ length: n }, (_, i) => ({ id: `q${i + 1}`, kind: 'enrolled' as const }));
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DialogueError) return error.code;
    throw error;
  }
  throw new Error('expected a DialogueError');
}

describe('dialogue state machine', () => {
  it('asks the questions in order and approves after 2 passes, with each turn audited', () => {
    const clock = new ManualClock(T0);
    let state = startDialogue(questions(4), clock);
    expect(state).toMatchObject({ status: 'open', current: { id: 'q1' }, answered: 0, reasksLeft: 2 });
    expect(questionsLeft(state)).toBe(3);
    clock.advance(5_000);
    const first = answer(state, 'q1', PASS, clock);
    expect(first.turn).toEqual({ turn: 1, questionId: 'q1', kind: 'enrolled', action: 'answer', score: 0.9, verdict: 'pass', at: T0 + 5_000 });
    state = first.state;
    expect(state).toMatchObject({ status: 'open', current: { id: 'q2' }, passes: 1, answered: 1 });
    const second = answer(state, 'q2', PASS, clock);
    expect(second.state).toMatchObject({ status: 'passed', current: null, passes: 2, fails: 0, answered: 2, turns: 2 });
    expect(questionsLeft(second.state)).toBe(0);
  });

  it('takes a third question after one failure, and fails on the second failure', () => {
    const clock = new ManualClock(T0);
    let state = startDialogue(questions(3), clock);
    state = answer(state, 'q1', FAIL, clock).state;
    state = answer(state, 'q2', PASS, clock).state;
    expect(state).toMatchObject({ status: 'open', current: { id: 'q3' }, passes: 1, fails: 1 });
    const passed = answer(state, 'q3', PASS, clock).state;
    expect(passed.status).toBe('passed');
    const failed = answer(state, 'q3', FAIL, clock);
    expect(failed.state).toMatchObject({ status: 'failed', current: null, fails: 2, answered: 3 });
    expect(failed.turn).toMatchObject({ verdict: 'fail', score: 0.2 });

    let early = startDialogue(questions(3), clock);
    early = answer(early, 'q1', FAIL, clock).state;
    expect(answer(early, 'q2', FAIL, clock).state).toMatchObject({ status: 'failed', answered: 2 });
  });

  it('lets the shopper ask for another question twice, never for a question set aside', () => {
    const clock = new ManualClock(T0);
    let state = startDialogue(questions(5), clock);
    const first = reask(state, 'q1', clock);
    expect(first.turn).toMatchObject({ turn: 1, questionId: 'q1', action: 'reask', score: null, verdict: null });
    state = first.state;
    expect(state).toMatchObject({ current: { id: 'q2' }, reasksLeft: 1, answered: 0 });
    state = answer(state, 'q2', PASS, clock).state;
    state = reask(state, 'q3', clock).state;
    expect(state).toMatchObject({ current: { id: 'q4' }, reasksLeft: 0, turns: 3 });
    expect(codeOf(() => reask(state, 'q4', clock))).toBe('no_more_reasks');
    state = answer(state, 'q4', FAIL, clock).state;
    expect(state.current?.id).toBe('q5');
    expect(state.queue).toEqual([]);
    expect(answer(state, 'q5', PASS, clock).state.status).toBe('passed');
  });

  it('refuses a re-ask that would leave too few questions to decide', () => {
    const clock = new ManualClock(T0);
    const three = startDialogue(questions(3), clock);
    expect(codeOf(() => reask(three, 'q1', clock))).toBe('no_more_questions');
    const four = startDialogue(questions(4), clock);
    const after = reask(four, 'q1', clock).state;
    expect(codeOf(() => reask(after, 'q2', clock))).toBe('no_more_questions');
  });

  it('refuses stale and late turns without changing anything', () => {
    const clock = new ManualClock(T0);
    const state = startDialogue(questions(3), clock);
    const before = structuredClone(state);
    expect(codeOf(() => answer(state, 'q2', PASS, clock))).toBe('question_changed');
    expect(codeOf(() => reask(state, 'nope', clock))).toBe('question_changed');
    expect(state).toEqual(before);
    let done: DialogueState = answer(state, 'q1', PASS, clock).state;
    done = answer(done, 'q2', PASS, clock).state;
    expect(codeOf(() => answer(done, 'q3', PASS, clock))).toBe('dialogue_closed');
    expect(codeOf(() => reask(done, 'q3', clock))).toBe('dialogue_closed');
    expect(codeOf(() => startDialogue(questions(MAX_QUESTIONS - 1), clock))).toBe('too_few_questions');
  });

  it('clamps scores into 0..1 in the audit', () => {
    const clock = new ManualClock(T0);
    const state = startDialogue(questions(3), clock);
    expect(answer(state, 'q1', { score: 1.7, match: true }, clock).turn.score).toBe(1);
    expect(answer(state, 'q1', { score: Number.NaN, match: false }, clock).turn.score).toBe(0);
  });
});

describe('lockout', () => {
  it('locks after 2 failed dialogues within 24 h and lifts 24 h after the second', () => {
    const clock = new ManualClock(T0);
    expect(lockoutState([], clock.now())).toEqual({ locked: false, recentFailures: [], until: null });
    const first = clock.now();
    expect(lockoutState([first], clock.now()).locked).toBe(false);
    clock.advance(3 * 60 * 60 * 1000);
    const second = clock.now();
    expect(lockoutState([first, second], clock.now())).toEqual({ locked: true, recentFailures: [second, first], until: first + LOCKOUT_WINDOW_MS });
    clock.advance(LOCKOUT_WINDOW_MS - 3 * 60 * 60 * 1000 - 1);
    expect(lockoutState([first, second], clock.now()).locked).toBe(true);
    clock.advance(1);
    expect(lockoutState([first, second], clock.now())).toMatchObject({ locked: false, recentFailures: [second] });
  });

  it('does not lock for 2 failures more than 24 h apart', () => {
    expect(lockoutState([T0, T0 + LOCKOUT_WINDOW_MS + 1], T0 + LOCKOUT_WINDOW_MS + 2).locked).toBe(false);
  });
});

describe('normalisation', () => {
  it('spells one contact one way', () => {
    for (const spelling of ['010-1234-5678', '010 1234 5678', '01012345678', '+82 10-1234-5678', '+82-010-1234-5678']) {
      expect(normaliseContact(spelling), spelling).toBe('01012345678');
    }
    expect(normaliseContact(' Min.Ji@Example.COM ')).toBe('min.ji@example.com');
    expect(normaliseContact('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normaliseContact('not a contact')).toBeNull();
  });

  it('keeps the characters of an answer the scorer needs', () => {
    expect(normaliseAnswer('  I grew up in   BUSAN ')).toBe('i grew up in busan');
    expect(normaliseAnswer('부산  광역시')).toBe('부산 광역시');
    expect(normaliseAnswer('ＡＢＣ')).toBe('abc');
  });
});

describe('dialogue expiry (the shopper walked away)', () => {
  const TIMEOUT = 10 * 60_000;

  it('expires only after the timeout since the last turn, auditing the unanswered question without a verdict', () => {
    const clock = new ManualClock(T0);
    let state = startDialogue(questions(4), clock);
    expect(expiresAt(state, TIMEOUT)).toBe(T0 + TIMEOUT);
    clock.advance(TIMEOUT - 1);
    expect(expire(state, TIMEOUT, clock)).toBeNull();
    // A turn moves the deadline: the timeout counts from the last answer, not from the start.
    state = answer(state, 'q1', PASS, clock).state;
    expect(expiresAt(state, TIMEOUT)).toBe(T0 + TIMEOUT - 1 + TIMEOUT);
    clock.advance(TIMEOUT - 1);
    expect(expire(state, TIMEOUT, clock)).toBeNull();
    clock.advance(1);
    const expired = expire(state, TIMEOUT, clock)!;
    expect(expired.turn).toEqual({ turn: 2, questionId: 'q2', kind: 'enrolled', action: 'expire', score: null, verdict: null, at: clock.now() });
    expect(expired.state).toMatchObject({ status: 'expired', current: null, passes: 1, fails: 0, answered: 1, turns: 2, restartsLeft: 1 });
    expect(questionsLeft(expired.state)).toBe(0);
    expect(expiresAt(expired.state, TIMEOUT)).toBeNull();
    // Nothing expires twice, and a decided dialogue never expires.
    clock.advance(TIMEOUT * 5);
    expect(expire(expired.state, TIMEOUT, clock)).toBeNull();
    const passed = answer(answer(startDialogue(questions(3), clock), 'q1', PASS, clock).state, 'q2', PASS, clock).state;
    clock.advance(TIMEOUT * 5);
    expect(expire(passed, TIMEOUT, clock)).toBeNull();
  });

  it('refuses answers and re-asks after expiry, and changes nothing', () => {
    const clock = new ManualClock(T0);
    const state = startDialogue(questions(4), clock);
    clock.advance(TIMEOUT);
    const expired = expire(state, TIMEOUT, clock)!.state;
    const before = JSON.stringify(expired);
    expect(codeOf(() => answer(expired, 'q1', PASS, clock))).toBe('dialogue_expired');
    expect(codeOf(() => reask(expired, 'q1', clock))).toBe('dialogue_expired');
    expect(JSON.stringify(expired)).toBe(before);
  });

  it('starts over once with fresh tallies and continues the audit numbering', () => {
    const clock = new ManualClock(T0);
    let state = startDialogue(questions(4), clock);
    state = reask(state, 'q1', clock).state;
    state = answer(state, 'q2', FAIL, clock).state;
    clock.advance(TIMEOUT);
    const expired = expire(state, TIMEOUT, clock)!.state;
    expect(expired).toMatchObject({ fails: 1, turns: 3 });
    clock.advance(60_000);
    const again = restart(expired, questions(3), clock);
    expect(again.turn).toEqual({ turn: 4, questionId: 'q1', kind: 'enrolled', action: 'restart', score: null, verdict: null, at: clock.now() });
    expect(again.state).toMatchObject({ status: 'open', current: { id: 'q1' }, answered: 0, passes: 0, fails: 0, reasksLeft: 2, turns: 4, restartsLeft: 0, startedAt: clock.now() });
    expect(expiresAt(again.state, TIMEOUT)).toBe(clock.now() + TIMEOUT);
    // The new dialogue's turns follow on.
    expect(answer(again.state, 'q1', PASS, clock).turn.turn).toBe(5);
    // Only once: the second expiry cannot start over.
    clock.advance(TIMEOUT);
    const twice = expire(again.state, TIMEOUT, clock)!.state;
    expect(twice.restartsLeft).toBe(0);
    expect(codeOf(() => restart(twice, questions(3), clock))).toBe('restart_not_allowed');
    // Nor can an open, passed or failed one.
    expect(codeOf(() => restart(startDialogue(questions(3), clock), questions(3), clock))).toBe('restart_not_allowed');
  });

  it('treats a state stored before expiry existed as allowed to start over once', () => {
    const clock = new ManualClock(T0);
    const { restartsLeft: _, ...old } = startDialogue(questions(3), clock);
    clock.advance(TIMEOUT);
    const expired = expire(old as DialogueState, TIMEOUT, clock)!.state;
    expect(restart(expired, questions(3), clock).state.restartsLeft).toBe(0);
  });
});
