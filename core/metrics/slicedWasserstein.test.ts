// Reference values come from fixtures/metricsReference.json (NumPy/SciPy). Regenerate it from the
// repository root with: /usr/bin/python3 scripts/metrics_reference.py. The tests never run Python.
import { describe, expect, it } from 'vitest';
import { reference } from './fixtures/reference.ts';
import { flatSet, gaussianSet, translated } from './fixtures/samples.ts';
import { randomUnitDirections } from './random.ts';
import { slicedWasserstein2 } from './slicedWasserstein.ts';
import { wasserstein1d, wasserstein2 } from './wasserstein.ts';

describe('slicedWasserstein2', () => {
  it('draws the directions the Python replay of Mulberry32 + Box–Muller draws', () => {
    for (const { d, projections, seed, firstDirections } of reference.sliced) {
      const directions = randomUnitDirections(projections, d, seed);
      firstDirections.forEach((value, k) => expect(directions[k]).toBeCloseTo(value, 13));
      for (let l = 0; l < projections; l++) {
        let norm = 0;
        for (let k = 0; k < d; k++) norm += directions[l * d + k] ** 2;
        expect(norm).toBeCloseTo(1, 14);
      }
    }
  });

  it('matches NumPy on the fixture sets (same directions, exact 1D W2 per slice)', () => {
    for (const { d, a, b, projections, seed, value } of reference.sliced) {
      const result = slicedWasserstein2(flatSet(a, d), flatSet(b, d), { projections, seed });
      expect(result).toMatchObject({ projections, seed });
      expect(result.value).toBeCloseTo(value, 11);
    }
  });

  it('is 0 for identical sets, deterministic per seed, and equals W2 in 1D', () => {
    const a = gaussianSet(300, 3, 41);
    expect(slicedWasserstein2(a, a).value).toBe(0);
    const b = gaussianSet(250, 3, 42, 1.2);
    expect(slicedWasserstein2(a, b, { seed: 5 }).value).toBe(slicedWasserstein2(a, b, { seed: 5 }).value);
    expect(slicedWasserstein2(a, b, { seed: 5 }).value).not.toBe(slicedWasserstein2(a, b, { seed: 6 }).value);
    const x = gaussianSet(200, 1, 43);
    const y = gaussianSet(150, 1, 44, 2);
    expect(slicedWasserstein2(x, y, { projections: 3 }).value).toBeCloseTo(wasserstein1d(x.data, y.data), 13);
  });

  it('sees a translation by v as |v|/√d on average over directions, and stays below W2', () => {
    // E_θ (θ·v)² = |v|²/d for θ uniform on the sphere; 2,000 directions put the mean within ~3 %.
    const a = gaussianSet(200, 3, 45);
    const v = [1, -2, 2];
    const shifted = slicedWasserstein2(a, translated(a, v), { projections: 2000 });
    expect(shifted.value).toBeGreaterThan(0.97 * 3 / Math.sqrt(3));
    expect(shifted.value).toBeLessThan(1.03 * 3 / Math.sqrt(3));
    const b = gaussianSet(200, 3, 46, 1.5, [0.5, 0, 0]);
    expect(slicedWasserstein2(a, b).value).toBeLessThanOrEqual(wasserstein2(a, b).value);
  });

  it('rejects bad options', () => {
    const a = gaussianSet(5, 2, 1);
    expect(() => slicedWasserstein2(a, a, { projections: 0 })).toThrow(/projections must be a positive integer/);
    expect(() => slicedWasserstein2(a, a, { seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});
