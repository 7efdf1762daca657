import { NodeInputError, type FieldDefinition, type Params } from '../core/graph/catalog.ts';
import type { ExternalModelValue } from '../core/compile/externals.ts';
import type { FixedNetworkValue } from '../core/compile/trainValues.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import { matrixType, vectorType, type IRParam, type UnaryOp, type ValueId } from '../core/ir/types.ts';
import { emitMlp, emitTimeEmbedding, timeFrequencies, type MlpActivation, type MlpSpec, type TimeEmbedding } from '../core/nn/mlp.ts';
import { markModelInputs } from '../core/onnx/fieldInputs.ts';
import { decodeModel, encodeModel, importNetworkOnnx, OnnxFormatError, OnnxImportError, type DenseNetwork, type NetworkActivation, type OnnxModel } from '../core/onnx/index.ts';
import { SUPPORTED_OP_TYPES } from '../core/onnx/importNetwork.ts';
import { scoreModelInterface, type ScoreModelInterface } from '../core/onnx/scoreInterface.ts';

/**
 * score.onnx: an imported .onnx file as a field s(x, t). Engine `onnxruntime` runs the file as it
 * is (any operators) with onnxruntime-web each time the field is evaluated; engine `compiled` reads
 * an MLP-shaped file into the IR (fixed weights), so it runs in the generated kernels and is
 * differentiable. The file's interface is checked when the graph is validated (see
 * core/onnx/scoreInterface.ts), its dimension against the state's when the field is lowered.
 */

/** What score.onnx resolves to with engine onnxruntime: the model to run, and its interface for messages. */
interface RuntimeModelValue extends ExternalModelValue {
  description: string;
}

/** What score.onnx resolves to with engine compiled: the network's weights bound as fixed tensors. */
interface CompiledModelValue extends FixedNetworkValue {
  network: DenseNetwork;
  description: string;
  /**
   * emitMlp(spec) is exactly the file's network (the IR train.adam emits for the same weights);
   * otherwise `network` is emitted layer by layer with its own widths, activations and frequencies
   * (`spec` then only names the weight params).
   */
  asMlp: boolean;
}

type ScoreOnnxValue = RuntimeModelValue | CompiledModelValue;

/** IR activations of the file's activations (the IR's gelu is the tanh form; exact GELU has no IR op). */
const IR_ACTIVATION: Partial<Record<NetworkActivation, MlpActivation>> = {
  relu: 'relu', silu: 'silu', tanh: 'tanh', softplus: 'softplus', geluTanh: 'gelu',
};

const USE_RUNTIME = "set engine to 'onnxruntime' to run the file as it is";

/** The decoded file, or a NodeInputError on `file` saying it is not a readable ONNX model. */
function readModel(path: string, bytes: Uint8Array): OnnxModel {
  try {
    return decodeModel(bytes);
  } catch (e) {
    if (!(e instanceof OnnxFormatError)) throw e;
    throw new NodeInputError(`${path} is not a readable ONNX model (${e.message}); export it again (torch.onnx.export, or Save weights in the Training tab)`, 'file');
  }
}

/** The model with its x and t inputs renamed to 'x' and 't' (what the MLP importer looks for). */
function withStandardNames(model: OnnxModel, iface: ScoreModelInterface): OnnxModel {
  const graph = model.graph;
  if (!graph || iface.joined || (iface.inputX === 'x' && iface.inputT === 't')) return model;
  const rename = (name: string) => (name === iface.inputX ? 'x' : name === iface.inputT ? 't' : name);
  return {
    ...model,
    graph: {
      ...graph,
      input: graph.input.map((v) => ({ ...v, name: rename(v.name) })),
      node: graph.node.map((n) => ({ ...n, input: n.input.map(rename) })),
    },
  };
}

/**
 * The MlpSpec of a network (its hidden layers' count, first width and activation: what names the
 * weight params W1, b1, …), whether emitMlp reproduces the network exactly (one width, one
 * activation, score.mlp's sinusoidal frequencies), or why the IR cannot hold it.
 */
function specOf(net: DenseNetwork): { spec: MlpSpec; asMlp: boolean } | { problem: string } {
  const hidden = net.layers.slice(0, -1);
  const last = net.layers.at(-1);
  if (!last || hidden.length === 0) return { problem: 'it has no hidden layer' };
  const missing = net.layers.find((l) => l.activation !== 'identity' && !IR_ACTIVATION[l.activation]);
  if (missing) {
    return { problem: `its activation ${missing.activation === 'gelu' ? "is exact GELU (erf), which the IR has no op for (the tanh form, nn.GELU(approximate='tanh'), compiles)" : `'${missing.activation}' has no IR op`}` };
  }
  const activation = IR_ACTIVATION[hidden[0].activation] ?? 'relu';
  let time: TimeEmbedding = { kind: 'none' };
  let standardTime = true;
  if (net.time.kind !== 'none') {
    const frequencies = net.time.frequencies;
    time = { kind: net.time.kind, size: 2 * frequencies.length };
    // A sinusoidal ladder equal (to float32 rounding) to score.mlp's is emitted exactly as train.adam does.
    const ladder = timeFrequencies({ kind: 'sinusoidal', size: 2 * frequencies.length });
    standardTime = net.time.kind === 'sinusoidal' && ladder.every((w, k) => Math.abs(w - frequencies[k]) <= 1e-6 * Math.max(1, Math.abs(w)));
  }
  const uniform = hidden.every((l) => l.out === hidden[0].out && l.activation === hidden[0].activation) && last.activation === 'identity';
  return { spec: { inputDim: net.inputDim, time, width: hidden[0].out, depth: hidden.length, activation, outputDim: last.out }, asMlp: uniform && standardTime && IR_ACTIVATION[hidden[0].activation] !== undefined };
}

/** Reads and checks the file for the chosen engine (NodeInputError on `file` when it does not fit). */
function resolveScoreOnnx(p: Params, file: (path: string) => Uint8Array | undefined): ScoreOnnxValue {
  const path = p.file as string;
  const bytes = file(path);
  if (!bytes) throw new NodeInputError(`file '${path}' is not available`, 'file');
  const model = readModel(path, bytes);
  let iface: ScoreModelInterface;
  try {
    iface = scoreModelInterface(model, path);
  } catch (e) {
    if (e instanceof OnnxImportError) throw new NodeInputError(e.message, 'file');
    throw e;
  }
  if (iface.dims === undefined) {
    throw new NodeInputError(`${path}: the state dimension d is not fixed in the file (${iface.description}); export it with a fixed d (only the batch axis may be dynamic)`, 'file');
  }
  if (p.engine === 'onnxruntime') {
    return {
      kind: 'external-model', path, bytes, inputX: iface.inputX, inputT: iface.inputT, timeShape: iface.timeShape,
      output: iface.output, dims: iface.dims, description: iface.description,
    };
  }
  const foreign = new Map<string, number>();
  for (const n of model.graph?.node ?? []) {
    const op = n.domain ? `${n.domain}.${n.opType}` : n.opType;
    if (n.domain || !SUPPORTED_OP_TYPES.has(n.opType)) foreign.set(op, (foreign.get(op) ?? 0) + 1);
  }
  if (foreign.size > 0) {
    const ops = [...foreign].map(([op, count]) => (count > 1 ? `${op} (${count} nodes)` : op)).join(', ');
    throw new NodeInputError(`${path} is not an MLP: it uses the operator${foreign.size > 1 ? 's' : ''} ${ops}, which engine 'compiled' cannot import `
      + '(it takes Gemm or MatMul layers with Relu, Tanh, Sigmoid·x (SiLU), Softplus or tanh-GELU activations, and Concat, Sin, Cos for time features); '
      + USE_RUNTIME, 'file');
  }
  let network: DenseNetwork;
  try {
    network = importNetworkOnnx(encodeModel(withStandardNames(model, iface)), { inputDim: iface.dims, source: path });
  } catch (e) {
    if (!(e instanceof OnnxImportError) && !(e instanceof OnnxFormatError)) throw e;
    throw new NodeInputError(`${e.message.replace(/[.;]?$/, '.')} Engine 'compiled' takes only MLP-shaped models; ${USE_RUNTIME}.`, 'file');
  }
  const shape = specOf(network);
  if ('problem' in shape) throw new NodeInputError(`${path} is an MLP, but ${shape.problem}; engine 'compiled' cannot hold it, ${USE_RUNTIME}`, 'file');
  return {
    kind: 'fixed-network', spec: shape.spec, path, network, description: iface.description, asMlp: shape.asMlp,
    weights: network.layers.flatMap((l) => [Float32Array.from(l.weight), Float32Array.from(l.bias)]),
  };
}

/** The scalars x as one vector value, reusing the state vector they index when they are exactly it (as train.adam). */
function asVector(b: IRBuilder, xs: readonly ValueId[]): ValueId {
  const first = b.node(xs[0]);
  const whole = first.op === 'index' && b.shapeOf(first.args[0])[0] === xs.length
    && xs.every((x, j) => b.node(x).op === 'index' && b.node(x).args[0] === first.args[0] && b.node(x).index === j);
  return whole ? first.args[0] : b.stack(xs);
}

/** The compiled network at (x, t): emitMlp when that is exactly the file's network, else layer by layer. */
function emitCompiled(b: IRBuilder, value: CompiledModelValue, x: ValueId, t: ValueId, weights: (params: IRParam[]) => ValueId[]): ValueId {
  const { spec, network } = value;
  let width = spec.inputDim + (network.time.kind === 'none' ? 1 : 2 * network.time.frequencies.length);
  const params = network.layers.flatMap((layer, l) => {
    const pair = [{ name: `W${l + 1}`, type: matrixType(layer.out, width) }, { name: `b${l + 1}`, type: vectorType(layer.out) }];
    width = layer.out;
    return pair;
  });
  const w = weights(params);
  if (value.asMlp) return emitMlp(b, spec, w, x, t);
  const time = network.time;
  let h = b.concat([x, time.kind === 'none' ? t : emitTimeEmbedding(b, t, [...time.frequencies])]);
  network.layers.forEach((layer, l) => {
    const z = b.add(b.matmul(w[2 * l], h), w[2 * l + 1]);
    const activation = IR_ACTIVATION[layer.activation];
    h = activation ? b.unary(activation as UnaryOp, z) : z;
  });
  return h;
}

/** An imported .onnx network as a score or drift field. */
export const scoreOnnx: FieldDefinition = {
  role: 'field', type: 'score.onnx', title: 'Score network (ONNX file)',
  doc: 'A score s(x, t) (or a velocity field) from an .onnx file, e.g. one written by train.adam (<train node>.onnx) or exported from PyTorch. '
    + 'The file needs float32 inputs x [N, d] and t [N, 1] or [N] (found by name, else by shape; or one input [N, d+1] = [x, t]) and one float32 output [N, d]; '
    + 'N may be a dynamic axis, d must equal the state dimension. engine onnxruntime runs the file as it is, with any operators, in onnxruntime-web (WebAssembly, float32) '
    + 'each time the field is evaluated; engine compiled reads an MLP (Gemm/MatMul layers with ReLU, SiLU, tanh, softplus or tanh-GELU, optional sin/cos time features) '
    + 'into the graph\'s IR as fixed weights, so it runs in the generated kernels (like a trained network) and is differentiable. '
    + 'With onnxruntime the solver runs on the batched CPU integrator, whatever the backend.',
  inputs: [],
  outputs: [
    { name: 'score', type: 'score', doc: 'The file\'s network as a score s(x, t) (for process.reverse_sde, process.probability_flow, predictor–corrector).' },
    { name: 'drift', type: 'drift', doc: 'The file\'s network as a drift / velocity field v(x, t) (e.g. a flow-matching model, straight into an ODE solver).' },
  ],
  params: [
    { name: 'file', kind: 'file', default: '', extensions: ['.onnx'], doc: 'The .onnx file, relative to the graph file.' },
    {
      name: 'engine', kind: 'enum', default: 'onnxruntime', options: ['onnxruntime', 'compiled'],
      doc: 'onnxruntime: run the file in onnxruntime-web at each field evaluation (any operators). compiled: import an MLP-shaped file into the IR '
        + '(runs in our kernels, differentiable; other graphs are refused with the operators that do not fit).',
    },
  ],
  resolve: (p, ctx) => resolveScoreOnnx(p, (path) => ctx.file(path)),
  // The file fixes d, but the problem is reported here (on `file`) when the field is lowered rather
  // than as a disagreement between the solver's inputs, so that the message can say what the file has.
  dimension: () => undefined,
  field: (p, b, x, t, dims, ctx) => {
    const value = ctx.value as ScoreOnnxValue | undefined;
    if (!value) throw new Error('score.onnx: the node has no resolved model');
    const d = value.kind === 'fixed-network' ? value.spec.inputDim : value.dims;
    if (d !== dims) {
      throw new NodeInputError(`${p.file} computes a field of dimension ${d} (${value.description}), but the state here has dimension ${dims}; use a model of dimension ${dims} or a ${d}-dimensional state`, 'file');
    }
    if (!ctx.weights) throw new Error('score.onnx: this context cannot bind weights');
    const bind = ctx.weights.bind(ctx);
    if (value.kind === 'fixed-network') return b.elements(emitCompiled(b, value, asVector(b, x), t, (params) => bind(b, params)));
    const [out] = bind(b, [{ name: 'onnx', type: vectorType(dims) }]);
    if (!markModelInputs(b, out, x, t)) {
      throw new NodeInputError(`${p.file} is evaluated at two different points in one field; engine 'onnxruntime' computes one per field evaluation, use engine 'compiled'`, 'engine');
    }
    return b.elements(out);
  },
};

export const ONNX_SCORES = [scoreOnnx];
