// Runs in: renderer (DOM). Sound and visual alerts for new orders, holds and offline declines:
// the mute choice (remembered on this device), counts of what arrived since staff last looked,
// and a short flash of the board's bar.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { readStored, writeStored } from '../../shared/storage';
import { isMuted, MUTED_STORAGE_KEY, noNotices, type NoticeKind } from '../notify';
import { playTone } from '../tone';

const FLASH_MS = 1600;

export const useNoticesStore = defineStore('monitor-notices', () => {
  const muted = ref(isMuted(readStored(MUTED_STORAGE_KEY)));
  const counts = ref(noNotices());
  /** The kind that flashes now (null: none); a new notice restarts the flash. */
  const flashing = ref<NoticeKind | null>(null);
  const total = computed(() => counts.value.new_order + counts.value.held + counts.value.offline_declined);
  let flashTimer: ReturnType<typeof setTimeout> | undefined;

  function notify(kind: NoticeKind): void {
    counts.value = { ...counts.value, [kind]: counts.value[kind] + 1 };
    if (!muted.value) playTone(kind);
    flashing.value = null;
    clearTimeout(flashTimer);
    // Next tick: the class comes off and back on, so the animation plays again.
    setTimeout(() => {
      flashing.value = kind;
      flashTimer = setTimeout(() => (flashing.value = null), FLASH_MS);
    }, 0);
  }

  function setMuted(value: boolean): void {
    muted.value = value;
    writeStored(MUTED_STORAGE_KEY, value ? '1' : null);
  }

  /** Staff looked: the badge clears. */
  function acknowledge(): void {
    counts.value = noNotices();
  }

  function reset(): void {
    clearTimeout(flashTimer);
    counts.value = noNotices();
    flashing.value = null;
  }

  return { muted, counts, flashing, total, notify, setMuted, acknowledge, reset };
});
