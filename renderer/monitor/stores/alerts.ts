// Runs in: renderer (DOM); unit-tested in node. Payment alerts staff must follow up, kept in
// localStorage so a reload neither loses an alert nor shows a dismissed one again.
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { readStored, writeStored } from '../../shared/storage';
import { addAlert, dismissAlert, parseAlert, restoreAlerts, type AlertState } from '../alerts';

export const ALERTS_STORAGE_KEY = 'omnistation.monitor.alerts';

export const useAlertsStore = defineStore('monitor-alerts', () => {
  const state = shallowRef<AlertState>(restoreAlerts(readStored(ALERTS_STORAGE_KEY)));
  const active = computed(() => state.value.active);

  function save(next: AlertState): void {
    state.value = next;
    writeStored(ALERTS_STORAGE_KEY, JSON.stringify(next));
  }

  /** One `alert.offline_declined` payload; true when it is shown now (new, not dismissed). */
  function receive(data: unknown): boolean {
    const alert = parseAlert(data);
    if (alert === null) return false;
    const next = addAlert(state.value, alert);
    if (next === null) return false;
    save(next);
    return next.active.some((entry) => entry.alert === alert);
  }

  function dismiss(key: string): void {
    save(dismissAlert(state.value, key));
  }

  return { active, receive, dismiss };
});
