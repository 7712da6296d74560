// Runs in: renderer (DOM); pure, also unit-tested in node. Which live changes deserve a sound and
// a flash on the monitor: a new order, an order that became held (presence or identity: staff
// may have to act), an offline payment central declined afterwards. Only changes the board
// actually took count, so what the stream replays after a reconnect or a reload (versions the
// board already has) never sounds again.
import { holdOf } from '../shared/payment';
import type { StaffOrder } from '../shared/types';

export type NoticeKind = 'new_order' | 'held' | 'offline_declined';
export const NOTICE_KINDS: readonly NoticeKind[] = ['new_order', 'held', 'offline_declined'];
export const MUTED_STORAGE_KEY = 'omnistation.monitor.muted';

/**
 * The notice for one order event: `before` is the board's version before the event, `applied`
 * whether the board took the event's version (false for a replayed or stale one).
 */
export function noticeFor(type: string, before: StaffOrder | undefined, after: StaffOrder, applied: boolean): NoticeKind | null {
  if (!applied) return null;
  const hold = holdOf(after);
  const wasHeld = before === undefined ? null : holdOf(before);
  if (hold !== null && hold !== wasHeld) return 'held';
  if (type === 'order.placed' && before === undefined) return 'new_order';
  return null;
}

export type NoticeCounts = Record<NoticeKind, number>;
export const noNotices = (): NoticeCounts => ({ new_order: 0, held: 0, offline_declined: 0 });

/** The stored mute choice: only the exact value "1" mutes (anything else: sound on). */
export const isMuted = (raw: string | null): boolean => raw === '1';

/**
 * Notes of each tone (Hz, ms): rising for a new order, a repeated mid note for a hold, falling
 * for a decline, so staff tell them apart without looking.
 */
export const TONES: Record<NoticeKind, readonly [number, number][]> = {
  new_order: [
    [880, 110],
    [1320, 150],
  ],
  held: [
    [660, 160],
    [660, 160],
  ],
  offline_declined: [
    [740, 150],
    [554, 150],
    [440, 260],
  ],
};
