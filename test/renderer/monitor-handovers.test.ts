// Runs in: node (vitest). Hand-over with undo on the monitor: nothing is sent during the grace
// period, Undo means nothing is ever sent, otherwise exactly one request once it ends.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';

const handOver = vi.fn();
vi.mock('../../renderer/monitor/api', () => ({
  staffApi: { handOver: (id: string) => handOver(id), order: vi.fn() },
  handOverUrl: (id: string) => `/api/staff/orders/${id}/hand-over`,
  eventsUrl: () => '',
}));

const { UNDO_MS, useHandOversStore } = await import('../../renderer/monitor/stores/handovers');

const order = { id: '00000000-0000-4000-8000-000000000007', number: 7 };

describe('hand-over with undo', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
    handOver.mockReset();
    handOver.mockImplementation(async (id: string) => ({ ...order, id, state: 'handed_over', updatedAt: new Date().toISOString() }));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the hand-over once, only after the grace period', async () => {
    const store = useHandOversStore();
    store.schedule(order);
    store.schedule(order); // a double click schedules it once
    expect(store.isPending(order.id)).toBe(true);
    await vi.advanceTimersByTimeAsync(UNDO_MS - 1);
    expect(handOver).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(handOver).toHaveBeenCalledTimes(1);
    expect(handOver).toHaveBeenCalledWith(order.id);
    expect(store.isPending(order.id)).toBe(false);
    expect(store.lastOutcome).toMatchObject({ id: order.id, number: 7, ok: true });
  });

  it('Undo within the grace period sends nothing, ever', async () => {
    const store = useHandOversStore();
    store.schedule(order);
    await vi.advanceTimersByTimeAsync(UNDO_MS / 2);
    expect(store.undo(order.id)).toBe(true);
    await vi.advanceTimersByTimeAsync(UNDO_MS * 3);
    expect(handOver).not.toHaveBeenCalled();
    expect(store.pending).toEqual([]);
    expect(store.undo(order.id)).toBe(false);
  });

  it('reports a refused hand-over', async () => {
    handOver.mockRejectedValueOnce(new Error('network'));
    const store = useHandOversStore();
    store.schedule(order);
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(store.lastOutcome).toMatchObject({ id: order.id, ok: false });
  });
});
