// Runs in: renderer (DOM). Short alert tones made with WebAudio (nothing downloaded): a few sine
// notes with soft edges so they do not click. Browsers start audio only after a user gesture;
// the PIN sign-in is one, and a context created earlier is resumed on the next tone.
import { TONES, type NoticeKind } from './notify';

/** The part of WebAudio used here (typed without the DOM library: the store is tested in node). */
interface Param {
  value: number;
  setValueAtTime(value: number, at: number): void;
  linearRampToValueAtTime(value: number, at: number): void;
}
interface Node {
  connect(to: Node): Node;
}
interface Audio {
  state: string;
  currentTime: number;
  destination: Node;
  resume(): Promise<void>;
  createOscillator(): Node & { type: string; frequency: Param; start(at: number): void; stop(at: number): void };
  createGain(): Node & { gain: Param };
}

let context: Audio | null = null;

function audio(): Audio | null {
  if (context === null) {
    const Ctor = (globalThis as unknown as { AudioContext?: new () => Audio }).AudioContext;
    if (Ctor === undefined) return null;
    try {
      context = new Ctor();
    } catch {
      return null;
    }
  }
  if (context.state === 'suspended') void context.resume().catch(() => undefined);
  return context;
}

export function playTone(kind: NoticeKind): void {
  const ctx = audio();
  if (ctx === null) return;
  let at = ctx.currentTime + 0.01;
  for (const [frequency, ms] of TONES[kind]) {
    const seconds = ms / 1000;
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.25, at + 0.015);
    gain.gain.linearRampToValueAtTime(0, at + seconds);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(at);
    oscillator.stop(at + seconds + 0.02);
    at += seconds + 0.04;
  }
}
