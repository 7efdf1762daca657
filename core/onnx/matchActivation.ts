/**
 * Recognises the activation between two linear layers, whatever nodes spell it.
 *
 * Exporters decompose activations differently (SiLU as Sigmoid + Mul; GELU as Div, Erf, Add, Mul;
 * tanh-GELU with Pow or Mul chains). Instead of matching each spelling, we collect the elementwise
 * nodes that depend only on the layer output h and on scalar constants, evaluate that little
 * function in float64 on probe points, and compare it with every known activation.
 */
import { activate, erfc, NETWORK_ACTIVATIONS, type NetworkActivation } from './activations.ts';
import { describeNode, type GraphIndex } from './graphIndex.ts';
import { OnnxImportError } from './tensor.ts';

type Unary = (x: number) => number;

const UNARY: Record<string, Unary> = {
  Identity: (x) => x,
  Relu: (x) => Math.max(x, 0),
  Tanh: Math.tanh,
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Softplus: (x) => activate('softplus', x),
  Erf: (x) => 1 - erfc(x),
  Exp: Math.exp,
  Log: Math.log,
  Neg: (x) => -x,
  Abs: Math.abs,
  Sqrt: Math.sqrt,
  Reciprocal: (x) => 1 / x,
};

const BINARY: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: Math.pow,
};

/** The operator types that may appear inside an activation. */
export const ACTIVATION_OP_TYPES: readonly string[] = [...Object.keys(UNARY), ...Object.keys(BINARY)];

/** Probe points: dense where activations differ most, out to ±8 where they saturate. */
const PROBES = Float64Array.from({ length: 81 }, (_, i) => -8 + i * 0.2);

/** What `matchActivation` found: the activation, the value it ends in, and the nodes it claimed. */
export interface ActivationMatch {
  activation: NetworkActivation;
  output: string;
  nodes: number[];
}

/**
 * The activation applied to `h`: claims the elementwise region hanging off `h` and identifies it.
 * An empty region is `identity` with `output = h`. `where` names the layer for error messages.
 */
export function matchActivation(index: GraphIndex, h: string, graphOutputs: ReadonlySet<string>, where: string): ActivationMatch {
  const values = new Map<string, Float64Array>([[h, PROBES]]);
  const region: number[] = [];
  index.nodes.forEach((node, i) => {
    if (index.used.has(i) || node.domain !== '' || node.output.length !== 1) return;
    const operands = node.input.map((name) => values.get(name) ?? index.scalar(name));
    if (operands.some((v) => v === undefined) || !node.input.some((name) => values.has(name))) return;
    const unary = UNARY[node.opType];
    const binary = BINARY[node.opType];
    const at = (k: number, p: number) => {
      const v = operands[k] as Float64Array | number;
      return typeof v === 'number' ? v : v[p];
    };
    let result: Float64Array;
    if (unary && operands.length === 1) result = PROBES.map((_, p) => unary(at(0, p)));
    else if (binary && operands.length === 2) result = PROBES.map((_, p) => binary(at(0, p), at(1, p)));
    else return;
    values.set(node.output[0], result);
    region.push(i);
  });
  // Values of the region read from outside it (or returned by the graph): there must be one.
  const inRegion = new Set(region);
  const exits = [...values.keys()].filter((value) => graphOutputs.has(value) || index.openConsumers(value).some((c) => !inRegion.has(c)));
  if (region.length === 0) return { activation: 'identity', output: h, nodes: [] };
  const names = region.map((i) => describeNode(index.nodes[i], i)).join(', ');
  if (exits.length !== 1 || exits[0] === h) {
    const read = exits.map((e) => `'${e}'`).join(', ');
    throw new OnnxImportError(`${where}: the activation ${names} after '${h}' is not a single chain: ${read} are each read further on (a branch or residual connection); only a plain chain of layers can be imported`);
  }
  const output = exits[0];
  const computed = values.get(output) as Float64Array;
  const activation = NETWORK_ACTIVATIONS.find((candidate) =>
    PROBES.every((x, p) => Math.abs(computed[p] - activate(candidate, x)) <= 1e-5 * (1 + Math.abs(activate(candidate, x)))),
  );
  if (!activation) {
    throw new OnnxImportError(`${where}: the nodes ${names} compute an elementwise function that is none of the supported activations (${NETWORK_ACTIVATIONS.join(', ')})`);
  }
  for (const i of region) index.used.add(i);
  return { activation, output, nodes: region };
}
