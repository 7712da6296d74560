// Runs in: renderer (DOM); pure, also unit-tested in node with a fake track. The camera torch:
// whether the back camera's track can light it, and switching it. Only Chromium on Android (and
// a few other back cameras) report `torch` among a track's capabilities; everywhere else the
// scanner shows no torch button at all rather than one that does nothing.

/** The part of a MediaStreamTrack the torch needs (lib.dom does not type `torch` yet). */
export interface TorchTrack {
  readonly kind: string;
  readonly readyState: string;
  getCapabilities?: () => unknown;
  getSettings?: () => unknown;
  applyConstraints(constraints: object): Promise<void>;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * True when the track is a live video track whose capabilities offer the torch. The spec types
 * the capability as a boolean; some engines report the settable values as a list ([false, true]).
 */
export function canUseTorch(track: TorchTrack | null | undefined): track is TorchTrack {
  if (!track || track.kind !== 'video' || track.readyState !== 'live') return false;
  if (typeof track.getCapabilities !== 'function') return false;
  let torch: unknown;
  try {
    torch = record(track.getCapabilities()).torch;
  } catch {
    return false; // a track that throws here cannot be trusted with constraints either
  }
  return torch === true || (Array.isArray(torch) && torch.includes(true));
}

/** The torch's state as the track reports it (false when it does not say). */
export function torchIsOn(track: TorchTrack): boolean {
  if (typeof track.getSettings !== 'function') return false;
  try {
    return record(track.getSettings()).torch === true;
  } catch {
    return false;
  }
}

/**
 * Asks the track to switch the torch and answers what it is now. A refusal (another app holds
 * the flash, the track ended) leaves it as it was; the caller shows that, it does not throw.
 */
export async function setTorch(track: TorchTrack, on: boolean): Promise<{ on: boolean; ok: boolean }> {
  try {
    await track.applyConstraints({ advanced: [{ torch: on }] });
  } catch {
    return { on: torchIsOn(track), ok: false };
  }
  // Engines that do not echo the setting did apply it: trust the request then.
  const reported = typeof track.getSettings === 'function' && 'torch' in record(track.getSettings()) ? torchIsOn(track) : on;
  return { on: reported, ok: reported === on };
}

/** The stream's first video track, the one the scanner reads. */
export function videoTrackOf(stream: { getVideoTracks(): readonly TorchTrack[] } | null): TorchTrack | null {
  return stream?.getVideoTracks()[0] ?? null;
}
