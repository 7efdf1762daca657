import { describe, expect, it } from 'vitest';
import type { SolverResult } from '../run/types.ts';
import { binCount, componentStats, histogram, histogram2d, padRange, quantileSorted, quantilesOverTime, spreadIndices, statesAt } from './stats.ts';

/** 3 slots × 4 particles × 2 dims, value = 100·slot + 10·particle + component. */
function result(): SolverResult {
  const slots = 3, n = 4, d = 2;
  const trajectory = new Float32Array(slots * n * d);
  for (let k = 0; k < slots; k++) for (let p = 0; p < n; p++) for (let c = 0; c < d; c++) trajectory[(k * n + p) * d + c] = 100 * k + 10 * p + c;
  return {
    nodeId: 's', dims: d, particles: n, samples: trajectory.slice(2 * n * d), trajectory,
    times: new Float32Array([0, 0.5, 1]), wallSeconds: 0, particleSteps: 0,
  };
}

describe('results statistics', () => {
  it('slices a time slot', () => {
    expect([...statesAt(result(), 1)]).toEqual([100, 101, 110, 111, 120, 121, 130, 131]);
    expect(statesAt(result(), 99)[0]).toBe(200);
  });

  it('computes mean, sample std and standard error, skipping non-finite values', () => {
    const s = componentStats(new Float32Array([1, 0, 2, 0, 3, 0, 4, 0, NaN, 0]), 2, 0);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3));
    expect(s.stderr).toBeCloseTo(Math.sqrt(5 / 3) / 2);
    expect([s.min, s.max, s.nonFinite]).toEqual([1, 4, 1]);
  });

  it('bins values, the upper edge included', () => {
    const h = histogram(new Float32Array([0, 0.1, 0.5, 0.99, 1, 2]), 1, 0, 2, 0, 1);
    expect([...h.counts]).toEqual([2, 3]);
    expect(binCount(componentStats(new Float32Array(1000).map((_, i) => i), 1, 0))).toBeGreaterThanOrEqual(12);
  });

  it('bins pairs of components', () => {
    const c = histogram2d(new Float32Array([0, 0, 1, 1, 0.9, 0.1]), 2, 0, 1, 2, 2, [0, 1], [0, 1]);
    expect([...c]).toEqual([1, 1, 0, 1]);
  });

  it('spreads subsample indices evenly', () => {
    expect([...spreadIndices(10, 5)]).toEqual([0, 2, 4, 6, 8]);
    expect([...spreadIndices(3, 5)]).toEqual([0, 1, 2]);
  });

  it('computes quantiles like NumPy and over time', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    const q = quantilesOverTime(result(), 1, [0, 0.5, 1]);
    expect([...q]).toEqual([1, 16, 31, 101, 116, 131, 201, 216, 231]);
  });

  it('pads empty ranges', () => {
    expect(padRange(2, 2)).toEqual([1.98, 2.02]);
    expect(padRange(0, 0)).toEqual([-0.5, 0.5]);
    expect(padRange(Infinity, -Infinity)).toEqual([-1, 1]);
  });
});
