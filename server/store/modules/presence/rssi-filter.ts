// Runs in: node and std (no I/O). RSSI smoothing for the presence resolver: a 1-D Kalman filter
// on a random-walk model, as room-assistant and ESPresense smooth BLE RSSI, with the process noise
// scaled by the time between adverts so a phone advertising at 10 Hz and one at 1 Hz settle in
// about the same wall-clock time instead of the same number of samples.

export interface RssiFilterOptions {
  /**
   * Measurement noise variance, dB². Phone RSSI jitters by ±4–6 dB between adverts (multipath,
   * body shadowing, channel hopping across 37/38/39): σ = 5 dB gives 25.
   */
  measurementNoise?: number;
  /**
   * Process noise, dB² per second: how fast the true level may drift as a shopper walks.
   * 4 dB²/s (σ ≈ 2 dB/s) tracks a walk towards the counter within a few seconds while one
   * outlier advert at 10 Hz moves the estimate by ~1/8 of its error.
   */
  processNoisePerSecond?: number;
}

export const DEFAULT_MEASUREMENT_NOISE = 25;
export const DEFAULT_PROCESS_NOISE_PER_SECOND = 4;

export class RssiKalman {
  private estimate = Number.NaN;
  private variance = 0;
  private lastAt = 0;
  private readonly r: number;
  private readonly qPerMs: number;

  constructor(options: RssiFilterOptions = {}) {
    this.r = options.measurementNoise ?? DEFAULT_MEASUREMENT_NOISE;
    this.qPerMs = (options.processNoisePerSecond ?? DEFAULT_PROCESS_NOISE_PER_SECOND) / 1000;
    if (!(this.r > 0) || !(this.qPerMs >= 0)) throw new RangeError('RSSI filter noise must be positive');
  }

  /** The smoothed RSSI, dBm; NaN before the first sample. */
  get value(): number {
    return this.estimate;
  }

  /** Forgets the history: after a long silence the old level says nothing about the new one. */
  reset(): void {
    this.estimate = Number.NaN;
    this.variance = 0;
  }

  /** Folds in one RSSI sample taken at `at` (ms) and returns the new estimate. */
  update(rssi: number, at: number): number {
    if (Number.isNaN(this.estimate)) {
      // Start from the first sample with the measurement's own uncertainty, so the second sample
      // counts as much as the first instead of being ignored or trusted blindly.
      this.estimate = rssi;
      this.variance = this.r;
      this.lastAt = at;
      return rssi;
    }
    // Out-of-order samples (two radios, queued reports) add no drift rather than negative drift.
    const dt = at > this.lastAt ? at - this.lastAt : 0;
    if (at > this.lastAt) this.lastAt = at;
    const predicted = this.variance + this.qPerMs * dt;
    const gain = predicted / (predicted + this.r);
    this.estimate += gain * (rssi - this.estimate);
    this.variance = (1 - gain) * predicted;
    return this.estimate;
  }
}
