/**
 * A point set laid out for the O(n·m) kernel loops of Sinkhorn: reordered so that runs of
 * consecutive points are spatially compact (a k-d split order), stored both row-major and
 * coordinate-major, and cut into fixed-size blocks with bounding boxes. A kernel sum can then skip
 * a whole block when the box proves every term in it negligible.
 */
import type { PointSet } from './pointSet.ts';

/** Points per block: big enough to amortise the box test, small enough to keep boxes tight. */
export const BLOCK_SIZE = 32;

/** A point set in k-d order, with per-block bounding boxes. */
export interface PointCloud {
  readonly n: number;
  readonly d: number;
  /** Row-major coordinates in the new order (n × d). */
  readonly rows: Float64Array;
  /** Coordinate-major coordinates in the new order: `columns[k*n + i]` (d × n). */
  readonly columns: Float64Array;
  /** Number of blocks, ⌈n / BLOCK_SIZE⌉; block b holds points [b·BLOCK_SIZE, min(n, (b+1)·BLOCK_SIZE)). */
  readonly blocks: number;
  /** Lower and upper corners of each block's bounding box (blocks × d). */
  readonly boxLow: Float64Array;
  readonly boxHigh: Float64Array;
  /** order[i] = index in the input of the point stored at position i. */
  readonly order: Int32Array;
  /** log of each point's probability mass (log(1/n) for a plain sample), in the new order. */
  readonly logWeights: Float64Array;
}

/**
 * Indices of the points in k-d order: split the current range at its median along the coordinate
 * of widest spread, recursively, until a range fits in one block.
 */
export function spatialOrder(points: PointSet): Int32Array {
  const { data, n, d } = points;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const split = (low: number, high: number): void => {
    if (high - low <= BLOCK_SIZE) return;
    let widest = 0;
    let widestSpread = -1;
    for (let k = 0; k < d; k++) {
      let min = Infinity;
      let max = -Infinity;
      for (let r = low; r < high; r++) {
        const value = data[order[r] * d + k];
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      if (max - min > widestSpread) [widest, widestSpread] = [k, max - min];
    }
    const range = order.subarray(low, high);
    range.sort((p, q) => data[p * d + widest] - data[q * d + widest]);
    // Split on a block boundary so that blocks never straddle two branches.
    const middle = low + Math.ceil((high - low) / 2 / BLOCK_SIZE) * BLOCK_SIZE;
    split(low, middle);
    split(middle, high);
  };
  split(0, n);
  return order;
}

/**
 * Lays a point set out for the kernel loops (copies; the input is not modified). `weights`
 * (probability masses summing to 1, in the input order) default to 1/n each.
 */
export function toPointCloud(points: PointSet, weights?: Float64Array): PointCloud {
  const { data, n, d } = points;
  const order = spatialOrder(points);
  const rows = new Float64Array(n * d);
  const columns = new Float64Array(n * d);
  const logWeights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    logWeights[i] = weights === undefined ? -Math.log(n) : Math.log(weights[order[i]]);
    for (let k = 0; k < d; k++) {
      const value = data[order[i] * d + k];
      rows[i * d + k] = value;
      columns[k * n + i] = value;
    }
  }
  const blocks = Math.ceil(n / BLOCK_SIZE);
  const boxLow = new Float64Array(blocks * d).fill(Infinity);
  const boxHigh = new Float64Array(blocks * d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(i / BLOCK_SIZE);
    for (let k = 0; k < d; k++) {
      boxLow[b * d + k] = Math.min(boxLow[b * d + k], rows[i * d + k]);
      boxHigh[b * d + k] = Math.max(boxHigh[b * d + k], rows[i * d + k]);
    }
  }
  return { n, d, rows, columns, blocks, boxLow, boxHigh, order, logWeights };
}

/**
 * One point per group of `groupSize` consecutive points of `cloud` (default: per block), at the
 * group's centroid (weighted by the points' masses) and carrying the group's total mass: a coarser
 * measure for ε-scaling to run on while ε is large compared with the groups.
 */
export function coarsen(cloud: PointCloud, groupSize = BLOCK_SIZE): PointCloud {
  const { n, d, rows, logWeights } = cloud;
  const groups = Math.ceil(n / groupSize);
  const centroids = new Float64Array(groups * d);
  const masses = new Float64Array(groups);
  for (let i = 0; i < n; i++) {
    const group = Math.floor(i / groupSize);
    const mass = Math.exp(logWeights[i]);
    masses[group] += mass;
    for (let k = 0; k < d; k++) centroids[group * d + k] += mass * rows[i * d + k];
  }
  for (let group = 0; group < groups; group++) for (let k = 0; k < d; k++) centroids[group * d + k] /= masses[group];
  return toPointCloud({ data: centroids, n: groups, d }, masses);
}
