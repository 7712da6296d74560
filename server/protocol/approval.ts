// Runs in: node (store server and central). What both sides of the approval dialogue must agree
// on (DESIGN.md "Approval dialogue"): how a contact and an answer are normalised, and when
// failed dialogues lock approval for a shopper. Pure functions, no I/O.

/** DESIGN.md: 2 failed dialogues within 24 h lock approval for that shopper. */
export const LOCKOUT_FAILURES = 2;
export const LOCKOUT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Enrolment keeps 3 to 5 questions (issue 5, item 1). */
export const MIN_ENROLLED_QUESTIONS = 3;
export const MAX_ENROLLED_QUESTIONS = 5;

const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;
const PHONE = /^\+?[0-9][0-9 ()-]{5,19}$/;

/**
 * A contact as checkout accepts it (phone or e-mail), in one canonical spelling, so
 * "010-1234-5678", "010 1234 5678" and "+82 10-1234-5678" are the same shopper. Korean numbers
 * keep their national form (the chain is Korean); other international numbers keep `+CC`.
 * Null when it is neither a phone number nor an e-mail address.
 */
export function normaliseContact(input: string): string | null {
  const text = input.normalize('NFKC').trim();
  if (EMAIL.test(text)) return text.toLowerCase();
  if (!PHONE.test(text)) return null;
  const digits = text.replace(/[^0-9]/g, '');
  if (text.startsWith('+')) return digits.startsWith('82') ? `0${digits.slice(2).replace(/^0/, '')}` : `+${digits}`;
  return digits;
}

/**
 * The spelling an answer is hashed and kept in: width and compatibility forms folded (NFKC),
 * lower case, single spaces. Deliberately light: the scorer does the forgiving comparison
 * (romanisation, typos, dates) on these characters, so nothing it needs is thrown away here.
 */
export function normaliseAnswer(input: string): string {
  return input.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface LockoutState {
  locked: boolean;
  /** Failed dialogues of the shopper within the last 24 h, newest first (unix ms). */
  recentFailures: number[];
  /** When approval opens again; null while not locked. */
  until: number | null;
}

/** From the times of a shopper's failed dialogues: locked while 2 of them lie within 24 h. */
export function lockoutState(failures: readonly number[], now: number): LockoutState {
  const recentFailures = failures.filter((at) => at > now - LOCKOUT_WINDOW_MS && at <= now).sort((a, b) => b - a);
  const deciding = recentFailures[LOCKOUT_FAILURES - 1];
  const locked = deciding !== undefined;
  return { locked, recentFailures, until: locked ? deciding + LOCKOUT_WINDOW_MS : null };
}
