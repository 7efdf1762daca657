/**
 * Sliced Wasserstein-2 distance: the root mean square of exact 1D W2 distances between the
 * projections of the two samples on random directions.
 */
import { assertComparable, type PointSet } from './pointSet.ts';
import { randomUnitDirections } from './random.ts';
import { sortedQuantilePower } from './wasserstein1d.ts';

/** Options of {@link slicedWasserstein2}. */
export interface SlicedWassersteinOptions {
  /** Number of random directions L (default 128). */
  readonly projections?: number;
  /** Seed of the direction generator (default 0); the same seed gives the same directions. */
  readonly seed?: number;
}

/** The estimate and what it was computed with. */
export interface SlicedWassersteinResult {
  /** √((1/L) Σ_l W2²(⟨θ_l, a⟩, ⟨θ_l, b⟩)), in the units of the coordinates. */
  readonly value: number;
  readonly projections: number;
  readonly seed: number;
}

/**
 * Sliced W2 between the uniform empirical measures on a and b (any sizes):
 * SW2² = E_θ W2²(θ·a, θ·b) for θ uniform on the unit sphere, estimated by Monte Carlo over L
 * directions from a seeded generator ({@link randomUnitDirections}), so it is deterministic
 * for a given seed. The mean over directions is an unbiased estimate of SW2² (its square root is
 * slightly biased low, by Jensen); its relative spread shrinks like 1/√L. Each 1D W2 is exact
 * (sorting), so the cost is O(L (n + m) (d + log(n + m))). In 1D it equals W2 for any L.
 * SW2 ≤ W2 always; it is not translation-blind: translating b by v adds |θ·v|² per direction.
 */
export function slicedWasserstein2(a: PointSet, b: PointSet, options: SlicedWassersteinOptions = {}): SlicedWassersteinResult {
  assertComparable(a, b);
  const projections = options.projections ?? 128;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(projections) || projections < 1) {
    throw new Error(`slicedWasserstein2: projections must be a positive integer, got ${projections}`);
  }
  if (!Number.isInteger(seed)) throw new Error(`slicedWasserstein2: seed must be an integer, got ${seed}`);
  const d = a.d;
  const directions = randomUnitDirections(projections, d, seed);
  const projectedA = new Float64Array(a.n);
  const projectedB = new Float64Array(b.n);
  let total = 0;
  for (let l = 0; l < projections; l++) {
    project(a, directions, l * d, projectedA);
    project(b, directions, l * d, projectedB);
    total += sortedQuantilePower(projectedA.sort(), projectedB.sort(), 2);
  }
  return { value: Math.sqrt(total / projections), projections, seed };
}

/** out[i] = ⟨direction, point i⟩, the direction read from directions[offset .. offset + d). */
function project(points: PointSet, directions: Float64Array, offset: number, out: Float64Array): void {
  const { data, n, d } = points;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += data[i * d + k] * directions[offset + k];
    out[i] = dot;
  }
}
