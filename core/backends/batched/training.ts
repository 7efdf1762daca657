/// <reference types="@webgpu/types" />
import type { Plan, TrainStage } from '../../compile/plan.ts';
import { datasetSource } from '../../nn/data.ts';
import { Trainer, type TrainerOptions, type TrainingProgress, type TrainingState } from '../../nn/trainer.ts';
import { runPlanCpu } from '../cpu/runtime.ts';

/** Progress of a train stage, every `progressEvery` iterations and at the end. */
export interface TrainProgress extends TrainingProgress {
  nodeId: string;
  /** The stage's total iterations (`iteration` counts from 1 up to this). */
  iterations: number;
}

/** The outcome of a train stage: the weights the fields read, the loss curve, and a state to resume from. */
export interface TrainResult {
  nodeId: string;
  /** Iterations done in all (less than `target` when the run was cancelled). */
  iterations: number;
  target: number;
  /** Seconds training (over every resumed part), excluding drawing the data pool. */
  seconds: number;
  itersPerSecond: number;
  /** Batch-mean loss of every iteration done. */
  losses: Float64Array;
  /** Mean loss of the last min(100, n) iterations; NaN when none ran. */
  finalLoss: number;
  /** Lowest smoothed loss (the one that picks `best`). */
  bestLoss: number;
  /** Which weights `weights` holds. */
  use: TrainStage['use'];
  /** The weights downstream fields read (mlpParams order). */
  weights: Float32Array[];
  /** The last iterate and the best weights (equal to `weights` for pretrained stages). */
  last: Float32Array[];
  best: Float32Array[];
  /** Stopped by the AbortSignal: `state` resumes it (pass this result as `resume`). */
  aborted: boolean;
  /** Everything needed to continue exactly (absent for pretrained stages). */
  state?: TrainingState;
  /** The `weights` file the weights came from, when training was skipped. */
  pretrained?: string;
  /** Where the iterations of this call ran: the CPU trainer, or the WebGPU one (given a device). */
  backend?: 'cpu' | 'webgpu';
}

/** Options of {@link runTrainStage}. */
export interface TrainRunOptions {
  onProgress?: (p: TrainProgress) => void;
  /** Iterations between progress reports (default 100). */
  progressEvery?: number;
  /** Aborting stops after the current iteration (within ~50 ms): the result has `aborted` and a resumable state. */
  signal?: AbortSignal;
  /** An earlier, cancelled result of the same stage to continue (identical to never stopping). */
  resume?: TrainResult;
  /**
   * Train on this WebGPU device (core/nn/webgpu/trainWebGpu.ts): the same batches and, to float32
   * rounding, the same weights as the CPU trainer; progress and cancellation at its readback points.
   */
  device?: GPUDevice;
}

/**
 * Draws a data pool of a train stage through the normal CPU stage path (one thread): `data`, or
 * `source`, the second data set of a two-data-set loss (x₀ of loss.interpolant's source input).
 */
export async function drawDataPool(stage: TrainStage, which: 'data' | 'source' = 'data'): Promise<Float32Array> {
  const draw = which === 'data' ? stage.data : stage.sourceData;
  if (!draw) throw new Error(`train stage '${stage.nodeId}' has no second data pool`);
  const plan: Plan = { graphName: stage.nodeId, stages: [draw], analyses: [], buffers: [], memoryBytes: 0, flops: 0 };
  const [pool] = await runPlanCpu(plan, { threads: 1 });
  return pool.samples;
}

/**
 * Runs a train stage: the data pool (and the second pool of a two-data-set loss), then Adam for
 * the remaining iterations (core/nn/trainer.ts). A stage with pretrained weights returns them at
 * once. Deterministic: the same stage gives the same weights bit for bit, cancelled and resumed or not.
 */
export async function runTrainStage(stage: TrainStage, options: TrainRunOptions = {}): Promise<TrainResult> {
  const base = { nodeId: stage.nodeId, target: stage.iterations, use: stage.use };
  if (stage.pretrained) {
    const w = stage.pretrained.weights;
    return { ...base, iterations: 0, seconds: 0, itersPerSecond: 0, losses: new Float64Array(0), finalLoss: NaN, bestLoss: NaN, weights: w, last: w, best: w, aborted: false, pretrained: stage.pretrained.path };
  }
  const previous = options.resume;
  const pool = await drawDataPool(stage);
  // The second pool's row indices come from their own Philox purpose (2), independent of the data's (1).
  const source = stage.sourceData ? datasetSource(await drawDataPool(stage, 'source'), stage.sourceData.dims, stage.seed, 2) : undefined;
  const trainerOptions: TrainerOptions = {
    loss: stage.loss, data: datasetSource(pool, stage.data.dims, stage.seed), ...(source ? { source } : {}), batch: stage.batch, seed: stage.seed,
    optimizer: stage.optimizer, init: stage.init, ...(previous?.state ? { resume: previous.state } : {}),
  };
  const done = previous?.state?.step ?? 0;
  const started = performance.now();
  const remaining = Math.max(0, stage.iterations - done);
  const hooks = {
    progressEvery: options.progressEvery, signal: options.signal,
    onProgress: options.onProgress && ((p: TrainingProgress) => options.onProgress?.({ ...p, nodeId: stage.nodeId, iterations: stage.iterations })),
  };
  // The WebGPU trainer is loaded only when a device is given (it pulls in the WGSL generators).
  const run = options.device
    ? await (await import('../../nn/webgpu/trainWebGpu.ts')).trainOnWebGpu(options.device, trainerOptions, remaining, hooks)
    : await new Trainer(trainerOptions).run(remaining, hooks);
  const seconds = (previous?.seconds ?? 0) + (performance.now() - started) / 1000;
  const losses = new Float64Array(done + run.losses.length);
  if (previous) losses.set(previous.losses.subarray(0, done));
  losses.set(run.losses, done);
  const state = run.state;
  const tail = losses.subarray(Math.max(0, losses.length - 100));
  const chosen = stage.use === 'ema' ? state.ema : stage.use === 'best' ? state.best : state.weights;
  if (!chosen) throw new Error(`train stage '${stage.nodeId}': use 'ema' needs an EMA (set ema > 0)`);
  return {
    ...base, iterations: state.step, seconds, itersPerSecond: seconds > 0 ? state.step / seconds : 0, losses,
    finalLoss: tail.length > 0 ? tail.reduce((a, v) => a + v, 0) / tail.length : NaN, bestLoss: state.bestLoss,
    weights: chosen, last: state.weights, best: state.best, aborted: run.aborted, state, backend: options.device ? 'webgpu' : 'cpu',
  };
}

/** A loss curve of at most `points` points: the mean loss over consecutive runs of iterations. */
export function lossCurve(losses: ArrayLike<number>, points = 1000): { iteration: number[]; loss: number[] } {
  const every = Math.max(1, Math.ceil(losses.length / points));
  const iteration: number[] = [];
  const loss: number[] = [];
  for (let start = 0; start < losses.length; start += every) {
    const end = Math.min(losses.length, start + every);
    let sum = 0;
    for (let i = start; i < end; i++) sum += losses[i];
    iteration.push(end);
    loss.push(sum / (end - start));
  }
  return { iteration, loss };
}
