// Runs in: renderer (DOM); pure, also unit-tested in node. How the monitor words an order's
// identity check (GET /api/staff/orders/:id/approval): a reason by its code with the numbers it
// needs (or null: show the server's own message), and an audited question in the UI language.
import type { ApprovalCatalogue, ApprovalTurn, Bilingual, StaffApproval, StaffOrder } from '../shared/types';

export const HISTORY_QUESTION_ID = 'history.30d';

export interface Formatters {
  money: (minor: number, currency: string) => string;
  dateTime: (iso: string) => string;
}

/** Reason codes the monitor words itself (keys under `monitor.approval.reason.`). */
export const KNOWN_REASONS = [
  'presence_gate_off',
  'presence_proven',
  'presence_overridden',
  'device_mismatch',
  'device_bound',
  'staff_override',
  'dialogue_passed',
  'dialogue_failed',
  'dialogue_open',
  'profiles_unreachable',
  'locked',
  'enrolled',
  'enrolment_device',
  'new_device',
  'not_enrolled',
  'within_limit',
  'above_limit',
] as const;

/**
 * The placeholders of a known reason, from the rest of the approval view; null when the code is
 * unknown or a number it needs is missing (the caller then shows the server's message).
 */
export function reasonParams(
  code: string,
  approval: Pick<StaffApproval, 'dialogue' | 'lockout' | 'policy'>,
  order: Pick<StaffOrder, 'total' | 'currency'>,
  format: Formatters,
): Record<string, string | number> | null {
  if (!(KNOWN_REASONS as readonly string[]).includes(code)) return null;
  const d = approval.dialogue;
  switch (code) {
    case 'dialogue_passed':
      return d ? { passes: d.passes, answered: d.answered } : null;
    case 'dialogue_failed':
      return d ? { fails: d.fails, answered: d.answered } : null;
    case 'dialogue_open':
      return d ? { answered: d.answered } : null;
    case 'locked':
      return approval.lockout?.until ? { until: format.dateTime(approval.lockout.until) } : null;
    case 'within_limit':
    case 'above_limit':
      return { total: format.money(order.total, order.currency), limit: format.money(approval.policy.unenrolledMaxAmount, order.currency) };
    default:
      return {};
  }
}

export type QuestionWording = { kind: 'text'; text: string } | { kind: 'key'; key: 'history' | 'custom' };

/** An audited question in the UI language: the catalogue's words by id, else what the server sent. */
export function turnQuestion(turn: Pick<ApprovalTurn, 'questionId' | 'question' | 'kind'>, catalogue: ApprovalCatalogue | null, locale: string): QuestionWording {
  if (turn.kind === 'history' || turn.questionId === HISTORY_QUESTION_ID) return { kind: 'key', key: 'history' };
  const known = catalogue?.questions.find((q) => q.id === turn.questionId);
  if (known) return { kind: 'text', text: pick(known, locale) };
  if (turn.questionId.startsWith('custom-')) return { kind: 'key', key: 'custom' };
  return { kind: 'text', text: turn.question };
}

function pick(text: Bilingual, locale: string): string {
  return locale === 'ko' ? text.ko : text.en;
}

/** A 0..1 score as a whole percentage for the bar and its label. */
export function scorePercent(score: number | null): number | null {
  return score === null || !Number.isFinite(score) ? null : Math.round(Math.min(1, Math.max(0, score)) * 100);
}
