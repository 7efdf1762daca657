/**
 * Recognises one linear layer reading the value h: Gemm(h, W, b) in either weight layout, or the
 * MatMul(h, W) + Add(·, b) that PyTorch emits for nn.Linear on inputs of rank ≠ 2.
 */
import { describeNode, type GraphIndex } from './graphIndex.ts';
import type { OnnxNode } from './model.ts';
import { OnnxImportError } from './tensor.ts';

/** A linear layer in DenseNetwork layout, and the value holding its result. */
export interface LinearMatch {
  /** [out, in] row-major. */
  weight: Float32Array;
  bias: Float32Array;
  out: number;
  in: number;
  output: string;
}

/** W stored [in, out] → [out, in]. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/** A bias of `out` values from a constant of shape [out], [1, out] or a single broadcast value. */
function readBias(index: GraphIndex, name: string, out: number, where: string): Float32Array {
  const bias = index.constant(name, `${where} bias`);
  if (bias.values.length === out) return Float32Array.from(bias.values);
  if (bias.values.length === 1) return new Float32Array(out).fill(bias.values[0]);
  throw new OnnxImportError(`${where}: bias '${name}' has shape [${bias.dims.join(', ')}] but the layer has ${out} outputs`);
}

function readWeight(index: GraphIndex, node: OnnxNode, nodeIndex: number, name: string, where: string) {
  if (!index.isConstant(name)) throw new OnnxImportError(`${where}: ${describeNode(node, nodeIndex)} multiplies by '${name}', which is not a constant weight`);
  const weight = index.constant(name, `${where} weight`);
  if (weight.dims.length !== 2) throw new OnnxImportError(`${where}: weight '${name}' has shape [${weight.dims.join(', ')}], expected a matrix`);
  return weight;
}

/**
 * The linear layer that is the only open consumer of `h`, claimed; undefined when that consumer is
 * not a Gemm or MatMul. `width` is the width of h when known (checked against the weight).
 */
export function matchLinear(index: GraphIndex, h: string, width: number | undefined, where: string): LinearMatch | undefined {
  const consumers = index.openConsumers(h);
  if (consumers.length !== 1) return undefined;
  const nodeIndex = consumers[0];
  const node = index.nodes[nodeIndex];
  if (node.domain !== '' || (node.opType !== 'Gemm' && node.opType !== 'MatMul') || node.input[0] !== h || node.output.length !== 1) return undefined;
  const weight = readWeight(index, node, nodeIndex, node.input[1], where);
  const claimed = [nodeIndex];
  let matrix: Float32Array;
  let bias: Float32Array;
  let output = node.output[0];
  let [rows, cols] = weight.dims;
  if (node.opType === 'Gemm') {
    if (index.intAttribute(node, 'transA', 0) !== 0) throw new OnnxImportError(`${where}: ${describeNode(node, nodeIndex)} transposes its input (transA = 1)`);
    const transB = index.intAttribute(node, 'transB', 0) !== 0;
    if (!transB) [rows, cols] = [cols, rows];
    matrix = transB ? Float32Array.from(weight.values) : transpose(weight.values, cols, rows);
    const alpha = index.floatAttribute(node, 'alpha', 1);
    const beta = index.floatAttribute(node, 'beta', 1);
    if (alpha !== 1) matrix = matrix.map((w) => alpha * w);
    bias = node.input[2] ? readBias(index, node.input[2], rows, where) : new Float32Array(rows);
    if (beta !== 1) bias = bias.map((b) => beta * b);
  } else {
    [rows, cols] = [cols, rows];
    matrix = transpose(weight.values, cols, rows);
    bias = new Float32Array(rows);
    const adds = index.openConsumers(output);
    const add = adds.length === 1 ? index.nodes[adds[0]] : undefined;
    if (add && add.opType === 'Add' && add.domain === '' && add.input.length === 2) {
      const other = add.input[0] === output ? add.input[1] : add.input[0];
      if (index.isConstant(other)) {
        bias = readBias(index, other, rows, where);
        output = add.output[0];
        claimed.push(adds[0]);
      }
    }
  }
  if (width !== undefined && cols !== width) {
    throw new OnnxImportError(`${where}: weight '${weight.name}' takes ${cols} inputs but the layer's input has ${width} features`);
  }
  for (const i of claimed) index.used.add(i);
  return { weight: matrix, bias, out: rows, in: cols, output };
}
