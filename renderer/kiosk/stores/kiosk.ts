// Runs in: renderer (DOM); unit-tested in node. The kiosk screen's state: enrolment, what the
// event stream says (pairing code, paired cart, taps, unpairing; connected by connection.ts),
// the client idle timer and Done.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Cart, KioskInfo, KioskTap, UnpairReason } from '../../shared/types';
import { kioskApi } from '../api';
import { FAREWELL_MS, IDLE_MS, TAP_FEEDBACK_MS } from '../logic';

export type KioskScreen = 'starting' | 'unenrolled' | 'attract' | 'paired';
export type KioskConnection = 'connecting' | 'live' | 'reconnecting';

export const useKioskStore = defineStore('kiosk', () => {
  const screen = ref<KioskScreen>('starting');
  const kiosk = ref<KioskInfo | null>(null);
  /** Why this screen is not enrolled: the link was refused (kiosk_link_invalid) or there is none. */
  const enrolError = ref<string | null>(null);
  /** Start-up failed for another reason (station unreachable). */
  const failure = ref<unknown>(null);
  const connection = ref<KioskConnection>('connecting');
  const pairing = ref<{ url: string; expiresAt: string } | null>(null);
  const cart = ref<Cart | null>(null);
  /** The last tap, shown for a few seconds; seq changes on every tap (the same tag twice too). */
  const tap = shallowRef<(KioskTap & { seq: number }) | null>(null);
  const farewell = ref<UnpairReason | null>(null);
  /** Date.now() of the last tap or cart change while paired; the idle time runs from here. */
  const lastActivity = ref(0);

  const idleDeadline = computed(() => (screen.value === 'paired' ? lastActivity.value + IDLE_MS : null));

  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let tapTimer: ReturnType<typeof setTimeout> | undefined;
  let farewellTimer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;

  function touch(): void {
    lastActivity.value = Date.now();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void finish('idle'), IDLE_MS);
  }

  function toAttract(reason: UnpairReason): void {
    clearTimeout(idleTimer);
    screen.value = 'attract';
    cart.value = null;
    farewell.value = reason;
    clearTimeout(farewellTimer);
    farewellTimer = setTimeout(() => (farewell.value = null), FAREWELL_MS);
  }

  /** Done (the shopper) or the idle timer: back to the attract screen, and tell the station. */
  async function finish(reason: 'done' | 'idle'): Promise<void> {
    if (screen.value !== 'paired') return;
    toAttract(reason);
    await kioskApi.unpair(reason).catch(() => undefined);
  }

  /** One event of the kiosk stream (`type` as sent, `data` parsed). */
  function apply(type: string, data: unknown): boolean {
    const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    switch (type) {
      case 'stream.ready':
        connection.value = 'live';
        return true;
      case 'pairing':
        if (typeof d.url !== 'string' || typeof d.expiresAt !== 'string') return false;
        pairing.value = { url: d.url, expiresAt: d.expiresAt };
        return true;
      case 'paired':
        screen.value = 'paired';
        cart.value = (d.cart as Cart | undefined) ?? null;
        farewell.value = null;
        touch();
        return true;
      case 'cart':
        cart.value = (d.cart as Cart | undefined) ?? cart.value;
        if (screen.value === 'paired') touch();
        return true;
      case 'tap': {
        if (typeof d.result !== 'string') return false;
        tap.value = { ...(d as unknown as KioskTap), seq: ++seq };
        clearTimeout(tapTimer);
        tapTimer = setTimeout(() => (tap.value = null), TAP_FEEDBACK_MS);
        if (screen.value === 'paired') touch();
        return true;
      }
      case 'unpaired': {
        // After Done the screen is back already, with its own message.
        if (screen.value !== 'paired') return true;
        const reason = d.reason === 'idle' || d.reason === 'done' || d.reason === 'other_kiosk' ? d.reason : 'done';
        toAttract(reason);
        return true;
      }
      default:
        return false;
    }
  }

  function stop(): void {
    for (const timer of [idleTimer, tapTimer, farewellTimer]) clearTimeout(timer);
  }

  return {
    screen,
    kiosk,
    enrolError,
    failure,
    connection,
    pairing,
    cart,
    tap,
    farewell,
    lastActivity,
    idleDeadline,
    apply,
    touch,
    finish,
    stop,
  };
});
