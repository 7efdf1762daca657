/**
 * The networks SDE Studio trains and exchanges as ONNX: a dense MLP s(x, t) whose input is the state
 * x followed by features of the time t, and whose output (the score) has the dimension of x.
 *
 * Time features, in this order after x:
 * - `none`: t itself (one feature), so the input is [x, t], the common PyTorch layout.
 * - `sinusoidal` / `fourier`: [sin(ω₁t), …, sin(ω_Kt), cos(ω₁t), …, cos(ω_Kt)] with ω = `frequencies`,
 *   in radians per unit of t: no 2π is applied, so Gaussian Fourier features with B ~ N(0, σ²) store
 *   ω = 2πB. The two kinds compute the same thing; the kind records how ω was chosen (a geometric
 *   ladder, Transformer-style, or random Gaussian) and travels in the ONNX metadata.
 */
import { activate, type NetworkActivation } from './activations.ts';

export type { NetworkActivation } from './activations.ts';

/** How t enters the network; see the module comment for the exact features. */
export type TimeFeatures = { kind: 'none' } | { kind: 'sinusoidal' | 'fourier'; frequencies: Float32Array };

/** One dense layer: y = act(W·h + b). */
export interface DenseLayer {
  /** W, [out, in] row-major (PyTorch's nn.Linear layout). */
  weight: Float32Array;
  /** b, [out]. */
  bias: Float32Array;
  /** Output width; `in` is the previous layer's `out` (or the feature count for the first layer). */
  out: number;
  activation: NetworkActivation;
}

/**
 * A dense score network.
 * @example
 * // s(x, t) for x ∈ R², input [x₀, x₁, t], one hidden layer of 64 SiLU units;
 * // w0 holds 64×3 values, w1 2×64.
 * { inputDim: 2, time: { kind: 'none' }, layers: [
 *   { weight: w0, bias: b0, out: 64, activation: 'silu' },
 *   { weight: w1, bias: b1, out: 2, activation: 'identity' } ] }
 */
export interface DenseNetwork {
  /** d, the dimension of x and of the score. */
  inputDim: number;
  time: TimeFeatures;
  layers: DenseLayer[];
}

/** Number of time features: 1 for `none`, 2K for K frequencies. */
export function timeFeatureCount(time: TimeFeatures): number {
  return time.kind === 'none' ? 1 : 2 * time.frequencies.length;
}

/** Every way `net` is inconsistent, as sentences naming the layer; empty when it is well-formed. */
export function networkProblems(net: DenseNetwork): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(net.inputDim) || net.inputDim < 1) problems.push(`inputDim must be a positive integer, not ${net.inputDim}`);
  if (net.time.kind !== 'none') {
    if (net.time.frequencies.length === 0) problems.push(`${net.time.kind} time features need at least one frequency`);
    if (!net.time.frequencies.every(Number.isFinite)) problems.push('a time frequency is not finite');
  }
  if (net.layers.length === 0) problems.push('the network has no layers');
  let width = net.inputDim + timeFeatureCount(net.time);
  net.layers.forEach((layer, index) => {
    if (!Number.isInteger(layer.out) || layer.out < 1) problems.push(`layer ${index}: out must be a positive integer, not ${layer.out}`);
    if (layer.weight.length !== layer.out * width) {
      problems.push(`layer ${index}: weight has ${layer.weight.length} values but [out, in] = [${layer.out}, ${width}] needs ${layer.out * width}`);
    }
    if (layer.bias.length !== layer.out) problems.push(`layer ${index}: bias has ${layer.bias.length} values but out = ${layer.out}`);
    width = layer.out;
  });
  const last = net.layers.at(-1);
  if (last && last.out !== net.inputDim) problems.push(`the last layer has ${last.out} outputs but the score must have inputDim = ${net.inputDim}`);
  return problems;
}

/** Throws a RangeError listing every problem of `net` (see `networkProblems`). */
export function assertValidNetwork(net: DenseNetwork): void {
  const problems = networkProblems(net);
  if (problems.length > 0) throw new RangeError(`invalid network: ${problems.join('; ')}`);
}

/**
 * The float64 reference: s(x, t) for n points, computed in double precision from the float32
 * weights. x is [n×d] row-major, t is [n]; returns [n×d].
 */
export function evaluateNetwork(net: DenseNetwork, x: Float64Array, t: Float64Array): Float64Array {
  assertValidNetwork(net);
  const d = net.inputDim;
  const n = t.length;
  if (x.length !== n * d) throw new RangeError(`x has ${x.length} values but ${n} times × d = ${d} needs ${n * d}`);
  const out = new Float64Array(n * d);
  const features = new Float64Array(d + timeFeatureCount(net.time));
  for (let p = 0; p < n; p++) {
    for (let j = 0; j < d; j++) features[j] = x[p * d + j];
    writeTimeFeatures(net.time, t[p], features, d);
    let h: Float64Array = features;
    for (const layer of net.layers) {
      const width = h.length;
      const next = new Float64Array(layer.out);
      for (let o = 0; o < layer.out; o++) {
        let sum = layer.bias[o];
        for (let i = 0; i < width; i++) sum += layer.weight[o * width + i] * h[i];
        next[o] = activate(layer.activation, sum);
      }
      h = next;
    }
    out.set(h, p * d);
  }
  return out;
}

/** Writes the time features of t into `target` from `offset` on. */
function writeTimeFeatures(time: TimeFeatures, t: number, target: Float64Array, offset: number): void {
  if (time.kind === 'none') {
    target[offset] = t;
    return;
  }
  const k = time.frequencies.length;
  for (let i = 0; i < k; i++) {
    target[offset + i] = Math.sin(time.frequencies[i] * t);
    target[offset + k + i] = Math.cos(time.frequencies[i] * t);
  }
}
