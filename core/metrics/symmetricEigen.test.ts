import { describe, expect, it } from 'vitest';
import { uniforms } from './fixtures/samples.ts';
import { symmetricEigen } from './symmetricEigen.ts';

describe('symmetricEigen (cyclic Jacobi)', () => {
  it.each([2, 3, 4, 6])('diagonalises random symmetric %i × %i matrices: A v = λ v, orthonormal, sorted', (n) => {
    for (let trial = 0; trial < 25; trial++) {
      const u = uniforms(n * n, 100 * n + trial);
      const a = new Float64Array(n * n);
      for (let p = 0; p < n; p++) for (let q = 0; q <= p; q++) a[p * n + q] = a[q * n + p] = 10 * (u[p * n + q] - 0.5);
      const { values, vectors } = symmetricEigen(a, n);
      for (let i = 0; i < n; i++) {
        if (i > 0) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
        for (let p = 0; p < n; p++) {
          let av = 0;
          for (let q = 0; q < n; q++) av += a[p * n + q] * vectors[i * n + q];
          expect(Math.abs(av - values[i] * vectors[i * n + p])).toBeLessThan(1e-12);
        }
        for (let j = 0; j < n; j++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += vectors[i * n + k] * vectors[j * n + k];
          expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-13);
        }
      }
    }
  });

  it('handles diagonal, zero and repeated-eigenvalue matrices', () => {
    expect(Array.from(symmetricEigen([3, 0, 0, 0, -1, 0, 0, 0, 7], 3).values)).toEqual([7, 3, -1]);
    const zero = symmetricEigen(new Float64Array(16), 4);
    expect(Array.from(zero.values)).toEqual([0, 0, 0, 0]);
    expect(Array.from(zero.vectors.subarray(0, 4))).toEqual([1, 0, 0, 0]);
    const repeated = symmetricEigen([2, 1, 1, 1, 2, 1, 1, 1, 2], 3); // eigenvalues 4, 1, 1
    expect(repeated.values[0]).toBeCloseTo(4, 14);
    expect(repeated.values[1]).toBeCloseTo(1, 14);
    expect(repeated.values[2]).toBeCloseTo(1, 14);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/expected 4 entries/);
  });
});
