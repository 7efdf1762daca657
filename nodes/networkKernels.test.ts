/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { isBatchedResult, runPlan, withTrainedWeights } from '../core/backends/batched/runPlan.ts';
import { generateKernelSource } from '../core/backends/cpu/kernelJs.ts';
import { chooseNetworkIntegrator, runPlanCpu, type CpuRunOptions, type StageResult } from '../core/backends/cpu/runtime.ts';
import { generateKernelWgsl } from '../core/backends/webgpu/kernelWgsl.ts';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../core/backends/webgpu/nodeDevice.ts';
import { runPlanWebGpu } from '../core/backends/webgpu/runtime.ts';
import type { IntegrateStage, Plan } from '../core/compile/plan.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { compileOrThrow, twoMoonsGraph } from './trainingTesting.ts';

/**
 * Trained networks inside the fused kernels: the two-moons score network (a small MLP with its
 * initial weights, which the tests fill in as the train stage would) sampled by the reverse SDE,
 * the probability flow and the predictor–corrector, on the fused JavaScript kernel against the
 * batched integrator (same initial states, Brownian increments and corrector normals), and on the
 * WGSL kernel (SwiftShader in CI) against the fused JavaScript kernel; an adaptive solver with a
 * network; the CPU's routing between the two CPU integrators.
 */

/** The two-moons sampler with a `width`×2 SiLU network, its process and solver replaced, small. */
function networkGraph(process: 'reverse_sde' | 'probability_flow', solver: string, params: Record<string, ParamValue>, width = 16): GraphDocument {
  const doc = twoMoonsGraph({ network: { width, depth: 2 }, train: { iterations: 3, batch: 16, data_samples: 64 } });
  doc.nodes = doc.nodes.filter((n) => n.id !== 'heldout' && n.id !== 'sliced_w2');
  doc.edges = doc.edges.filter((e) => !['e12', 'e13'].includes(e.id)
    && !(e.id === 'e10' && process !== 'reverse_sde')
    && !(e.id === 'e11' && solver !== 'predictor_corrector'));
  for (const n of doc.nodes) {
    if (n.id === 'reverse') n.type = `process.${process}`;
    if (n.id === 'sampler') {
      n.type = `solver.${solver}`;
      n.params = { t0: 0, t1: 0.999, particles: 48, seed: 3, record: 4, ...params };
    }
  }
  return doc;
}

/** The sampler stage with the train stage's initial weights bound, as one-stage plan. */
function samplerPlan(doc: GraphDocument): Plan {
  const plan = compileOrThrow(doc);
  const stage = plan.stages.find((s) => s.nodeId === 'sampler') as IntegrateStage;
  return { ...plan, trainings: [], stages: [withTrainedWeights(stage, () => plan.trainings![0].init)] };
}

/** Largest |a − b| / (1 + |b|) over samples and trajectory. */
function maxRelative(a: StageResult, b: StageResult): number {
  let worst = 0;
  for (const [x, y] of [[a.samples, b.samples], [a.trajectory, b.trajectory]]) {
    expect(x.length).toBe(y.length);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  }
  return worst;
}

const CASES: [string, GraphDocument][] = [
  ['reverse SDE, Euler–Maruyama', networkGraph('reverse_sde', 'euler_maruyama', { steps: 40 })],
  ['probability flow, RK4', networkGraph('probability_flow', 'rk4', { steps: 20 })],
  ['probability flow, Heun (a 3×64 network)', networkGraph('probability_flow', 'heun', { steps: 12, particles: 16 }, 64)],
  ['predictor–corrector, Euler–Maruyama + 1 annealed Langevin step', networkGraph('reverse_sde', 'predictor_corrector', { steps: 40, corrector_steps: 1 })],
  ['predictor–corrector, reverse diffusion + 2 annealed Langevin steps', networkGraph('reverse_sde', 'predictor_corrector', { steps: 32, corrector_steps: 2, predictor: 'reverse_diffusion' })],
];

const fused: CpuRunOptions = { threads: 1, networkIntegrator: 'fused' };

describe('networks in the fused JavaScript kernel', () => {
  test.each(CASES)('%s: equals the batched integrator to float32 rounding', async (_name, doc) => {
    const plan = samplerPlan(doc);
    const [f] = await runPlanCpu(plan, fused);
    const [b] = await runPlanCpu(plan, { threads: 1, networkIntegrator: 'batched' });
    expect(isBatchedResult(f)).toBe(false);
    expect(isBatchedResult(b)).toBe(true);
    // The batched integrator evaluates the network in float32 (≈ 6e-8 relative per op, sums of up
    // to 64 terms), the fused kernel in float64; the untrained network's large outputs (|x| up to
    // ≈ 370 at the end) grow that over 12–40 steps to at most 7.8e-6 measured (1e-6 to 8e-6 over
    // these cases); 3e-5 leaves room for other CPUs' float32 kernels.
    expect(maxRelative(f, b)).toBeLessThan(3e-5);
    expect([...f.times]).toEqual([...b.times]);
  });

  test('the worker pool gives the same samples bit for bit, the weights in shared memory', async () => {
    const plan = samplerPlan(CASES[3][1]);
    const [one] = await runPlanCpu(plan, fused);
    const [two] = await runPlanCpu(plan, { ...fused, threads: 2, chunksPerThread: 3 });
    expect(two.threads).toBe(2);
    expect(Buffer.from(two.trajectory.buffer).equals(Buffer.from(one.trajectory.buffer))).toBe(true);
  });

  test('the kernel source holds offsets into the weights, never their values, and loops rather than one line per multiply-add', () => {
    const plan = samplerPlan(networkGraph('reverse_sde', 'euler_maruyama', { steps: 12 }, 128));
    const source = generateKernelSource(plan.stages[0]);
    const weights = plan.stages[0].weights!.map((w) => w.fixed!);
    expect(source).toMatch(/const weights = WEIGHTS, scratch = SCRATCH;/);
    expect(source).not.toContain(String(weights[0][0]));
    expect(source.split('\n').length).toBeLessThan(1000);
  });

  test('an adaptive solver (Dopri5) with a network runs on the fused kernel and agrees with fine RK4 steps', async () => {
    const plan = samplerPlan(networkGraph('probability_flow', 'dopri5', { rtol: 1e-6, atol: 1e-8, particles: 16, record: 2 }));
    expect(chooseNetworkIntegrator(plan.stages[0], 1).integrator).toBe('fused');
    const [r] = await runPlanCpu(plan, { threads: 1 });
    expect(isBatchedResult(r)).toBe(false);
    expect(r.adaptive?.accepted).toBeGreaterThan(0);
    expect(r.reason).toMatch(/dopri5 chooses a step per particle/);
    const [ref] = await runPlanCpu(samplerPlan(networkGraph('probability_flow', 'rk4', { steps: 400, particles: 16, record: 2 })), fused);
    // The untrained network spreads the particles to |x| ≈ 200, where rtol = 1e-6 leaves ≈ 1.4e-4
    // (against 2000 RK4 steps: 1.3e-4; 400 RK4 steps are within 5e-5 of those).
    expect(maxRelative(r, ref)).toBeLessThan(5e-4);
  });
});

describe('where a network stage runs', () => {
  test('the CPU picks the batched integrator below the measured thread count, the fused kernel above it, and says why', () => {
    const stage = samplerPlan(CASES[0][1]).stages[0];
    const two = chooseNetworkIntegrator(stage, 2);
    expect(two.integrator).toBe('batched');
    expect(two.reason).toMatch(/^its fields contain a trained network: the batched integrator .* more than 2 threads make up/);
    expect(chooseNetworkIntegrator(stage, 16).integrator).toBe('fused');
    expect(chooseNetworkIntegrator(stage, 2, 'fused').integrator).toBe('fused');
  });

  test('runPlan hands the trained weights to the backend: the fused kernel samples what the batched integrator does', async () => {
    const plan = compileOrThrow(networkGraph('reverse_sde', 'predictor_corrector', { steps: 20, corrector_steps: 1 }));
    const viaFused = await runPlan(plan, { threads: 1, networkIntegrator: 'fused' });
    const viaBatched = await runPlan(plan, { threads: 1 });
    const [f, b] = [viaFused.results[0], viaBatched.results[0]];
    expect(f.nodeId).toBe('sampler');
    expect(isBatchedResult(b) && b.reason).toMatch(/batched integrator/);
    expect(f.reason).toMatch(/fused kernel was requested/);
    expect(maxRelative(f, b)).toBeLessThan(3e-5);
  });

  test('without the train results a network stage fails with a message that says how to run it', async () => {
    const plan = compileOrThrow(CASES[0][1]);
    await expect(runPlanCpu({ ...plan, stages: [plan.stages[0]] }, fused)).rejects.toThrow(/whose weights were not passed; run the plan with runPlan/);
  });
});

if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const gpu = await requestNodeDevice();
const device = 'device' in gpu ? gpu.device : undefined;
const skipReason = 'error' in gpu ? gpu.error : '';
if (!device) console.warn(`WebGPU network-kernel tests skipped: ${skipReason}`);
afterAll(() => device?.destroy());

describe.skipIf(!device)(`networks in the fused WGSL kernel${device ? '' : ` (skipped: ${skipReason})`}`, () => {
  // Float32 states and network against the float64 fused kernel: rounding of ~1e-7 per op, grown
  // over the steps by the (untrained) network; SwiftShader measured 1.6e-6 to 9.1e-6. A GPU's
  // faster exp / tanh and fused multiply-adds differ by a few ulps more, hence 1e-4.
  const TOL = 1e-4;
  const cases: [string, GraphDocument][] = [
    ...CASES.filter(([name]) => !name.includes('3×64')),
    ['probability flow, Dopri5', networkGraph('probability_flow', 'dopri5', { rtol: 1e-6, atol: 1e-8, particles: 16, record: 2 })],
  ];
  test.each(cases)('%s: equals the fused JavaScript kernel to float32 rounding', async (name, doc) => {
    const plan = samplerPlan(doc);
    const [g] = await runPlanWebGpu(plan, { device: device! });
    const [c] = await runPlanCpu(plan, fused);
    expect(g.reason).toMatch(/fused WGSL kernel/);
    // Dopri5 accepts different steps in float32; each run is within ≈ 2.5e-4 of a 2000-step RK4
    // reference (see the CPU test), so they differ by up to about twice that.
    expect(maxRelative(g, c)).toBeLessThan(name.includes('Dopri5') ? 1e-3 : TOL);
  });

  test('runPlan with the WebGPU backend runs a trained network there', async () => {
    const plan = compileOrThrow(networkGraph('reverse_sde', 'euler_maruyama', { steps: 20 }));
    const run = await runPlan(plan, { threads: 1, runPlain: (p, o) => runPlanWebGpu(p, { device: device!, signal: o.signal }) });
    expect(isBatchedResult(run.results[0])).toBe(false);
    expect(run.results[0].reason).toMatch(/fused WGSL kernel/);
    expect(generateKernelWgsl(withTrainedWeights(plan.stages[0], () => run.trainings[0].weights))).toMatch(/var<storage, read> weights: array<f32>/);
  });
});
