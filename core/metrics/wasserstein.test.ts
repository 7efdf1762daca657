// Reference values come from fixtures/metricsReference.json (NumPy/SciPy). Regenerate it from the
// repository root with: /usr/bin/python3 scripts/metrics_reference.py. The tests never run Python.
import { describe, expect, it } from 'vitest';
import { reference } from './fixtures/reference.ts';
import { flatSet, gaussianSet, translated } from './fixtures/samples.ts';
import { pointSetFromRows } from './pointSet.ts';
import { wasserstein1d, wasserstein2 } from './wasserstein.ts';

describe('wasserstein2, exact method', () => {
  it('equals the sorting solution in 1D', () => {
    const a = gaussianSet(300, 1, 1);
    const b = gaussianSet(300, 1, 2, 2, [0.5]);
    const result = wasserstein2(a, b);
    expect(result.method).toBe('exact');
    expect(result.value).toBeCloseTo(wasserstein1d(a.data, b.data), 12);
  });

  it('matches SciPy linear_sum_assignment on seeded 1D/2D/3D sets', () => {
    for (const { d, a, b, value } of reference.w2Exact) {
      const result = wasserstein2(flatSet(a, d), flatSet(b, d));
      expect(result).toMatchObject({ method: 'exact', n: a.length / d, m: b.length / d });
      expect(result.value).toBeCloseTo(value, 12);
    }
  });

  it('is 0 between a set and itself, |v| to its translate by v, blind to a common translation', () => {
    const a = gaussianSet(200, 3, 3);
    const b = gaussianSet(200, 3, 4, 1.5);
    expect(wasserstein2(a, a).value).toBe(0);
    const v = [0.3, -1.2, 2.5];
    expect(wasserstein2(a, translated(a, v)).value).toBeCloseTo(Math.hypot(...v), 13);
    expect(wasserstein2(translated(a, v), translated(b, v)).value).toBeCloseTo(wasserstein2(a, b).value, 12);
  });

  it('accepts Float32Array coordinates', () => {
    const a = gaussianSet(50, 2, 16);
    const b = gaussianSet(50, 2, 17, 2);
    const single = (set: typeof a) => ({ ...set, data: Float32Array.from(set.data) });
    const roundedA = { ...a, data: Float64Array.from(single(a).data) };
    const roundedB = { ...b, data: Float64Array.from(single(b).data) };
    expect(wasserstein2(single(a), single(b)).value).toBe(wasserstein2(roundedA, roundedB).value);
  });

  it('is symmetric and handles single points', () => {
    const a = gaussianSet(80, 2, 5);
    const b = gaussianSet(80, 2, 6, 2);
    expect(wasserstein2(a, b).value).toBeCloseTo(wasserstein2(b, a).value, 12);
    expect(wasserstein2(pointSetFromRows([[0, 0]]), pointSetFromRows([[3, 4]])).value).toBe(5);
  });
});

describe('wasserstein2, Sinkhorn method', () => {
  it('is used for unequal sizes or above exactLimit, and reports ε and its rule', () => {
    const a = gaussianSet(150, 2, 7);
    const b = gaussianSet(120, 2, 8, 1.5);
    const result = wasserstein2(a, b);
    expect(result).toMatchObject({ method: 'sinkhorn', n: 150, m: 120, converged: true });
    expect(result.epsilonRule).toMatch(/0\.01 × \(tr Cov\(a\) \+ tr Cov\(b\)\)/);
    // tr Cov of N(0, I₂) is 2 and of N(0, 1.5² I₂) is 4.5: ε ≈ 0.065 (up to sampling).
    expect(result.epsilon).toBeGreaterThan(0.04);
    expect(result.epsilon).toBeLessThan(0.09);
    expect(wasserstein2(a, gaussianSet(150, 2, 9), { exactLimit: 100 }).method).toBe('sinkhorn');
    expect(wasserstein2(a, b, { epsilon: 0.2 })).toMatchObject({ epsilon: 0.2, epsilonRule: 'given in options' });
  });

  it('matches a float64 NumPy log-domain Sinkhorn run to convergence (S_ε at fixed ε)', () => {
    for (const { d, a, b, epsilon, divergence } of reference.sinkhorn) {
      // Sinkhorn slows to a crawl near convergence at small ε (3D case: ~2,000 iterations for 1e−5).
      const result = wasserstein2(flatSet(a, d), flatSet(b, d), { epsilon, exactLimit: 0, tolerance: 1e-5, maxIterations: 20_000 });
      expect(result.converged).toBe(true);
      expect(Math.abs(result.value ** 2 - divergence) / divergence).toBeLessThan(1e-6);
    }
  });

  // With ε = 0.01·s the blur √ε is ~0.1 of the spread: it hides only detail below that scale, so
  // when the laws differ on larger scales (here by shift and scale) S_ε is within a few per cent of
  // the exact W2 of the two samples; we allow 5 % and see 0.3–0.9 % (0.1–0.3 % at ε/3).
  it('is within 5 % of the exact value when the laws differ, and gets closer as ε decreases', () => {
    const cases = [
      [gaussianSet(200, 2, 11), gaussianSet(200, 2, 12, 1, [1.5, 0])],
      [gaussianSet(150, 3, 13), gaussianSet(150, 3, 14, 2)],
    ];
    for (const [a, b] of cases) {
      const exact = wasserstein2(a, b).value;
      const coarse = wasserstein2(a, b, { exactLimit: 0 });
      expect(Math.abs(coarse.value - exact) / exact).toBeLessThan(0.05);
      const fine = wasserstein2(a, b, { exactLimit: 0, epsilon: coarse.epsilon! / 3 });
      expect(Math.abs(fine.value - exact)).toBeLessThan(Math.abs(coarse.value - exact));
    }
  });

  it('is exactly shift-aware: S_ε(a, a + v) = |v|², and 0 for a set against itself', () => {
    const a = gaussianSet(200, 2, 15);
    const v = [0.7, -0.4];
    // Centred, the two sets coincide: the |v|² part is exact and S_ε of a set with itself is ~tolerance².
    expect(wasserstein2(a, translated(a, v), { exactLimit: 0, tolerance: 1e-3 }).value).toBeCloseTo(Math.hypot(...v), 5);
    expect(wasserstein2(a, a, { exactLimit: 0 }).value).toBeLessThan(1e-3);
    const twoPoints = wasserstein2(pointSetFromRows([[1, 1]]), pointSetFromRows([[1, 1], [1, 1], [4, 5]]));
    expect(twoPoints.method).toBe('sinkhorn');
  });

  it('rejects bad options with a reason', () => {
    const a = gaussianSet(10, 2, 1);
    const b = gaussianSet(12, 2, 2);
    expect(() => wasserstein2(a, b, { epsilon: -1 })).toThrow(/epsilon must be a positive finite number/);
    expect(() => wasserstein2(a, b, { tolerance: 0 })).toThrow(/tolerance must be > 0/);
    expect(() => wasserstein2(a, b, { maxIterations: 2.5 })).toThrow(/maxIterations must be a positive integer/);
    expect(() => wasserstein2(a, b, { exactLimit: Number.NaN })).toThrow(/exactLimit must be ≥ 0/);
    expect(() => wasserstein2(a, gaussianSet(12, 3, 2))).toThrow(/a has dimension 2 but b has dimension 3/);
  });
});
