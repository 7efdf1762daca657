/**
 * Energy distance (Székely & Rizzo): a metric between laws built from Euclidean distances only,
 * with no bandwidth to choose.
 */
import { assertComparable, squaredDistance, type PointSet } from './pointSet.ts';

/** Σ over ordered pairs p ≠ q of |x_p − x_q| within one sample (each unordered pair counted twice). */
function withinDistanceSum(x: PointSet): number {
  const { data, n, d } = x;
  let sum = 0;
  for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) sum += Math.sqrt(squaredDistance(data, p, data, q, d));
  return 2 * sum;
}

/**
 * Energy distance between the uniform empirical measures on a and b (V-statistic):
 *
 *     E(a, b) = 2/(nm) Σ_{i,j} |a_i − b_j| − 1/n² Σ_{i,i'} |a_i − a_i'| − 1/m² Σ_{j,j'} |b_j − b_j'|
 *
 * in the units of the coordinates (it is 2E|X−Y| − E|X−X'| − E|Y−Y'| for the empirical laws, the
 * squared form; √E is a metric). As a V-statistic it is ≥ 0 exactly (rounding below 0 is clamped to
 * 0) and biased upward as an estimate of the population value: for two samples of one law its mean
 * is (1/n + 1/m)·E|X − X'| rather than 0. Two single points x, y give 2|x − y|.
 * O(n m d + n² d + m² d) time, O(1) extra memory; fine up to n ≈ 5,000.
 */
export function energyDistance(a: PointSet, b: PointSet): number {
  assertComparable(a, b);
  let cross = 0;
  for (let i = 0; i < a.n; i++) for (let j = 0; j < b.n; j++) cross += Math.sqrt(squaredDistance(a.data, i, b.data, j, a.d));
  const value = (2 * cross) / (a.n * b.n) - withinDistanceSum(a) / (a.n * a.n) - withinDistanceSum(b) / (b.n * b.n);
  return Math.max(0, value);
}
