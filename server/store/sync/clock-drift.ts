// Runs in: node. What the station's log says about its clock against central's: central refuses
// signed requests more than 5 minutes off (stale_request), and then card payments go offline. IT
// reading the log should learn of a drift while there is still time to set the clock.
import type { OutageLogger } from './outage-log.js';

/** Logged from here (the monitor's status strip shows the drift from the same point). */
export const CLOCK_DRIFT_WARN_MS = 60_000;
/** Back under this, the drift is over: a clock hovering around the warning does not flap the log. */
export const CLOCK_DRIFT_CLEAR_MS = 30_000;

/** A listener for each clock offset the central client reads (this station's clock minus central's). */
export function clockDriftLog(log: OutageLogger): (offsetMs: number) => void {
  let drifting = false;
  return (offsetMs) => {
    const size = Math.abs(offsetMs);
    if (!drifting && size >= CLOCK_DRIFT_WARN_MS) {
      drifting = true;
      const minutes = Math.round(size / 60_000);
      log.warn(
        `station clock: ${minutes} min ${offsetMs > 0 ? 'ahead of' : 'behind'} central's; central refuses requests more than 5 min off (card payments then go offline): set this PC's time (NTP)`,
      );
    } else if (drifting && size < CLOCK_DRIFT_CLEAR_MS) {
      drifting = false;
      log.info(`station clock: agrees with central's again (${Math.round(offsetMs / 1000)} s)`);
    }
  };
}
