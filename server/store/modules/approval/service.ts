// Runs in: node. The approval unit on the station (issue 5): enrolment of a shopper's questions
// into a profile kept at central, and the identity dialogue of an order, scored by the approval
// engine and audited turn by turn. Answers live only in memory while they are scored.
import { createHash, randomBytes } from 'node:crypto';
import { MAX_ENROLLED_QUESTIONS, MIN_ENROLLED_QUESTIONS, normaliseAnswer, normaliseContact } from '../../../protocol/approval.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { EventHub } from '../../events.js';
import type { OrderHold } from '../../schemas.js';
import type { OrderService } from '../orders/service.js';
import type { ShopperIdentity } from '../sessions/repository.js';
import { catalogueQuestion, customQuestionId, HISTORY_QUESTION, QUESTION_CATALOGUE } from './catalogue.js';
import {
  answer as answerTurn,
  DialogueError,
  expire,
  expiresAt,
  MAX_QUESTIONS,
  MAX_RESTARTS,
  PASSES_TO_APPROVE,
  questionsLeft,
  reask,
  restart as restartTurn,
  startDialogue,
  type Choice,
  type DialogueQuestion,
  type DialogueState,
} from './dialogue.js';
import { ProfilesUnreachable, type EnrolledAnswer, type Profile, type ProfileDirectory, type Purchase } from './directory.js';
import { JudgeUnavailable, type AnswerJudge, type JudgeVerdict } from './judge.js';
import type { ApprovalRepository } from './repository.js';
import { KeyedLock } from '../../keyed-lock.js';

export const HISTORY_QUESTION_ID = 'history.30d';
const DECOYS = 3;

export interface EnrolInput {
  contact: string;
  lang: 'ko' | 'en';
  questions: { id?: string; text?: string; answer: string }[];
}

export interface AnswerInput {
  questionId: string;
  answer?: string;
  choice?: string;
}

export interface ApprovalServiceOptions {
  repo: ApprovalRepository;
  orders: OrderService;
  directory: ProfileDirectory;
  judge: AnswerJudge;
  hub: EventHub;
  clock: Clock;
  /** Seam for shuffles and decoys; Math.random by default. */
  random?: () => number;
}

/** The salted hash enrolment keeps of an answer: SHA-256(salt || normalised answer). */
export function answerHash(salt: Buffer, normalised: string): string {
  return createHash('sha256').update(salt).update(normalised, 'utf8').digest('base64url');
}

export function deviceHash(deviceId: string): string {
  return createHash('sha256').update(`omnistation device v1\n${deviceId}`, 'utf8').digest('base64url');
}

export class ApprovalService {
  /** Set by the context: runs the payment gate again (and charges the order if it may be). */
  onDecided: (orderId: string) => Promise<void> = async () => undefined;
  private readonly locks = new KeyedLock();
  private readonly random: () => number;
  /** How long a dialogue waits for its shopper (setting `approval_dialogue_timeout_min`). */
  private timeout: number;
  private warnedFor: string | null = null;

  constructor(private readonly o: ApprovalServiceOptions) {
    this.random = o.random ?? Math.random;
    this.timeout = o.repo.dialogueTimeoutMs();
  }

  get timeoutMs(): number {
    return this.timeout;
  }

  /** Re-reads the timeout setting; a bad value is reported once, not at every sweep. */
  refreshTimeout(warn: (message: string) => void): void {
    this.timeout = this.o.repo.dialogueTimeoutMs((message) => {
      if (message !== this.warnedFor) warn(message);
      this.warnedFor = message;
    });
  }

  /** Expires every dialogue left unanswered past the timeout (the timer's sweep). */
  async expireDue(): Promise<number> {
    let expired = 0;
    let failure: unknown = null;
    for (const orderId of this.o.repo.dueDialogues(this.o.clock.now() - this.timeout)) {
      // One order whose hold cannot be written (a full disk) does not keep the others waiting.
      try {
        if (await this.expireIfDue(orderId)) expired++;
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) throw failure;
    return expired;
  }

  /** Expires the order's dialogue when it is due, and lets the gate hold the order for staff. */
  async expireIfDue(orderId: string): Promise<boolean> {
    const expired = await this.exclusive(orderId, async () => this.expireLocked(orderId));
    if (expired) await this.onDecided(orderId);
    return expired;
  }

  /**
   * Inside the order's lock. The expiry is audited as a turn (the question left unanswered; no
   * score, no verdict) and is NOT reported to central as a failed dialogue: walking away is not a
   * wrong answer, and counting it would let a shopper whose phone died, or who was called away,
   * lock themselves out chain-wide for 24 h without ever having answered wrongly.
   */
  private expireLocked(orderId: string): boolean {
    const stored = this.o.repo.dialogue(orderId);
    if (!stored) return false;
    const next = expire(stored.state, this.timeout, this.o.clock);
    if (!next) return false;
    this.o.repo.saveTurn(orderId, next.state, next.turn, null);
    this.publish(orderId, next.state);
    return true;
  }

  get judgeName(): string {
    return this.o.judge.name;
  }

  catalogue() {
    return { min: MIN_ENROLLED_QUESTIONS, max: MAX_ENROLLED_QUESTIONS, questions: QUESTION_CATALOGUE.map((q) => ({ ...q })) };
  }

  /** Enrols the shopper's questions at central. The answers go only as hash, embedding and (sealed there) text. */
  async enrol(shopper: ShopperIdentity, input: EnrolInput): Promise<{ questions: { id: string; text: { ko: string; en: string } }[] }> {
    if (!normaliseContact(input.contact)) throw new AppError(400, 'contact_invalid', 'Give a phone number or an e-mail address.');
    if (input.questions.length < MIN_ENROLLED_QUESTIONS || input.questions.length > MAX_ENROLLED_QUESTIONS) {
      throw new AppError(400, 'questions_count', `Choose ${MIN_ENROLLED_QUESTIONS} to ${MAX_ENROLLED_QUESTIONS} questions.`);
    }
    const seen = new Set<string>();
    const prepared = input.questions.map((q, index) => {
      const text = q.text?.trim().replace(/\s+/g, ' ');
      if ((q.id === undefined) === (text === undefined || text === '')) {
        throw new AppError(400, 'question_invalid', 'Each question is either a catalogue id or your own text, not both.');
      }
      if (q.id !== undefined && !catalogueQuestion(q.id)) throw new AppError(400, 'question_unknown', `There is no question ${q.id} in the catalogue.`);
      const identity = q.id ?? `text:${normaliseAnswer(text!)}`;
      if (seen.has(identity)) throw new AppError(400, 'question_duplicate', 'Each question may be chosen once.');
      seen.add(identity);
      const normalised = normaliseAnswer(q.answer);
      if (normalised.length === 0) throw new AppError(400, 'answer_empty', 'Give an answer to every question.');
      return { questionId: q.id ?? customQuestionId(index), ...(q.id === undefined ? { text: text! } : {}), normalised };
    });
    const questions: EnrolledAnswer[] = [];
    for (const q of prepared) {
      const embedding = await this.embed(q.normalised);
      const salt = randomBytes(16);
      questions.push({
        questionId: q.questionId,
        ...(q.text ? { text: q.text } : {}),
        salt: salt.toString('base64url'),
        hash: answerHash(salt, q.normalised),
        embedding: Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength).toString('base64url'),
        answer: q.normalised,
      });
    }
    await this.o.directory.enrol(input.contact, { lang: input.lang, deviceHash: deviceHash(shopper.deviceId), questions });
    return { questions: questions.map((q) => ({ id: q.questionId, text: questionText(q.questionId, q.text) })) };
  }

  /** Opens the dialogue of an order that waits for one (or answers the one already open). */
  async start(shopper: ShopperIdentity, orderId: string) {
    this.o.orders.forShopper(shopper, orderId);
    await this.expireIfDue(orderId);
    return this.exclusive(orderId, async () => {
      let order = this.o.orders.forShopper(shopper, orderId);
      if (this.o.repo.dialogue(orderId)) return this.render(shopper, orderId);
      // A proof that just arrived may not have moved the hold yet: ask the gate again first.
      if (order.hold === 'presence_mismatch' && order.state === 'placed') {
        await this.onDecided(orderId);
        order = this.o.orders.forShopper(shopper, orderId);
      }
      if (order.hold !== 'approval_pending') {
        throw new AppError(409, 'approval_not_needed', order.hold ? `This order waits for something else first (${order.hold}).` : 'This order needs no identity questions.');
      }
      const { profile, lockout, purchases } = await this.o.directory.lookup(order.orderer.contact);
      if (!profile) throw new AppError(409, 'not_enrolled', 'No identity profile is enrolled for this contact.');
      if (lockout.locked) throw new AppError(409, 'approval_locked', 'Identity questions are locked for this contact after failed attempts. Please ask staff.');
      const state = guard(() => startDialogue(this.questionsFor(profile, purchases, order.orderer.contact, orderId), this.o.clock));
      this.o.repo.createDialogue(orderId, state);
      this.publish(orderId, state);
      return this.render(shopper, orderId);
    });
  }

  /**
   * Starts over after an expiry, once per order: a new dialogue on fresh questions, if the order
   * is still payable (placed, not charged, held for it) and the shopper is still enrolled and not
   * locked out. The gate then holds the order for the new dialogue again.
   */
  async restart(shopper: ShopperIdentity, orderId: string) {
    this.o.orders.forShopper(shopper, orderId);
    await this.expireIfDue(orderId);
    await this.exclusive(orderId, async () => {
      const order = this.o.orders.forShopper(shopper, orderId);
      const stored = this.o.repo.dialogue(orderId);
      if (!stored) throw new AppError(404, 'dialogue_not_started', 'The identity questions of this order have not started.');
      if (stored.state.status !== 'expired') {
        throw new AppError(409, 'restart_not_allowed', `Only identity questions that expired unanswered can start over (these are ${stored.state.status}).`);
      }
      if (!this.payable(order)) throw new AppError(409, 'order_not_payable', 'This order can no longer be paid from the phone. Please ask staff.');
      const { profile, lockout, purchases } = await this.o.directory.lookup(order.orderer.contact);
      if (!profile) throw new AppError(409, 'not_enrolled', 'No identity profile is enrolled for this contact.');
      if (lockout.locked) throw new AppError(409, 'approval_locked', 'Identity questions are locked for this contact after failed attempts. Please ask staff.');
      const next = guard(() => restartTurn(stored.state, this.questionsFor(profile, purchases, order.orderer.contact, orderId), this.o.clock));
      this.o.repo.saveTurn(orderId, next.state, next.turn, null);
      this.publish(orderId, next.state);
    });
    await this.onDecided(orderId);
    return this.render(shopper, orderId);
  }

  async view(shopper: ShopperIdentity, orderId: string) {
    this.o.orders.forShopper(shopper, orderId);
    await this.expireIfDue(orderId);
    return this.render(shopper, orderId);
  }

  /** Placed, not charged, and held for the identity check (not lifted by staff meanwhile). */
  private payable(order: { state: string; paymentState: string; hold?: OrderHold | null }): boolean {
    return order.state === 'placed' && order.paymentState === 'pending' && (order.hold === 'step_up' || order.hold === 'approval_pending');
  }

  private async render(shopper: ShopperIdentity, orderId: string) {
    const order = this.o.orders.forShopper(shopper, orderId);
    const stored = this.o.repo.dialogue(orderId);
    const state = stored?.state;
    const current = state?.status === 'open' ? state.current : null;
    const until = state ? expiresAt(state, this.timeout) : null;
    const restartsLeft = state?.status === 'expired' ? (state.restartsLeft ?? MAX_RESTARTS) : 0;
    return {
      orderId,
      status: state?.status ?? ('not_started' as const),
      hold: (order.hold ?? null) as OrderHold | null,
      paymentState: order.paymentState,
      question: current ? await this.present(current, order.orderer.contact) : null,
      questionNumber: state ? Math.min(state.answered + 1, MAX_QUESTIONS) : 1,
      maxQuestions: MAX_QUESTIONS,
      passesNeeded: PASSES_TO_APPROVE,
      reasksLeft: state?.status === 'open' ? state.reasksLeft : 0,
      questionsLeft: state ? questionsLeft(state) : MAX_QUESTIONS,
      expiresAt: until === null ? null : new Date(until).toISOString(),
      timeoutMinutes: Math.round(this.timeout / 60_000),
      canRestart: restartsLeft > 0 && this.payable(order),
    };
  }

  async answer(shopper: ShopperIdentity, orderId: string, input: AnswerInput) {
    let expired = false;
    const decided = await this.exclusive(orderId, async () => {
      const order = this.o.orders.forShopper(shopper, orderId);
      // An answer that arrives after the timeout is refused and changes nothing (but the expiry).
      if (this.expireLocked(orderId)) {
        expired = true;
        return false;
      }
      const state = this.openState(orderId, input.questionId);
      const question = state.current!;
      const { verdict, judge } = await this.judge(question, input, order.orderer.contact);
      const next = guard(() => answerTurn(state, input.questionId, verdict, this.o.clock));
      this.o.repo.saveTurn(orderId, next.state, next.turn, judge, verdict.reasons?.filter((r) => typeof r === 'string' && r.length <= 120));
      this.publish(orderId, next.state);
      if (next.state.status === 'failed') await this.sendFailure(orderId, order.orderer.contact);
      return next.state.status !== 'open';
    });
    if (expired) await this.refuseExpired(orderId);
    if (decided) {
      await this.onDecided(orderId);
      await this.notePurchase(shopper, orderId);
    }
    return this.render(shopper, orderId);
  }

  /** After expiring inside the lock: the gate holds the order for staff, then the 409. */
  private async refuseExpired(orderId: string): Promise<never> {
    await this.onDecided(orderId);
    throw expiredError();
  }

  /** A paid order of an enrolled shopper feeds other stores' history questions; best effort. */
  private async notePurchase(shopper: ShopperIdentity, orderId: string): Promise<void> {
    const order = this.o.orders.forShopper(shopper, orderId);
    if (order.paymentState !== 'paid' && order.paymentState !== 'paid_offline') return;
    try {
      await this.o.directory.recordPurchase(order.orderer.contact, orderId, order.items);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }

  async another(shopper: ShopperIdentity, orderId: string, questionId: string) {
    let expired = false;
    await this.exclusive(orderId, async () => {
      this.o.orders.forShopper(shopper, orderId);
      if (this.expireLocked(orderId)) {
        expired = true;
        return;
      }
      const state = this.openState(orderId, questionId);
      const next = guard(() => reask(state, questionId, this.o.clock));
      this.o.repo.saveTurn(orderId, next.state, next.turn, null);
      this.publish(orderId, next.state);
    });
    if (expired) await this.refuseExpired(orderId);
    return this.render(shopper, orderId);
  }

  /** Reports a failed dialogue to central (chain-wide lockout); retried by the gate until it lands. */
  async sendFailure(orderId: string, contact: string): Promise<void> {
    try {
      await this.o.directory.recordFailure(contact, orderId);
      this.o.repo.markFailureSent(orderId);
    } catch (error) {
      if (!(error instanceof ProfilesUnreachable)) throw error;
    }
  }

  /** What staff see of an order's dialogue: the audited turns, never an answer. */
  staffDialogue(orderId: string) {
    const stored = this.o.repo.dialogue(orderId);
    if (!stored) return null;
    const { state } = stored;
    const until = expiresAt(state, this.timeout);
    return {
      status: state.status,
      expiresAt: until === null ? null : new Date(until).toISOString(),
      timeoutMinutes: Math.round(this.timeout / 60_000),
      restartsLeft: state.status === 'expired' ? (state.restartsLeft ?? MAX_RESTARTS) : 0,
      answered: state.answered,
      passes: state.passes,
      fails: state.fails,
      reasksLeft: state.reasksLeft,
      failureReported: state.status === 'failed' ? stored.failureSent : null,
      startedAt: new Date(state.startedAt).toISOString(),
      updatedAt: new Date(state.updatedAt).toISOString(),
      turns: this.o.repo.turns(orderId).map((t) => ({
        turn: t.turn,
        questionId: t.questionId,
        question: t.kind === 'history' ? HISTORY_QUESTION.en : (catalogueQuestion(t.questionId)?.en ?? 'custom question (sealed in the profile)'),
        kind: t.kind,
        action: t.action,
        score: t.score,
        verdict: t.verdict,
        judge: t.judge,
        reasons: t.reasons,
        at: new Date(t.at).toISOString(),
      })),
    };
  }

  private openState(orderId: string, questionId: string): DialogueState {
    const stored = this.o.repo.dialogue(orderId);
    if (!stored) throw new AppError(404, 'dialogue_not_started', 'The identity questions of this order have not started.');
    const { state } = stored;
    if (state.status === 'expired') throw expiredError();
    if (state.status !== 'open' || !state.current) throw new AppError(409, 'dialogue_closed', `The identity questions of this order are over (${state.status}).`);
    if (state.current.id !== questionId) throw new AppError(409, 'question_changed', 'That question is no longer the current one; reload the dialogue.');
    return state;
  }

  private async judge(question: DialogueQuestion, input: AnswerInput, contact: string): Promise<{ verdict: JudgeVerdict; judge: string }> {
    if (question.kind === 'history') {
      if (input.choice === undefined) throw new AppError(400, 'choice_required', 'Pick one of the options.');
      if (!question.choices?.some((c) => c.id === input.choice)) throw new AppError(400, 'choice_unknown', 'That is not one of the options.');
      const match = input.choice === question.correct;
      return { verdict: { score: match ? 1 : 0, match }, judge: 'choice' };
    }
    if (input.answer === undefined) throw new AppError(400, 'answer_required', 'Type your answer.');
    const given = normaliseAnswer(input.answer);
    if (given.length === 0) throw new AppError(400, 'answer_empty', 'Type your answer.');
    const { profile } = await this.o.directory.lookup(contact);
    const enrolled = profile?.questions.find((q) => q.questionId === question.id);
    if (!profile || !enrolled) throw new AppError(409, 'profile_changed', 'The identity profile no longer has this question. Please ask staff.');
    // The same answer as enrolled needs no model; anything else is the engine's to judge.
    if (answerHash(Buffer.from(enrolled.salt, 'base64url'), given) === enrolled.hash) return { verdict: { score: 1, match: true }, judge: 'hash' };
    const text = questionText(enrolled.questionId, enrolled.text);
    try {
      const [verdict] = await this.o.judge.score([{ question: text[profile.lang], enrolled: enrolled.answer, answer: input.answer }]);
      if (!verdict) throw new Error('the judge gave no verdict');
      // Only what the audit may hold travels on: the score, the verdict and answer-free reasons.
      return { verdict: { score: verdict.score, match: verdict.match, ...(verdict.reasons ? { reasons: verdict.reasons } : {}) }, judge: this.o.judge.name };
    } catch {
      throw new AppError(503, 'approval_engine_unavailable', 'The identity check cannot score answers right now; nothing was recorded. Please try again.');
    }
  }

  private async embed(normalised: string): Promise<Float32Array> {
    try {
      return await this.o.judge.embed(normalised);
    } catch (error) {
      if (error instanceof JudgeUnavailable) throw new AppError(503, 'approval_engine_unavailable', 'Enrolment is not available on this station right now. Please try again later.');
      throw new AppError(503, 'approval_engine_unavailable', 'The identity check could not process the answers; nothing was enrolled. Please try again.');
    }
  }

  /** Enrolled questions in random order, with one purchase-history question second when there is history. */
  private questionsFor(profile: Profile, purchases: Purchase[], contact: string, orderId: string): DialogueQuestion[] {
    const enrolled: DialogueQuestion[] = this.shuffle(profile.questions.map((q) => ({ id: q.questionId, kind: 'enrolled' as const })));
    const history = this.historyQuestion(contact, orderId, purchases);
    if (history) enrolled.splice(1, 0, history);
    return enrolled;
  }

  /** From this station's orders and the chain's (central) of the last 30 days, this order aside. */
  private historyQuestion(contact: string, orderId: string, purchases: Purchase[]): DialogueQuestion | null {
    const bought = this.o.repo.purchasedBy(contact, orderId, this.o.clock.now());
    for (const p of purchases) {
      if (!bought.some((c) => c.id === p.sku)) bought.push({ id: p.sku, label: p.name, ...(p.nameEn ? { labelEn: p.nameEn } : {}) });
    }
    if (bought.length === 0) return null;
    const boughtIds = new Set(bought.map((c) => c.id));
    const decoys = this.shuffle(this.o.repo.sampleProducts(40).filter((p) => !boughtIds.has(p.id))).slice(0, DECOYS);
    if (decoys.length < 2) return null;
    const correct = bought[Math.floor(this.random() * bought.length)]!;
    const choices: Choice[] = this.shuffle([correct, ...decoys]);
    return { id: HISTORY_QUESTION_ID, kind: 'history', choices, correct: correct.id };
  }

  private async present(question: DialogueQuestion, contact: string) {
    if (question.kind === 'history') {
      return { id: question.id, kind: question.kind, text: { ...HISTORY_QUESTION }, choices: (question.choices ?? []).map((c) => ({ ...c })) };
    }
    const catalogued = catalogueQuestion(question.id);
    if (catalogued) return { id: question.id, kind: question.kind, text: { ko: catalogued.ko, en: catalogued.en } };
    // A custom question's words are part of the sealed profile: read from central (cached).
    const { profile } = await this.o.directory.lookup(contact);
    const custom = profile?.questions.find((q) => q.questionId === question.id);
    return { id: question.id, kind: question.kind, text: questionText(question.id, custom?.text) };
  }

  private publish(orderId: string, state: DialogueState): void {
    this.o.hub.publish({ type: 'approval.updated', data: { orderId, status: state.status, answered: state.answered, at: new Date(state.updatedAt).toISOString() } });
  }

  private shuffle<T>(items: T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  private exclusive<T>(orderId: string, run: () => Promise<T>): Promise<T> {
    return this.locks.run(orderId, run);
  }
}

function questionText(id: string, custom: string | undefined): { ko: string; en: string } {
  const catalogued = catalogueQuestion(id);
  if (catalogued) return { ko: catalogued.ko, en: catalogued.en };
  const text = custom ?? id;
  return { ko: text, en: text };
}

function expiredError(): AppError {
  return new AppError(
    409,
    'dialogue_expired',
    'These identity questions expired unanswered; the answer was not recorded. Start over on your phone, or ask staff at the counter.',
  );
}

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DialogueError) throw new AppError(409, error.code, error.message);
    throw error;
  }
}
