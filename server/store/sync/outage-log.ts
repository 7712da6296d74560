// Runs in: node. What the station's log says while a loop that talks to central (outbox sync,
// payment forwarding) keeps failing: IT reading the log of a store whose sales stopped reaching
// head office must find when it started, why, and when it ended. Without this the loops retried
// in silence, seen only on the staff monitor's status strip.
import type { Clock } from '../clock.js';
import type { RetryLoopOptions } from './retry-loop.js';

export interface OutageLogger {
  warn(message: string): void;
  info(message: string): void;
}

/**
 * While an outage lasts, a reminder this often (and whenever its reason changes): the backoff
 * retries every minute at most, and a day-long outage must not fill the disk with the same line.
 */
export const OUTAGE_REMINDER_MS = 5 * 60_000;

/** The retry loop's hooks for the loop called `name` ("sync", "payment forwarding"). */
export function outageLog(name: string, log: OutageLogger, clock: Clock): Pick<RetryLoopOptions, 'onError' | 'onRecovered'> {
  let since = 0;
  let lastReason = '';
  let lastLoggedAt = 0;
  return {
    onError(error, attempt) {
      const now = clock.now();
      const reason = error.message;
      if (attempt === 1) {
        since = now;
        log.warn(`${name}: central did not take the work (${reason}); retrying with backoff`);
      } else if (reason !== lastReason || now - lastLoggedAt >= OUTAGE_REMINDER_MS) {
        log.warn(`${name}: still failing after ${attempt} attempts in ${duration(now - since)} (${reason})`);
      } else {
        return;
      }
      lastReason = reason;
      lastLoggedAt = now;
    },
    onRecovered(failures) {
      log.info(`${name}: central took the work again after ${failures} failed attempt${failures === 1 ? '' : 's'} in ${duration(clock.now() - since)}`);
    },
  };
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
