import { describe, expect, test } from 'vitest';
import { integrateBatched } from '../core/backends/batched/integrate.ts';
import { RunFailure, runPlanCpu } from '../core/backends/cpu/runtime.ts';
import type { IntegrateStage } from '../core/compile/plan.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { scoreSamplerGraph } from './scoreGraphs.ts';
import { solverGraph } from './testing.ts';
import { compileOrThrow } from './trainingTesting.ts';

/**
 * The batched integrator (core/backends/batched) against the fused CPU kernel on graphs without
 * networks: same initial states, Brownian increments, corrector normals, tables and recording, so
 * the trajectories agree to float32 rounding (the batched path evaluates fields in float32).
 */

function stageOf(doc: GraphDocument): IntegrateStage {
  return compileOrThrow(doc).stages[0];
}

/** Largest |a − b| / (1 + |b|). */
function maxRelative(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}

type NodeSpec = { type: string; params: Record<string, ParamValue> };

const MIXTURE: NodeSpec = { type: 'score.gaussian_mixture', params: { weights: [1, 2], means: [[-1, 0], [1, 1]], stds: 0.3 } };
/** The exact score of N(0, I) data under the VP SDE: s = −x at every t, in float32 as exactly as in float64. */
const STANDARD_NORMAL: NodeSpec = { type: 'score.expression', params: { expr: ['-x[0]', '-x[1]'], constants: {} } };

const mixtureSampler = (solver: Record<string, number | string>, score = MIXTURE) => scoreSamplerGraph({
  prior: { type: 'source.gaussian', params: { mean: [0, 0], std: 1 } },
  sde: { type: 'drift.vp', params: {} },
  score,
  process: 'reverse_sde',
  solver: { type: 'solver.predictor_corrector', params: { t0: 0, t1: 0.999, steps: 100, particles: 130, seed: 5, record: 4, ...solver } },
});

const CASES: [string, GraphDocument][] = [
  ['OU, Euler–Maruyama (Brownian tree of 300 steps)', solverGraph({
    source: { type: 'source.gaussian', params: { mean: [2], std: 0.5 } },
    drift: { type: 'drift.ou', params: {} },
    diffusion: { type: 'diffusion.constant', params: { sigma: 0.4 } },
    solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1.5, steps: 300, particles: 250, seed: 7, record: 30 } },
  })],
  ['OU, Euler–Maruyama (75 steps: no bridge)', solverGraph({
    source: { type: 'source.gaussian', params: { mean: [2], std: 0.5 } },
    drift: { type: 'drift.ou', params: {} },
    diffusion: { type: 'diffusion.constant', params: { sigma: 0.4 } },
    solver: { type: 'solver.euler_maruyama', params: { t0: 0.5, t1: 2, steps: 75, particles: 101, seed: 3, record: 5 } },
  })],
  ['OU, Euler–Maruyama (512 steps: one base interval, a 9-level bridge)', solverGraph({
    source: { type: 'source.gaussian', params: { mean: [2, -1], std: 0.5 } },
    drift: { type: 'drift.ou', params: {} },
    diffusion: { type: 'diffusion.constant', params: { sigma: 0.4 } },
    solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps: 512, particles: 70, seed: 4, record: 8 } },
  })],
  ['Lorenz, stochastic Heun', solverGraph({
    source: { type: 'source.gaussian', params: { mean: [1, 1, 1], std: 0.1 } },
    drift: { type: 'drift.lorenz', params: {} },
    diffusion: { type: 'diffusion.constant', params: { sigma: 0.5 } },
    solver: { type: 'solver.stochastic_heun', params: { t0: 0, t1: 0.5, steps: 250, particles: 130, seed: 1, record: 5 } },
  })],
  ['Lorenz, RK4', solverGraph({
    source: { type: 'source.gaussian', params: { mean: [1, 1, 1], std: 0.1 } },
    drift: { type: 'drift.lorenz', params: {} },
    solver: { type: 'solver.rk4', params: { t0: 0, t1: 0.5, steps: 101, particles: 130, seed: 1, record: 1 } },
  })],
  ['geometric Brownian motion, Milstein', solverGraph({
    source: { type: 'source.gaussian', params: { mean: [1], std: 0.1 } },
    drift: { type: 'drift.expression', params: { expr: ['0.1*x[0]'], constants: {} } },
    diffusion: { type: 'diffusion.expression', params: { expr: ['0.3*x[0]'], constants: {} } },
    solver: { type: 'solver.milstein', params: { t0: 0, t1: 1, steps: 64, particles: 130, seed: 3, record: 4 } },
  })],
  ['VP mixture, predictor–corrector (annealed Langevin, Euler–Maruyama)', mixtureSampler({ corrector_steps: 2 })],
  ['VP mixture, predictor–corrector (annealed Langevin, reverse diffusion)', mixtureSampler({ corrector_steps: 1, predictor: 'reverse_diffusion' })],
  // The Langevin corrector's ε = 2 snr² ‖z‖²/‖s‖² divides by the score's norm: near s = 0 a step
  // maps x to about −ε x, so the chain multiplies any rounding difference by ε ≫ 1 and the two
  // paths part after a few steps (by 1e-3 on the mixture over 100 steps, even with s = −x). Over
  // two steps they still agree to rounding, which checks the corrector's arithmetic and draws.
  ['VP N(0, I), predictor–corrector (Langevin, reverse diffusion), 2 steps', mixtureSampler({ steps: 2, record: 2, corrector_steps: 2, corrector: 'langevin', predictor: 'reverse_diffusion' }, STANDARD_NORMAL)],
  ['VP mixture, predictor–corrector (Langevin, Euler–Maruyama), 2 steps', mixtureSampler({ steps: 2, record: 1, corrector_steps: 3, corrector: 'langevin' })],
];

describe('batched integrator', () => {
  test.each(CASES)('%s: equals the fused CPU kernel to float32 rounding', async (_name, doc) => {
    const stage = stageOf(doc);
    const [fused] = await runPlanCpu({ graphName: 'x', stages: [stage], analyses: [], buffers: [], memoryBytes: 0, flops: 0 }, { threads: 1 });
    // Blocks of 64 particles, so the last block is partial.
    const batched = await integrateBatched(stage, () => [], { block: 64 });
    expect(batched.integrator).toBe('batched');
    expect(maxRelative(batched.trajectory, fused.trajectory)).toBeLessThan(2e-6);
    expect(maxRelative(batched.samples, fused.samples)).toBeLessThan(2e-6);
    expect([...batched.times]).toEqual([...fused.times]);
  });

  test('a particle that blows up fails the run like the fused kernel: same particle, step at most a few earlier (float32 overflows sooner)', async () => {
    const stage = stageOf(solverGraph({
      source: { type: 'source.gaussian', params: { mean: [1], std: 1 } },
      drift: { type: 'drift.expression', params: { expr: ['x[0]*x[0]*x[0]'], constants: {} } },
      diffusion: { type: 'diffusion.constant', params: { sigma: 0.1 } },
      solver: { type: 'solver.euler_maruyama', params: { t1: 4, steps: 40, particles: 200, seed: 2 } },
    }));
    const plan = { graphName: 'x', stages: [stage], analyses: [], buffers: [], memoryBytes: 0, flops: 0 };
    const fused = await runPlanCpu(plan, { threads: 1 }).catch((e: unknown) => e);
    const batched = await integrateBatched(stage, () => [], { block: 64 }).catch((e: unknown) => e);
    expect(fused).toBeInstanceOf(RunFailure);
    expect(batched).toBeInstanceOf(RunFailure);
    const [f, b] = [fused as RunFailure, batched as RunFailure];
    expect([b.nodeId, b.particle, b.reason]).toEqual([f.nodeId, f.particle, f.reason]);
    // Float32 fields overflow at 3.4e38 rather than 1.8e308, so the batched run may fail a few steps sooner.
    expect(b.step).toBeLessThanOrEqual(f.step);
    expect(b.step).toBeGreaterThanOrEqual(f.step - 3);
    expect(b.message).toMatch(/solver 'solve': the state of particle 0 became NaN or infinite at step/);
  });

  test('an aborted signal stops the run', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(integrateBatched(stageOf(CASES[0][1]), () => [], { signal: abort.signal })).rejects.toThrow('run cancelled');
  });
});
