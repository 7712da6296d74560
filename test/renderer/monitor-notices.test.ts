// Runs in: node (vitest). Sound and visual alerts of the monitor (renderer/monitor/notify.ts and
// the notices store): which order changes sound, that replayed or stale versions never do, and
// that the mute choice is remembered on the device.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { isMuted, MUTED_STORAGE_KEY, noticeFor, TONES } from '../../renderer/monitor/notify';
import { useNoticesStore } from '../../renderer/monitor/stores/notices';
import type { StaffOrder } from '../../renderer/shared/types';

const base: StaffOrder = {
  id: '00000000-0000-4000-8000-000000000001',
  number: 1,
  state: 'placed',
  items: [],
  total: 1000,
  currency: 'KRW',
  orderer: { name: '김민지', contact: '010-1234-5678' },
  fulfilment: { type: 'pickup' },
  payment: { method: 'card' },
  paymentState: 'pending',
  createdAt: '2026-11-25T09:00:00.000Z',
  updatedAt: '2026-11-25T09:00:00.000Z',
  deviceId: 'dev-1',
};
const held: StaffOrder = { ...base, hold: 'presence_mismatch', updatedAt: '2026-11-25T09:00:01.000Z' };
const paid: StaffOrder = { ...base, paymentState: 'paid', updatedAt: '2026-11-25T09:00:02.000Z' };

describe('which changes sound', () => {
  it('a new order, or a held new order (the hold is what staff must act on)', () => {
    expect(noticeFor('order.placed', undefined, base, true)).toBe('new_order');
    expect(noticeFor('order.placed', undefined, held, true)).toBe('held');
  });

  it('an order that becomes held, or held for another reason; not one that stays held or gets paid', () => {
    expect(noticeFor('order.updated', base, held, true)).toBe('held');
    expect(noticeFor('order.updated', held, { ...held, hold: 'approval_pending' }, true)).toBe('held');
    expect(noticeFor('order.updated', held, { ...held, updatedAt: '2026-11-25T09:00:05.000Z' }, true)).toBeNull();
    expect(noticeFor('order.updated', held, paid, true)).toBeNull();
  });

  it('nothing the board did not take: a replay after a reconnect or a reload, or a stale version', () => {
    expect(noticeFor('order.placed', undefined, base, false)).toBeNull();
    expect(noticeFor('order.updated', base, held, false)).toBeNull();
    // An order.placed replayed for an order the board already has is not new.
    expect(noticeFor('order.placed', base, base, true)).toBeNull();
  });

  it('has a distinct tone for each kind', () => {
    const shapes = Object.values(TONES).map((notes) => JSON.stringify(notes));
    expect(new Set(shapes).size).toBe(3);
  });
});

describe('notices store', () => {
  const stored = new Map<string, string>();
  beforeEach(() => {
    stored.clear();
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
      removeItem: (k: string) => void stored.delete(k),
    });
    setActivePinia(createPinia());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('remembers the mute choice on this device and counts notices until staff look', () => {
    const notices = useNoticesStore();
    expect(notices.muted).toBe(false);
    notices.setMuted(true);
    expect(stored.get(MUTED_STORAGE_KEY)).toBe('1');
    // Muted: no audio is even attempted (there is no window here; playing would throw).
    notices.notify('new_order');
    notices.notify('held');
    expect(notices.counts).toEqual({ new_order: 1, held: 1, offline_declined: 0 });
    expect(notices.total).toBe(2);
    notices.acknowledge();
    expect(notices.total).toBe(0);

    setActivePinia(createPinia());
    expect(useNoticesStore().muted).toBe(true);
    useNoticesStore().setMuted(false);
    expect(stored.has(MUTED_STORAGE_KEY)).toBe(false);
    expect(isMuted('true')).toBe(false);
  });
});
