// Runs in: node. How long an identity dialogue may wait for its shopper (a settings row, like the
// retention periods) and the timer that expires abandoned dialogues on the station's clock, so
// the monitor learns of them without anyone asking. Access (a read, an answer) expires too.
import type { Db } from '../../db.js';
import { readSetting } from '../../station.js';

const MINUTE_MS = 60_000;

export const DIALOGUE_TIMEOUT_SETTING = 'approval_dialogue_timeout_min';
/** Long enough to find a forgotten pet's name, short enough that staff are not left waiting. */
export const DIALOGUE_TIMEOUT_DEFAULT_MIN = 10;
// Under a minute a shopper typing a long answer would lose the dialogue; a day is already far
// past a visit to the store.
const MIN_MINUTES = 1;
const MAX_MINUTES = 1_440;

/**
 * The timeout in ms. A value that is not a whole number of minutes from 1 to 1440 falls back to
 * the default and is reported through `warn`, never silently kept (server/store/retention.ts).
 */
export function readDialogueTimeout(db: Db, warn: (message: string) => void = () => {}): number {
  const raw = readSetting(db, DIALOGUE_TIMEOUT_SETTING);
  if (raw === undefined) return DIALOGUE_TIMEOUT_DEFAULT_MIN * MINUTE_MS;
  const value = Number(raw);
  if (raw.trim() !== '' && Number.isInteger(value) && value >= MIN_MINUTES && value <= MAX_MINUTES) return value * MINUTE_MS;
  warn(`setting ${DIALOGUE_TIMEOUT_SETTING}="${raw}" is not a whole number of minutes between ${MIN_MINUTES} and ${MAX_MINUTES}: using ${DIALOGUE_TIMEOUT_DEFAULT_MIN}`);
  return DIALOGUE_TIMEOUT_DEFAULT_MIN * MINUTE_MS;
}

export interface ExpirySweeper {
  /** Re-reads the timeout (warning once per bad value) and expires every dialogue past it. */
  refreshTimeout(warn: (message: string) => void): void;
  expireDue(): Promise<number>;
}

export interface DialogueExpiryOptions {
  approval: ExpirySweeper;
  log: { info(message: string): void; warn(message: string): void; error(obj: object, message: string): void };
  /** How often to look; 15 s by default: a monitor learns of an expiry within that. */
  everyMs?: number;
}

/**
 * Sweeps now and then every `everyMs`. The timer is unref'd (it never keeps a process alive) and
 * a sweep never overlaps the previous one. A failed sweep is logged and tried again next round:
 * expiring a dialogue must never stop the station from selling.
 */
export function startDialogueExpiry(options: DialogueExpiryOptions): { stop(): void; sweep(): Promise<void> } {
  let running: Promise<void> | null = null;
  const sweep = (): Promise<void> => {
    running ??= (async () => {
      try {
        options.approval.refreshTimeout((m) => options.log.warn(m));
        const expired = await options.approval.expireDue();
        if (expired > 0) options.log.info(`approval: ${expired} identity dialogue(s) expired unanswered`);
      } catch (error) {
        options.log.error({ err: error }, 'approval: expiring dialogues failed; tried again at the next round');
      } finally {
        running = null;
      }
    })();
    return running;
  };
  void sweep();
  const timer = setInterval(() => void sweep(), options.everyMs ?? 15_000);
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
