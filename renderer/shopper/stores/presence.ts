// Runs in: renderer (DOM); unit-tested in node. Whether this phone is proven to be in the store
// (a kiosk pairing, a loyalty card tap or its BLE beacon), and the kiosk it is paired with.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PresenceStatus } from '../../shared/types';
import { shopperApi } from '../api';

export interface PairedKiosk {
  id: string;
  name: string;
  /** Date.now() when the pairing succeeded. */
  at: number;
}

export const usePresenceStore = defineStore('shopper-presence', () => {
  const proven = ref(false);
  const lastProof = ref<{ kind: string; at: string } | null>(null);
  /** The kiosk this phone paired with in this visit (shown on the cart until dismissed). */
  const pairedKiosk = ref<PairedKiosk | null>(null);
  const showPairedNotice = ref(false);

  function apply(status: Pick<PresenceStatus, 'proven' | 'lastProof'>): void {
    proven.value = status.proven;
    lastProof.value = status.lastProof ?? null;
  }

  async function load(): Promise<void> {
    apply(await shopperApi.presence());
  }

  /** Pairs with the kiosk whose code was scanned; throws the server's refusal (pairing_code_invalid). */
  async function pair(kioskId: string, nonce: string): Promise<PairedKiosk> {
    const result = await shopperApi.pair(kioskId, nonce);
    apply(result.presence);
    pairedKiosk.value = { id: result.kiosk.id, name: result.kiosk.name, at: Date.now() };
    showPairedNotice.value = true;
    return pairedKiosk.value;
  }

  function dismissPairedNotice(): void {
    showPairedNotice.value = false;
  }

  /** The kiosk went back to its start screen (or the shopper paired elsewhere). */
  function unpaired(): void {
    pairedKiosk.value = null;
    showPairedNotice.value = false;
  }

  return { proven, lastProof, pairedKiosk, showPairedNotice, apply, load, pair, dismissPairedNotice, unpaired };
});
