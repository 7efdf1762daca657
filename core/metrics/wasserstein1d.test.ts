// Reference values come from fixtures/metricsReference.json (NumPy/SciPy). Regenerate it from the
// repository root with: /usr/bin/python3 scripts/metrics_reference.py. The tests never run Python.
import { describe, expect, it } from 'vitest';
import { reference } from './fixtures/reference.ts';
import { uniforms } from './fixtures/samples.ts';
import { sortedQuantilePower, wasserstein1d } from './wasserstein1d.ts';

describe('wasserstein1d', () => {
  it('pairs sorted values for equal sizes (quantile coupling)', () => {
    expect(wasserstein1d([0, 1], [2, 3])).toBe(2);
    expect(wasserstein1d([3, 0, 1], [1, 0, 3])).toBe(0);
    // sorted pairs (0, 0), (1, 2), (5, 2): W2² = (0 + 1 + 9) / 3
    expect(wasserstein1d([5, 0, 1], [2, 0, 2])).toBeCloseTo(Math.sqrt(10 / 3), 15);
    expect(wasserstein1d([5, 0, 1], [2, 0, 2], 1)).toBeCloseTo(4 / 3, 15);
  });

  it('integrates the quantile functions for unequal sizes', () => {
    // a = {0} vs b = {0, 1}: half the mass moves by 1.
    expect(wasserstein1d([0], [0, 1])).toBeCloseTo(Math.sqrt(0.5), 15);
    expect(wasserstein1d([0, 1], [0])).toBeCloseTo(Math.sqrt(0.5), 15);
    // Repeating every point k times leaves the measure unchanged.
    const a = Array.from(uniforms(9, 1));
    const b = Array.from(uniforms(6, 2));
    expect(wasserstein1d([...a, ...a], [...b, ...b, ...b])).toBeCloseTo(wasserstein1d(a, b), 14);
  });

  it('matches scipy.stats.wasserstein_distance (W1) and a NumPy quantile integral (W2, W3)', () => {
    for (const { a, b, w1, w2, w3 } of reference.w1d) {
      expect(wasserstein1d(a, b, 1)).toBeCloseTo(w1, 12);
      expect(wasserstein1d(a, b)).toBeCloseTo(w2, 12);
      expect(wasserstein1d(a, b, 3)).toBeCloseTo(w3, 12);
    }
  });

  it('is a metric on samples: symmetric, triangle inequality, shift by c costs |c|', () => {
    const a = Array.from(uniforms(11, 3));
    const b = Array.from(uniforms(7, 4), (x) => 2 * x);
    const c = Array.from(uniforms(5, 5), (x) => x - 1);
    expect(wasserstein1d(a, b)).toBeCloseTo(wasserstein1d(b, a), 14);
    expect(wasserstein1d(a, c)).toBeLessThanOrEqual(wasserstein1d(a, b) + wasserstein1d(b, c) + 1e-14);
    expect(wasserstein1d(a, a.map((x) => x + 0.75))).toBeCloseTo(0.75, 14);
    expect(sortedQuantilePower([0, 1], [0, 1, 2, 3])).toBeCloseTo(((0 + 1 + 1 + 4) / 4), 14);
  });

  it('rejects empty or non-finite samples and p < 1', () => {
    expect(() => wasserstein1d([], [1])).toThrow(/a: empty sample/);
    expect(() => wasserstein1d([1], [Number.NaN])).toThrow(/b: value 0 is NaN/);
    expect(() => wasserstein1d([1], [2], 0.5)).toThrow(/p must be a finite number ≥ 1/);
  });
});
