/**
 * Trained weights ↔ ONNX: an MlpSpec with weights in mlpParams order (W1, b1, …) is a
 * `DenseNetwork` of core/onnx, so train stages export their networks with `exportNetworkOnnx` and a
 * train node's `weights` file is read back with `importNetworkOnnx`. The IR's `gelu` is the tanh
 * approximation, which ONNX export calls `geluTanh`.
 */
import { exportNetworkOnnx, importNetworkOnnx, type DenseNetwork, type NetworkActivation } from '../onnx/index.ts';
import { mlpParams, timeFrequencies, type MlpActivation, type MlpSpec } from '../nn/mlp.ts';

/** The MLP activations that ONNX export supports, under their core/onnx names. */
const ONNX_ACTIVATION: Partial<Record<MlpActivation, NetworkActivation>> = {
  silu: 'silu', relu: 'relu', gelu: 'geluTanh', softplus: 'softplus', tanh: 'tanh',
};

/** The activations a network must use to be exported (score.mlp offers exactly these). */
export const EXPORTABLE_ACTIVATIONS = Object.keys(ONNX_ACTIVATION) as MlpActivation[];

/** The network `spec` with `weights` (mlpParams order) as a DenseNetwork. */
export function mlpToDense(spec: MlpSpec, weights: readonly Float32Array[]): DenseNetwork {
  const activation = ONNX_ACTIVATION[spec.activation];
  if (!activation) throw new Error(`a network with ${spec.activation} activations cannot be exported to ONNX`);
  const layers = spec.depth + 1;
  return {
    inputDim: spec.inputDim,
    time: spec.time.kind === 'none' ? { kind: 'none' } : { kind: spec.time.kind, frequencies: Float32Array.from(timeFrequencies(spec.time)) },
    layers: Array.from({ length: layers }, (_, l) => ({
      weight: weights[2 * l], bias: weights[2 * l + 1],
      out: l === layers - 1 ? spec.outputDim : spec.width,
      activation: l === layers - 1 ? 'identity' : activation,
    })),
  };
}

/** ONNX bytes of the network `spec` with `weights`. */
export function exportTrainedOnnx(spec: MlpSpec, weights: readonly Float32Array[], docString = ''): Uint8Array {
  return exportNetworkOnnx(mlpToDense(spec, weights), { docString });
}

/**
 * The weights (mlpParams order) of an ONNX network that must have exactly the architecture of
 * `spec`: same dimension, time features (frequencies equal to float32 rounding), layer widths and
 * activations. Throws an Error whose message says what differs and how to fix it.
 */
export function weightsFromOnnx(bytes: Uint8Array, spec: MlpSpec, source: string): Float32Array[] {
  const net = importNetworkOnnx(bytes, { inputDim: spec.inputDim, source });
  const want = mlpToDense(spec, mlpParams(spec).map((p) => new Float32Array(p.type.shape.reduce((a, b) => a * b, 1))));
  const describe = (n: DenseNetwork) => `${n.layers.length - 1} hidden layers of ${n.layers.slice(0, -1).map((l) => l.out).join('/') || '-'} ${n.layers[0]?.activation ?? ''} units, time features ${n.time.kind}${n.time.kind === 'none' ? '' : ` (${n.time.frequencies.length} frequencies)`}`;
  const mismatch = () => new Error(`${source} holds a network with ${describe(net)}, but the network here has ${describe(want)}; `
    + 'set score.mlp\'s width, depth, activation and time embedding to match the file, or clear the weights param to train');
  if (net.layers.length !== want.layers.length || net.time.kind !== want.time.kind) throw mismatch();
  net.layers.forEach((layer, l) => {
    const w = want.layers[l];
    if (layer.out !== w.out || layer.activation !== w.activation || layer.weight.length !== w.weight.length) throw mismatch();
  });
  if (net.time.kind !== 'none' && want.time.kind !== 'none') {
    const [a, b] = [net.time.frequencies, want.time.frequencies];
    if (a.length !== b.length || a.some((v, k) => Math.abs(v - b[k]) > 1e-6 * Math.max(1, Math.abs(b[k])))) {
      throw new Error(`${source} uses other time-embedding frequencies than score.mlp's ${spec.time.kind} embedding (size ${spec.time.size}, seed ${spec.time.seed ?? 0}); match embedding_size and init_seed to the file`);
    }
  }
  return net.layers.flatMap((l) => [Float32Array.from(l.weight), Float32Array.from(l.bias)]);
}
