// Runs in: node. What both radios share: listener lists that survive a throwing listener (one bad
// subscriber must not starve presence of adverts) and the timer seam tests drive by hand.
import type { BleAdvert, RadioState, Unsubscribe } from './types.js';

/** setTimeout / clearTimeout, looked up when called so vi.useFakeTimers and test doubles both work. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type ListenerErrorReporter = (error: unknown, where: 'advert' | 'state') => void;

/**
 * Reports listener failures on stderr, at most once per interval: a listener that throws on every
 * advert would otherwise print 100k lines a second.
 */
export function throttledReporter(label: string, intervalMs = 10_000, now: () => number = Date.now): ListenerErrorReporter {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (error, where) => {
    const at = now();
    if (at - lastAt < intervalMs) {
      suppressed++;
      return;
    }
    const more = suppressed > 0 ? ` (${suppressed} more since the last report)` : '';
    lastAt = at;
    suppressed = 0;
    process.stderr.write(`${label}: a ${where} listener failed${more}: ${(error as Error)?.stack ?? String(error)}\n`);
  };
}

type StateListener = (state: RadioState, detail?: string) => void;
type AdvertListener = (advert: BleAdvert) => void;

export class RadioListeners {
  // Replaced, never mutated, on (un)subscribe: an emit in progress keeps iterating its own copy
  // and the hot path allocates nothing.
  private adverts: readonly AdvertListener[] = [];
  private states: readonly StateListener[] = [];

  constructor(private readonly report: ListenerErrorReporter) {}

  onAdvert(listener: AdvertListener): Unsubscribe {
    this.adverts = [...this.adverts, listener];
    return () => {
      this.adverts = this.adverts.filter((l) => l !== listener);
    };
  }

  onState(listener: StateListener): Unsubscribe {
    this.states = [...this.states, listener];
    return () => {
      this.states = this.states.filter((l) => l !== listener);
    };
  }

  get advertListenerCount(): number {
    return this.adverts.length;
  }

  emitAdvert(advert: BleAdvert): void {
    const listeners = this.adverts;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i]!(advert);
      } catch (error) {
        this.safeReport(error, 'advert');
      }
    }
  }

  emitState(state: RadioState, detail?: string): void {
    for (const listener of this.states) {
      try {
        listener(state, detail);
      } catch (error) {
        this.safeReport(error, 'state');
      }
    }
  }

  private safeReport(error: unknown, where: 'advert' | 'state'): void {
    try {
      this.report(error, where);
    } catch {
      // A broken reporter must not turn into the failure it was reporting.
    }
  }
}
