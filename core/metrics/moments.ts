/**
 * First and second moments of a sample, with standard errors, and a two-sample comparison of them.
 */
import { assertComparable, validatePointSet, type PointSet } from './pointSet.ts';

/** Per-dimension moments of a sample (all arrays in the input's coordinate order). */
export interface Moments {
  readonly n: number;
  readonly d: number;
  /** Sample mean per dimension (coordinate units). */
  readonly mean: Float64Array;
  /** Unbiased sample variance per dimension, divisor n − 1 (squared units); NaN when n = 1. */
  readonly variance: Float64Array;
  /** Standard error of the mean, √(variance / n) (coordinate units); NaN when n = 1. */
  readonly standardError: Float64Array;
  /** Unbiased covariance matrix, d × d row-major, divisor n − 1 (squared units); NaN when n = 1. */
  readonly covariance: Float64Array;
}

/**
 * Mean, unbiased variance, standard error of the mean and unbiased covariance of a sample, by two
 * passes (mean first, then centred products) so that a large common offset costs no precision.
 * The variance and covariance are unbiased; the standard error √(s²/n) is slightly biased low (as
 * √ of an unbiased estimate) and assumes independent points (correlated samples, such as MCMC
 * chains, need an effective sample size instead).
 */
export function moments(points: PointSet): Moments {
  const { data, n, d } = validatePointSet(points);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += data[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= n;
  const covariance = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) centred[k] = data[i * d + k] - mean[k];
    for (let k = 0; k < d; k++) for (let l = k; l < d; l++) covariance[k * d + l] += centred[k] * centred[l];
  }
  for (let k = 0; k < d; k++) {
    for (let l = k; l < d; l++) {
      covariance[k * d + l] /= n - 1; // n = 1 gives 0/0 = NaN: no spread can be estimated from one point
      covariance[l * d + k] = covariance[k * d + l];
    }
  }
  const variance = Float64Array.from({ length: d }, (_, k) => covariance[k * d + k]);
  const standardError = variance.map((value) => Math.sqrt(value / n));
  return { n, d, mean, variance, standardError, covariance };
}

/** How far apart two samples' first two moments are. */
export interface MomentGap {
  /**
   * max_k |mean_a[k] − mean_b[k]| / √(se_a[k]² + se_b[k]²): the largest mean difference in units of
   * its own standard error (a z-score; about N(0, 1) per dimension when the laws agree, so values
   * above ~3 + √(2 ln d) suggest a real difference). 0/0 counts as 0, x/0 as Infinity.
   */
  readonly meanGap: number;
  /** The dimension where meanGap is reached. */
  readonly meanGapDimension: number;
  /** max_{k,l} |cov_a[k,l] − cov_b[k,l]| (squared coordinate units). */
  readonly covarianceGap: number;
  /** [k, l] where covarianceGap is reached (k ≤ l). */
  readonly covarianceGapEntry: readonly [number, number];
}

/** Compares means (in standard errors) and covariances (absolute) of two samples; needs n, m ≥ 2. */
export function momentGap(a: PointSet, b: PointSet): MomentGap {
  assertComparable(a, b);
  if (a.n < 2 || b.n < 2) throw new Error(`momentGap: standard errors need at least 2 points per sample, got n = ${a.n}, m = ${b.n}`);
  const ma = moments(a);
  const mb = moments(b);
  const d = a.d;
  let meanGap = 0;
  let meanGapDimension = 0;
  for (let k = 0; k < d; k++) {
    const difference = Math.abs(ma.mean[k] - mb.mean[k]);
    const error = Math.hypot(ma.standardError[k], mb.standardError[k]);
    const z = difference === 0 ? 0 : difference / error;
    if (z > meanGap) [meanGap, meanGapDimension] = [z, k];
  }
  let covarianceGap = 0;
  let covarianceGapEntry: [number, number] = [0, 0];
  for (let k = 0; k < d; k++) {
    for (let l = k; l < d; l++) {
      const difference = Math.abs(ma.covariance[k * d + l] - mb.covariance[k * d + l]);
      if (difference > covarianceGap) [covarianceGap, covarianceGapEntry] = [difference, [k, l]];
    }
  }
  return { meanGap, meanGapDimension, covarianceGap, covarianceGapEntry };
}
