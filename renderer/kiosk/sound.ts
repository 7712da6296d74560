// Runs in: renderer (DOM). Short WebAudio tones for taps: a rising chime for success, a low
// double buzz for a refusal. Never throws: without audio (blocked autoplay, no device) the
// visual feedback carries the message alone.
import type { TapTone } from './logic';

type AudioContextClass = typeof AudioContext;

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context !== null) return context;
  const Ctor: AudioContextClass | undefined =
    window.AudioContext ?? (window as unknown as { webkitAudioContext?: AudioContextClass }).webkitAudioContext;
  if (Ctor === undefined) return null;
  context = new Ctor();
  return context;
}

/** Browsers start audio only after a gesture: call from the first touch on the screen. */
export function unlockAudio(): void {
  try {
    const ctx = audio();
    if (ctx !== null && ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  } catch {
    // no audio here
  }
}

/** [frequency Hz, start s, length s] */
const TONES: Record<TapTone, [number, number, number][]> = {
  success: [
    [880, 0, 0.1],
    [1318.5, 0.11, 0.16],
  ],
  error: [
    [196, 0, 0.16],
    [164.8, 0.2, 0.22],
  ],
};

export function playTone(tone: TapTone): void {
  try {
    const ctx = audio();
    if (ctx === null) return;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const start = ctx.currentTime + 0.01;
    for (const [frequency, offset, length] of TONES[tone]) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = tone === 'success' ? 'sine' : 'square';
      oscillator.frequency.value = frequency;
      const at = start + offset;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(tone === 'success' ? 0.25 : 0.12, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(at);
      oscillator.stop(at + length + 0.02);
    }
  } catch {
    // audio blocked or unavailable: the flash and the message still show
  }
}
