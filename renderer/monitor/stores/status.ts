// Runs in: renderer (DOM). The station's link to central for the status strip: polled from
// GET /api/staff/status every 10 s. Orders never come from here (they arrive on the stream).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../../shared/http';
import type { StaffStatus } from '../../shared/types';
import { staffApi } from '../api';
import { useAuthStore } from './auth';

export const STATUS_POLL_MS = 10_000;

export const useStatusStore = defineStore('monitor-status', () => {
  const status = ref<StaffStatus | null>(null);
  /** The last poll failed (the station did not answer); the last good status is kept. */
  const stale = ref(false);
  let timer: number | undefined;
  let inflight = false;

  async function refresh(): Promise<void> {
    if (inflight) return;
    inflight = true;
    try {
      status.value = await staffApi.status();
      stale.value = false;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        stop();
        useAuthStore().sessionEnded();
        return;
      }
      stale.value = true;
    } finally {
      inflight = false;
    }
  }

  function start(): void {
    stop();
    void refresh();
    timer = window.setInterval(() => void refresh(), STATUS_POLL_MS);
  }

  function stop(): void {
    window.clearInterval(timer);
    timer = undefined;
  }

  function reset(): void {
    stop();
    status.value = null;
    stale.value = false;
  }

  return { status, stale, refresh, start, stop, reset };
});
