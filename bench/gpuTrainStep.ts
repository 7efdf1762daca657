/**
 * `npm run bench -- --gpu`: the training step of bench/trainStep.ts on the GPU (core/nn/webgpu):
 * batch 512, MLP [x ∈ R², t] → 3 × 128 SiLU → R², DSM loss with the VP SDE, Adam (lr 1e-3), from
 * the same weights and batch as the CPU line. Reports the median time of a step (upload of the
 * batch, forward, backward, Adam, and the wait for its loss) over ≥ 50 steps after warm-up, the
 * throughput of steps queued back to back (losses read once per run), and checks the step-0 loss
 * against the CPU executor's.
 *
 * Standalone: node bin/run-ts.mjs bench/gpuTrainStep.ts [--steps N (60)]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileBatchedLoss } from '../core/nn/executor.ts';
import { KernelWorkspace } from '../core/nn/kernels/workspace.ts';
import { dsmLoss } from '../core/nn/losses.ts';
import { initMlp, mlpParams, type MlpSpec } from '../core/nn/mlp.ts';
import { StepDraws } from '../core/nn/random.ts';
import type { StepData } from '../core/nn/webgpu/gpuTrainer.ts';

const BATCH = 512;
const LR = 1e-3;
const VP = { kind: 'vp', betaMin: 0.1, betaMax: 20 } as const;
const spec: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 128, depth: 3, activation: 'silu', outputDim: 2 };

/** The weights and batch of bench/trainStep.ts (`writeBatch`): PyTorch-style init and a two-blob x₀, t, z. */
function benchBatch(): { weights: Float32Array[]; data: StepData } {
  const weights = initMlp(spec, 2024);
  const draws = new StepDraws(2024);
  const x0 = new Float32Array(BATCH * 2);
  draws.normals(0, 10, x0, 0, BATCH * 2);
  for (let i = 0; i < BATCH * 2; i++) x0[i] = Math.fround(0.3 * x0[i] + ((i >> 1) % 2 === 0 ? 1.5 : -1.5));
  const t = new Float32Array(BATCH);
  draws.uniforms(0, 11, t, 0, BATCH, 1e-3, 1);
  const z = new Float32Array(BATCH * 2);
  draws.normals(0, 12, z, 0, BATCH * 2);
  return { weights, data: { inputs: [x0, t, z] } };
}

/** Flops of the GEMMs of one step (as bench/trainStep.ts counts them). */
function stepFlops(): number {
  const dense = mlpParams(spec).filter((p) => p.type.shape.length === 2).map((p) => p.type.shape[0] * p.type.shape[1]);
  const total = dense.reduce((a, b) => a + b, 0);
  return 2 * BATCH * (2 * total + (total - dense[0]));
}

/** Runs the GPU training-step benchmark; `ok` is false when WebGPU is missing or the losses disagree. */
export async function gpuTrainStep(options: { steps?: number } = {}): Promise<{ ok: boolean; lines: string[] }> {
  const steps = Math.max(50, options.steps ?? 60);
  const { requestNodeDevice } = await import('../core/backends/webgpu/nodeDevice.ts');
  const { createWebGpuTrainer } = await import('../core/nn/webgpu/gpuTrainer.ts');
  const got = await requestNodeDevice();
  if ('error' in got) return { ok: false, lines: [`  WebGPU training step: not available (${got.error})`] };
  const { weights, data } = benchBatch();
  const def = dsmLoss(spec, VP);
  const program = compileBatchedLoss(def.fn, { weights: def.weights, batch: BATCH, kernels: KernelWorkspace.create() });
  const f = program.kernels.f32();
  program.weights.forEach((s, k) => f.set(weights[k], s.offset));
  data.inputs.forEach((values, k) => f.set(values, program.inputs[k].offset));
  const cpuLoss0 = program.run();

  const compileStart = performance.now();
  const trainer = await createWebGpuTrainer(got.device, program, { optimizer: { lr: LR }, statsCapacity: 256 });
  const compileMs = performance.now() - compileStart;
  const gpuLoss0 = await trainer.evaluate(data);
  for (let i = 0; i < 20; i++) await trainer.step(data);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await trainer.step(data);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const queuedStart = performance.now();
  await trainer.runSteps(steps, () => data);
  const queuedMs = (performance.now() - queuedStart) / steps;
  trainer.destroy();
  got.device.destroy();

  const median = times[steps >> 1];
  const flops = stepFlops();
  // The same compiled program in float32 on both sides: 1e-4 relative, as bench/trainStep.ts asks of PyTorch and tfjs.
  const agree = Math.abs(gpuLoss0 - cpuLoss0) <= 1e-4 * Math.abs(cpuLoss0);
  const lines = [
    `  SDE Studio webgpu training step on ${got.adapterName}: DSM (VP), MLP 3 → 3×128 SiLU → 2, batch ${BATCH}, Adam`,
    `    ${median.toFixed(2)} ms/step median of ${steps} after 20 warm-up (min ${times[0].toFixed(2)}), each waiting for its loss; ${(flops / median / 1e6).toFixed(1)} GFLOP/s`,
    `    ${queuedMs.toFixed(2)} ms/step with ${steps} steps queued back to back (losses read once); ${trainer.pipelineCount} pipelines compiled in ${compileMs.toFixed(0)} ms`,
    `    step-0 loss webgpu ${gpuLoss0.toPrecision(8)}, cpu executor ${cpuLoss0.toPrecision(8)}: ${agree ? 'agree within 1e-4 relative' : 'DISAGREE'}`,
  ];
  return { ok: agree, lines };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--steps');
  const r = await gpuTrainStep({ steps: i >= 0 ? Number(args[i + 1]) : undefined });
  for (const line of r.lines) console.log(line);
  if (!r.ok) process.exitCode = 1;
}
