/**
 * The one hot loop of Sinkhorn: a soft minimum over a point cloud of (potential + squared
 * distance), with costs recomputed on the fly block by block (memory O(n + m), never n·m).
 */
import { fastExp } from './fastExp.ts';
import { BLOCK_SIZE, type PointCloud } from './pointCloud.ts';

/**
 * Terms below exp(SKIP_BELOW) relative to the shift are dropped, and a warm shift is accepted only
 * if the sum comes out above exp(MIN_LOG_SUM) (else the row is redone with the exact maximum). So
 * each dropped term is < e^(−23) ≈ 1e−10 of the sum, and even m = 10^4 of them move a potential by
 * < 1e−6·ε, far below any Sinkhorn tolerance. (Keeping terms down to e^(−32) visits 20 % more blocks.)
 */
const SKIP_BELOW = -25;
const MIN_LOG_SUM = -2;

/** Scratch length softminRows needs for a column cloud of m points. */
export const softminScratchLength = (m: number): number => m + Math.ceil(m / BLOCK_SIZE) + BLOCK_SIZE;

/**
 * For each point x_i of the cloud x:
 *
 *     out[i] = −ε log( Σ_j w_j exp((h[j] − |x_i − y_j|²) / ε) )
 *
 * with w_j = exp(y.logWeights[j]) the masses of y. `h` (potentials on y) may alias `out`: it is copied first. With `warm`, the current out[i]
 * gives the log-sum-exp shift (saving a max pass); a row whose shift proves wrong is redone
 * exactly. Blocks of y whose bounding box puts every term below exp(SKIP_BELOW) relative to the
 * shift are skipped, which is what makes small ε cheap.
 */
export function softminRows(
  out: Float64Array, x: PointCloud, y: PointCloud, h: Float64Array, eps: number, scratch: Float64Array, warm: boolean,
): void {
  const m = y.n;
  const invEps = 1 / eps;
  const scaled = scratch.subarray(0, m);
  const blockMax = scratch.subarray(m, m + y.blocks);
  const costs = scratch.subarray(m + y.blocks, m + y.blocks + BLOCK_SIZE);
  blockMax.fill(-Infinity);
  for (let j = 0; j < m; j++) {
    scaled[j] = h[j] * invEps + y.logWeights[j];
    const b = Math.floor(j / BLOCK_SIZE);
    if (scaled[j] > blockMax[b]) blockMax[b] = scaled[j];
  }
  for (let i = 0; i < x.n; i++) {
    let shift = warm ? -out[i] * invEps : rowMaximum(x, i, y, scaled, blockMax, invEps, costs);
    let sum = rowSum(x, i, y, scaled, blockMax, invEps, shift, costs);
    if (warm && !(sum < Infinity && Math.log(sum) > MIN_LOG_SUM)) {
      shift = rowMaximum(x, i, y, scaled, blockMax, invEps, costs);
      sum = rowSum(x, i, y, scaled, blockMax, invEps, shift, costs);
    }
    out[i] = -eps * (shift + Math.log(sum));
  }
}

/** Squared distance from point i of x to the bounding box of block b of y (0 inside the box). */
function distanceToBox(x: PointCloud, i: number, y: PointCloud, b: number): number {
  const d = x.d;
  let sum = 0;
  for (let k = 0; k < d; k++) {
    const value = x.rows[i * d + k];
    const gap = Math.max(0, y.boxLow[b * d + k] - value, value - y.boxHigh[b * d + k]);
    sum += gap * gap;
  }
  return sum;
}

/** costs[0 .. end−start) = |x_i − y_j|² for j in [start, end) (unit-stride loop per coordinate). */
function blockCosts(x: PointCloud, i: number, y: PointCloud, start: number, end: number, costs: Float64Array): void {
  const { d, n: m, columns } = y;
  const count = end - start;
  const x0 = x.rows[i * d];
  for (let r = 0; r < count; r++) {
    const diff = x0 - columns[start + r];
    costs[r] = diff * diff;
  }
  for (let k = 1; k < d; k++) {
    const xk = x.rows[i * d + k];
    const base = k * m + start;
    for (let r = 0; r < count; r++) {
      const diff = xk - columns[base + r];
      costs[r] += diff * diff;
    }
  }
}

/** Σ_j exp(exponent_j − shift) over the blocks the box bound cannot rule out. */
function rowSum(
  x: PointCloud, i: number, y: PointCloud, scaled: Float64Array, blockMax: Float64Array, invEps: number, shift: number, costs: Float64Array,
): number {
  let sum = 0;
  for (let b = 0; b < y.blocks; b++) {
    if (blockMax[b] - distanceToBox(x, i, y, b) * invEps - shift < SKIP_BELOW) continue;
    const start = b * BLOCK_SIZE;
    const end = Math.min(y.n, start + BLOCK_SIZE);
    blockCosts(x, i, y, start, end, costs);
    for (let r = 0; r < end - start; r++) {
      const exponent = scaled[start + r] - costs[r] * invEps - shift;
      if (exponent > SKIP_BELOW) sum += fastExp(exponent);
    }
  }
  return sum;
}

/** max_j exponent_j, skipping blocks whose box bound cannot beat the best so far. */
function rowMaximum(
  x: PointCloud, i: number, y: PointCloud, scaled: Float64Array, blockMax: Float64Array, invEps: number, costs: Float64Array,
): number {
  let best = -Infinity;
  for (let b = 0; b < y.blocks; b++) {
    if (blockMax[b] - distanceToBox(x, i, y, b) * invEps <= best) continue;
    const start = b * BLOCK_SIZE;
    const end = Math.min(y.n, start + BLOCK_SIZE);
    blockCosts(x, i, y, start, end, costs);
    for (let r = 0; r < end - start; r++) best = Math.max(best, scaled[start + r] - costs[r] * invEps);
  }
  return best;
}
