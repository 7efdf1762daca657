/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { runPlanCpu, type StageResult } from '../core/backends/cpu/runtime.ts';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../core/backends/webgpu/nodeDevice.ts';
import { runPlanWebGpu } from '../core/backends/webgpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { Plan } from '../core/compile/plan.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { ALL_METHODS } from '../core/solvers/tableaux.ts';
import { CATALOG } from './registry.ts';
import { moments, solverGraph } from './testing.ts';

/**
 * The WebGPU backend against the CPU backend: same graph, same seed, same random streams, so the
 * results agree elementwise to float32 rounding (the GPU computes in float32, the CPU in float64).
 * Needs a GPU adapter; without one the tests are skipped with the reason. CI has SwiftShader.
 */
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const gpu = await requestNodeDevice();
const device = 'device' in gpu ? gpu.device : undefined;
const skipReason = 'error' in gpu ? gpu.error : '';
if (!device) console.warn(`WebGPU backend tests skipped: ${skipReason}`);
afterAll(() => device?.destroy());

type Spec = { type: string; params: Record<string, ParamValue> };
const expr = (type: string, e: string[]): Spec => ({ type, params: { expr: e, constants: {} } });
const solver = (name: string, params: Record<string, ParamValue>): Spec => ({ type: `solver.${name}`, params: { t0: 0, t1: 1, particles: 100, seed: 11, ...params } });

function planOf(doc: GraphDocument): Plan {
  const compiled = compileGraph(doc, CATALOG);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.plan;
}

const gpuRun = (plan: Plan, maxChunkParticles?: number) => runPlanWebGpu(plan, { device: device as GPUDevice, maxChunkParticles });

/** Largest |gpu − cpu| / (1e-5 + 1e-4 |cpu|) over the samples and the trajectory; ≤ 1 passes. */
function worstError(g: StageResult, c: StageResult): number {
  let worst = 0;
  for (const [a, b] of [[g.samples, c.samples], [g.trajectory, c.trajectory]]) {
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-5 + 1e-4 * Math.abs(b[i])));
  }
  return worst;
}

async function compareWithCpu(doc: GraphDocument): Promise<{ worst: number; g: StageResult; c: StageResult }> {
  const plan = planOf(doc);
  const [[g], [c]] = [await gpuRun(plan), await runPlanCpu(plan, { threads: 1 })];
  expect(Array.from(g.times)).toEqual(Array.from(c.times));
  // Adaptive methods count accepted steps, which may differ by a few (see the dopri5 test).
  if (!c.adaptive) expect(g.particleSteps).toBe(c.particleSteps);
  return { worst: worstError(g, c), g, c };
}

// Each model lists the methods it runs with; together they cover ALL_METHODS (checked below).
const models: { name: string; methods: string[]; steps: number[]; spec: (method: string, steps: number) => GraphDocument }[] = [
  {
    // 3 components: a tree node's draws straddle Philox blocks (the run-time lane path).
    name: 'OU, 3-d, additive noise', methods: ['euler_maruyama', 'milstein', 'stochastic_heun'], steps: [24, 25],
    spec: (m, steps) => solverGraph({
      source: { type: 'source.gaussian', params: { mean: [2, -1, 0.5], std: [0.3, 0.1, 0.2] } },
      drift: { type: 'drift.ou', params: { theta: [1.3, 0.5, 2], mu: [0.7, 0, -1] } },
      diffusion: { type: 'diffusion.constant', params: { sigma: [0.4, 0.2, 0.3] } },
      solver: solver(m, { steps, record: steps === 25 ? 5 : 4 }),
    }),
  },
  {
    // Geometric Brownian motion, 2-d, started from a uniform box (the init stream's uniforms).
    name: 'GBM, 2-d, diffusion.expression', methods: ['milstein', 'euler_maruyama', 'stochastic_heun'], steps: [40, 25],
    spec: (m, steps) => solverGraph({
      source: { type: 'source.uniform', params: { low: [0.5, 1], high: [1.5, 2] } },
      drift: expr('drift.expression', ['0.1*x[0]', '-0.2*x[1]']),
      diffusion: expr('diffusion.expression', ['0.3*x[0]', '0.25*x[1]']),
      solver: solver(m, { steps, record: 5 }),
    }),
  },
  {
    // 4 components: whole Philox blocks per node (the lanes known at code generation).
    name: 'OU, 4-d', methods: ['euler_maruyama'], steps: [24],
    spec: (m, steps) => solverGraph({
      source: { type: 'source.gaussian', params: { mean: [1, 2, 3, 4], std: 0.5 } },
      drift: { type: 'drift.ou', params: { theta: 1, mu: 0 } },
      diffusion: { type: 'diffusion.constant', params: { sigma: 0.5 } },
      solver: solver(m, { steps, record: 4 }),
    }),
  },
  {
    name: "linear ODE x' = -0.5 x + sin(t)", methods: ['euler', 'heun', 'rk4', 'dopri5'], steps: [24, 25],
    spec: (m, steps) => solverGraph({
      source: { type: 'source.gaussian_mixture', params: { means: [[-2], [2]], stds: 0.5, weights: [1, 2] } },
      drift: expr('drift.expression', ['-0.5*x[0] + sin(t)']),
      solver: solver(m, m === 'dopri5' ? { t1: 3, rtol: 1e-5, atol: 1e-7, record: 3 } : { t1: 3, steps, record: steps === 25 ? 5 : 4 }),
    }),
  },
];

describe.skipIf(!device)(`WebGPU backend matches the CPU backend${device ? '' : ` (skipped: ${skipReason})`}`, () => {
  test('the models below run every solver in ALL_METHODS', () => {
    const covered = new Set(models.flatMap((m) => m.methods));
    expect(ALL_METHODS.map((m) => m.name).filter((n) => !covered.has(n))).toEqual([]);
  });

  for (const model of models) {
    for (const method of model.methods) {
      const stepsList = method === 'dopri5' ? [0] : model.steps;
      test(`${model.name}: ${method}${method === 'dopri5' ? ' (adaptive)' : ` (${stepsList.join(' and ')} steps)`}`, async () => {
        for (const steps of stepsList) {
          const { worst, g, c } = await compareWithCpu(model.spec(method, steps));
          console.log(`${model.name}, ${method}, ${steps} steps: worst ${worst.toFixed(3)}${g.adaptive ? `, accepted ${g.adaptive.accepted} vs ${c.adaptive?.accepted}` : ""}`);
          expect(worst, `${method}, ${steps} steps: worst error ${worst.toFixed(3)} of the tolerance`).toBeLessThanOrEqual(1);
          if (method === 'dopri5') {
            // float32 error estimates may accept or reject a step the float64 ones did not, rarely.
            expect(Math.abs((g.adaptive?.accepted ?? 0) - (c.adaptive?.accepted ?? 0))).toBeLessThanOrEqual(0.02 * (c.adaptive?.accepted ?? 0));
            expect(g.adaptive?.maxStepsPerParticle).toBeGreaterThan(0);
          }
        }
      });
    }
  }

  test('stochastic Lorenz-63: mean and variance agree within 4 standard errors', async () => {
    const plan = planOf(solverGraph({
      source: { type: 'source.gaussian', params: { mean: [1, 1, 1], std: 0.1 } },
      drift: { type: 'drift.lorenz', params: { sigma: 10, rho: 28, beta: 8 / 3 } },
      diffusion: { type: 'diffusion.constant', params: { sigma: 0.5 } },
      solver: solver('euler_maruyama', { steps: 400, particles: 512, seed: 3 }),
    }));
    const [[g], [c]] = [await gpuRun(plan), await runPlanCpu(plan, { threads: 1 })];
    console.log(`Lorenz on WebGPU: ${(g.particleSteps / g.wallSeconds / 1e6).toFixed(2)} M particle-steps/s (${g.wallSeconds.toFixed(3)} s + ${g.setupSeconds.toFixed(3)} s setup)`);
    for (let j = 0; j < 3; j++) {
      const mg = moments(g.samples, 3, j), mc = moments(c.samples, 3, j);
      expect(Math.abs(mg.mean - mc.mean)).toBeLessThan(4 * Math.sqrt(2 * mc.variance / mc.n));
      expect(Math.abs(mg.variance - mc.variance)).toBeLessThan(4 * mc.variance * Math.sqrt(4 / (mc.n - 1)));
    }
  });
});
