// Runs in: renderer (DOM); unit-tested in node. The device panel (BLE radio, RFID readers, last
// tap, kiosks) from GET /api/staff/devices: refreshed while the panel is open, every 5 s (the
// advert rate moves all the time) and at once when the staff stream says devices changed or a
// presence proof arrived. Also kiosk enrolment: add, new link, remove.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../../shared/http';
import type { DevicePanel } from '../../shared/types';
import { staffApi } from '../api';
import { useAuthStore } from './auth';

export const DEVICES_POLL_MS = 5000;
/** Bursts of events (a tap is a proof and a device change) cause one refresh. */
export const EVENT_REFRESH_MS = 300;

export const useDevicesStore = defineStore('monitor-devices', () => {
  const panel = ref<DevicePanel | null>(null);
  const open = ref(false);
  /** The last refresh failed; the last good panel is kept. */
  const stale = ref(false);
  /** ISO time of the last good refresh. */
  const updatedAt = ref<string | null>(null);
  /** The link of the kiosk added or re-linked last, shown until staff close it. */
  const link = ref<{ kioskId: string; name: string; link: string } | null>(null);

  let timer: ReturnType<typeof setInterval> | undefined;
  let eventTimer: ReturnType<typeof setTimeout> | undefined;
  let inflight: Promise<void> | null = null;
  let again = false;

  function sessionEnded(error: unknown): boolean {
    if (error instanceof ApiError && error.status === 401) {
      stop();
      useAuthStore().sessionEnded();
      return true;
    }
    return false;
  }

  /** One refresh at a time; a request while one runs asks for one more after it. */
  function refresh(): Promise<void> {
    if (inflight) {
      again = true;
      return inflight;
    }
    inflight = (async () => {
      try {
        panel.value = await staffApi.devices();
        stale.value = false;
        updatedAt.value = new Date().toISOString();
      } catch (error) {
        if (!sessionEnded(error)) stale.value = true;
      } finally {
        inflight = null;
        if (again) {
          again = false;
          void refresh();
        }
      }
    })();
    return inflight;
  }

  function visible(): boolean {
    // Typed without the DOM library: this store is also unit-tested in node.
    const page = (globalThis as { document?: { visibilityState?: string } }).document;
    return open.value && (page === undefined || page.visibilityState === 'visible');
  }

  /** `devices.changed` or `presence.proof` on the staff stream. */
  function noteEvent(): void {
    if (!open.value) return;
    clearTimeout(eventTimer);
    eventTimer = setTimeout(() => void refresh(), EVENT_REFRESH_MS);
  }

  function start(): void {
    stop();
    void refresh();
    timer = setInterval(() => {
      if (visible()) void refresh();
    }, DEVICES_POLL_MS);
  }

  function stop(): void {
    clearInterval(timer);
    clearTimeout(eventTimer);
    timer = undefined;
  }

  function setOpen(value: boolean): void {
    open.value = value;
    if (value) start();
    else stop();
  }

  async function addKiosk(id: string, name: string, readerIds: string[]): Promise<void> {
    const result = await staffApi.addKiosk(id, name, readerIds);
    link.value = { kioskId: result.kiosk.id, name: result.kiosk.name, link: result.link };
    await refresh();
  }

  async function newLink(id: string, name: string): Promise<void> {
    const result = await staffApi.kioskLink(id);
    link.value = { kioskId: id, name, link: result.link };
  }

  async function removeKiosk(id: string): Promise<void> {
    await staffApi.removeKiosk(id);
    if (link.value?.kioskId === id) link.value = null;
    await refresh();
  }

  function reset(): void {
    stop();
    panel.value = null;
    open.value = false;
    stale.value = false;
    link.value = null;
  }

  return { panel, open, stale, updatedAt, link, refresh, noteEvent, setOpen, start, stop, addKiosk, newLink, removeKiosk, reset };
});
