// Reference values come from fixtures/metricsReference.json (NumPy/SciPy). Regenerate it from the
// repository root with: /usr/bin/python3 scripts/metrics_reference.py. The tests never run Python.
import { describe, expect, it } from 'vitest';
import { reference } from './fixtures/reference.ts';
import { flatSet, gaussianSet, translated } from './fixtures/samples.ts';
import { momentGap, moments } from './moments.ts';
import { pointSetFromRows } from './pointSet.ts';

const { d, a, b } = reference.moments;

describe('moments', () => {
  it('matches numpy mean, var(ddof=1), standard error and cov', () => {
    const result = moments(flatSet(a, d));
    reference.moments.mean.forEach((v, k) => expect(result.mean[k]).toBeCloseTo(v, 12));
    reference.moments.variance.forEach((v, k) => expect(result.variance[k]).toBeCloseTo(v, 12));
    reference.moments.standardError.forEach((v, k) => expect(result.standardError[k]).toBeCloseTo(v, 12));
    reference.moments.covariance.forEach((v, k) => expect(result.covariance[k]).toBeCloseTo(v, 12));
  });

  it('keeps full precision under a large common offset (two-pass)', () => {
    const set = gaussianSet(500, 2, 71);
    const far = moments(translated(set, [1e8, -1e8]));
    const near = moments(set);
    for (let k = 0; k < 4; k++) expect(far.covariance[k]).toBeCloseTo(near.covariance[k], 6);
  });

  it('reports NaN spread for a single point', () => {
    const one = moments(pointSetFromRows([[1, 2]]));
    expect(Array.from(one.mean)).toEqual([1, 2]);
    expect(one.variance.every(Number.isNaN)).toBe(true);
    expect(one.standardError.every(Number.isNaN)).toBe(true);
  });
});

describe('momentGap', () => {
  it('matches the NumPy z-score of the means and the covariance difference', () => {
    const gap = momentGap(flatSet(a, d), flatSet(b, d));
    expect(gap.meanGap).toBeCloseTo(reference.moments.meanGap, 10);
    expect(gap.covarianceGap).toBeCloseTo(reference.moments.covarianceGap, 10);
  });

  it('is 0 for identical samples and finds the dimension that differs', () => {
    const set = gaussianSet(400, 3, 72);
    expect(momentGap(set, set)).toMatchObject({ meanGap: 0, covarianceGap: 0 });
    const gap = momentGap(set, translated(gaussianSet(400, 3, 73), [0, 0, 1]));
    expect(gap.meanGapDimension).toBe(2);
    // A shift of 1 with standard error √(2/400) ≈ 0.07 is ~14 standard errors.
    expect(gap.meanGap).toBeGreaterThan(10);
    expect(gap.meanGap).toBeLessThan(18);
  });

  it('needs two points per sample', () => {
    expect(() => momentGap(pointSetFromRows([[0]]), pointSetFromRows([[0], [1]]))).toThrow(/at least 2 points/);
  });
});
