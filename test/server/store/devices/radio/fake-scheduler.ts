// Runs in: node (tests). One hand-driven time source for the radios' clock and timer seams: advance()
// moves the clock and fires what fell due, in order, so timers and receivedAt always agree.
import type { Clock } from '../../../../../server/store/clock.js';
import type { Timers } from '../../../../../server/store/devices/radio/emitter.js';

interface Pending {
  id: number;
  at: number;
  callback: () => void;
}

export class FakeScheduler implements Clock, Timers {
  private current: number;
  private nextId = 1;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.push({ id, at: this.current + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }

  /** Timers waiting to fire. */
  get size(): number {
    return this.pending.length;
  }

  /** Delays of the waiting timers from now, soonest first. */
  delays(): number[] {
    return this.pending.map((p) => p.at - this.current).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const due = this.pending.filter((p) => p.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.current = due.at;
      due.callback();
    }
    this.current = until;
  }
}
