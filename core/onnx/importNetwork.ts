/**
 * ONNX → DenseNetwork. Recognises MLP-shaped graphs: our own exports, and PyTorch exports of
 * nn.Sequential(Linear, activation, …, Linear) taking either one input [N, d+1] = [x, t] or two
 * inputs x [N, d], t [N, 1] joined by Concat (optionally with sin/cos time features).
 * Anything else is refused with an `OnnxImportError` that names the nodes it could not place.
 */
import { ACTIVATION_OP_TYPES, matchActivation } from './matchActivation.ts';
import { describeNode, GraphIndex } from './graphIndex.ts';
import { checkInterface, type ImportExpectations } from './importInterface.ts';
import { matchLinear } from './matchLinear.ts';
import { matchTimeFeatures } from './matchTime.ts';
import { decodeModel } from './model.ts';
import { networkProblems, type DenseLayer, type DenseNetwork, type TimeFeatures } from './network.ts';
import { OnnxImportError } from './tensor.ts';

export { OnnxImportError } from './tensor.ts';
export { inspectOnnx, type OnnxSummary, type OnnxValueSummary } from './inspect.ts';
export type { ImportExpectations } from './importInterface.ts';

/** Operator types the importer can place (everything else is reported as unsupported). */
export const SUPPORTED_OP_TYPES: ReadonlySet<string> = new Set(['Gemm', 'MatMul', 'Concat', 'Sin', 'Cos', 'Constant', ...ACTIVATION_OP_TYPES]);

/**
 * Reads a score network from ONNX bytes. Throws `OnnxFormatError` for a malformed file and
 * `OnnxImportError` for a model that is not a supported MLP or does not fit `expected`.
 * @example const net = importNetworkOnnx(bytes, { inputDim: 2, source: 'score.onnx' });
 */
export function importNetworkOnnx(bytes: Uint8Array, expected: ImportExpectations = {}): DenseNetwork {
  const model = decodeModel(bytes);
  const source = expected.source ?? 'the model';
  const graph = model.graph;
  if (!graph) throw new OnnxImportError(`${source} has no graph`);
  const foreign = model.opsetImport.filter((o) => o.domain !== '' && o.domain !== 'ai.onnx');
  const iface = checkInterface(graph, expected, source);
  let index: GraphIndex;
  try {
    index = new GraphIndex(graph);
  } catch (error) {
    throw error instanceof OnnxImportError ? new OnnxImportError(`${source}: ${error.message}`) : error;
  }
  try {
    let time: TimeFeatures = { kind: 'none' };
    let h = iface.input;
    let width = iface.width;
    if (iface.kind === 'xt') {
      const features = matchTimeFeatures(index, iface.x, iface.t, model.metadataProps);
      time = features.time;
      h = features.output;
      width = iface.inputDim === undefined ? undefined : iface.inputDim + (time.kind === 'none' ? 1 : 2 * time.frequencies.length);
    }
    const layers = walkLayers(index, h, width, iface.output);
    const inputDim = layers.at(-1)?.out ?? 0;
    const net: DenseNetwork = { inputDim, time, layers };
    const problems = networkProblems(net);
    if (problems.length > 0) throw new OnnxImportError(`the layers do not form a consistent network: ${problems.join('; ')}`);
    if (expected.inputDim !== undefined && inputDim !== expected.inputDim) {
      throw new OnnxImportError(`it computes a score of dimension ${inputDim}, but the state here has dimension ${expected.inputDim}`);
    }
    return net;
  } catch (error) {
    if (!(error instanceof OnnxImportError)) throw error;
    throw new OnnxImportError(`${source}: ${unsupportedSummary(index, foreign.map((o) => o.domain)) ?? error.message}`);
  }
}

/** Walks Linear → activation → Linear … from `h` to the graph output, claiming every node on the way. */
function walkLayers(index: GraphIndex, start: string, startWidth: number | undefined, output: string): DenseLayer[] {
  const outputs = new Set([output]);
  const layers: DenseLayer[] = [];
  let h = start;
  let width = startWidth;
  for (;;) {
    const open = index.openConsumers(h);
    if (h === output && open.length === 0) break;
    const where = `layer ${layers.length}`;
    const linear = matchLinear(index, h, width, where);
    if (!linear) {
      const readers = open.map((i) => describeNode(index.nodes[i], i));
      throw new OnnxImportError(readers.length === 0
        ? `the chain of layers ends at '${h}', which is not the graph output '${output}'`
        : `after '${h}' expected one Gemm or MatMul (${where}), found ${readers.join(', ')}`);
    }
    const act = matchActivation(index, linear.output, outputs, where);
    layers.push({ weight: linear.weight, bias: linear.bias, out: linear.out, activation: act.activation });
    h = act.output;
    width = linear.out;
  }
  const leftover = index.nodes.map((_, i) => i).filter((i) => !index.used.has(i) && !index.isConstantNode(i));
  if (leftover.length > 0) {
    throw new OnnxImportError(`nodes outside the chain of layers: ${leftover.map((i) => describeNode(index.nodes[i], i)).join(', ')}; only a plain MLP can be imported`);
  }
  return layers;
}

/** When the graph uses operators the importer never accepts, a message listing those nodes. */
function unsupportedSummary(index: GraphIndex, foreignDomains: string[]): string | undefined {
  const unsupported = index.nodes
    .map((node, i) => ({ node, i }))
    .filter(({ node }) => node.domain !== '' || !SUPPORTED_OP_TYPES.has(node.opType));
  if (unsupported.length === 0) return undefined;
  const types = [...new Set(unsupported.map(({ node }) => (node.domain ? `${node.domain}.${node.opType}` : node.opType)))];
  const shown = unsupported.slice(0, 10).map(({ node, i }) => describeNode(node, i));
  const more = unsupported.length > shown.length ? ` and ${unsupported.length - shown.length} more` : '';
  const domains = foreignDomains.length > 0 ? ` (operator domains ${foreignDomains.join(', ')})` : '';
  return `unsupported operator${types.length > 1 ? 's' : ''} ${types.join(', ')}${domains} in ${shown.join(', ')}${more}. `
    + 'A score network must be an MLP: Gemm or MatMul+Add layers with Relu, Tanh, Sigmoid·x (SiLU), Softplus or GELU activations.';
}
