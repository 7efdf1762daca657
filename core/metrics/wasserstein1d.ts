/**
 * Exact Wasserstein distances on the real line, where the optimal coupling is the quantile
 * (monotone) coupling: W_p^p = ∫₀¹ |F_a⁻¹(t) − F_b⁻¹(t)|^p dt.
 */

/**
 * W_p^p between the uniform empirical measures on two ascending-sorted samples (any sizes n, m):
 * the quantile functions are step functions with jumps at i/n and j/m, so the integral is a sum
 * over the merged breakpoints. Breakpoints are compared as integers (i·m vs j·n), so ties are exact.
 */
export function sortedQuantilePower(sortedA: ArrayLike<number>, sortedB: ArrayLike<number>, p = 2): number {
  const n = sortedA.length;
  const m = sortedB.length;
  if (n === m) {
    // Same size: the coupling pairs the i-th smallest with the i-th smallest.
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const gap = Math.abs(sortedA[i] - sortedB[i]);
      sum += p === 2 ? gap * gap : p === 1 ? gap : Math.pow(gap, p);
    }
    return sum / n;
  }
  let i = 0;
  let j = 0;
  let position = 0; // the current quantile level t, in units of 1/(n·m)
  let sum = 0;
  while (i < n && j < m) {
    const endA = (i + 1) * m;
    const endB = (j + 1) * n;
    const end = Math.min(endA, endB);
    const gap = Math.abs(sortedA[i] - sortedB[j]);
    sum += (end - position) * (p === 2 ? gap * gap : p === 1 ? gap : Math.pow(gap, p));
    position = end;
    if (endA === end) i++;
    if (endB === end) j++;
  }
  return sum / (n * m);
}

/** Copies, checks (non-empty, finite) and sorts a 1D sample. */
export function sortedSample(values: readonly number[] | Float64Array | Float32Array, name: string): Float64Array {
  if (values.length === 0) throw new Error(`${name}: empty sample; a distance needs at least one value`);
  const sorted = Float64Array.from(values);
  const bad = sorted.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new Error(`${name}: value ${bad} is ${sorted[bad]}; all values must be finite`);
  return sorted.sort();
}

/**
 * Exact p-Wasserstein distance (default p = 2, so W2, not squared; same units as the values)
 * between the uniform empirical measures on two 1D samples of any sizes, by sorting:
 * O((n + m) log(n + m)). This is the distance between the empirical measures themselves, so as
 * an estimate of the distance between the laws they were drawn from it is biased upward
 * (W_p between two samples of the same law is positive, shrinking like n^(−1/2) for p = 1).
 *
 * @example
 * wasserstein1d([0, 1], [2, 3]); // 2: every point moves by 2
 */
export function wasserstein1d(
  a: readonly number[] | Float64Array | Float32Array,
  b: readonly number[] | Float64Array | Float32Array,
  p = 2,
): number {
  if (!(p >= 1 && Number.isFinite(p))) throw new Error(`wasserstein1d: the order p must be a finite number ≥ 1, got ${p}`);
  const power = sortedQuantilePower(sortedSample(a, 'a'), sortedSample(b, 'b'), p);
  return p === 2 ? Math.sqrt(power) : Math.pow(power, 1 / p);
}
