// Runs in: node (vitest). The scanner's torch decision and switch against fake camera tracks:
// the button exists only for a live video track that offers the torch, and the state shown is
// the state the track reports (a refused switch leaves it as it was).
import { describe, expect, it } from 'vitest';
import { canUseTorch, setTorch, torchIsOn, videoTrackOf, type TorchTrack } from '../../renderer/shopper/scanner/torch';

interface FakeOptions {
  kind?: string;
  readyState?: string;
  capabilities?: unknown;
  /** No getCapabilities at all (Firefox, older Safari). */
  noCapabilities?: boolean;
  /** The track does not echo `torch` in its settings. */
  silent?: boolean;
  refuse?: boolean;
  throwsOnCapabilities?: boolean;
}

function fakeTrack(options: FakeOptions = {}): TorchTrack & { applied: object[]; torch: boolean } {
  const track = {
    kind: options.kind ?? 'video',
    readyState: options.readyState ?? 'live',
    applied: [] as object[],
    torch: false,
    getSettings: () => (options.silent ? { width: 1280 } : { width: 1280, torch: track.torch }),
    async applyConstraints(constraints: object) {
      track.applied.push(constraints);
      if (options.refuse) throw new DOMException('Could not start video source', 'NotReadableError');
      const advanced = (constraints as { advanced?: { torch?: boolean }[] }).advanced ?? [];
      for (const set of advanced) if (typeof set.torch === 'boolean') track.torch = set.torch;
    },
    ...(options.noCapabilities
      ? {}
      : {
          getCapabilities: () => {
            if (options.throwsOnCapabilities) throw new Error('not ready');
            return 'capabilities' in options ? options.capabilities : { torch: true, width: { min: 1, max: 1920 } };
          },
        }),
  };
  return track;
}

describe('canUseTorch', () => {
  it('offers the torch only when the live video track says it has one', () => {
    expect(canUseTorch(fakeTrack())).toBe(true);
    expect(canUseTorch(fakeTrack({ capabilities: { torch: [false, true] } }))).toBe(true);
    // Chromium's fake camera and laptop webcams: capabilities without torch.
    expect(canUseTorch(fakeTrack({ capabilities: { width: { min: 1, max: 640 } } }))).toBe(false);
    expect(canUseTorch(fakeTrack({ capabilities: { torch: false } }))).toBe(false);
    expect(canUseTorch(fakeTrack({ capabilities: { torch: [false] } }))).toBe(false);
    expect(canUseTorch(fakeTrack({ capabilities: { torch: 'yes' } }))).toBe(false);
    expect(canUseTorch(fakeTrack({ capabilities: null }))).toBe(false);
    expect(canUseTorch(fakeTrack({ noCapabilities: true }))).toBe(false);
    expect(canUseTorch(fakeTrack({ throwsOnCapabilities: true }))).toBe(false);
    expect(canUseTorch(fakeTrack({ readyState: 'ended' }))).toBe(false);
    expect(canUseTorch(fakeTrack({ kind: 'audio' }))).toBe(false);
    expect(canUseTorch(null)).toBe(false);
  });

  it('reads the first video track of the stream', () => {
    const track = fakeTrack();
    expect(videoTrackOf({ getVideoTracks: () => [track] })).toBe(track);
    expect(videoTrackOf({ getVideoTracks: () => [] })).toBeNull();
    expect(videoTrackOf(null)).toBeNull();
  });
});

describe('setTorch', () => {
  it('switches the torch on and off with an advanced constraint and reports the track state', async () => {
    const track = fakeTrack();
    expect(torchIsOn(track)).toBe(false);
    expect(await setTorch(track, true)).toEqual({ on: true, ok: true });
    expect(track.applied).toEqual([{ advanced: [{ torch: true }] }]);
    expect(torchIsOn(track)).toBe(true);
    expect(await setTorch(track, false)).toEqual({ on: false, ok: true });
    expect(torchIsOn(track)).toBe(false);
  });

  it('keeps the state the track has when the switch is refused', async () => {
    const track = fakeTrack({ refuse: true });
    expect(await setTorch(track, true)).toEqual({ on: false, ok: false });
  });

  it('says when the track ignored the request', async () => {
    const track = fakeTrack();
    track.applyConstraints = async () => undefined; // accepted, torch still off
    expect(await setTorch(track, true)).toEqual({ on: false, ok: false });
  });

  it('trusts an accepted request from a track that does not echo the torch setting', async () => {
    const track = fakeTrack({ silent: true });
    expect(await setTorch(track, true)).toEqual({ on: true, ok: true });
    expect(torchIsOn(track)).toBe(false);
  });
});
