// Runs in: node (vitest). The bench's statistics on data whose answers are known by hand.
import { describe, expect, it } from 'vitest';
import { mean, percentile, percentiles, ratio, roundSignificant } from '../../../server/bench/stats.js';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('returns the sample at rank ceil(p/100 × n)', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 99.5)).toBe(100);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 1)).toBe(1);
    expect(percentile(oneToHundred, 1.5)).toBe(2);
  });

  it('never interpolates: the answer is always one of the samples', () => {
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
    expect(percentile([1, 2, 3, 4], 75)).toBe(3);
  });

  it('sorts unsorted input without changing it', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(percentile(samples, 50)).toBe(3);
    expect(percentile(samples, 99)).toBe(5);
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });

  it('takes one sort for several percentiles', () => {
    const shuffled = [...oneToHundred].reverse();
    expect(percentiles(shuffled, [50, 90, 99])).toEqual([50, 90, 99]);
  });

  it('handles a single sample and refuses nonsense', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('mean, ratio, rounding', () => {
  it('computes the mean', () => {
    expect(mean(oneToHundred)).toBe(50.5);
  });

  it('divides value by baseline, and never reports a ratio against a missing baseline', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(3, Number.POSITIVE_INFINITY)).toBeNaN();
  });

  it('rounds to significant figures', () => {
    expect(roundSignificant(2.34567, 3)).toBe(2.35);
    expect(roundSignificant(12345.6, 4)).toBe(12350);
    expect(roundSignificant(22_459_999, 4)).toBe(22_460_000);
    expect(roundSignificant(32_540_123, 4)).toBe(32_540_000);
    expect(roundSignificant(-0.00123456, 3)).toBe(-0.00123);
    expect(roundSignificant(0.00123456, 2)).toBe(0.0012);
    expect(roundSignificant(0)).toBe(0);
  });
});
