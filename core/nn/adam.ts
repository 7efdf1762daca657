import type { TrainingKernels } from './kernelApi.ts';

/**
 * Learning-rate schedules over optimizer steps t = 1, 2, …:
 * - `constant`: lr.
 * - `cosine`: optional linear warm-up over `warmupSteps`, then lr → minLr along half a cosine
 *   until `totalSteps` (minLr after).
 * - `warmup`: linear warm-up from lr/warmupSteps to lr over `warmupSteps`, then constant.
 */
export type LrSchedule =
  | { kind: 'constant' }
  | { kind: 'cosine'; totalSteps: number; minLr?: number; warmupSteps?: number }
  | { kind: 'warmup'; warmupSteps: number };

/** Adam settings, PyTorch's defaults where they have one. */
export interface AdamConfig {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L2 penalty λ (added to the gradient), or AdamW's decoupled decay with `decoupled`. */
  weightDecay?: number;
  decoupled?: boolean;
  schedule?: LrSchedule;
  /** Rescale the gradient to this global L2 norm when it is larger (no clipping when absent). */
  clipNorm?: number;
  /** Keep an exponential moving average of the weights with this decay (e.g. 0.999). */
  emaDecay?: number;
}

/** The learning rate of step t (1-based) under the config's schedule. */
export function learningRate(config: AdamConfig, step: number): number {
  const s = config.schedule ?? { kind: 'constant' };
  const lr = config.lr;
  switch (s.kind) {
    case 'constant': return lr;
    case 'warmup': return step < s.warmupSteps ? (lr * step) / s.warmupSteps : lr;
    case 'cosine': {
      const warm = s.warmupSteps ?? 0;
      if (step < warm) return (lr * step) / warm;
      const progress = Math.min(1, (step - warm) / Math.max(1, s.totalSteps - warm));
      const minLr = s.minLr ?? 0;
      return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
    }
  }
}

/** What one optimizer step did. */
export interface AdamStepInfo {
  lr: number;
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: number;
}

/**
 * Adam with bias correction over one contiguous block of weights in the kernels' memory (the
 * executor's weight block), its moments next to it, optional clipping by global norm and an EMA
 * of the weights. The state is plain floats, so a run can be saved and resumed bit for bit.
 */
export class AdamOptimizer {
  /** Offsets (floats) of the first and second moments and of the EMA weights. */
  readonly m: number;
  readonly v: number;
  readonly ema: number;
  /** Steps taken so far (the next step is `step + 1`). */
  step = 0;

  constructor(private readonly kernels: TrainingKernels, readonly weights: number, readonly count: number, readonly config: AdamConfig) {
    this.m = kernels.alloc(count);
    this.v = kernels.alloc(count);
    this.ema = kernels.alloc(config.emaDecay === undefined ? 0 : count);
    const f = kernels.f32();
    f.fill(0, this.m, this.m + count);
    f.fill(0, this.v, this.v + count);
    this.resetEma();
  }

  /** Sets the EMA to the current weights (at the start of a run). */
  resetEma(): void {
    if (this.config.emaDecay === undefined) return;
    const f = this.kernels.f32();
    f.copyWithin(this.ema, this.weights, this.weights + this.count);
  }

  /** One update from the gradient at `grads` (clipped in place when over `clipNorm`). */
  update(grads: number): AdamStepInfo {
    const { kernels, config, count } = this;
    this.step += 1;
    const gradNorm = Math.sqrt(kernels.sumSquares({ x: grads, count }));
    if (config.clipNorm !== undefined && gradNorm > config.clipNorm) {
      const scale = config.clipNorm / gradNorm;
      const f = kernels.f32();
      for (let i = grads; i < grads + count; i++) f[i] *= scale;
    }
    const lr = learningRate(config, this.step);
    kernels.adam({
      params: this.weights, grads, m: this.m, v: this.v, count, lr, step: this.step,
      beta1: config.beta1 ?? 0.9, beta2: config.beta2 ?? 0.999, eps: config.eps ?? 1e-8,
      weightDecay: config.weightDecay, decoupled: config.decoupled,
    });
    if (config.emaDecay !== undefined) {
      const d = config.emaDecay;
      const f = kernels.f32();
      for (let i = 0; i < count; i++) f[this.ema + i] = d * f[this.ema + i] + (1 - d) * f[this.weights + i];
    }
    return { lr, gradNorm };
  }
}
