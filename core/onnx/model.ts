/**
 * The subset of the ONNX schema (onnx.proto, IR version 8) that SDE Studio reads and writes, as
 * plain TypeScript data. Field numbers live in `encodeModel.ts` / `decodeModel.ts`; fields of the
 * schema that are not listed here are skipped on decode (and so not written back).
 *
 * Names follow onnx.proto in camelCase (`opset_import` → `opsetImport`). Scalars that proto3
 * leaves out when zero / empty decode as 0 / ''.
 */
export { encodeModel } from './encodeModel.ts';
export { decodeModel } from './decodeModel.ts';

/** The IR version we write (ONNX 1.10+); readers accept any. */
export const IR_VERSION = 8;
/** The default-domain operator set we write. */
export const OPSET_VERSION = 17;

/** TensorProto.DataType values that SDE Studio meets (the rest keep their number). */
export const DataType = { undefined: 0, float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, double: 11 } as const;

/** A readable name for a TensorProto.DataType number, e.g. 1 → 'float32'. */
export function dataTypeName(type: number): string {
  const names: Record<number, string> = { 0: 'undefined', 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16' };
  return names[type] ?? `data type ${type}`;
}

/** AttributeProto.AttributeType values. */
export const AttributeType = { undefined: 0, float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7, strings: 8, tensors: 9, graphs: 10 } as const;

/** A whole model file (ModelProto). */
export interface OnnxModel {
  /** ModelProto.ir_version (8 for our exports). */
  irVersion: number;
  /** Operator sets the graph binds against; domain '' is the default ONNX domain. */
  opsetImport: OnnxOpsetId[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  /** The computation; undefined only for a file that has none (which nothing can run). */
  graph: OnnxGraph | undefined;
  /** Free key/value metadata, e.g. `sde_studio.network` → JSON. */
  metadataProps: OnnxStringEntry[];
}

/** OperatorSetIdProto: which version of an operator domain the model uses. */
export interface OnnxOpsetId {
  domain: string;
  version: number;
}

/** StringStringEntryProto. */
export interface OnnxStringEntry {
  key: string;
  value: string;
}

/** GraphProto: nodes in topological order, constant tensors, and the typed interface. */
export interface OnnxGraph {
  node: OnnxNode[];
  name: string;
  /** Constant tensors (weights), referenced by name from node inputs. */
  initializer: OnnxTensor[];
  docString: string;
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  /** Optional type annotations of intermediate values. */
  valueInfo: OnnxValueInfo[];
}

/** NodeProto: one operator application; inputs and outputs are value names ('' = omitted). */
export interface OnnxNode {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  /** '' (the default ONNX domain) for every standard operator. */
  domain: string;
  attribute: OnnxAttribute[];
  docString: string;
}

/**
 * AttributeProto: `type` says which value field is meaningful (the encoder writes that field even
 * when it is zero, as ONNX's proto2 readers expect).
 * @example { name: 'transB', type: AttributeType.int, i: 1 }
 */
export interface OnnxAttribute {
  name: string;
  type: number;
  docString?: string;
  f?: number;
  /** int64; values beyond ±2^53 are rounded. */
  i?: number;
  /** Raw bytes of a string attribute (UTF-8 by convention). */
  s?: Uint8Array;
  t?: OnnxTensor;
  g?: OnnxGraph;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: OnnxTensor[];
  graphs?: OnnxGraph[];
}

/**
 * TensorProto. Row-major; the elements are in `rawData` (little-endian, fixed width) or in the
 * typed field matching `dataType` (float → `floatData`, int32-like → `int32Data`, int64 → `int64Data`).
 * @example { name: 'w', dims: [16, 3], dataType: DataType.float, rawData: bytesOfFloat32Array }
 */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  docString?: string;
  floatData?: Float32Array;
  int32Data?: Int32Array;
  int64Data?: BigInt64Array;
  rawData?: Uint8Array;
  /** Set for tensors stored outside the file (which SDE Studio cannot load). */
  externalData?: OnnxStringEntry[];
  dataLocation?: number;
}

/** ValueInfoProto: a named, typed graph input, output or intermediate. */
export interface OnnxValueInfo {
  name: string;
  /** TypeProto.tensor_type; undefined for non-tensor (sequence/map) or missing types. */
  type: OnnxTensorType | undefined;
  docString: string;
}

/** TypeProto.Tensor. */
export interface OnnxTensorType {
  /** TensorProto.DataType, e.g. 1 = float32. */
  elemType: number;
  /** undefined = unknown rank; otherwise one entry per axis. */
  shape: OnnxDim[] | undefined;
}

/**
 * TensorShapeProto.Dimension: a fixed size, a symbolic name, or neither (unknown).
 * @example [{ param: 'batch' }, { value: 3 }] is [batch, 3]
 */
export interface OnnxDim {
  value?: number;
  param?: string;
  denotation?: string;
}
