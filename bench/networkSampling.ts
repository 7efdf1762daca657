import { withTrainedWeights } from '../core/backends/batched/runPlan.ts';
import { runPlanCpu, type CpuRunOptions } from '../core/backends/cpu/runtime.ts';
import type { Plan } from '../core/compile/plan.ts';
import { compileOrThrow, twoMoonsGraph } from '../nodes/trainingTesting.ts';

/**
 * Sampling throughput of a stage whose fields hold a network: the two-moons example's
 * predictor–corrector sampler (reverse SDE, one annealed Langevin step: two network evaluations
 * per step) with a 3×64 and a 3×128 SiLU score network (initial weights; training does not change
 * the cost), on the batched integrator (one thread), the fused JavaScript kernel (the worker
 * pool) and, with `gpu`, the fused WGSL kernel. Particle-steps per second of each.
 */
export async function benchNetworkSampling(options: { threads: number; particles: number; steps: number; gpu: boolean; gpuParticles: number }): Promise<string[]> {
  const lines = [`network sampling: two-moons predictor–corrector (2 network evaluations per step), ${options.particles} particles × ${options.steps} steps on the CPU`];
  const plan = (width: number, particles: number): Plan => {
    const compiled = compileOrThrow(twoMoonsGraph({ network: { width }, sampler: { particles, steps: options.steps, record: 0 } }));
    const stage = compiled.stages.find((s) => s.nodeId === 'sampler');
    if (!stage) throw new Error('the two-moons example has no sampler');
    return { ...compiled, trainings: [], stages: [withTrainedWeights(stage, () => compiled.trainings?.[0]?.init ?? [])] };
  };
  let device: GPUDevice | undefined;
  if (options.gpu) {
    const { requestNodeDevice } = await import('../core/backends/webgpu/nodeDevice.ts');
    const got = await requestNodeDevice();
    if ('error' in got) lines.push(`  WebGPU: not available (${got.error})`);
    else device = got.device;
  }
  for (const width of [64, 128]) {
    const cpuPlan = plan(width, options.particles);
    const rate = async (o: CpuRunOptions) => {
      const [r] = await runPlanCpu(cpuPlan, o);
      return r.particleSteps / r.wallSeconds;
    };
    const batched = await rate({ threads: 1, networkIntegrator: 'batched' });
    const fused = await rate({ threads: options.threads, networkIntegrator: 'fused' });
    const row = [`  3×${String(width).padEnd(3)} SiLU: batched (1 thread) ${(batched / 1e3).toFixed(1)} k/s, fused JS (${options.threads} threads) ${(fused / 1e3).toFixed(1)} k/s`];
    if (device) {
      const { runPlanWebGpu } = await import('../core/backends/webgpu/runtime.ts');
      const [r] = await runPlanWebGpu(plan(width, options.gpuParticles), { device });
      row.push(`, fused WGSL (${options.gpuParticles} particles) ${(r.particleSteps / r.wallSeconds / 1e3).toFixed(1)} k/s`);
    }
    lines.push(row.join(''));
  }
  device?.destroy();
  return lines;
}
