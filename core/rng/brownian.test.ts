import { describe, expect, it } from 'vitest';
import { brownianIncrements, brownianTreeLayout } from './brownian.ts';
import { normalsAt, STREAM_BROWNIAN } from './streams.ts';

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
  it('refines the same path when the step is halved (6 -> 12 -> 24 steps)', () => {
    const dims = 5; // > 4 so a second Philox block per node is exercised
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

  it('uses sqrt(dt) * z from counter [p, s, 0, j >> 2] when steps is odd', () => {
    const [seed, particle, steps, dims, t0, t1] = [7, 2, 5, 6, -1, 1.5];
    const dt = (t1 - t0) / steps;
    const w = brownianIncrements(seed, particle, steps, dims, t0, t1);
    for (let s = 0; s < steps; s++) {
      const z = normalsAt(seed, STREAM_BROWNIAN, particle, s, 0, dims);
      for (let j = 0; j < dims; j++) expect(w[s * dims + j]).toBe(Math.sqrt(dt) * z[j]);
    }
  });

  it('builds children from the documented bridge formula', () => {
    // steps = 2: one base interval of length H = 1, root node 1 split by z_1.
    const [seed, particle] = [4, 9];
    const w = brownianIncrements(seed, particle, 2, 1, 0, 1);
    const root = normalsAt(seed, STREAM_BROWNIAN, particle, 0, 0, 1)[0];
    const z1 = normalsAt(seed, STREAM_BROWNIAN, particle, 0, 1, 1)[0];
    expect(w[0]).toBe(root / 2 + 0.5 * z1);
    expect(w[1]).toBe(root / 2 - 0.5 * z1);
  });

  it('has mean 0, variance dt and uncorrelated steps across particles', () => {
    const [particles, steps, dims, t0, t1] = [3000, 8, 2, 0, 2];
    const dt = (t1 - t0) / steps;
    const samples: number[] = [];
    const neighbourProducts: number[] = [];
    for (let p = 0; p < particles; p++) {
      const w = brownianIncrements(123, p, steps, dims, t0, t1);
      samples.push(...w);
      for (let s = 0; s + 1 < steps; s++) neighbourProducts.push(w[s * dims] * w[(s + 1) * dims]);
    }
    const n = samples.length;
    const m = mean(samples);
    const variance = mean(samples.map((x) => (x - m) ** 2));
    // 4 standard errors of the mean (sqrt(dt/n)), variance (dt sqrt(2/n)) and covariance (dt/sqrt(n)).
    expect(Math.abs(m)).toBeLessThan(4 * Math.sqrt(dt / n));
    expect(Math.abs(variance - dt)).toBeLessThan(4 * dt * Math.sqrt(2 / n));
    const covariance = mean(neighbourProducts);
    expect(Math.abs(covariance)).toBeLessThan((4 * dt) / Math.sqrt(neighbourProducts.length));
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
