/**
 * TIMING TEST (the slow one in this folder, ~10 s): prints how long the heavy metrics take at the
 * sizes the app promises. Bounds are loose (a slow, loaded CI machine must pass); read the printed
 * numbers, not the assertions, to judge speed.
 */
import { describe, expect, it } from 'vitest';
import { linearSumAssignment } from './assignment.ts';
import { gaussianSet, uniforms } from './fixtures/samples.ts';
import { wasserstein2 } from './wasserstein.ts';

/** Runs and prints wall time and this process's CPU time (the latter hardly moves when other jobs load the machine). */
function timed<T>(label: string, run: () => T): T {
  const start = performance.now();
  const cpuStart = process.cpuUsage().user;
  const result = run();
  const wall = (performance.now() - start) / 1000;
  const cpu = (process.cpuUsage().user - cpuStart) / 1e6;
  console.log(`[metrics timing] ${label}: ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU`);
  return result;
}

describe('timing (slow, labelled)', () => {
  it('assignment, n = 2000: uniform random costs and squared distances of two 2D samples', () => {
    const n = 2000;
    const uniform = uniforms(n * n, 1);
    timed('linearSumAssignment n=2000, uniform costs', () => linearSumAssignment(uniform, n));
    const a = gaussianSet(n, 2, 2).data;
    const b = gaussianSet(n, 2, 3).data;
    const cost = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cost[i * n + j] = (a[2 * i] - b[2 * j]) ** 2 + (a[2 * i + 1] - b[2 * j + 1]) ** 2;
    const start = performance.now();
    timed('linearSumAssignment n=2000, squared distances (cold start)', () => linearSumAssignment(cost, n));
    expect(performance.now() - start).toBeLessThan(30_000);
  });

  it('exact W2, n = 2000 vs 2000 in 2D, laws of different scale (hard for plain assignment)', () => {
    const result = timed('wasserstein2 exact 2000 vs 2000 (σ = 1 vs 3)', () => wasserstein2(gaussianSet(2000, 2, 4), gaussianSet(2000, 2, 5, 3)));
    expect(result.method).toBe('exact');
    // W2 between N(0, I) and N(0, 9 I) is √2·(3 − 1) ≈ 2.83; two samples of 2000 land near it.
    expect(Math.abs(result.value - 2 * Math.SQRT2)).toBeLessThan(0.1);
  });

  it('Sinkhorn W2, n = 5000 vs 5000 in 2D', () => {
    const a = gaussianSet(5000, 2, 6);
    const b = gaussianSet(5000, 2, 7, 1, [1, 0]);
    const start = performance.now();
    const result = timed('wasserstein2 Sinkhorn 5000 vs 5000', () => wasserstein2(a, b));
    console.log(`[metrics timing]   ε = ${result.epsilon?.toPrecision(3)}, ${result.iterations} full-size iterations, converged: ${result.converged}`);
    expect(result).toMatchObject({ method: 'sinkhorn', converged: true });
    // The laws differ by a unit shift: W2 = 1; the two samples add a little sampling noise.
    expect(Math.abs(result.value - 1)).toBeLessThan(0.08);
    expect(performance.now() - start).toBeLessThan(60_000);
  });
});
