/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { RunFailure, runPlanCpu, type Progress } from '../core/backends/cpu/runtime.ts';
import { generateKernelWgsl } from '../core/backends/webgpu/kernelWgsl.ts';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../core/backends/webgpu/nodeDevice.ts';
import { kernelPipeline } from '../core/backends/webgpu/pipelines.ts';
import { DeviceLostError, runPlanWebGpu } from '../core/backends/webgpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { Plan } from '../core/compile/plan.ts';
import type { GraphDocument } from '../core/graph/types.ts';
import { CATALOG } from './registry.ts';
import { solverGraph } from './testing.ts';

/**
 * The WebGPU runtime's own behaviour: chunking, failures, cancellation, device loss, the pipeline
 * cache. Needs a GPU adapter; without one the tests are skipped with the reason.
 */
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const gpu = await requestNodeDevice();
const device = 'device' in gpu ? gpu.device : undefined;
const skipReason = 'error' in gpu ? gpu.error : '';
if (!device) console.warn(`WebGPU runtime tests skipped: ${skipReason}`);
afterAll(() => device?.destroy());

function planOf(doc: GraphDocument): Plan {
  const compiled = compileGraph(doc, CATALOG);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.plan;
}

// 3-d OU with recording: 50 particles are 7 chunks of 7 and one of 1 at maxChunkParticles = 7.
const ou = planOf(solverGraph({
  source: { type: 'source.gaussian', params: { mean: [2, -1, 0.5], std: 0.3 } },
  drift: { type: 'drift.ou', params: { theta: 1.3, mu: 0.7 } },
  diffusion: { type: 'diffusion.constant', params: { sigma: 0.4 } },
  solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps: 24, record: 4, particles: 50, seed: 5 } },
}));

describe.skipIf(!device)(`WebGPU runtime${device ? '' : ` (skipped: ${skipReason})`}`, () => {
  const dev = device as GPUDevice;

  test('chunks of 7 particles give the unchunked results bit for bit, with progress per chunk', async () => {
    const progress: Progress[] = [];
    const [whole] = await runPlanWebGpu(ou, { device: dev });
    const [chunked] = await runPlanWebGpu(ou, { device: dev, maxChunkParticles: 7, onProgress: (p) => progress.push(p) });
    expect(chunked.samples).toEqual(whole.samples);
    expect(chunked.trajectory).toEqual(whole.trajectory);
    expect(chunked.trajectory.length).toBe(5 * 50 * 3);
    expect(progress.map((p) => p.particlesDone)).toEqual([7, 14, 21, 28, 35, 42, 49, 50]);
    expect(progress.at(-1)).toEqual({ nodeId: 'solve', particlesDone: 50, particles: 50, particleSteps: 50 * 24 });
    expect(chunked.particleSteps).toBe(50 * 24);
    expect(chunked.threads).toBe(1);
  });

  /** Runs a one-component graph (Euler unless `solver` says otherwise) on both backends; both must fail. */
  async function failures(drift: string, mean: number, solver: { type: string; params: Record<string, number> } = { type: 'solver.euler', params: { steps: 200 } }): Promise<{ c: RunFailure; g: RunFailure }> {
    const plan = planOf(solverGraph({
      // The per-particle spread makes particles fail at different steps, and some not at all.
      source: { type: 'source.gaussian', params: { mean: [mean], std: 0.5 } },
      drift: { type: 'drift.expression', params: { expr: [drift], constants: {} } },
      solver: { type: solver.type, params: { t0: 0, t1: 4, particles: 64, seed: 2, ...solver.params } },
    }));
    const c = await runPlanCpu(plan, { threads: 1 }).catch((e: unknown) => e);
    const g = await runPlanWebGpu(plan, { device: dev, maxChunkParticles: 16 }).catch((e: unknown) => e);
    expect(c).toBeInstanceOf(RunFailure);
    expect(g).toBeInstanceOf(RunFailure);
    return { c: c as RunFailure, g: g as RunFailure };
  }

  test('a NaN state is a RunFailure with the same node, particle, step and message as on the CPU', async () => {
    // x' = -1/sqrt(x) reaches 0 at t = (2/3) x0^1.5; the step past it takes the root of a negative.
    const { c, g } = await failures('-1/sqrt(x[0])', 1.5);
    expect({ node: g.nodeId, particle: g.particle, step: g.step, reason: g.reason }).toEqual({ node: c.nodeId, particle: c.particle, step: c.step, reason: c.reason });
    expect(g.message).toBe(c.message);
  });

  test('a blow-up to infinity is reported for the same particle, when float32 overflows', async () => {
    // x' = x^2 blows up at t = 1 / x0. Past 1/dt, Euler squares x each step, so float32 (max 3e38)
    // overflows 3 or 4 steps before the CPU's float64 (max 2e308): log2(308 / 38) = 3.
    const { c, g } = await failures('x[0]*x[0]', 1);
    console.log(`x' = x^2: CPU particle ${c.particle} step ${c.step}, GPU particle ${g.particle} step ${g.step}`);
    expect({ node: g.nodeId, particle: g.particle, reason: g.reason }).toEqual({ node: c.nodeId, particle: c.particle, reason: c.reason });
    expect(c.step - g.step).toBeGreaterThanOrEqual(0);
    expect(c.step - g.step).toBeLessThanOrEqual(5);
  });

  test('an adaptive solver out of max_steps is the same RunFailure as on the CPU', async () => {
    const { c, g } = await failures('-x[0]', 1, { type: 'solver.dopri5', params: { max_steps: 4 } });
    expect({ particle: g.particle, step: g.step, reason: g.reason }).toEqual({ particle: 0, step: 4, reason: 'max_steps' });
    expect(g.message).toBe(c.message);
  });

  test('an aborted signal cancels the run', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runPlanWebGpu(ou, { device: dev, signal: controller.signal })).rejects.toThrow('run cancelled');
  });

  test('pipelines are compiled once per device and kernel source', async () => {
    const source = generateKernelWgsl(ou.stages[0]);
    const [a, b] = [await kernelPipeline(dev, source), await kernelPipeline(dev, source)];
    expect(a).toBe(b);
  });

  test('losing the device mid-run rejects with a DeviceLostError that suggests the CPU backend', async () => {
    // A device of its own, destroyed after the first chunk, as a driver reset would leave it.
    const other = await requestNodeDevice();
    if (!('device' in other)) throw new Error(other.error);
    const run = runPlanWebGpu(ou, { device: other.device, maxChunkParticles: 7, onProgress: () => other.device.destroy() });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceLostError);
    expect((error as Error).message).toMatch(/^WebGPU device lost: .*; rerun with --backend cpu$/);
  });
});
