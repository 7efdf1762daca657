/**
 * An indexed view of an ONNX graph for pattern matching: who produces and who consumes each value,
 * which values are constants (initializers or Constant nodes), and which nodes a recognised pattern
 * has already claimed.
 */
import { DataType, type OnnxGraph, type OnnxNode, type OnnxTensor } from './model.ts';
import { OnnxImportError, readFloatTensor } from './tensor.ts';

/** A float32 constant: its shape and values. */
export interface ConstantValue {
  name: string;
  dims: number[];
  values: Float32Array;
}

/** "Gemm 'layers.0.linear'" (or "Gemm #3" for an unnamed node). */
export function describeNode(node: OnnxNode, index: number): string {
  return `${node.domain ? `${node.domain}.` : ''}${node.opType} ${node.name ? `'${node.name}'` : `#${index}`}`;
}

/** The tensor a Constant node holds (value, value_float or value_floats), if it is one of those. */
function constantNodeTensor(node: OnnxNode): OnnxTensor | undefined {
  if (node.opType !== 'Constant' || node.domain !== '' || node.output.length !== 1) return undefined;
  const attribute = node.attribute[0];
  if (node.attribute.length !== 1 || !attribute) return undefined;
  const name = node.output[0];
  if (attribute.name === 'value' && attribute.t) return { ...attribute.t, name };
  if (attribute.name === 'value_float' && attribute.f !== undefined) return { name, dims: [], dataType: DataType.float, floatData: Float32Array.of(attribute.f) };
  if (attribute.name === 'value_floats' && attribute.floats) return { name, dims: [attribute.floats.length], dataType: DataType.float, floatData: Float32Array.from(attribute.floats) };
  return undefined;
}

/** Producers, consumers and constants of one graph. */
export class GraphIndex {
  readonly nodes: readonly OnnxNode[];
  /** Indices of nodes claimed by a recognised pattern. */
  readonly used = new Set<number>();
  private readonly consumers = new Map<string, number[]>();
  private readonly producers = new Map<string, number>();
  private readonly constants = new Map<string, OnnxTensor>();
  private readonly constantNodes = new Set<number>();

  constructor(graph: OnnxGraph) {
    this.nodes = graph.node;
    for (const tensor of graph.initializer) this.constants.set(tensor.name, tensor);
    graph.node.forEach((node, index) => {
      for (const input of node.input) {
        if (!input) continue;
        const list = this.consumers.get(input) ?? [];
        // A node reading the same value twice (Mul(h, h)) is one consumer.
        if (list.at(-1) !== index) list.push(index);
        this.consumers.set(input, list);
      }
      for (const output of node.output) {
        if (!output) continue;
        if (this.producers.has(output) || this.constants.has(output)) {
          throw new OnnxImportError(`the value '${output}' is produced twice (by ${describeNode(node, index)} and earlier); the graph is not valid ONNX`);
        }
        this.producers.set(output, index);
      }
      const tensor = constantNodeTensor(node);
      if (tensor) {
        this.constants.set(tensor.name, tensor);
        this.constantNodes.add(index);
      }
    });
  }

  /** Nodes reading `value` that no pattern has claimed yet. */
  openConsumers(value: string): number[] {
    return (this.consumers.get(value) ?? []).filter((index) => !this.used.has(index));
  }

  /** The index of the node producing `value`, if a node does. */
  producerOf(value: string): number | undefined {
    return this.producers.get(value);
  }

  isConstant(value: string): boolean {
    return this.constants.has(value);
  }

  /** True for Constant nodes (they are claimed implicitly, by whoever reads their value). */
  isConstantNode(index: number): boolean {
    return this.constantNodes.has(index);
  }

  /** The float32 values of a constant; `where` names its role for error messages. */
  constant(value: string, where: string): ConstantValue {
    const tensor = this.constants.get(value);
    if (!tensor) throw new OnnxImportError(`${where} '${value}' is not a constant (initializer or Constant node)`);
    return { name: value, dims: tensor.dims, values: readFloatTensor(tensor, where) };
  }

  /** A scalar-like float constant (1 element) or undefined: the operands of activation formulas. */
  scalar(value: string): number | undefined {
    const tensor = this.constants.get(value);
    if (!tensor || tensor.dataType !== DataType.float || tensor.dims.reduce((n, d) => n * d, 1) !== 1) return undefined;
    try {
      return readFloatTensor(tensor, 'constant')[0];
    } catch {
      return undefined;
    }
  }

  /** An int attribute of a node, or `fallback` when absent. */
  intAttribute(node: OnnxNode, name: string, fallback: number): number {
    return node.attribute.find((a) => a.name === name)?.i ?? fallback;
  }

  /** A float attribute of a node, or `fallback` when absent. */
  floatAttribute(node: OnnxNode, name: string, fallback: number): number {
    return node.attribute.find((a) => a.name === name)?.f ?? fallback;
  }
}
