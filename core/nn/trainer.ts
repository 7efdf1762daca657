import { AdamOptimizer, type AdamConfig } from './adam.ts';
import type { DataSource } from './data.ts';
import { compileBatchedLoss, type BatchedLoss } from './executor.ts';
import type { TrainingKernels } from './kernelApi.ts';
import type { LossDefinition } from './losses.ts';
import { StepDraws } from './random.ts';

/** Reported every `progressEvery` iterations and at the end. */
export interface TrainingProgress {
  iteration: number;
  /** Batch-mean loss of this iteration. */
  loss: number;
  itersPerSecond: number;
  lr: number;
  gradNorm: number;
}

/**
 * Everything needed to continue a run exactly: weights, Adam moments, step count, EMA, and the
 * best weights so far. Resuming from it gives the same weights, bit for bit, as not stopping.
 */
export interface TrainingState {
  step: number;
  weights: Float32Array[];
  m: Float32Array;
  v: Float32Array;
  ema?: Float32Array[];
  best: Float32Array[];
  /** Smoothed loss of the best weights (see {@link TrainingResult.bestLoss}). */
  bestLoss: number;
  smoothedLoss: number;
}

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  loss: LossDefinition;
  data: DataSource;
  /**
   * The second data set of a two-data-set loss (inputs with source `source`, e.g. x₀ of the
   * interpolant between two data sets); required exactly when the loss has such an input. Give it
   * a Philox purpose of its own (datasetSource's `purpose`) so its batches are independent of `data`'s.
   */
  source?: DataSource;
  batch: number;
  seed: number;
  optimizer: AdamConfig;
  /** Initial weights in mlpParams order (ignored when resuming). */
  init: Float32Array[];
  kernels?: TrainingKernels;
  resume?: TrainingState;
}

/** The outcome of {@link Trainer.run}. */
export interface TrainingResult {
  state: TrainingState;
  /** Loss of every iteration run in this call. */
  losses: Float64Array;
  aborted: boolean;
}

/** Each data input of the loss has a data source of its size, and a second pool is given only to a loss that reads one. */
function checkDataSources({ loss, data, source }: TrainerOptions): void {
  for (const input of loss.inputs) {
    const from = input.source.kind === 'data' ? data : input.source.kind === 'source' ? source : undefined;
    if (input.source.kind === 'source' && !source) throw new Error(`Trainer: loss input '${input.name}' reads the second data set, but no source was given`);
    if (from && from.dim !== input.size) throw new Error(`Trainer: loss input '${input.name}' has ${input.size} components but its data set has ${from.dim}`);
  }
  if (source && !loss.inputs.some((x) => x.source.kind === 'source')) throw new Error(`Trainer: a second data set was given, but loss ${loss.fn.name} reads none`);
}

/** Smoothing of the loss that decides "best": single batch losses are too noisy to rank weights. */
const LOSS_SMOOTHING = 0.98;

/**
 * Trains a per-sample loss over an MLP with Adam: each iteration fills a batch (data rows from
 * the data source, and from the second source for two-data-set losses; t, noise and probes from
 * Philox keyed by (seed, iteration, input)), runs the batched loss-and-gradient program, and
 * updates the weights. Keeps the last and the best weights.
 */
export class Trainer {
  readonly program: BatchedLoss;
  readonly optimizer: AdamOptimizer;
  private readonly draws: StepDraws;
  private best: Float32Array[];
  private bestLoss: number;
  private smoothed: number;

  constructor(private readonly options: TrainerOptions) {
    const { loss, batch } = options;
    checkDataSources(options);
    this.program = compileBatchedLoss(loss.fn, { weights: loss.weights, batch, kernels: options.kernels });
    const p = this.program;
    this.optimizer = new AdamOptimizer(p.kernels, p.weightsOffset, p.weightFloats, options.optimizer);
    this.draws = new StepDraws(options.seed);
    const start = options.resume;
    this.setWeights(start?.weights ?? options.init);
    const f = p.kernels.f32();
    if (start) {
      f.set(start.m, this.optimizer.m);
      f.set(start.v, this.optimizer.v);
      this.optimizer.step = start.step;
      if (start.ema && options.optimizer.emaDecay !== undefined) start.ema.forEach((w, k) => f.set(w, this.optimizer.ema + (p.weights[k].offset - p.weightsOffset)));
    } else this.optimizer.resetEma();
    this.best = (start?.best ?? this.weights()).map((w) => w.slice());
    this.bestLoss = start?.bestLoss ?? Infinity;
    this.smoothed = start?.smoothedLoss ?? NaN;
  }

  /** Copies weights (mlpParams order) into the program's weight block. */
  setWeights(weights: readonly Float32Array[]): void {
    const { kernels, weights: slots } = this.program;
    if (weights.length !== slots.length) throw new Error(`Trainer: expected ${slots.length} weight tensors, got ${weights.length}`);
    slots.forEach((s, k) => {
      if (weights[k].length !== s.size) throw new Error(`Trainer: ${s.name} needs ${s.size} floats, got ${weights[k].length}`);
      kernels.f32().set(weights[k], s.offset);
    });
  }

  /** The current weights (copies). */
  weights(from = this.program.weightsOffset): Float32Array[] {
    const { kernels, weights: slots, weightsOffset } = this.program;
    const f = kernels.f32();
    return slots.map((s) => f.slice(from + s.offset - weightsOffset, from + s.offset - weightsOffset + s.size));
  }

  /** Fills the per-sample inputs and random draws of iteration `step` (0-based). */
  private fillBatch(step: number): void {
    fillStepData(this.options.loss, this.program, this.program.kernels.f32(), step, this.draws, this.options.data, this.options.source);
  }

  /** One iteration: batch, loss and gradient, Adam. Returns the loss and the step's info. */
  step(): TrainingProgress {
    const iteration = this.optimizer.step;
    this.fillBatch(iteration);
    const loss = this.program.run();
    const info = this.optimizer.update(this.program.gradientsOffset);
    this.smoothed = Number.isNaN(this.smoothed) ? loss : LOSS_SMOOTHING * this.smoothed + (1 - LOSS_SMOOTHING) * loss;
    if (this.smoothed < this.bestLoss) {
      this.bestLoss = this.smoothed;
      this.best = this.weights();
    }
    return { iteration: iteration + 1, loss, itersPerSecond: NaN, ...info };
  }

  /**
   * Runs `iterations` iterations, reporting progress every `progressEvery` (and at the end), and
   * yielding to the event loop every ~50 ms so an AbortSignal (or a worker message) can stop it.
   */
  async run(iterations: number, hooks: { onProgress?: (p: TrainingProgress) => void; progressEvery?: number; signal?: AbortSignal } = {}): Promise<TrainingResult> {
    const losses = new Float64Array(iterations);
    const every = hooks.progressEvery ?? 100;
    const start = performance.now();
    let lastYield = start;
    let done = 0;
    let aborted = false;
    while (done < iterations) {
      if (hooks.signal?.aborted) { aborted = true; break; }
      const p = this.step();
      losses[done++] = p.loss;
      if (hooks.onProgress && (done % every === 0 || done === iterations)) {
        hooks.onProgress({ ...p, itersPerSecond: done / ((performance.now() - start) / 1000) });
      }
      if (performance.now() - lastYield > 50) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
    return { state: this.state(), losses: losses.subarray(0, done), aborted };
  }

  /** A snapshot to save or resume from. */
  state(): TrainingState {
    const { kernels, weightFloats } = this.program;
    const f = kernels.f32();
    const o = this.optimizer;
    return {
      step: o.step,
      weights: this.weights(),
      m: f.slice(o.m, o.m + weightFloats),
      v: f.slice(o.v, o.v + weightFloats),
      ema: this.options.optimizer.emaDecay === undefined ? undefined : this.weights(o.ema),
      best: this.best.map((w) => w.slice()),
      bestLoss: this.bestLoss,
      smoothedLoss: this.smoothed,
    };
  }
}

/** Where one step's data goes in a float32 array (a BatchedLoss has this shape). */
export interface StepDataLayout {
  batch: number;
  /** One per loss input, [batch, size] row-major from offset. */
  inputs: readonly { offset: number; size: number }[];
  /** The loss IR's own draws, draw-major [draws, batch]. */
  normals: { offset: number; draws: number };
  uniforms: { offset: number; draws: number };
}

/**
 * Draws step `step`'s data of a loss into `f`: data (and source) rows, then t, noise and probes
 * from Philox keyed by (seed, step, input), then the loss's own draws under purposes 1000 and
 * 1001. The CPU trainer and the WebGPU trainer both call this, so a seed gives the same batches on
 * either.
 */
export function fillStepData(loss: LossDefinition, layout: StepDataLayout, f: Float32Array, step: number, draws: StepDraws, data: DataSource, source?: DataSource): void {
  const B = layout.batch;
  loss.inputs.forEach((input, k) => {
    const slot = layout.inputs[k];
    const s = input.source;
    if (s.kind === 'data') data.sample(step, B, f, slot.offset);
    else if (s.kind === 'source') {
      if (!source) throw new Error(`loss input '${input.name}' reads a second data set, but none was given`);
      source.sample(step, B, f, slot.offset);
    } else if (s.kind === 'time') draws.uniforms(step, k, f, slot.offset, B, s.lo, s.hi);
    else if (s.kind === 'normal') draws.normals(step, k, f, slot.offset, B * slot.size);
    else {
      draws.uniforms(step, k, f, slot.offset, B * slot.size);
      for (let i = slot.offset; i < slot.offset + B * slot.size; i++) f[i] = f[i] < 0.5 ? -1 : 1;
    }
  });
  // Random ops inside the loss IR read their own purposes, after the inputs'.
  if (layout.normals.draws > 0) draws.normals(step, 1000, f, layout.normals.offset, layout.normals.draws * B);
  if (layout.uniforms.draws > 0) draws.uniforms(step, 1001, f, layout.uniforms.offset, layout.uniforms.draws * B);
}
