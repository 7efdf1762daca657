import { describe, expect, it } from 'vitest';
import { gaussianSet, uniforms } from './fixtures/samples.ts';
import { toPointCloud } from './pointCloud.ts';
import { softminRows, softminScratchLength } from './softmin.ts';

/** −ε log Σ_j w_j exp((h_j − |x_i − y_j|²)/ε), by a plain two-pass log-sum-exp with Math.exp. */
function reference(x: Float64Array, n: number, y: Float64Array, m: number, d: number, h: Float64Array, eps: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const terms = Array.from({ length: m }, (_, j) => {
      let c = 0;
      for (let k = 0; k < d; k++) c += (x[i * d + k] - y[j * d + k]) ** 2;
      return (h[j] - c) / eps - Math.log(m);
    });
    const max = Math.max(...terms);
    out[i] = -eps * (max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0)));
  }
  return out;
}

// softminRows drops terms below e^(−23) of each row's sum (documented bound: a potential moves by
// < m·e^(−23)·ε ≈ 1e−8·ε here), so it must agree with the plain sum to that, plus rounding.
const close = (actual: number, expected: number, eps: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThan(150 * Math.exp(-23) * eps + 1e-13 * Math.max(1, Math.abs(expected)));
};

describe('softminRows', () => {
  const xs = gaussianSet(200, 2, 31);
  const ys = gaussianSet(150, 2, 32, 1.5, [0.5, 0]);
  const x = toPointCloud(xs);
  const y = toPointCloud(ys);
  // Potentials in the clouds' (k-d) order, and the reference in that order too.
  const h = uniforms(150, 33).map((u) => 2 * u - 1);
  const reorder = (cloud: typeof x, flat: Float64Array, d: number) =>
    Float64Array.from({ length: flat.length }, (_, k) => flat[cloud.order[Math.floor(k / d)] * d + (k % d)]);

  it.each([10, 1, 0.05, 0.002])('matches a plain log-sum-exp cold and warm, ε = %s', (eps) => {
    const expected = reference(reorder(x, xs.data as Float64Array, 2), 200, reorder(y, ys.data as Float64Array, 2), 150, 2, h, eps);
    const scratch = new Float64Array(softminScratchLength(150));
    const out = new Float64Array(200);
    softminRows(out, x, y, h, eps, scratch, false);
    for (let i = 0; i < 200; i++) close(out[i], expected[i], eps);
    // Warm start from a shifted guess (some rows too high, some too low): must self-correct.
    for (let i = 0; i < 200; i++) out[i] = expected[i] + (i % 3 === 0 ? 40 * eps : i % 3 === 1 ? -40 * eps : 0.5 * eps);
    softminRows(out, x, y, h, eps, scratch, true);
    for (let i = 0; i < 200; i++) close(out[i], expected[i], eps);
  });

  it('lets the potential alias the output (the symmetric update)', () => {
    const eps = 0.3;
    const f = uniforms(200, 34);
    const expected = reference(reorder(x, xs.data as Float64Array, 2), 200, reorder(x, xs.data as Float64Array, 2), 200, 2, f, eps);
    softminRows(f, x, x, f, eps, new Float64Array(softminScratchLength(200)), false);
    for (let i = 0; i < 200; i++) close(f[i], expected[i], eps);
  });
});
