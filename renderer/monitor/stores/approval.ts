// Runs in: renderer (DOM); unit-tested in node. The identity check of the order open in the
// detail panel (GET /api/staff/orders/:id/approval), reloaded on `approval.updated` events of the
// staff stream, and the question catalogue that words audited questions in the monitor's language.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ApprovalCatalogue, StaffApproval } from '../../shared/types';
import { staffApi } from '../api';

export const useApprovalStore = defineStore('monitor-approval', () => {
  const byOrder = ref<Record<string, StaffApproval>>({});
  /** Bumped for each `approval.updated` event, with the order it was for. */
  const lastUpdate = ref<{ orderId: string | null; seq: number }>({ orderId: null, seq: 0 });
  const catalogue = shallowRef<ApprovalCatalogue | null>(null);
  let catalogueLoad: Promise<void> | null = null;

  async function load(orderId: string): Promise<StaffApproval> {
    const approval = await staffApi.approval(orderId);
    byOrder.value = { ...byOrder.value, [orderId]: approval };
    return approval;
  }

  /** Once per monitor; a failure leaves the server's English wording. */
  function loadCatalogue(): Promise<void> {
    catalogueLoad ??= staffApi
      .approvalQuestions()
      .then((value) => {
        catalogue.value = value;
      })
      .catch(() => {
        catalogueLoad = null;
      });
    return catalogueLoad;
  }

  function noteUpdate(data: unknown): void {
    const orderId = typeof data === 'object' && data !== null ? (data as { orderId?: unknown }).orderId : null;
    lastUpdate.value = { orderId: typeof orderId === 'string' ? orderId : null, seq: lastUpdate.value.seq + 1 };
  }

  function reset(): void {
    byOrder.value = {};
  }

  return { byOrder, lastUpdate, catalogue, load, loadCatalogue, noteUpdate, reset };
});
