/**
 * The resolved values that flow between the training nodes (what `resolve` returns and downstream
 * nodes read with `ctx.input`): score.mlp → a {@link NetworkValue} on a `network` port, loss.* → a
 * {@link LossValue} on a `loss` port, train.* → a {@link TrainingValue}, from which the compiler
 * builds a train stage (trainStage.ts).
 */
import type { AdamConfig } from '../nn/adam.ts';
import type { LossDefinition } from '../nn/losses.ts';
import type { MlpSpec } from '../nn/mlp.ts';
import type { ForwardSde } from '../sde/schedules.ts';

/** A network architecture and how its initial weights are drawn (score.mlp). */
export interface NetworkValue {
  kind: 'network';
  spec: MlpSpec;
  /** Seed of `initMlp` (PyTorch's nn.Linear initialisation from Philox). */
  initSeed: number;
}

/**
 * A training objective over one network (loss.*). The data it trains on is the `data` input of
 * the first loss node of the chain that has one (a loss that wraps another, such as
 * loss.fokker_planck_residual, takes the inner loss's data).
 */
export interface LossValue {
  kind: 'loss';
  definition: LossDefinition;
  network: NetworkValue;
  /** The forward SDE of score losses (absent for the interpolant loss). */
  sde?: ForwardSde;
  /**
   * What the trained network approximates: the score ∇ log p_t, a velocity field, or the denoiser
   * η(t, x) = E[z | x_t = x] of a stochastic interpolant (loss.interpolant; its score is −η/γ).
   */
  target: 'score' | 'velocity' | 'denoiser';
  /** One line for plan printouts, e.g. `loss.dsm (λ = σ², VP SDE)`. */
  summary: string;
}

/** Everything a train node decided from its params and its loss (train.adam). */
export interface TrainingValue {
  kind: 'training';
  loss: LossValue;
  optimizer: AdamConfig;
  batch: number;
  iterations: number;
  seed: number;
  use: 'last' | 'best' | 'ema';
  /** Size of the data pool drawn once from the data source. */
  dataSamples: number;
  /** Seed of the data pool's draws (the source's init stream). */
  dataSeed: number;
  /** Weights read from the node's `weights` file; training is skipped when present. */
  pretrained?: { path: string; weights: Float32Array[] };
  /** Weights to start training from instead of the network's initialisation (fine-tuning). */
  initial?: { path: string; weights: Float32Array[] };
}

/**
 * A network with fixed weights read from a file (score.onnx compiled into the IR): fields that
 * evaluate it bind its tensors (mlpParams order) as {@link WeightBinding}s with `fixed` values.
 */
export interface FixedNetworkValue {
  kind: 'fixed-network';
  spec: MlpSpec;
  weights: Float32Array[];
  path: string;
}

/** Whether a resolved node value is a {@link FixedNetworkValue}. */
export function isFixedNetworkValue(value: unknown): value is FixedNetworkValue {
  return hasKind(value, 'fixed-network');
}

function hasKind(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

/** Whether a resolved node value is a {@link NetworkValue}. */
export function isNetworkValue(value: unknown): value is NetworkValue {
  return hasKind(value, 'network');
}

/** Whether a resolved node value is a {@link LossValue}. */
export function isLossValue(value: unknown): value is LossValue {
  return hasKind(value, 'loss');
}

/** Whether a resolved node value is a {@link TrainingValue}. */
export function isTrainingValue(value: unknown): value is TrainingValue {
  return hasKind(value, 'training');
}
