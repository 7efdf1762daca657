import type { SolverResult } from '../run/types.ts';

/** The [particles, dims] states at recorded time slot `slot` (a view, not a copy). */
export function statesAt(r: SolverResult, slot: number): Float32Array {
  const size = r.particles * r.dims;
  const k = Math.max(0, Math.min(r.times.length - 1, slot));
  return r.trajectory.subarray(k * size, (k + 1) * size);
}

/** Mean, sample standard deviation, standard error of the mean, and range of one component. */
export interface ComponentStats {
  n: number;
  mean: number;
  std: number;
  stderr: number;
  min: number;
  max: number;
  /** Values that were NaN or infinite (left out of everything above). */
  nonFinite: number;
}

/** Statistics of component `c` of [n, dims] states, in float64 (Welford's update, stable for large n). */
export function componentStats(states: Float32Array, dims: number, c: number): ComponentStats {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (let i = c; i < states.length; i += dims) {
    const v = states[i];
    if (!Number.isFinite(v)) { nonFinite++; continue; }
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  return { n, mean: n > 0 ? mean : NaN, std, stderr: n > 0 ? std / Math.sqrt(n) : NaN, min, max, nonFinite };
}

/** Equal-width bins over [lo, hi]; values outside are dropped. */
export interface Histogram {
  lo: number;
  hi: number;
  counts: Uint32Array;
}

/** Bin count by the Freedman–Diaconis rule (from the std, as a robust-enough IQR stand-in), clamped. */
export function binCount(s: ComponentStats, min = 12, max = 120): number {
  if (s.n < 2 || !(s.max > s.min)) return min;
  const width = 2 * 1.349 * s.std * Math.cbrt(1 / s.n);
  const bins = width > 0 ? Math.ceil((s.max - s.min) / width) : min;
  return Math.max(min, Math.min(max, bins));
}

/** Histogram of component `c` of [n, dims] states. */
export function histogram(states: Float32Array, dims: number, c: number, bins: number, lo: number, hi: number): Histogram {
  const counts = new Uint32Array(bins);
  const scale = hi > lo ? bins / (hi - lo) : 0;
  for (let i = c; i < states.length; i += dims) {
    const v = states[i];
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) * scale))]++;
  }
  return { lo, hi, counts };
}

/** 2D histogram of components (i, j) over [xlo, xhi] × [ylo, yhi]; counts[row * nx + col], row 0 at ylo. */
export function histogram2d(
  states: Float32Array, dims: number, i: number, j: number,
  nx: number, ny: number, x: [number, number], y: [number, number],
): Uint32Array {
  const counts = new Uint32Array(nx * ny);
  const sx = x[1] > x[0] ? nx / (x[1] - x[0]) : 0;
  const sy = y[1] > y[0] ? ny / (y[1] - y[0]) : 0;
  for (let p = 0; p < states.length; p += dims) {
    const u = states[p + i];
    const v = states[p + j];
    if (!(u >= x[0] && u <= x[1] && v >= y[0] && v <= y[1])) continue;
    const col = Math.min(nx - 1, Math.floor((u - x[0]) * sx));
    const row = Math.min(ny - 1, Math.floor((v - y[0]) * sy));
    counts[row * nx + col]++;
  }
  return counts;
}

/** `count` evenly spaced indices out of `n` (all of them when n ≤ count), for subsampling particles. */
export function spreadIndices(n: number, count: number): Uint32Array<ArrayBuffer> {
  const m = Math.max(0, Math.min(n, count));
  const out = new Uint32Array(m);
  for (let k = 0; k < m; k++) out[k] = Math.floor((k * n) / m);
  return out;
}

/**
 * Quantiles of component `c` at every recorded time: out[k * qs.length + q]. Uses at most
 * `maxParticles` evenly spread particles, which keeps a 500-slot fan chart fast.
 */
export function quantilesOverTime(r: SolverResult, c: number, qs: readonly number[], maxParticles = 10_000): Float64Array {
  const slots = r.times.length;
  const picks = spreadIndices(r.particles, maxParticles);
  const out = new Float64Array(slots * qs.length);
  const column = new Float32Array(picks.length);
  for (let k = 0; k < slots; k++) {
    const states = statesAt(r, k);
    let m = 0;
    for (const p of picks) {
      const v = states[p * r.dims + c];
      if (Number.isFinite(v)) column[m++] = v;
    }
    const sorted = column.subarray(0, m).sort();
    qs.forEach((q, i) => { out[k * qs.length + i] = quantileSorted(sorted, q); });
  }
  return out;
}

/** Linear-interpolated quantile of sorted data (type 7, NumPy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Range of every value of component `c` over all recorded times (finite values only). */
export function trajectoryRange(r: SolverResult, c: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = c; i < r.trajectory.length; i += r.dims) {
    const v = r.trajectory[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return padRange(lo, hi);
}

/** A non-empty finite range around [lo, hi] (a single value gets ±0.5, or ±1 % of its size). */
export function padRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
  if (hi > lo) return [lo, hi];
  const d = lo === 0 ? 0.5 : Math.abs(lo) * 0.01;
  return [lo - d, hi + d];
}
