/**
 * Virtual Brownian tree: Brownian increments that refine consistently when the step is halved.
 *
 * An interval split into `steps` equal steps is cut into `steps / 2^depth` base intervals, where
 * depth is the number of times `steps` can be halved (capped at 20). Each base interval draws its
 * total increment, then a Brownian bridge splits it recursively in heap order (node n has children
 * 2n and 2n+1), so the same (seed, particle, base interval) gives the same path at every depth:
 * 6, 12 and 24 steps all share 3 base intervals and nest exactly.
 */
import { brownianNormals } from './streams.ts';

/** Deepest bridge level; bounds tree memory (2^21 nodes per base interval and dimension). */
export const MAX_BROWNIAN_DEPTH = 20;

/** How `steps` is split into base intervals and bridge levels. */
export interface BrownianTreeLayout {
  /** Bridge levels below each base interval: min(trailing zero bits of steps, 20). */
  depth: number;
  /** Number of base intervals: steps / 2^depth. */
  baseIntervals: number;
}

/**
 * Splits `steps` into base intervals and bridge depth.
 *
 * @example brownianTreeLayout(12) // { depth: 2, baseIntervals: 3 }
 * @throws RangeError if steps is not a positive safe integer
 */
export function brownianTreeLayout(steps: number): BrownianTreeLayout {
  if (!Number.isSafeInteger(steps) || steps < 1) {
    throw new RangeError(`Brownian tree: steps must be a positive integer, got ${steps}.`);
  }
  let depth = 0;
  let baseIntervals = steps;
  // Plain division rather than bit tricks: steps may exceed 2^31.
  while (depth < MAX_BROWNIAN_DEPTH && baseIntervals % 2 === 0) {
    baseIntervals /= 2;
    depth++;
  }
  return { depth, baseIntervals };
}

/**
 * Brownian increments of one particle over [t0, t1] split into `steps` equal steps.
 *
 * Base interval b (length H = (t1 - t0) / baseIntervals) reads one flat normal sequence,
 * `brownianNormals(seed, particle, b, ·)`: draw k comes from counter [particle, b, k >> 2, 0],
 * lane k & 3, under key [seed, STREAM_BROWNIAN]. Write z_n for draws n · dims + j, j = 0 .. dims-1.
 * The root node 1 holds W_1 = sqrt(H) · z_0 (heap index 0 has no node, so its draws serve the
 * root). Node n ≥ 1 at level l = floor(log2 n) covers h = H / 2^l; its children get
 * W_2n = W_n / 2 + (sqrt(h) / 2) z_n and W_2n+1 = W_n / 2 - (sqrt(h) / 2) z_n.
 * The leaves 2^depth .. 2^(depth+1) - 1 are steps b · 2^depth + (leaf - 2^depth). A node's draws
 * do not depend on the depth, so halving the step refines the same path; with odd `steps`
 * (depth 0) step s is sqrt(dt) times draws 0 .. dims-1 of base interval s.
 *
 * @returns Float64Array of length steps · dims, laid out [step][dim]
 * @throws RangeError for non-positive steps or dims, t1 <= t0, or a particle that is not a u32
 * @example brownianIncrements(7, 0, 8, 2, 0, 1)[3 * 2 + 1] // step 3, dimension 1
 */
export function brownianIncrements(
  seed: number,
  particle: number,
  steps: number,
  dims: number,
  t0: number,
  t1: number,
): Float64Array {
  const { depth, baseIntervals } = brownianTreeLayout(steps);
  if (!Number.isSafeInteger(dims) || dims < 1) {
    throw new RangeError(`Brownian tree: dims must be a positive integer, got ${dims}.`);
  }
  if (!(t1 > t0) || !Number.isFinite(t1 - t0)) {
    throw new RangeError(`Brownian tree: need finite t0 < t1, got [${t0}, ${t1}].`);
  }
  const rootLength = (t1 - t0) / baseIntervals;
  const leafCount = 2 ** depth;
  const result = new Float64Array(steps * dims);
  // tree[n * dims + j] = increment of node n in dimension j; index 0 unused (heap order).
  const tree = new Float64Array(2 * leafCount * dims);
  for (let base = 0; base < baseIntervals; base++) {
    // Draws n · dims + j for nodes n = 0 (the root's own increment) .. leafCount - 1 (last split).
    const z = brownianNormals(seed, particle, base, leafCount * dims);
    for (let j = 0; j < dims; j++) tree[dims + j] = Math.sqrt(rootLength) * z[j];
    // Parents before children: nodes 1 .. leafCount-1 are the internal nodes, in level order.
    for (let node = 1; node < leafCount; node++) {
      // 31 - clz32 is an exact floor(log2) for node < 2^31; Math.log2 need not be exact.
      const level = 31 - Math.clz32(node);
      const halfStd = Math.sqrt(rootLength / 2 ** level) / 2;
      for (let j = 0; j < dims; j++) {
        const half = tree[node * dims + j] / 2;
        const zj = z[node * dims + j];
        tree[2 * node * dims + j] = half + halfStd * zj;
        tree[(2 * node + 1) * dims + j] = half - halfStd * zj;
      }
    }
    const firstStep = base * leafCount;
    for (let leaf = 0; leaf < leafCount; leaf++) {
      for (let j = 0; j < dims; j++) {
        result[(firstStep + leaf) * dims + j] = tree[(leafCount + leaf) * dims + j];
      }
    }
  }
  return result;
}
