// Runs in: renderer (DOM); pure, also unit-tested in node. The shopper's side of the identity
// approval (DESIGN.md "Approval dialogue"): the enrolment form's rules (the same as the
// server's) and request, and the chat transcript of a dialogue built from the station's answers.
// Answers live only in memory: nothing here reads or writes storage.
import type { ApprovalDialogue, Bilingual, DialogueChoice, DialogueQuestion, EnrolRequest, OrderHold } from '../shared/types';
import { normaliseContact, validateField } from './checkout';

export const ANSWER_MAX = 300;
export const CUSTOM_MIN = 3;
export const CUSTOM_MAX = 200;

/** One question of the enrolment form: from the catalogue (by id) or in the shopper's words. */
export interface EnrolEntry {
  /** Stable key for the form (catalogue id, or `custom-N`). */
  key: string;
  source: 'catalogue' | 'custom';
  /** Catalogue id (source catalogue). */
  id?: string;
  /** The shopper's own question (source custom). */
  text: string;
  answer: string;
}

export interface EnrolDraft {
  contact: string;
  entries: EnrolEntry[];
}

export type EntryProblem = 'textShort' | 'textLong' | 'textDuplicate' | 'answerEmpty' | 'answerLong';

export interface EnrolErrors {
  contact?: true;
  /** Fewer than `min` or more than `max` questions. */
  count?: 'few' | 'many';
  entries: Record<string, EntryProblem[]>;
}

const squash = (text: string): string => text.normalize('NFKC').trim().replace(/\s+/g, ' ');

export function validateEnrolment(draft: EnrolDraft, limits: { min: number; max: number }): EnrolErrors {
  const errors: EnrolErrors = { entries: {} };
  if (!validateField({ name: 'x', contact: draft.contact, fulfilment: 'pickup', address: '', payment: 'card' }, 'contact')) errors.contact = true;
  if (draft.entries.length < limits.min) errors.count = 'few';
  else if (draft.entries.length > limits.max) errors.count = 'many';
  const seen = new Set<string>();
  for (const entry of draft.entries) {
    const problems: EntryProblem[] = [];
    if (entry.source === 'custom') {
      const text = squash(entry.text);
      if (text.length < CUSTOM_MIN) problems.push('textShort');
      else if (text.length > CUSTOM_MAX) problems.push('textLong');
      const identity = text.toLowerCase();
      if (text.length >= CUSTOM_MIN && seen.has(identity)) problems.push('textDuplicate');
      seen.add(identity);
    }
    const answer = squash(entry.answer);
    if (answer.length === 0) problems.push('answerEmpty');
    else if (entry.answer.length > ANSWER_MAX) problems.push('answerLong');
    if (problems.length > 0) errors.entries[entry.key] = problems;
  }
  return errors;
}

export function hasEnrolErrors(errors: EnrolErrors): boolean {
  return errors.contact !== undefined || errors.count !== undefined || Object.keys(errors.entries).length > 0;
}

export function buildEnrolRequest(draft: EnrolDraft, lang: 'ko' | 'en'): EnrolRequest {
  return {
    contact: normaliseContact(draft.contact),
    lang,
    questions: draft.entries.map((entry) =>
      entry.source === 'catalogue' && entry.id !== undefined
        ? { id: entry.id, answer: entry.answer.trim() }
        : { text: squash(entry.text), answer: entry.answer.trim() },
    ),
  };
}

/** A question's words in the UI language (the other one when that is empty). */
export function localText(text: Bilingual, locale: string): string {
  const preferred = locale === 'ko' ? text.ko : text.en;
  return preferred.trim().length > 0 ? preferred : locale === 'ko' ? text.en : text.ko;
}

/** A purchase-history option: the English name when there is one and the UI is English. */
export function choiceLabel(choice: DialogueChoice, locale: string): string {
  return locale === 'en' && choice.labelEn ? choice.labelEn : choice.label;
}

/** One bubble of the chat. The shopper's answers stay in this array, in memory, and nowhere else. */
export type ChatEntry =
  | { seq: number; from: 'station'; type: 'question'; question: DialogueQuestion; number: number; of: number }
  | { seq: number; from: 'me'; type: 'answer'; text: string }
  | { seq: number; from: 'me'; type: 'choice'; choice: DialogueChoice }
  | { seq: number; from: 'me'; type: 'reask' };

export type MyTurn = { type: 'answer'; text: string } | { type: 'choice'; choice: DialogueChoice } | { type: 'reask' };

/**
 * The transcript after the station answered: the shopper's turn (if any) as a bubble, then the
 * new question when it is another one than the last asked. Returns a new array.
 */
export function extendTranscript(entries: readonly ChatEntry[], view: ApprovalDialogue, mine: MyTurn | null): ChatEntry[] {
  let seq = entries.reduce((max, entry) => Math.max(max, entry.seq), 0);
  const next = [...entries];
  if (mine !== null) next.push({ seq: ++seq, from: 'me', ...mine } as ChatEntry);
  const lastQuestion = [...next].reverse().find((entry) => entry.type === 'question');
  const asked = lastQuestion?.type === 'question' ? lastQuestion.question.id : null;
  // The same question again (a reload, a refused answer) is not asked twice: questions set
  // aside or answered are never asked again, so a new id is a new question.
  if (view.status === 'open' && view.question !== null && view.question.id !== asked) {
    next.push({ seq: seq + 1, from: 'station', type: 'question', question: view.question, number: view.questionNumber, of: view.maxQuestions });
  }
  return next;
}

/** What the dialogue screen shows below the chat. */
export type DialogueOutcome = 'asking' | 'paid' | 'passed' | 'denied' | 'locked' | 'expired' | 'step_up' | 'presence' | 'not_enrolled' | 'not_needed';

/**
 * Whether the order moved on from the dialogue the phone shows (live feed): an open dialogue whose
 * order is now held for staff has most likely expired meanwhile, so the view should be reloaded.
 */
export function dialogueStale(view: Pick<ApprovalDialogue, 'status'> | null, hold: OrderHold | null | undefined): boolean {
  return view?.status === 'open' && hold === 'step_up';
}

/**
 * The outcome from the dialogue and the order as the live feed has it. Passed and charged:
 * paid (the receipt). Passed while the charge is still on its way: passed.
 */
export function dialogueOutcome(
  view: Pick<ApprovalDialogue, 'status' | 'hold' | 'paymentState'> | null,
  order: { hold?: OrderHold | null; paymentState: string; state: string } | null,
): DialogueOutcome {
  const paymentState = order?.paymentState ?? view?.paymentState;
  if (paymentState === 'paid' || paymentState === 'paid_offline') return 'paid';
  const hold = order ? (order.hold ?? null) : (view?.hold ?? null);
  if (hold === 'approval_denied' || view?.status === 'failed') return 'denied';
  if (hold === 'approval_locked') return 'locked';
  // Expired unanswered: held for staff (step-up) unless the shopper starts over; staff lifting
  // the hold, or a lapsed presence proof, take over from here.
  if (view?.status === 'expired' && hold !== null && hold !== 'presence_mismatch') return 'expired';
  if (hold === 'step_up') return 'step_up';
  if (hold === 'presence_mismatch') return 'presence';
  if (view?.status === 'passed') return 'passed';
  if (hold === 'approval_pending' || view?.status === 'open') return 'asking';
  return 'not_needed';
}
