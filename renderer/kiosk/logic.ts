// Runs in: renderer (DOM); pure, also unit-tested in node. Kiosk rules: the enrolment token in
// the link's hash, the pairing code's countdown, the idle time-out, and what a tap says.
import type { KioskTap } from '../shared/types';

/** The kiosk goes back to its attract screen after this long without a tap or a cart change. */
export const IDLE_MS = 60_000;
/** The last seconds of the idle time are counted down on screen. */
export const IDLE_WARNING_MS = 15_000;
/** A tap's message stays this long. */
export const TAP_FEEDBACK_MS = 3000;
/** "Thank you" (or why the kiosk let go) stays this long on the attract screen. */
export const FAREWELL_MS = 6000;

/** `#token=<token>` (the kiosk link) → the token; anything else → null. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token !== null && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : null;
}

/** Whole seconds until `iso`, never below 0 (the next code replaces it at 0). */
export function secondsLeft(iso: string, now: number): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export type TapTone = 'success' | 'error';

export interface TapFeedback {
  tone: TapTone;
  /** Message key under `kiosk.tap.`. */
  key: string;
  name?: string;
  /** A server error code to show instead of the generic refusal, when the app knows it. */
  errorCode?: string;
}

export function tapFeedback(tap: Pick<KioskTap, 'result' | 'name' | 'sku' | 'code'>): TapFeedback {
  switch (tap.result) {
    case 'added':
      return { tone: 'success', key: 'kiosk.tap.added', name: tap.name ?? tap.sku ?? '' };
    case 'loyalty':
    case 'loyalty_linked':
      return { tone: 'success', key: `kiosk.tap.${tap.result}` };
    case 'refused':
      return tap.code ? { tone: 'error', key: 'kiosk.tap.refused', errorCode: tap.code } : { tone: 'error', key: 'kiosk.tap.refused' };
    case 'not_paired':
    case 'unknown':
      return { tone: 'error', key: `kiosk.tap.${tap.result}` };
    default:
      return { tone: 'error', key: 'kiosk.tap.unknown' };
  }
}
