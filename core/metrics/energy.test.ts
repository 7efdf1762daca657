// Reference values come from fixtures/metricsReference.json (NumPy/SciPy). Regenerate it from the
// repository root with: /usr/bin/python3 scripts/metrics_reference.py. The tests never run Python.
import { describe, expect, it } from 'vitest';
import { energyDistance } from './energy.ts';
import { reference } from './fixtures/reference.ts';
import { flatSet, gaussianSet, translated } from './fixtures/samples.ts';
import { pointSetFromRows } from './pointSet.ts';

describe('energyDistance', () => {
  it('matches NumPy/SciPy cdist on the fixture sets', () => {
    for (const { d, a, b, value } of reference.energy) {
      expect(energyDistance(flatSet(a, d), flatSet(b, d))).toBeCloseTo(value, 12);
    }
  });

  it('is 2|x − y| between two single points, and for two-point sets a closed form', () => {
    expect(energyDistance(pointSetFromRows([[0, 0, 0]]), pointSetFromRows([[1, 2, 2]]))).toBe(6);
    // a = {0, 1}, b = {0, 1} + t on a line (t > 1): cross mean = t, within means 1/2 each.
    const t = 2.5;
    const value = energyDistance(pointSetFromRows([[0], [1]]), pointSetFromRows([[t], [1 + t]]));
    expect(value).toBeCloseTo(2 * ((t + (t + 1) + (t - 1) + t) / 4) - 0.5 - 0.5, 14);
  });

  it('is 0 for identical sets, invariant to a common translation, and scales like the coordinates', () => {
    const a = gaussianSet(150, 3, 61);
    const b = gaussianSet(120, 3, 62, 1.5, [0.3, 0, 0]);
    expect(energyDistance(a, a)).toBeLessThan(1e-13);
    const value = energyDistance(a, b);
    expect(value).toBeGreaterThan(0);
    expect(energyDistance(translated(a, [4, 4, -1]), translated(b, [4, 4, -1]))).toBeCloseTo(value, 12);
    const scale = (set: typeof a) => ({ ...set, data: set.data.map((x) => 3 * x) });
    expect(energyDistance(scale(a), scale(b))).toBeCloseTo(3 * value, 12);
  });

  it('grows with a shift and is symmetric', () => {
    const a = gaussianSet(100, 2, 63);
    const near = energyDistance(a, translated(a, [0.5, 0]));
    const far = energyDistance(a, translated(a, [2, 0]));
    expect(far).toBeGreaterThan(near);
    const b = gaussianSet(80, 2, 64);
    expect(energyDistance(a, b)).toBeCloseTo(energyDistance(b, a), 13);
  });
});
