/**
 * ONNX model → bytes. Fields are written in field-number order and repeated scalars the way ONNX's
 * own (proto2) serializer writes them: `dims` and attribute lists unpacked, tensor data packed.
 * Field numbers are those of onnx.proto (IR version 8).
 */
import { AttributeType, type OnnxAttribute, type OnnxDim, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxStringEntry, type OnnxTensor, type OnnxTensorType, type OnnxValueInfo } from './model.ts';
import { ProtoWriter } from './protoWriter.ts';

/** Serialises a model to the ONNX protobuf format; deterministic (same model → same bytes). */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  if (model.producerName) w.string(2, model.producerName);
  if (model.producerVersion) w.string(3, model.producerVersion);
  if (model.domain) w.string(4, model.domain);
  if (model.modelVersion) w.int(5, model.modelVersion);
  if (model.docString) w.string(6, model.docString);
  const graph = model.graph;
  if (graph) w.message(7, (g) => writeGraph(g, graph));
  for (const opset of model.opsetImport) {
    w.message(8, (o) => {
      if (opset.domain) o.string(1, opset.domain);
      o.int(2, opset.version);
    });
  }
  for (const entry of model.metadataProps) w.message(14, (e) => writeEntry(e, entry));
  return w.finish();
}

function writeEntry(w: ProtoWriter, entry: OnnxStringEntry): void {
  if (entry.key) w.string(1, entry.key);
  if (entry.value) w.string(2, entry.value);
}

function writeGraph(w: ProtoWriter, graph: OnnxGraph): void {
  for (const node of graph.node) w.message(1, (n) => writeNode(n, node));
  if (graph.name) w.string(2, graph.name);
  for (const tensor of graph.initializer) w.message(5, (t) => writeTensor(t, tensor));
  if (graph.docString) w.string(10, graph.docString);
  for (const value of graph.input) w.message(11, (v) => writeValueInfo(v, value));
  for (const value of graph.output) w.message(12, (v) => writeValueInfo(v, value));
  for (const value of graph.valueInfo) w.message(13, (v) => writeValueInfo(v, value));
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const name of node.input) w.string(1, name);
  for (const name of node.output) w.string(2, name);
  if (node.name) w.string(3, node.name);
  if (node.opType) w.string(4, node.opType);
  for (const attribute of node.attribute) w.message(5, (a) => writeAttribute(a, attribute));
  if (node.docString) w.string(6, node.docString);
  if (node.domain) w.string(7, node.domain);
}

/** The value field that `type` names is written even when zero (proto2 presence). */
function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  if (a.f !== undefined || a.type === AttributeType.float) w.float(2, a.f ?? 0);
  if (a.i !== undefined || a.type === AttributeType.int) w.int(3, a.i ?? 0);
  if (a.s !== undefined || a.type === AttributeType.string) w.bytes(4, a.s ?? new Uint8Array());
  const t = a.t;
  if (t) w.message(5, (inner) => writeTensor(inner, t));
  const g = a.g;
  if (g) w.message(6, (inner) => writeGraph(inner, g));
  for (const value of a.floats ?? []) w.float(7, value);
  for (const value of a.ints ?? []) w.int(8, value);
  for (const value of a.strings ?? []) w.bytes(9, value);
  for (const tensor of a.tensors ?? []) w.message(10, (inner) => writeTensor(inner, tensor));
  for (const graph of a.graphs ?? []) w.message(11, (inner) => writeGraph(inner, graph));
  if (a.docString) w.string(13, a.docString);
  w.int(20, a.type);
}

function writeTensor(w: ProtoWriter, tensor: OnnxTensor): void {
  for (const dim of tensor.dims) w.int(1, dim);
  if (tensor.dataType) w.int(2, tensor.dataType);
  if (tensor.floatData) w.packedFloats(4, tensor.floatData);
  if (tensor.int32Data) w.packedInts(5, tensor.int32Data);
  if (tensor.int64Data) w.packedInts(7, tensor.int64Data);
  if (tensor.name) w.string(8, tensor.name);
  if (tensor.rawData) w.bytes(9, tensor.rawData);
  if (tensor.docString) w.string(12, tensor.docString);
  for (const entry of tensor.externalData ?? []) w.message(13, (e) => writeEntry(e, entry));
  if (tensor.dataLocation) w.int(14, tensor.dataLocation);
}

function writeValueInfo(w: ProtoWriter, value: OnnxValueInfo): void {
  if (value.name) w.string(1, value.name);
  const type = value.type;
  if (type) w.message(2, (t) => t.message(1, (tensor) => writeTensorType(tensor, type)));
  if (value.docString) w.string(3, value.docString);
}

function writeTensorType(w: ProtoWriter, type: OnnxTensorType): void {
  if (type.elemType) w.int(1, type.elemType);
  const shape = type.shape;
  if (shape) w.message(2, (s) => shape.forEach((dim) => s.message(1, (d) => writeDim(d, dim))));
}

function writeDim(w: ProtoWriter, dim: OnnxDim): void {
  if (dim.value !== undefined) w.int(1, dim.value);
  if (dim.param !== undefined) w.string(2, dim.param);
  if (dim.denotation) w.string(3, dim.denotation);
}
