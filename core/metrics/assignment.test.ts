// Reference values come from fixtures/metricsReference.json (NumPy/SciPy). Regenerate it from the
// repository root with: /usr/bin/python3 scripts/metrics_reference.py. The tests never run Python.
import { describe, expect, it } from 'vitest';
import { linearSumAssignment } from './assignment.ts';
import { reference } from './fixtures/reference.ts';
import { uniforms } from './fixtures/samples.ts';

/** Minimum total cost over all n! permutations (Heap's algorithm). */
function bruteForceOptimum(cost: Float64Array, n: number): number {
  const perm = Array.from({ length: n }, (_, i) => i);
  const total = (): number => perm.reduce((sum, j, i) => sum + cost[i * n + j], 0);
  let best = total();
  const c = new Array<number>(n).fill(0);
  let i = 1;
  while (i < n) {
    if (c[i] < i) {
      const k = i % 2 === 0 ? 0 : c[i];
      [perm[k], perm[i]] = [perm[i], perm[k]];
      best = Math.min(best, total());
      c[i]++;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return best;
}

/** Checks the result is a permutation whose cost is the reported one. */
function expectConsistent(cost: Float64Array, n: number, result: ReturnType<typeof linearSumAssignment>): void {
  const seen = new Set(result.rowToColumn);
  expect(seen.size).toBe(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    expect(result.columnToRow[result.rowToColumn[i]]).toBe(i);
    total += cost[i * n + result.rowToColumn[i]];
  }
  expect(result.cost).toBeCloseTo(total, 9);
}

describe('linearSumAssignment', () => {
  it('equals brute force over all permutations for n ≤ 7 (floats, negatives, ties)', () => {
    let seed = 1;
    for (let n = 1; n <= 7; n++) {
      for (let trial = 0; trial < 40; trial++) {
        const u = uniforms(n * n, seed++);
        const kind = trial % 4;
        // 0: uniform floats; 1: integers 0..2 (many ties); 2: all equal; 3: signed, wide range.
        const cost = u.map((x) => (kind === 0 ? x : kind === 1 ? Math.floor(3 * x) : kind === 2 ? 5 : 1000 * (x - 0.5)));
        const result = linearSumAssignment(cost, n);
        expectConsistent(cost, n, result);
        expect(result.cost).toBeCloseTo(bruteForceOptimum(cost, n), 9);
      }
    }
  });

  it('matches scipy.optimize.linear_sum_assignment on the fixture matrices', () => {
    for (const { n, cost, optimum, kind } of reference.assignment) {
      const matrix = Float64Array.from(cost);
      const result = linearSumAssignment(matrix, n);
      expectConsistent(matrix, n, result);
      expect(Math.abs(result.cost - optimum), kind).toBeLessThan(1e-9 * Math.max(1, Math.abs(optimum)));
    }
  });

  it('gives the same optimum from any column potentials (warm start changes speed only)', () => {
    for (let trial = 0; trial < 20; trial++) {
      const n = 6;
      const cost = uniforms(n * n, 500 + trial);
      const potentials = uniforms(n, 900 + trial).map((x) => 3 * (x - 0.5));
      const warm = linearSumAssignment(cost, n, { columnPotentials: potentials });
      expectConsistent(cost, n, warm);
      expect(warm.cost).toBeCloseTo(bruteForceOptimum(cost, n), 9);
    }
  });

  it('handles n = 1 and rejects bad input with a reason', () => {
    expect(linearSumAssignment(Float64Array.of(-2.5), 1)).toMatchObject({ cost: -2.5 });
    expect(() => linearSumAssignment(new Float64Array(3), 2)).toThrow(/2 × 2 matrix needs 4/);
    expect(() => linearSumAssignment(Float64Array.of(1, Number.NaN, 0, 0), 2)).toThrow(/cost\[0, 1\] is NaN/);
    expect(() => linearSumAssignment(new Float64Array(0), 0)).toThrow(/positive integer/);
    expect(() => linearSumAssignment(new Float64Array(4), 2, { columnPotentials: new Float64Array(3) })).toThrow(/2 finite numbers/);
  });
});
