/**
 * Bytes → ONNX model, for untrusted files: unknown fields are skipped, malformed input throws
 * `OnnxFormatError` (see `protobuf.ts` for the bounds). Repeated scalars are accepted packed or not.
 */
import type { OnnxAttribute, OnnxDim, OnnxGraph, OnnxModel, OnnxNode, OnnxOpsetId, OnnxStringEntry, OnnxTensor, OnnxTensorType, OnnxValueInfo } from './model.ts';
import { OnnxFormatError, ProtoReader } from './protobuf.ts';

/**
 * Parses an ONNX model file. Throws `OnnxFormatError` when the bytes are not a ModelProto.
 * @example const model = decodeModel(new Uint8Array(await file.arrayBuffer()));
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  if (bytes.length === 0) throw new OnnxFormatError('ModelProto: the file is empty');
  const r = new ProtoReader(bytes, 'ModelProto');
  const model: OnnxModel = { irVersion: 0, opsetImport: [], producerName: '', producerVersion: '', domain: '', modelVersion: 0, docString: '', graph: undefined, metadataProps: [] };
  while (r.next()) {
    switch (r.field) {
      case 1: model.irVersion = r.int(); break;
      case 2: model.producerName = r.string(); break;
      case 3: model.producerVersion = r.string(); break;
      case 4: model.domain = r.string(); break;
      case 5: model.modelVersion = r.int(); break;
      case 6: model.docString = r.string(); break;
      case 7: model.graph = readGraph(r.message('GraphProto')); break;
      case 8: model.opsetImport.push(readOpset(r.message('OperatorSetIdProto'))); break;
      case 14: model.metadataProps.push(readEntry(r.message('StringStringEntryProto'))); break;
      default: r.skip();
    }
  }
  if (model.irVersion <= 0) throw new OnnxFormatError('ModelProto: no ir_version; this is not an ONNX model file');
  return model;
}

function readOpset(r: ProtoReader): OnnxOpsetId {
  const opset = { domain: '', version: 0 };
  while (r.next()) {
    if (r.field === 1) opset.domain = r.string();
    else if (r.field === 2) opset.version = r.int();
    else r.skip();
  }
  return opset;
}

function readEntry(r: ProtoReader): OnnxStringEntry {
  const entry = { key: '', value: '' };
  while (r.next()) {
    if (r.field === 1) entry.key = r.string();
    else if (r.field === 2) entry.value = r.string();
    else r.skip();
  }
  return entry;
}

function readGraph(r: ProtoReader): OnnxGraph {
  const graph: OnnxGraph = { node: [], name: '', initializer: [], docString: '', input: [], output: [], valueInfo: [] };
  while (r.next()) {
    switch (r.field) {
      case 1: graph.node.push(readNode(r.message('NodeProto'))); break;
      case 2: graph.name = r.string(); break;
      case 5: graph.initializer.push(readTensor(r.message('TensorProto'))); break;
      case 10: graph.docString = r.string(); break;
      case 11: graph.input.push(readValueInfo(r.message('ValueInfoProto'))); break;
      case 12: graph.output.push(readValueInfo(r.message('ValueInfoProto'))); break;
      case 13: graph.valueInfo.push(readValueInfo(r.message('ValueInfoProto'))); break;
      default: r.skip();
    }
  }
  return graph;
}

function readNode(r: ProtoReader): OnnxNode {
  const node: OnnxNode = { input: [], output: [], name: '', opType: '', domain: '', attribute: [], docString: '' };
  while (r.next()) {
    switch (r.field) {
      case 1: node.input.push(r.string()); break;
      case 2: node.output.push(r.string()); break;
      case 3: node.name = r.string(); break;
      case 4: node.opType = r.string(); break;
      case 5: node.attribute.push(readAttribute(r.message('AttributeProto'))); break;
      case 6: node.docString = r.string(); break;
      case 7: node.domain = r.string(); break;
      default: r.skip();
    }
  }
  return node;
}

function readAttribute(r: ProtoReader): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0 };
  while (r.next()) {
    switch (r.field) {
      case 1: a.name = r.string(); break;
      case 2: a.f = r.float(); break;
      case 3: a.i = r.int(); break;
      case 4: a.s = r.bytesField(); break;
      case 5: a.t = readTensor(r.message('TensorProto')); break;
      case 6: a.g = readGraph(r.message('GraphProto')); break;
      case 7: appendAll((a.floats ??= []), r.floats()); break;
      case 8: appendAll((a.ints ??= []), r.ints()); break;
      case 9: (a.strings ??= []).push(r.bytesField()); break;
      case 10: (a.tensors ??= []).push(readTensor(r.message('TensorProto'))); break;
      case 11: (a.graphs ??= []).push(readGraph(r.message('GraphProto'))); break;
      case 13: a.docString = r.string(); break;
      case 20: a.type = r.int(); break;
      default: r.skip();
    }
  }
  return a;
}

function readTensor(r: ProtoReader): OnnxTensor {
  const tensor: OnnxTensor = { name: '', dims: [], dataType: 0 };
  const floats: Float32Array[] = [];
  const int32s: number[] = [];
  const int64s: bigint[] = [];
  while (r.next()) {
    switch (r.field) {
      case 1: appendAll(tensor.dims, r.ints()); break;
      case 2: tensor.dataType = r.int(); break;
      case 4: floats.push(r.floats()); break;
      case 5: appendAll(int32s, r.ints()); break;
      case 7: appendAll(int64s, r.intsBig()); break;
      case 8: tensor.name = r.string(); break;
      case 9: tensor.rawData = r.bytesField(); break;
      case 12: tensor.docString = r.string(); break;
      case 13: (tensor.externalData ??= []).push(readEntry(r.message('StringStringEntryProto'))); break;
      case 14: tensor.dataLocation = r.int(); break;
      default: r.skip();
    }
  }
  if (floats.length > 0) tensor.floatData = concatFloats(floats);
  if (int32s.length > 0) tensor.int32Data = Int32Array.from(int32s);
  if (int64s.length > 0) tensor.int64Data = BigInt64Array.from(int64s);
  return tensor;
}

/** push(...values) without the argument-count limit of a spread. */
function appendAll<T>(list: T[], values: ArrayLike<T>): void {
  for (let i = 0; i < values.length; i++) list.push(values[i]);
}

function concatFloats(chunks: Float32Array[]): Float32Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((offset, chunk) => (out.set(chunk, offset), offset + chunk.length), 0);
  return out;
}

function readValueInfo(r: ProtoReader): OnnxValueInfo {
  const value: OnnxValueInfo = { name: '', type: undefined, docString: '' };
  while (r.next()) {
    if (r.field === 1) value.name = r.string();
    else if (r.field === 2) value.type = readType(r.message('TypeProto'));
    else if (r.field === 3) value.docString = r.string();
    else r.skip();
  }
  return value;
}

/** TypeProto: only tensor_type (field 1) is kept; sequence and map types decode as undefined. */
function readType(r: ProtoReader): OnnxTensorType | undefined {
  let type: OnnxTensorType | undefined;
  while (r.next()) {
    if (r.field !== 1) {
      r.skip();
      continue;
    }
    const t = r.message('TypeProto.Tensor');
    type = { elemType: 0, shape: undefined };
    while (t.next()) {
      if (t.field === 1) type.elemType = t.int();
      else if (t.field === 2) type.shape = readShape(t.message('TensorShapeProto'));
      else t.skip();
    }
  }
  return type;
}

function readShape(r: ProtoReader): OnnxDim[] {
  const dims: OnnxDim[] = [];
  while (r.next()) {
    if (r.field !== 1) {
      r.skip();
      continue;
    }
    const d = r.message('TensorShapeProto.Dimension');
    const dim: OnnxDim = {};
    while (d.next()) {
      if (d.field === 1) dim.value = d.int();
      else if (d.field === 2) dim.param = d.string();
      else if (d.field === 3) dim.denotation = d.string();
      else d.skip();
    }
    dims.push(dim);
  }
  return dims;
}
