/**
 * Maximum mean discrepancy with a Gaussian kernel: the unbiased U-statistic estimate of MMD².
 */
import { fastExp } from './fastExp.ts';
import { assertComparable, squaredDistance, type PointSet } from './pointSet.ts';

/** Options of {@link mmd2}. */
export interface MmdOptions {
  /** Kernel bandwidth σ (coordinate units), or 'median' (default) for the median heuristic. */
  readonly bandwidth?: number | 'median';
}

/** The estimate and the bandwidth it used. */
export interface MmdResult {
  /** Unbiased MMD² (dimensionless: kernel values are in [0, 1]); may be slightly negative. */
  readonly value: number;
  /** σ of k(x, y) = exp(−|x − y|² / (2σ²)). */
  readonly bandwidth: number;
}

/** Points used at most for the median heuristic (the pairs grow quadratically). */
export const MEDIAN_SUBSAMPLE = 1000;

/**
 * Median heuristic (Gretton et al. 2012): σ = median of |z_p − z_q| over pairs p < q of the
 * pooled sample z = a ∪ b (a's points first). Above {@link MEDIAN_SUBSAMPLE} pooled points it uses
 * the deterministic subsample of pooled indices ⌊k·N/1000⌋, k = 0..999. An even number of pairs
 * takes the mean of the two middle distances (as numpy.median). If the median is 0 (over half the
 * pairs coincide) it uses the median of the non-zero distances, and σ = 1 if all points coincide.
 */
export function medianBandwidth(a: PointSet, b: PointSet): number {
  assertComparable(a, b);
  const pooled = a.n + b.n;
  const count = Math.min(pooled, MEDIAN_SUBSAMPLE);
  const picks = Int32Array.from({ length: count }, (_, k) => (pooled <= MEDIAN_SUBSAMPLE ? k : Math.floor((k * pooled) / MEDIAN_SUBSAMPLE)));
  const pick = (k: number): [PointSet, number] => (picks[k] < a.n ? [a, picks[k]] : [b, picks[k] - a.n]);
  const distances = new Float64Array((count * (count - 1)) / 2);
  let next = 0;
  for (let p = 0; p < count; p++) {
    const [setP, indexP] = pick(p);
    for (let q = p + 1; q < count; q++) {
      const [setQ, indexQ] = pick(q);
      distances[next++] = Math.sqrt(squaredDistance(setP.data, indexP, setQ.data, indexQ, a.d));
    }
  }
  distances.sort();
  const median = (values: Float64Array): number => {
    const half = values.length >> 1;
    return values.length % 2 === 1 ? values[half] : 0.5 * (values[half - 1] + values[half]);
  };
  if (distances.length === 0 || distances[distances.length - 1] === 0) return 1;
  const overall = median(distances);
  return overall > 0 ? overall : median(distances.subarray(distances.findIndex((value) => value > 0)));
}

/** Σ over ordered pairs p ≠ q of k(x_p, x_q) within one sample. */
function withinSum(x: PointSet, scale: number): number {
  const { data, n, d } = x;
  let sum = 0;
  for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) sum += fastExp(-scale * squaredDistance(data, p, data, q, d));
  return 2 * sum;
}

/**
 * Unbiased MMD² between the laws of a and b (needs n, m ≥ 2) with the Gaussian kernel
 * k(x, y) = exp(−|x − y|² / (2σ²)):
 *
 *     MMD²_u = 1/(n(n−1)) Σ_{i≠i'} k(a_i, a_i') + 1/(m(m−1)) Σ_{j≠j'} k(b_j, b_j') − 2/(nm) Σ_{i,j} k(a_i, b_j)
 *
 * Its expectation is exactly the population MMD² (so it averages to 0 over draws from one law and
 * can come out negative); with the median bandwidth (data-dependent) that holds only approximately.
 * O((n + m)² d). Zero in the limit iff the laws are equal (the Gaussian kernel is characteristic).
 */
export function mmd2(a: PointSet, b: PointSet, options: MmdOptions = {}): MmdResult {
  assertComparable(a, b);
  if (a.n < 2 || b.n < 2) throw new Error(`mmd2: the unbiased estimate needs at least 2 points per sample, got n = ${a.n}, m = ${b.n}`);
  const choice = options.bandwidth ?? 'median';
  const bandwidth = choice === 'median' ? medianBandwidth(a, b) : choice;
  if (!(bandwidth > 0 && Number.isFinite(bandwidth))) {
    throw new Error(`mmd2: bandwidth must be a positive finite number or 'median', got ${choice}`);
  }
  const scale = 1 / (2 * bandwidth * bandwidth);
  let cross = 0;
  for (let i = 0; i < a.n; i++) for (let j = 0; j < b.n; j++) cross += fastExp(-scale * squaredDistance(a.data, i, b.data, j, a.d));
  const value = withinSum(a, scale) / (a.n * (a.n - 1)) + withinSum(b, scale) / (b.n * (b.n - 1)) - (2 * cross) / (a.n * b.n);
  return { value, bandwidth };
}
