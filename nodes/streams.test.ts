import { describe, expect, test } from 'vitest';
import { RunFailure } from '../core/backends/cpu/runtime.ts';
import { brownianIncrements } from '../core/rng/brownian.ts';
import { normalsAt, STREAM_INIT, uniformsAt } from '../core/rng/streams.ts';
import { runGraph, solverGraph } from './testing.ts';

const zeroDrift = (d: number) => ({ type: 'drift.expression', params: { expr: Array.from({ length: d }, () => '0'), constants: {} } });

describe('the CPU kernel draws exactly the reference random streams', () => {
  for (const steps of [7, 12, 64]) {
    test(`Brownian increments, ${steps} steps (Brownian tree with ${steps & -steps} leaves per base interval)`, async () => {
      const d = 3, particles = 5, seed = 42;
      const [r] = await runGraph(solverGraph({
        source: { type: 'source.point', params: { value: [0, 0, 0] } }, drift: zeroDrift(d),
        diffusion: { type: 'diffusion.constant', params: { sigma: 1 } },
        solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 2, steps, particles, seed, record: steps } },
      }));
      for (let p = 0; p < particles; p++) {
        const dW = brownianIncrements(seed, p, steps, d, 0, 2);
        const w = [0, 0, 0];
        for (let s = 0; s < steps; s++) {
          for (let j = 0; j < d; j++) {
            w[j] = w[j] + dW[s * d + j];
            expect(r.trajectory[((s + 1) * particles + p) * d + j]).toBe(Math.fround(w[j]));
          }
        }
      }
    });
  }

  test('halving the step refines the same Brownian path', async () => {
    const run = (steps: number) => runGraph(solverGraph({
      source: { type: 'source.point', params: { value: [0] } }, drift: zeroDrift(1),
      diffusion: { type: 'diffusion.constant', params: { sigma: 1 } },
      solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps, particles: 50, seed: 9, record: 6 } },
    }));
    const [coarse] = await run(6);
    const [fine] = await run(12);
    const [finer] = await run(48);
    for (let i = 0; i < coarse.trajectory.length; i++) {
      expect(fine.trajectory[i]).toBeCloseTo(coarse.trajectory[i], 5);
      expect(finer.trajectory[i]).toBeCloseTo(coarse.trajectory[i], 5);
    }
  });

  test('initial states: Gaussian and uniform sources read the init stream', async () => {
    const seed = 17, particles = 9;
    const [g] = await runGraph(solverGraph({
      source: { type: 'source.gaussian', params: { mean: [0, 0, 0, 0, 0], std: 1 } }, drift: zeroDrift(5),
      solver: { type: 'solver.euler', params: { steps: 1, particles, seed } },
    }));
    const [u] = await runGraph(solverGraph({
      source: { type: 'source.uniform', params: { low: [0, 0], high: [1, 1] } }, drift: zeroDrift(2),
      solver: { type: 'solver.euler', params: { steps: 1, particles, seed } },
    }));
    for (let p = 0; p < particles; p++) {
      const z = normalsAt(seed, STREAM_INIT, p, 0, 0, 5);
      for (let j = 0; j < 5; j++) expect(g.samples[p * 5 + j]).toBe(Math.fround(z[j]));
      const v = uniformsAt(seed, STREAM_INIT, p, 0, 1, 2);
      for (let j = 0; j < 2; j++) expect(u.samples[p * 2 + j]).toBe(Math.fround(v[j]));
    }
  });

  test('Gaussian mixture: component frequencies and means follow the weights', async () => {
    const [r] = await runGraph(solverGraph({
      source: { type: 'source.gaussian_mixture', params: { means: [[-5], [0], [5]], stds: [0.5, 0.5, 0.5], weights: [1, 2, 1] } },
      drift: zeroDrift(1), solver: { type: 'solver.euler', params: { steps: 1, particles: 20000, seed: 2 } },
    }));
    const counts = [0, 0, 0];
    for (const x of r.samples) counts[x < -2.5 ? 0 : x > 2.5 ? 2 : 1]++;
    const n = r.samples.length;
    [0.25, 0.5, 0.25].forEach((w, k) => expect(Math.abs(counts[k] / n - w)).toBeLessThan(4 * Math.sqrt(w * (1 - w) / n)));
  });
});

describe('non-finite states', () => {
  test('the same particle and step are reported for 1 and 2 threads', async () => {
    const doc = solverGraph({
      source: { type: 'source.gaussian', params: { mean: [0.5], std: 0.5 } },
      drift: { type: 'drift.expression', params: { expr: ['x[0]*x[0]'], constants: {} } },
      solver: { type: 'solver.euler', params: { t0: 0, t1: 20, steps: 2000, particles: 300, seed: 1 } },
    });
    const failures: RunFailure[] = [];
    for (const threads of [1, 2]) {
      await runGraph(doc, threads).then(() => { throw new Error('expected the run to fail'); }, (e: unknown) => {
        expect(e).toBeInstanceOf(RunFailure);
        failures.push(e as RunFailure);
      });
    }
    expect(failures[0].nodeId).toBe('solve');
    expect(failures[0].reason).toBe('non_finite');
    expect(failures[1].particle).toBe(failures[0].particle);
    expect(failures[1].step).toBe(failures[0].step);
    expect(failures[0].message).toMatch(/particle \d+ .* step \d+/);
  });
});
