// Runs in: renderer (DOM); unit-tested in node. Presence evidence of the order open in the
// detail panel (GET /api/staff/orders/:id/presence), reloaded when a proof of its device
// arrives on the staff stream.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PresenceEvidence } from '../../shared/types';
import { staffApi } from '../api';

export const usePresenceStore = defineStore('monitor-presence', () => {
  const byOrder = ref<Record<string, PresenceEvidence>>({});
  /** Bumped for each `presence.proof` event, with the device it was for. */
  const lastProof = ref<{ deviceId: string | null; seq: number }>({ deviceId: null, seq: 0 });

  async function load(orderId: string): Promise<PresenceEvidence> {
    const evidence = await staffApi.presence(orderId);
    byOrder.value = { ...byOrder.value, [orderId]: evidence };
    return evidence;
  }

  function noteProof(data: unknown): void {
    const deviceId = typeof data === 'object' && data !== null ? (data as { deviceId?: unknown }).deviceId : null;
    lastProof.value = { deviceId: typeof deviceId === 'string' ? deviceId : null, seq: lastProof.value.seq + 1 };
  }

  function reset(): void {
    byOrder.value = {};
  }

  return { byOrder, lastProof, load, noteProof, reset };
});
