// Runs in: node. The approval dialogue as a pure state machine (DESIGN.md "Approval dialogue"):
// up to 3 questions, 2 passes approve, 2 failures end it, and the shopper may ask for another
// question twice. No I/O and no scoring here: the service scores an answer and feeds the verdict
// in, then stores the state and the audit turn this returns. Time comes through the Clock seam.
// A dialogue left unanswered for the station's timeout expires (the shopper walked away); the
// shopper may start over once with a new dialogue while the order is still payable.
import type { Clock } from '../../clock.js';

export const MAX_QUESTIONS = 3;
export const PASSES_TO_APPROVE = 2;
export const MAX_REASKS = 2;
/** New dialogues after an expired one, per order. */
export const MAX_RESTARTS = 1;

export type QuestionKind = 'enrolled' | 'history';

export interface Choice {
  id: string;
  label: string;
  labelEn?: string;
}

export interface DialogueQuestion {
  id: string;
  kind: QuestionKind;
  /** History questions: the options, shown in this order. */
  choices?: Choice[];
  /** History questions: the option the shopper bought. Never sent to the phone. */
  correct?: string;
}

export type DialogueStatus = 'open' | 'passed' | 'failed' | 'expired';

export interface DialogueState {
  status: DialogueStatus;
  current: DialogueQuestion | null;
  /** Questions not asked yet, in the order they will be. */
  queue: DialogueQuestion[];
  answered: number;
  passes: number;
  fails: number;
  reasksLeft: number;
  /** Audit turns so far (answers and re-asks). */
  turns: number;
  startedAt: number;
  updatedAt: number;
  /** New dialogues still allowed after an expiry; absent in states stored before expiry existed. */
  restartsLeft?: number;
}

/** One audited turn: which question, what the judge said. Never the answer. */
export interface AuditTurn {
  turn: number;
  questionId: string;
  kind: QuestionKind;
  action: 'answer' | 'reask' | 'expire' | 'restart';
  score: number | null;
  verdict: 'pass' | 'fail' | null;
  at: number;
}

export type DialogueErrorCode =
  | 'dialogue_closed'
  | 'dialogue_expired'
  | 'question_changed'
  | 'no_more_reasks'
  | 'no_more_questions'
  | 'too_few_questions'
  | 'restart_not_allowed';

export class DialogueError extends Error {
  constructor(
    readonly code: DialogueErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function startDialogue(questions: readonly DialogueQuestion[], clock: Clock): DialogueState {
  if (questions.length < MAX_QUESTIONS) {
    throw new DialogueError('too_few_questions', `A dialogue needs ${MAX_QUESTIONS} questions; the profile offers ${questions.length}.`);
  }
  const [first, ...rest] = questions;
  const now = clock.now();
  return {
    status: 'open',
    current: first!,
    queue: rest,
    answered: 0,
    passes: 0,
    fails: 0,
    reasksLeft: MAX_REASKS,
    turns: 0,
    startedAt: now,
    updatedAt: now,
    restartsLeft: MAX_RESTARTS,
  };
}

/**
 * When an open dialogue expires: `timeoutMs` after its last turn (or its start). Reading it does
 * not move it, so a phone that only polls does not keep an abandoned dialogue alive.
 */
export function expiresAt(state: DialogueState, timeoutMs: number): number | null {
  return state.status === 'open' ? state.updatedAt + timeoutMs : null;
}

export function isDue(state: DialogueState, timeoutMs: number, clock: Clock): boolean {
  const at = expiresAt(state, timeoutMs);
  return at !== null && clock.now() >= at;
}

/**
 * Expires an open dialogue left unanswered for `timeoutMs`; null when it is not due (or not open).
 * The audit turn names the question left unanswered, with no score and no verdict: nothing was
 * answered, so nothing counts against the shopper (see the service on the lockout).
 */
export function expire(state: DialogueState, timeoutMs: number, clock: Clock): { state: DialogueState; turn: AuditTurn } | null {
  if (!isDue(state, timeoutMs, clock) || !state.current) return null;
  const now = clock.now();
  const turn: AuditTurn = { turn: state.turns + 1, questionId: state.current.id, kind: state.current.kind, action: 'expire', score: null, verdict: null, at: now };
  return { state: { ...state, status: 'expired', current: null, turns: turn.turn, updatedAt: now }, turn };
}

/**
 * Starts over after an expiry: a new dialogue on fresh questions (the expired one's tallies do not
 * carry over: its unanswered question was neither right nor wrong). The audit numbering goes on,
 * so an order's turns stay one log; the restart turn names the new dialogue's first question.
 */
export function restart(previous: DialogueState, questions: readonly DialogueQuestion[], clock: Clock): { state: DialogueState; turn: AuditTurn } {
  if (previous.status !== 'expired') throw new DialogueError('restart_not_allowed', `Only an expired dialogue can start over (this one is ${previous.status}).`);
  if ((previous.restartsLeft ?? MAX_RESTARTS) <= 0) throw new DialogueError('restart_not_allowed', 'The identity questions of this order were already started over once. Please ask staff.');
  const fresh = startDialogue(questions, clock);
  const turn: AuditTurn = { turn: previous.turns + 1, questionId: fresh.current!.id, kind: fresh.current!.kind, action: 'restart', score: null, verdict: null, at: fresh.startedAt };
  return { state: { ...fresh, turns: turn.turn, restartsLeft: (previous.restartsLeft ?? MAX_RESTARTS) - 1 }, turn };
}

/** The shopper answered the current question and the judge gave `verdict`. */
export function answer(state: DialogueState, questionId: string, verdict: { score: number; match: boolean }, clock: Clock): { state: DialogueState; turn: AuditTurn } {
  const current = requireCurrent(state, questionId);
  const now = clock.now();
  const passes = state.passes + (verdict.match ? 1 : 0);
  const fails = state.fails + (verdict.match ? 0 : 1);
  const answered = state.answered + 1;
  // Fails beyond what 2 passes out of 3 allow end the dialogue at once.
  const status: DialogueStatus = passes >= PASSES_TO_APPROVE ? 'passed' : fails > MAX_QUESTIONS - PASSES_TO_APPROVE ? 'failed' : 'open';
  const [next, ...queue] = state.queue;
  const exhausted = status === 'open' && next === undefined;
  const turn: AuditTurn = { turn: state.turns + 1, questionId, kind: current.kind, action: 'answer', score: clamp(verdict.score), verdict: verdict.match ? 'pass' : 'fail', at: now };
  return {
    state: {
      ...state,
      status: exhausted ? 'failed' : status,
      current: status === 'open' && next ? next : null,
      queue: status === 'open' ? queue : state.queue,
      answered,
      passes,
      fails,
      turns: turn.turn,
      updatedAt: now,
    },
    turn,
  };
}

/**
 * "Ask me something else": the current question is set aside for good (it is not asked again)
 * and the next one takes its place. Refused when it would leave too few questions to decide.
 */
export function reask(state: DialogueState, questionId: string, clock: Clock): { state: DialogueState; turn: AuditTurn } {
  const current = requireCurrent(state, questionId);
  if (state.reasksLeft <= 0) throw new DialogueError('no_more_reasks', `You can ask for a different question ${MAX_REASKS} times per dialogue.`);
  if (state.queue.length < MAX_QUESTIONS - state.answered) {
    throw new DialogueError('no_more_questions', 'There is no other question left to ask; please answer this one.');
  }
  const now = clock.now();
  const [next, ...queue] = state.queue;
  const turn: AuditTurn = { turn: state.turns + 1, questionId, kind: current.kind, action: 'reask', score: null, verdict: null, at: now };
  return { state: { ...state, current: next!, queue, reasksLeft: state.reasksLeft - 1, turns: turn.turn, updatedAt: now }, turn };
}

/** Questions that may still be asked at most, counting the current one. */
export function questionsLeft(state: DialogueState): number {
  return state.status === 'open' ? MAX_QUESTIONS - state.answered : 0;
}

function requireCurrent(state: DialogueState, questionId: string): DialogueQuestion {
  if (state.status === 'expired') throw new DialogueError('dialogue_expired', 'These identity questions expired unanswered; nothing was recorded.');
  if (state.status !== 'open' || !state.current) throw new DialogueError('dialogue_closed', `This dialogue is over (${state.status}).`);
  if (state.current.id !== questionId) throw new DialogueError('question_changed', 'That question is no longer the current one; reload the dialogue.');
  return state.current;
}

function clamp(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}
