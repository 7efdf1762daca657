// Reference values come from fixtures/metricsReference.json (NumPy/SciPy). Regenerate it from the
// repository root with: /usr/bin/python3 scripts/metrics_reference.py. The tests never run Python.
import { describe, expect, it } from 'vitest';
import { reference } from './fixtures/reference.ts';
import { flatSet, gaussianSet, translated } from './fixtures/samples.ts';
import { medianBandwidth, mmd2 } from './mmd.ts';
import { pointSetFromRows } from './pointSet.ts';

describe('mmd2', () => {
  it('matches NumPy for fixed and median bandwidths (median over ≤ 1000 pooled points)', () => {
    for (const { d, a, b, bandwidth, sigma, value } of reference.mmd) {
      const result = mmd2(flatSet(a, d), flatSet(b, d), { bandwidth });
      expect(result.bandwidth).toBeCloseTo(sigma, 12);
      expect(result.value).toBeCloseTo(value, 12);
    }
  });

  it('is ≤ 0 and O(1/n) for identical sets, clearly positive for shifted ones', () => {
    const a = gaussianSet(200, 2, 51);
    const same = mmd2(a, a, { bandwidth: 1 }).value;
    // For a = b the U-statistic is 2S/(n²(n−1)) − 2/n with S ≤ n(n−1): in [−2/n, 0].
    expect(same).toBeLessThanOrEqual(0);
    expect(same).toBeGreaterThan(-2 / 200);
    expect(mmd2(a, translated(a, [1, 0]), { bandwidth: 1 }).value).toBeGreaterThan(0.05);
    // Invariant under a common translation (the kernel depends on differences only).
    const b = gaussianSet(150, 2, 52, 1.3);
    expect(mmd2(translated(a, [5, -3]), translated(b, [5, -3])).value).toBeCloseTo(mmd2(a, b).value, 12);
  });

  // For N(0, I_d) against N(μ, I_d) and bandwidth σ the population value is
  // MMD² = 2 (σ²/(σ² + 2))^(d/2) (1 − exp(−|μ|² / (2(σ² + 2)))): 0 for μ = 0, 0.1023 for d = 2, σ = 1, |μ| = 1.
  it.each([
    [0, 0],
    [1, 2 * (1 / 3) * (1 - Math.exp(-1 / 6))],
  ])('is unbiased: over 200 draws (n = 30, m = 25) with shift %s the mean is the population MMD², %s', (shift, population) => {
    const values: number[] = [];
    for (let draw = 0; draw < 200; draw++) {
      values.push(mmd2(gaussianSet(30, 2, 1000 + draw), gaussianSet(25, 2, 5000 + draw, 1, [shift, 0]), { bandwidth: 1 }).value);
    }
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
    expect(Math.abs(mean - population)).toBeLessThan((4 * sd) / Math.sqrt(values.length));
  });

  it('uses the median heuristic by default, with fallbacks for coinciding points', () => {
    const a = pointSetFromRows([[0, 0], [3, 4]]);
    const b = pointSetFromRows([[0, 0], [0, 0]]);
    // pairwise distances of the pooled 4 points: 5, 0, 0, 5, 5, 0 -> median 2.5
    expect(medianBandwidth(a, b)).toBe(2.5);
    expect(mmd2(a, b).bandwidth).toBe(2.5);
    const mostlySame = pointSetFromRows([[0, 0], [0, 0], [0, 0], [1, 0]]);
    expect(medianBandwidth(mostlySame, pointSetFromRows([[0, 0], [0, 0]]))).toBe(1);
    expect(medianBandwidth(b, b)).toBe(1);
  });

  it('rejects samples too small for the U-statistic and bad bandwidths', () => {
    const one = pointSetFromRows([[0, 0]]);
    const two = pointSetFromRows([[0, 0], [1, 1]]);
    expect(() => mmd2(one, two)).toThrow(/at least 2 points per sample/);
    expect(() => mmd2(two, two, { bandwidth: 0 })).toThrow(/bandwidth must be a positive finite number/);
  });
});
