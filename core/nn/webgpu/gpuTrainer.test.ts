/// <reference types="@webgpu/types" />
import { afterAll, describe, expect, test } from 'vitest';
import { IRBuilder } from '../../ir/builder.ts';
import { testRng } from '../../ir/opCases.ts';
import { matrixType, SCALAR, vectorType } from '../../ir/types.ts';
import { gaussianData } from '../data.ts';
import { compileBatchedLoss, type BatchedLoss } from '../executor.ts';
import { dsmLoss, fokkerPlanckResidualLoss, slicedScoreMatchingLoss } from '../losses.ts';
import { initMlp, type MlpSpec } from '../mlp.ts';
import { Trainer } from '../trainer.ts';
import { createWebGpuTrainer, type StepData } from './gpuTrainer.ts';
import { stepDataSource } from './stepData.ts';
import { testDevice } from './testing.ts';
import { trainOnWebGpu } from './trainWebGpu.ts';

/**
 * The WebGPU training step against the CPU executor and trainer: the same compiled program, the
 * same weights and per-step data, so loss, gradient and Adam's track agree to float32 rounding.
 * Needs a WebGPU adapter (SwiftShader in CI); without one the tests are skipped with the reason.
 */
const { device, skipReason } = await testDevice();
if (!device) console.warn(`WebGPU trainer tests skipped: ${skipReason}`);
afterAll(() => device?.destroy());
const gpuTest = device ? test : test.skip;

const VP = { kind: 'vp', betaMin: 0.1, betaMax: 20 } as const;
const spec: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 16, depth: 2, activation: 'silu', outputDim: 2 };

/** Random per-step data of a program: t in (0.05, 0.95), everything else on (−1, 1). */
function randomData(p: BatchedLoss, seed: number): StepData {
  const rand = testRng(seed);
  return {
    inputs: p.inputs.map((s) => Float32Array.from({ length: p.batch * s.size }, () => (s.name === 't' ? 0.05 + 0.9 * rand() : 2 * rand() - 1))),
    normals: Float32Array.from({ length: p.normals.draws * p.batch }, () => 2 * rand() - 1),
    uniforms: Float32Array.from({ length: p.uniforms.draws * p.batch }, () => rand()),
  };
}

/** Writes data into the CPU program's memory and runs it; returns the loss and the gradient block. */
function cpuLossAndGradient(p: BatchedLoss, data: StepData): { loss: number; gradient: Float32Array } {
  const f = p.kernels.f32();
  data.inputs.forEach((values, k) => f.set(values, p.inputs[k].offset));
  if (data.normals?.length) f.set(data.normals, p.normals.offset);
  if (data.uniforms?.length) f.set(data.uniforms, p.uniforms.offset);
  const loss = p.run();
  return { loss, gradient: p.kernels.f32().slice(p.gradientsOffset, p.gradientsOffset + p.weightFloats) };
}

const relativeL2 = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) { d += (a[i] - b[i]) ** 2; n += b[i] * b[i]; }
  return Math.sqrt(d / n);
};
const flat = (ws: readonly Float32Array[]) => Float64Array.from(ws.flatMap((w) => Array.from(w)));

/**
 * Loss and gradient of one program on the GPU and the CPU from the same weights and data. The CPU
 * executor's test (core/nn/executor.test.ts) bounds each float32 implementation against the
 * float64 interpreter by 2e-5 (loss, relative) and 1e-4 (gradient, relative L2); two float32
 * implementations therefore differ by at most twice that.
 */
async function compareWithCpu(p: BatchedLoss, seed: number, weights?: Float32Array[]) {
  const rand = testRng(seed);
  const f = p.kernels.f32();
  p.weights.forEach((s, k) => f.set(weights?.[k] ?? Float32Array.from({ length: s.size }, () => rand() - 0.5), s.offset));
  const gpu = await createWebGpuTrainer(device as GPUDevice, p, { optimizer: { lr: 1e-3 } });
  const data = randomData(p, seed + 1);
  const gpuLoss = await gpu.evaluate(data);
  const gpuGradient = flat(await gpu.readGradients());
  const cpu = cpuLossAndGradient(p, data);
  const cpuGradient = flat(p.weights.map((s) => cpu.gradient.subarray(s.offset - p.weightsOffset, s.offset - p.weightsOffset + s.size)));
  expect(Math.abs(gpuLoss - cpu.loss) / Math.max(1e-3, Math.abs(cpu.loss))).toBeLessThan(4e-5);
  expect(relativeL2(gpuGradient, cpuGradient)).toBeLessThan(2e-4);
  gpu.destroy();
}

describe('WebGPU training step against the CPU executor', () => {
  gpuTest('DSM loss and gradient, MLP 2 → 2×16 SiLU → 2, batch 64', async () => {
    const def = dsmLoss(spec, VP);
    const p = compileBatchedLoss(def.fn, { weights: def.weights, batch: 64 });
    await compareWithCpu(p, 1, initMlp(spec, 2));
  });

  gpuTest('losses with derivatives inside: sliced score matching (GELU, sinusoidal time), Fokker–Planck residual', async () => {
    const ssm = slicedScoreMatchingLoss({ ...spec, width: 8, activation: 'gelu', time: { kind: 'sinusoidal', size: 4 } }, VP);
    await compareWithCpu(compileBatchedLoss(ssm.fn, { weights: ssm.weights, batch: 16 }), 3, initMlp(ssm.spec, 4));
    const fp = fokkerPlanckResidualLoss({ ...spec, width: 8 }, VP);
    const p = compileBatchedLoss(fp.fn, { weights: fp.weights, batch: 16 });
    // Per-sample GEMMs, moves and broadcast shared values all run here.
    expect(p.steps.join('\n')).toMatch(/per-sample outer/);
    await compareWithCpu(p, 5, initMlp(fp.spec, 6));
  });

  gpuTest('general path: per-sample matrices, shared-only values, random draws, negated and subtracted terms', async () => {
    const params = [
      { name: 'A', type: matrixType(3, 4) }, { name: 'c', type: SCALAR }, { name: 'D', type: matrixType(3, 4) },
      { name: 'x', type: vectorType(4) }, { name: 'M', type: matrixType(3, 4) },
    ];
    const b = new IRBuilder('general', params);
    const [A, c, D, x, M] = params.map((_, i) => b.param(i));
    const y = b.matmul(b.add(b.unary('exp', b.mul(c, A)), M), x);
    const back = b.matmulT(M, b.unary('tanh', y));
    const cat = b.concat([b.slice(back, 1, 2), b.index(y, 0), b.random('normal', 1)]);
    const loss = b.add(b.sum(b.mul(cat, cat)), b.sum(b.outer(y, b.mul(x, b.random('uniform', 2)))));
    const extra = b.add(b.mul(c, c), b.sum(b.add(b.mul(b.neg(A), M), b.mul(b.neg(D), b.mul(M, M)))));
    const later = b.sum(b.mul(D, b.unary('exp', M)));
    const fn = b.build([b.add(b.add(loss, extra), later)]);
    const p = compileBatchedLoss(fn, { weights: [0, 1, 2], batch: 5 });
    const steps = p.steps.join('\n');
    for (const kind of [/per-sample matmul/, /shared → dc/, /\(negated\)/, /\(subtracted\)/]) expect(steps).toMatch(kind);
    await compareWithCpu(p, 7);
  });
});

describe('WebGPU training against the CPU trainer', () => {
  gpuTest('20 Adam steps (cosine schedule, clipping, weight decay, EMA) track the CPU trainer', async () => {
    const def = dsmLoss(spec, VP);
    const data = gaussianData([1, -0.5], 0.5, 11);
    const optimizer = { lr: 1e-2, schedule: { kind: 'cosine', totalSteps: 40, minLr: 1e-4, warmupSteps: 3 }, clipNorm: 0.1, weightDecay: 1e-3, emaDecay: 0.9 } as const;
    const init = initMlp(spec, 8);
    const cpu = new Trainer({ loss: def, data, batch: 64, seed: 3, optimizer, init });
    const p = compileBatchedLoss(def.fn, { weights: def.weights, batch: 64 });
    const gpu = await createWebGpuTrainer(device as GPUDevice, p, { optimizer, statsCapacity: 8 });
    gpu.setWeights(init);
    const batches = stepDataSource(def, p, data, 3);

    // Step 1 alone: Adam's moments after one update (clipping active: the gradient norm is > 0.1).
    const first = await gpu.step(batches(0));
    const cpuFirst = cpu.step();
    expect(cpuFirst.gradNorm).toBeGreaterThan(optimizer.clipNorm);
    expect(Math.abs(first.loss - cpuFirst.loss) / cpuFirst.loss).toBeLessThan(4e-5);
    expect(Math.abs(first.gradNorm - cpuFirst.gradNorm) / cpuFirst.gradNorm).toBeLessThan(2e-4);
    expect(first.lr).toBe(cpuFirst.lr);
    const state = await gpu.readOptimizerState();
    const cpuState = cpu.state();
    expect(relativeL2(state.m, cpuState.m)).toBeLessThan(2e-4);
    expect(relativeL2(state.v, cpuState.v)).toBeLessThan(4e-4);

    // 19 more in chunks of 8 (readbacks every 8 steps), against 19 CPU steps.
    const run = await gpu.runSteps(19, batches);
    const cpuLosses = Array.from({ length: 19 }, () => cpu.step().loss);
    run.losses.forEach((l, k) => expect(Math.abs(l - cpuLosses[k]) / cpuLosses[k]).toBeLessThan(1e-4));
    const w0 = flat(init);
    const wCpu = flat(cpu.state().weights);
    const wGpu = flat(await gpu.readWeights());
    // Adam's step is ~lr per weight whatever the gradient's size, so float32 differences in the
    // gradient move the weights by a tiny fraction of how far they travelled: 1e-3 of it.
    const travelled = relativeL2(wCpu, w0) * Math.hypot(...w0);
    const apart = relativeL2(wGpu, wCpu) * Math.hypot(...wCpu);
    expect(travelled).toBeGreaterThan(0.05);
    expect(apart / travelled).toBeLessThan(1e-3);
    const emaApart = relativeL2(flat(await gpu.readEma()), flat(cpu.state().ema ?? []));
    expect(emaApart).toBeLessThan(1e-4);
    expect(gpu.iteration).toBe(20);
    gpu.destroy();
  });

  gpuTest('trainOnWebGpu runs Trainer.run on the GPU: progress at readback points, the same losses, resumable', async () => {
    const def = dsmLoss(spec, VP);
    const options = {
      loss: def, data: gaussianData([1, -0.5], 0.5, 11), batch: 32, seed: 5,
      optimizer: { lr: 1e-2, clipNorm: 1, emaDecay: 0.95 }, init: initMlp(spec, 9),
    };
    const cpu = await new Trainer(options).run(12);
    const reports: number[] = [];
    const gpu = await trainOnWebGpu(device as GPUDevice, options, 12, { progressEvery: 5, onProgress: (p) => reports.push(p.iteration) });
    expect(reports).toEqual([5, 10, 12]);
    gpu.losses.forEach((l, k) => expect(Math.abs(l - cpu.losses[k]) / cpu.losses[k]).toBeLessThan(1e-4));
    expect(relativeL2(flat(gpu.state.weights), flat(cpu.state.weights))).toBeLessThan(1e-5);
    expect(gpu.state.step).toBe(12);
    // Stopping after 6 and resuming from the saved state continues the same run.
    const half = await trainOnWebGpu(device as GPUDevice, options, 6);
    const rest = await trainOnWebGpu(device as GPUDevice, { ...options, resume: half.state }, 6);
    expect(Array.from(rest.losses).map((l, k) => Math.abs(l - gpu.losses[6 + k]) / l).every((e) => e < 1e-5)).toBe(true);
    expect(relativeL2(flat(rest.state.weights), flat(gpu.state.weights))).toBeLessThan(1e-6);
    expect(relativeL2(flat(rest.state.ema ?? []), flat(gpu.state.ema ?? []))).toBeLessThan(1e-6);
  });
});
