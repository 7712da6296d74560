// Runs in: renderer (DOM); unit-tested in node with a fake bridge (typed without the DOM library). The station's link to
// central for the status strip: polled from GET /api/staff/status every 10 s (orders never come
// from here; they arrive on the stream). Inside the desktop station it also follows the store
// server's own state from the preload bridge, pushed by the main process: that keeps coming while
// the server is down, when the poll can only say "unavailable". In a plain browser there is no
// bridge and nothing of that runs.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { BridgeApi, StoreServerStatus } from '../../../electron/shared/bridge-api.js';
import { ApiError } from '../../shared/http';
import type { StaffStatus } from '../../shared/types';
import { staffApi } from '../api';
import { serverBanner } from '../status';
import { useAuthStore } from './auth';

export const STATUS_POLL_MS = 10_000;
/** The restart countdown's step. */
export const SERVER_TICK_MS = 1_000;

/** The preload bridge publishes `window.omnistation`; globalThis is window in the page. */
function serverBridge(): BridgeApi['server'] | undefined {
  return (globalThis as { omnistation?: BridgeApi }).omnistation?.server;
}

export const useStatusStore = defineStore('monitor-status', () => {
  const status = ref<StaffStatus | null>(null);
  /** The last poll failed (the station did not answer); the last good status is kept. */
  const stale = ref(false);
  /** The store server as the desktop shell reports it; null in a plain browser. */
  const server = ref<StoreServerStatus | null>(null);
  const now = ref(Date.now());
  /** Staff's "try again" is on its way to the shell, or the shell refused it. */
  const restartPending = ref(false);
  const restartFailed = ref(false);
  const banner = computed(() => serverBanner(server.value, now.value));
  let timer: ReturnType<typeof setInterval> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let unsubscribe: (() => void) | null = null;
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

  function applyServer(next: StoreServerStatus): void {
    const wasDown = server.value !== null && server.value.state !== 'running';
    server.value = next;
    now.value = Date.now();
    if (next.state !== 'failed') restartFailed.value = false;
    // The countdown moves only while a restart is due.
    if (next.state === 'restarting' && ticker === undefined) {
      ticker = setInterval(() => (now.value = Date.now()), SERVER_TICK_MS);
    } else if (next.state !== 'restarting') {
      stopTicker();
    }
    // Back up: the strip need not wait for the next poll to stop saying "unavailable".
    if (wasDown && next.state === 'running' && timer !== undefined) void refresh();
  }

  function watchServer(): void {
    const bridge = serverBridge();
    if (!bridge || unsubscribe) return;
    let pushed = false;
    unsubscribe = bridge.onStatus((next) => {
      pushed = true;
      applyServer(next);
    });
    // An event that arrived first is newer than this answer.
    bridge.status().then(
      (next) => {
        if (!pushed && unsubscribe) applyServer(next);
      },
      () => {},
    );
  }

  async function restartServer(): Promise<void> {
    const bridge = serverBridge();
    if (!bridge || restartPending.value) return;
    restartPending.value = true;
    restartFailed.value = false;
    try {
      await bridge.restart();
    } catch {
      restartFailed.value = true;
    } finally {
      restartPending.value = false;
    }
  }

  function stopTicker(): void {
    clearInterval(ticker);
    ticker = undefined;
  }

  function start(): void {
    stop();
    void refresh();
    timer = setInterval(() => void refresh(), STATUS_POLL_MS);
    watchServer();
  }

  function stop(): void {
    clearInterval(timer);
    timer = undefined;
    stopTicker();
    unsubscribe?.();
    unsubscribe = null;
  }

  function reset(): void {
    stop();
    status.value = null;
    stale.value = false;
    server.value = null;
  }

  return { status, stale, server, banner, restartPending, restartFailed, refresh, restartServer, start, stop, reset };
});
