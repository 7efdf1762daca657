import { IRBuilder } from '../ir/builder.ts';
import { matrixType, SCALAR, vectorType, type IRFunction, type IRParam, type UnaryOp, type ValueId } from '../ir/types.ts';
import { normalRow, STREAM_NN_FOURIER, STREAM_NN_INIT, uniformRange } from './random.ts';

/** Hidden-layer nonlinearities of an {@link MlpSpec}. `gelu` is the tanh approximation (see core/ir/types.ts). */
export type MlpActivation = 'silu' | 'relu' | 'gelu' | 'softplus' | 'tanh' | 'sigmoid';

/**
 * How the time t enters the network, concatenated to x:
 * - `none`: t itself (one extra input).
 * - `sinusoidal`: [sin(ω_k t), cos(ω_k t)], ω_k = scale · 10000^(−k / (size/2)), k < size/2
 *   (the transformer embedding on t · scale; scale defaults to 1000, the DDPM step count).
 * - `fourier`: the same features with fixed random ω_k = 2π·w_k, w_k ~ N(0, scale²), scale
 *   defaulting to 16 (Song et al.'s Gaussian Fourier projection), drawn from Philox with `seed`.
 */
export interface TimeEmbedding {
  kind: 'none' | 'sinusoidal' | 'fourier';
  /** Number of features (even); ignored for `none`. */
  size?: number;
  scale?: number;
  /** Seed of the Fourier frequencies (default 0). */
  seed?: number;
}

/**
 * A fully connected network s(x, t): R^inputDim × R → R^outputDim with `depth` hidden layers of
 * `width` units.
 *
 * @example { inputDim: 2, time: { kind: 'none' }, width: 128, depth: 3, activation: 'silu', outputDim: 2 }
 */
export interface MlpSpec {
  inputDim: number;
  time: TimeEmbedding;
  width: number;
  depth: number;
  activation: MlpActivation;
  outputDim: number;
}

/** Width of the first layer's input: x plus the time features. */
export function mlpInputWidth(spec: MlpSpec): number {
  return spec.inputDim + (spec.time.kind === 'none' ? 1 : timeFeatures(spec.time));
}

function timeFeatures(time: TimeEmbedding): number {
  const size = time.size ?? 16;
  if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) throw new Error(`MLP time embedding: size must be an even integer ≥ 2, got ${size}`);
  return size;
}

/** The weight params W1, b1, …, W_{depth+1}, b_{depth+1}; W_l is [fan_out, fan_in]. */
export function mlpParams(spec: MlpSpec): IRParam[] {
  const widths = [mlpInputWidth(spec), ...Array<number>(spec.depth).fill(spec.width), spec.outputDim];
  return widths.slice(1).flatMap((fanOut, l) => [
    { name: `W${l + 1}`, type: matrixType(fanOut, widths[l]) },
    { name: `b${l + 1}`, type: vectorType(fanOut) },
  ]);
}

/** The angular frequencies ω_k of a sinusoidal or Fourier embedding. */
export function timeFrequencies(time: TimeEmbedding): number[] {
  const half = timeFeatures(time) / 2;
  if (time.kind === 'fourier') {
    const scale = time.scale ?? 16;
    return Array.from(normalRow(time.seed ?? 0, STREAM_NN_FOURIER, 0, 0, half), (w) => 2 * Math.PI * scale * w);
  }
  const scale = time.scale ?? 1000;
  return Array.from({ length: half }, (_, k) => scale * 10000 ** (-k / half));
}

/** [sin(ω t), cos(ω t)] as IR (ω a constant vector). */
export function emitTimeEmbedding(b: IRBuilder, t: ValueId, frequencies: readonly number[]): ValueId {
  const phase = b.mul(t, b.constantVector(frequencies));
  return b.concat([b.unary('sin', phase), b.unary('cos', phase)]);
}

/** The network applied to x and t, inlined into `b`; `weights` are values for {@link mlpParams}. */
export function emitMlp(b: IRBuilder, spec: MlpSpec, weights: readonly ValueId[], x: ValueId, t: ValueId): ValueId {
  const features = spec.time.kind === 'none' ? t : emitTimeEmbedding(b, t, timeFrequencies(spec.time));
  let h = b.concat([x, features]);
  const layers = spec.depth + 1;
  for (let l = 0; l < layers; l++) {
    const z = b.add(b.matmul(weights[2 * l], h), weights[2 * l + 1]);
    h = l < layers - 1 ? b.unary(spec.activation as UnaryOp, z) : z;
  }
  return h;
}

/** s(x, t) as a function with params [W1, b1, …, x, t]. */
export function mlpFunction(spec: MlpSpec, name = 'mlp'): IRFunction {
  const params = [...mlpParams(spec), { name: 'x', type: vectorType(spec.inputDim) }, { name: 't', type: SCALAR }];
  const b = new IRBuilder(name, params);
  const w = params.slice(0, -2).map((_, i) => b.param(i));
  return b.build([emitMlp(b, spec, w, b.param(params.length - 2), b.param(params.length - 1))]);
}

/**
 * Initial weights, PyTorch's nn.Linear default: W and b uniform on ±1/√fan_in, drawn from
 * Philox (stream {@link STREAM_NN_INIT}, counter [layer, 0 weight / 1 bias]) so a seed gives the
 * same network on every machine. Returned in {@link mlpParams} order, row-major.
 */
export function initMlp(spec: MlpSpec, seed: number): Float32Array[] {
  return mlpParams(spec).map((p, i) => {
    const layer = i >> 1;
    const fanIn = p.type.shape.length === 2 ? p.type.shape[1] : mlpParams(spec)[i - 1].type.shape[1];
    const bound = 1 / Math.sqrt(fanIn);
    const count = p.type.shape.reduce((a, c) => a * c, 1);
    return Float32Array.from(uniformRange(seed >>> 0, STREAM_NN_INIT, layer, i & 1, count, -bound, bound));
  });
}
