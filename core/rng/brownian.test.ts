import { describe, expect, it } from 'vitest';
import { brownianIncrements, brownianTreeLayout } from './brownian.ts';
import { boxMuller4 } from './normal.ts';
import { philox4x32_10 } from './philox.ts';
import { brownianNormals, STREAM_BROWNIAN } from './streams.ts';

const mean = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

/** Sums consecutive pairs of steps, per dimension: the coarse path a fine one must refine. */
function coarsen(fine: Float64Array, dims: number): Float64Array {
  const coarse = new Float64Array(fine.length / 2);
  for (let s = 0; s < coarse.length / dims; s++) {
    for (let j = 0; j < dims; j++) {
      coarse[s * dims + j] = fine[2 * s * dims + j] + fine[(2 * s + 1) * dims + j];
    }
  }
  return coarse;
}

describe('brownianTreeLayout', () => {
  it('halves steps while even, up to depth 20', () => {
    expect(brownianTreeLayout(5)).toEqual({ depth: 0, baseIntervals: 5 });
    expect(brownianTreeLayout(12)).toEqual({ depth: 2, baseIntervals: 3 });
    expect(brownianTreeLayout(2 ** 21)).toEqual({ depth: 20, baseIntervals: 2 });
    expect(brownianTreeLayout(3 * 2 ** 33)).toEqual({ depth: 20, baseIntervals: 3 * 2 ** 13 });
    expect(() => brownianTreeLayout(0)).toThrow(/positive integer/);
    expect(() => brownianTreeLayout(2.5)).toThrow(/positive integer/);
  });
});

describe('brownianIncrements', () => {
  // dims 1..3 pack several nodes into one Philox block, 5 spreads a node over two blocks.
  it.each([1, 2, 3, 5])('refines the same path when the step is halved (6 -> 12 -> 24 steps), dims %i', (dims) => {
    const [w6, w12, w24] = [6, 12, 24].map((n) => brownianIncrements(11, 3, n, dims, 0.5, 2));
    const fromW12 = coarsen(w12, dims);
    const fromW24 = coarsen(coarsen(w24, dims), dims);
    for (let i = 0; i < w6.length; i++) {
      expect(Math.abs(fromW12[i] - w6[i])).toBeLessThan(1e-12);
      expect(Math.abs(fromW24[i] - w6[i])).toBeLessThan(1e-12);
    }
    const fromW24Mid = coarsen(w24, dims);
    for (let i = 0; i < w12.length; i++) expect(Math.abs(fromW24Mid[i] - w12[i])).toBeLessThan(1e-12);
  });

  it('uses sqrt(dt) * z from counter [p, s, j >> 2, 0] when steps is odd', () => {
    const [seed, particle, steps, dims, t0, t1] = [7, 2, 5, 6, -1, 1.5];
    const dt = (t1 - t0) / steps;
    const w = brownianIncrements(seed, particle, steps, dims, t0, t1);
    for (let s = 0; s < steps; s++) {
      for (let j = 0; j < dims; j++) {
        const z = boxMuller4(philox4x32_10([particle, s, j >> 2, 0], [seed, STREAM_BROWNIAN]))[j & 3];
        expect(w[s * dims + j]).toBe(Math.sqrt(dt) * z);
      }
    }
  });

  it('builds children from the documented bridge formula', () => {
    // steps = 2: one base interval of length H = 1; root = draw 0, node 1 split by draw 1 (dims 1).
    const [seed, particle] = [4, 9];
    const w = brownianIncrements(seed, particle, 2, 1, 0, 1);
    const [root, z1] = brownianNormals(seed, particle, 0, 2);
    expect(w[0]).toBe(root / 2 + 0.5 * z1);
    expect(w[1]).toBe(root / 2 - 0.5 * z1);
  });

  it('takes node n, dimension j from draw n * dims + j of its base interval (3 base intervals, 4 leaves, dims 3)', () => {
    const [seed, particle, dims, H] = [5, 1, 3, 0.5];
    const w = brownianIncrements(seed, particle, 12, dims, 0, 3 * H);
    for (let base = 0; base < 3; base++) {
      const z = brownianNormals(seed, particle, base, 4 * dims);
      for (let j = 0; j < dims; j++) {
        // The bridge written out for depth 2: root, then node 1 (level 0), nodes 2 and 3 (level 1).
        const zn = (n: number): number => z[n * dims + j];
        const w1 = Math.sqrt(H) * zn(0);
        const h0 = Math.sqrt(H) / 2;
        const h1 = Math.sqrt(H / 2) / 2;
        const [w2, w3] = [w1 / 2 + h0 * zn(1), w1 / 2 - h0 * zn(1)];
        const leaves = [w2 / 2 + h1 * zn(2), w2 / 2 - h1 * zn(2), w3 / 2 + h1 * zn(3), w3 / 2 - h1 * zn(3)];
        leaves.forEach((leaf, i) => expect(w[(base * 4 + i) * dims + j]).toBe(leaf));
      }
    }
  });

  // Dimensions now share Philox blocks (and Box–Muller pairs), so check across them too.
  it.each([1, 2, 3])('has mean 0, variance dt and uncorrelated steps and dimensions, dims %i', (dims) => {
    const [particles, steps, t0, t1] = [3000, 8, 0, 2];
    const dt = (t1 - t0) / steps;
    const samples: number[] = [];
    const neighbourProducts: number[] = [];
    const crossProducts: number[] = [];
    for (let p = 0; p < particles; p++) {
      const w = brownianIncrements(123, p, steps, dims, t0, t1);
      samples.push(...w);
      for (let s = 0; s + 1 < steps; s++) neighbourProducts.push(w[s * dims] * w[(s + 1) * dims]);
      for (let s = 0; s < steps; s++) for (let j = 0; j + 1 < dims; j++) crossProducts.push(w[s * dims + j] * w[s * dims + j + 1]);
    }
    const n = samples.length;
    const m = mean(samples);
    const variance = mean(samples.map((x) => (x - m) ** 2));
    // 4 standard errors of the mean (sqrt(dt/n)), variance (dt sqrt(2/n)) and covariance (dt/sqrt(n)).
    expect(Math.abs(m)).toBeLessThan(4 * Math.sqrt(dt / n));
    expect(Math.abs(variance - dt)).toBeLessThan(4 * dt * Math.sqrt(2 / n));
    for (const products of [neighbourProducts, crossProducts]) {
      if (products.length > 0) expect(Math.abs(mean(products))).toBeLessThan((4 * dt) / Math.sqrt(products.length));
    }
  });

  it('gives different streams for different particles, dimensions and seeds', () => {
    const reference = brownianIncrements(1, 0, 4, 2, 0, 1);
    const otherParticle = brownianIncrements(1, 1, 4, 2, 0, 1);
    const otherSeed = brownianIncrements(2, 0, 4, 2, 0, 1);
    for (let i = 0; i < reference.length; i++) {
      expect(otherParticle[i]).not.toBe(reference[i]);
      expect(otherSeed[i]).not.toBe(reference[i]);
    }
    for (let s = 0; s < 4; s++) expect(reference[s * 2]).not.toBe(reference[s * 2 + 1]);
  });

  it('rejects bad arguments with a message naming the argument', () => {
    expect(() => brownianIncrements(1, 0, 4, 0, 0, 1)).toThrow(/dims/);
    expect(() => brownianIncrements(1, 0, 4, 1, 1, 1)).toThrow(/t0 < t1/);
    expect(() => brownianIncrements(1, -1, 4, 1, 0, 1)).toThrow(/unsigned 32-bit/);
  });
});
