/**
 * A summary of an ONNX file for the UI (what goes in, what comes out, which operators) and the
 * shape formatting that the importer's error messages share.
 */
import { dataTypeName, decodeModel, type OnnxGraph, type OnnxModel, type OnnxValueInfo } from './model.ts';

/** One graph input or output. */
export interface OnnxValueSummary {
  name: string;
  /** e.g. 'float32'; 'unknown' when the file gives no tensor type. */
  dtype: string;
  /**
   * One entry per axis: a size, a symbolic name ('batch'), or null when unknown; null for the
   * whole shape when the rank is unknown.
   */
  shape: (number | string | null)[] | null;
}

/** What `inspectOnnx` reports. */
export interface OnnxSummary {
  irVersion: number;
  /** Version of the default ('ai.onnx') operator set, or null when the file imports none. */
  opsetVersion: number | null;
  /** producer_name and producer_version, e.g. 'pytorch 1.13.1'. */
  producer: string;
  /** Graph inputs that are fed at run time (initializers listed as inputs are left out). */
  inputs: OnnxValueSummary[];
  outputs: OnnxValueSummary[];
  /** Distinct operator types, sorted, e.g. ['Gemm', 'Mul', 'Sigmoid']. */
  opTypes: string[];
  nodeCount: number;
  initializerCount: number;
  /** metadata_props as an object. */
  metadata: Record<string, string>;
}

/** Summarises a value's type. */
export function summariseValue(value: OnnxValueInfo): OnnxValueSummary {
  const type = value.type;
  if (!type) return { name: value.name, dtype: 'unknown', shape: null };
  const shape = type.shape ? type.shape.map((dim) => dim.value ?? (dim.param || null)) : null;
  return { name: value.name, dtype: dataTypeName(type.elemType), shape };
}

/** '[batch, 3]', '[?, 3]' for an unknown axis, 'an unknown shape' when the rank is unknown. */
export function formatShape(shape: OnnxValueSummary['shape']): string {
  if (!shape) return 'an unknown shape';
  return `[${shape.map((dim) => (dim === null ? '?' : String(dim))).join(', ')}]`;
}

/** "'x' float32 [batch, 3]". */
export function describeValue(value: OnnxValueSummary): string {
  return `'${value.name}' ${value.dtype} ${formatShape(value.shape)}`;
}

/** The graph inputs that are not initializers (IR < 4 files list weights as inputs too). */
export function runtimeInputs(graph: OnnxGraph): OnnxValueInfo[] {
  const initializers = new Set(graph.initializer.map((t) => t.name));
  return graph.input.filter((input) => !initializers.has(input.name));
}

/** The summary of an already decoded model. */
export function summariseModel(model: OnnxModel): OnnxSummary {
  const graph = model.graph;
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return {
    irVersion: model.irVersion,
    opsetVersion: opset ? opset.version : null,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    inputs: graph ? runtimeInputs(graph).map(summariseValue) : [],
    outputs: graph ? graph.output.map(summariseValue) : [],
    opTypes: graph ? [...new Set(graph.node.map((n) => (n.domain ? `${n.domain}.${n.opType}` : n.opType)))].sort() : [],
    nodeCount: graph ? graph.node.length : 0,
    initializerCount: graph ? graph.initializer.length : 0,
    metadata: Object.fromEntries(model.metadataProps.map((e) => [e.key, e.value])),
  };
}

/**
 * Decodes `bytes` and summarises the model (throws `OnnxFormatError` for a malformed file).
 * @example inspectOnnx(bytes).inputs // [{ name: 'x', dtype: 'float32', shape: ['batch', 2] }, …]
 */
export function inspectOnnx(bytes: Uint8Array): OnnxSummary {
  return summariseModel(decodeModel(bytes));
}
