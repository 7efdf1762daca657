/**
 * DenseNetwork → ONNX (IR 8, opset 17, default domain only), runnable by any ONNX runtime.
 *
 * Interface: inputs `x` float32 [batch, d] and `t` float32 [batch, 1]; output `score` [batch, d].
 * Time features: Concat(x, t), or Mul(t, ω) → Sin, Cos → Concat(x, sin, cos). Each layer is one
 * Gemm (transB = 1, so W stays [out, in]) followed by its activation, built from opset-17 ops:
 * SiLU = Mul(h, Sigmoid(h)); GELU = ½h(1 + Erf(h/√2)) and its tanh form from Mul/Add/Tanh (ONNX's
 * Gelu op only arrives in opset 20).
 */
import type { NetworkActivation } from './activations.ts';
import { GELU_TANH_K0, GELU_TANH_K1 } from './activations.ts';
import { AttributeType, DataType, encodeModel, IR_VERSION, OPSET_VERSION, type OnnxAttribute, type OnnxGraph, type OnnxValueInfo } from './model.ts';
import { assertValidNetwork, type DenseNetwork } from './network.ts';
import { floatTensor } from './tensor.ts';

/** Metadata key whose value is JSON describing the network's convention (see `NetworkMetadata`). */
export const NETWORK_METADATA_KEY = 'sde_studio.network';

/** The JSON stored under `NETWORK_METADATA_KEY`. */
export interface NetworkMetadata {
  format: 'sde-studio.dense-network';
  version: 1;
  inputDim: number;
  time: { kind: DenseNetwork['time']['kind']; frequencies?: number; features: string };
  activations: NetworkActivation[];
}

/** Options of `exportNetworkOnnx`. */
export interface ExportNetworkOptions {
  /** ModelProto.producer_name; default 'SDE Studio'. */
  producer?: string;
  /** ModelProto.doc_string, e.g. what the network was trained on. */
  docString?: string;
}

/** A graph under construction: nodes in order, initializers, and shared scalar constants. */
class GraphBuilder {
  readonly graph: OnnxGraph = { node: [], name: 'score_network', initializer: [], docString: '', input: [], output: [], valueInfo: [] };
  private readonly constants = new Map<number, string>();

  node(opType: string, name: string, input: string[], output: string, attribute: OnnxAttribute[] = []): string {
    this.graph.node.push({ input, output: [output], name, opType, domain: '', attribute, docString: '' });
    return output;
  }

  /** A float32 scalar initializer, shared by every node that needs the same value. */
  scalar(name: string, value: number): string {
    const key = Math.fround(value);
    const existing = this.constants.get(key);
    if (existing) return existing;
    this.graph.initializer.push(floatTensor(name, [], Float32Array.of(value)));
    this.constants.set(key, name);
    return name;
  }
}

/** Appends the nodes of `activation` applied to `h`; returns the name of the result (`out`). */
function emitActivation(b: GraphBuilder, activation: NetworkActivation, h: string, prefix: string, out: string): string {
  const step = (op: string, suffix: string, input: string[], output = `${prefix}.${suffix}`) => b.node(op, output, input, output);
  switch (activation) {
    case 'identity':
      return h;
    case 'relu':
      return step('Relu', 'relu', [h], out);
    case 'tanh':
      return step('Tanh', 'tanh', [h], out);
    case 'softplus':
      return step('Softplus', 'softplus', [h], out);
    case 'silu':
      return step('Mul', 'silu', [h, step('Sigmoid', 'sigmoid', [h])], out);
    case 'gelu': {
      const erf = step('Erf', 'erf', [step('Mul', 'scaled', [h, b.scalar('const.inv_sqrt2', Math.SQRT1_2)])]);
      const gate = step('Add', 'one_plus_erf', [erf, b.scalar('const.one', 1)]);
      return step('Mul', 'gelu', [step('Mul', 'gated', [h, gate]), b.scalar('const.half', 0.5)], out);
    }
    case 'geluTanh': {
      const cube = step('Mul', 'cube', [step('Mul', 'square', [h, h]), h]);
      const inner = step('Add', 'inner', [h, step('Mul', 'cubic_term', [cube, b.scalar('const.gelu_k1', GELU_TANH_K1)])]);
      const tanh = step('Tanh', 'tanh', [step('Mul', 'argument', [inner, b.scalar('const.gelu_k0', GELU_TANH_K0)])]);
      const gate = step('Add', 'one_plus_tanh', [tanh, b.scalar('const.one', 1)]);
      return step('Mul', 'gelu_tanh', [step('Mul', 'gated', [h, gate]), b.scalar('const.half', 0.5)], out);
    }
  }
}

function tensorInput(name: string, dims: (number | string)[]): OnnxValueInfo {
  const shape = dims.map((dim) => (typeof dim === 'number' ? { value: dim } : { param: dim }));
  return { name, type: { elemType: DataType.float, shape }, docString: '' };
}

/** The graph of `net` (no model wrapper); see the module comment for its layout. */
export function networkGraph(net: DenseNetwork): OnnxGraph {
  assertValidNetwork(net);
  const b = new GraphBuilder();
  const d = net.inputDim;
  b.graph.input.push(tensorInput('x', ['batch', d]), tensorInput('t', ['batch', 1]));
  b.graph.output.push(tensorInput('score', ['batch', d]));
  const axis: OnnxAttribute = { name: 'axis', type: AttributeType.int, i: 1 };
  let h: string;
  if (net.time.kind === 'none') {
    h = b.node('Concat', 'features', ['x', 't'], 'features', [axis]);
  } else {
    const k = net.time.frequencies.length;
    b.graph.initializer.push(floatTensor('time.frequencies', [1, k], net.time.frequencies));
    const angle = b.node('Mul', 'time.angle', ['t', 'time.frequencies'], 'time.angle');
    const sin = b.node('Sin', 'time.sin', [angle], 'time.sin');
    const cos = b.node('Cos', 'time.cos', [angle], 'time.cos');
    h = b.node('Concat', 'features', ['x', sin, cos], 'features', [axis]);
  }
  let width = d + (net.time.kind === 'none' ? 1 : 2 * net.time.frequencies.length);
  net.layers.forEach((layer, index) => {
    const prefix = `layers.${index}`;
    const last = index === net.layers.length - 1;
    b.graph.initializer.push(floatTensor(`${prefix}.weight`, [layer.out, width], layer.weight), floatTensor(`${prefix}.bias`, [layer.out], layer.bias));
    const gemmOut = last && layer.activation === 'identity' ? 'score' : `${prefix}.linear`;
    const transB: OnnxAttribute = { name: 'transB', type: AttributeType.int, i: 1 };
    const linear = b.node('Gemm', `${prefix}.linear`, [h, `${prefix}.weight`, `${prefix}.bias`], gemmOut, [transB]);
    h = emitActivation(b, layer.activation, linear, prefix, last ? 'score' : `${prefix}.${layer.activation}`);
    width = layer.out;
  });
  return b.graph;
}

/** What `NETWORK_METADATA_KEY` holds for `net`. */
export function networkMetadata(net: DenseNetwork): NetworkMetadata {
  const time = net.time.kind === 'none'
    ? { kind: net.time.kind, features: '[x, t]' }
    : { kind: net.time.kind, frequencies: net.time.frequencies.length, features: '[x, sin(ω·t), cos(ω·t)], ω = initializer time.frequencies in radians per unit t (no 2π factor)' };
  return { format: 'sde-studio.dense-network', version: 1, inputDim: net.inputDim, time, activations: net.layers.map((l) => l.activation) };
}

/**
 * Serialises `net` as an ONNX model with its weights inside (raw float32 initializers).
 * @example await writeFile('score.onnx', exportNetworkOnnx(net, { docString: 'two moons, VP SDE' }));
 */
export function exportNetworkOnnx(net: DenseNetwork, options: ExportNetworkOptions = {}): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: options.producer ?? 'SDE Studio',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: options.docString ?? '',
    graph: networkGraph(net),
    metadataProps: [{ key: NETWORK_METADATA_KEY, value: JSON.stringify(networkMetadata(net)) }],
  });
}
