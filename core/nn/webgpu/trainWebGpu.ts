/// <reference types="@webgpu/types" />
import { compileBatchedLoss } from '../executor.ts';
import type { TrainerOptions, TrainingProgress, TrainingResult, TrainingState } from '../trainer.ts';
import { createWebGpuTrainer } from './gpuTrainer.ts';
import { stepDataSource } from './stepData.ts';

/** Hooks of {@link trainOnWebGpu}, as core/nn/trainer.ts `Trainer.run` takes them. */
export interface WebGpuTrainHooks {
  onProgress?: (p: TrainingProgress) => void;
  /** Iterations between progress reports, which are also the GPU's readback points (default 100, at most 256). */
  progressEvery?: number;
  signal?: AbortSignal;
}

/** Smoothing of the loss that decides "best", as in core/nn/trainer.ts. */
const LOSS_SMOOTHING = 0.98;

/**
 * `Trainer.run` on the GPU: the same loss, data, seed, optimizer and initial (or resumed) state
 * give the same batches, and weights equal to the CPU trainer's to float32 rounding. Batches are
 * drawn on the CPU and uploaded per step; steps are queued back to back and their losses read once
 * per `progressEvery` iterations, where progress is reported and the AbortSignal checked.
 *
 * Differences from the CPU trainer: the best weights are taken at those readback points (the
 * weights there, when the smoothed loss there is the lowest so far) rather than at any iteration,
 * and an abort stops at the next readback point.
 */
export async function trainOnWebGpu(device: GPUDevice, options: TrainerOptions, iterations: number, hooks: WebGpuTrainHooks = {}): Promise<TrainingResult> {
  const { loss, batch } = options;
  const program = compileBatchedLoss(loss.fn, { weights: loss.weights, batch, kernels: options.kernels });
  const start = options.resume;
  const chunkSize = Math.max(1, Math.min(256, hooks.progressEvery ?? 100));
  const gpu = await createWebGpuTrainer(device, program, { optimizer: options.optimizer, statsCapacity: chunkSize });
  try {
    gpu.setWeights(start?.weights ?? options.init);
    if (start) {
      // The EMA is saved per tensor; the GPU keeps it as a block laid out like the weights.
      let ema: Float32Array | undefined;
      if (start.ema) {
        ema = new Float32Array(program.weightFloats);
        start.ema.forEach((w, k) => ema?.set(w, program.weights[k].offset - program.weightsOffset));
      }
      gpu.setOptimizerState({ step: start.step, m: start.m, v: start.v, ema });
    }
    const batches = stepDataSource(loss, program, options.data, options.seed, options.source);
    let best: Float32Array[] = (start?.best ?? start?.weights ?? options.init).map((w) => Float32Array.from(w));
    let bestLoss = start?.bestLoss ?? Infinity;
    let smoothed = start?.smoothedLoss ?? NaN;
    const losses = new Float64Array(iterations);
    const began = performance.now();
    let done = 0;
    let aborted = false;
    while (done < iterations) {
      if (hooks.signal?.aborted) { aborted = true; break; }
      const n = Math.min(chunkSize, iterations - done);
      const run = await gpu.runSteps(n, batches);
      for (let k = 0; k < n; k++) {
        losses[done + k] = run.losses[k];
        smoothed = Number.isNaN(smoothed) ? run.losses[k] : LOSS_SMOOTHING * smoothed + (1 - LOSS_SMOOTHING) * run.losses[k];
      }
      done += n;
      if (smoothed < bestLoss) {
        bestLoss = smoothed;
        best = await gpu.readWeights();
      }
      hooks.onProgress?.({ iteration: gpu.iteration, loss: run.losses[n - 1], itersPerSecond: done / ((performance.now() - began) / 1000), lr: run.lrs[n - 1], gradNorm: run.gradNorms[n - 1] });
    }
    const [weights, opt] = await Promise.all([gpu.readWeights(), gpu.readOptimizerState()]);
    const ema = options.optimizer.emaDecay === undefined ? undefined : await gpu.readEma();
    const state: TrainingState = { step: opt.step, weights, m: opt.m, v: opt.v, ema, best, bestLoss, smoothedLoss: smoothed };
    return { state, losses: losses.subarray(0, done), aborted };
  } finally {
    gpu.destroy();
  }
}
