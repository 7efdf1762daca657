/**
 * Float32 tensors in and out of TensorProto, and the error type of the importer (a file that is
 * valid ONNX but not a network SDE Studio can use).
 */
import { DataType, dataTypeName, type OnnxTensor } from './model.ts';

/** A well-formed ONNX model that is not a score network we can import; the message says why. */
export class OnnxImportError extends Error {
  override name = 'OnnxImportError';
}

/** Number of elements of a tensor of shape `dims` ([] = a scalar, 1 element). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/**
 * A float32 initializer with its values in raw_data (little-endian), the compact form.
 * @example floatTensor('layers.0.bias', [16], bias)
 */
export function floatTensor(name: string, dims: number[], data: Float32Array): OnnxTensor {
  if (data.length !== elementCount(dims)) throw new RangeError(`tensor '${name}': ${data.length} values for shape [${dims.join(', ')}]`);
  const rawData = new Uint8Array(data.length * 4);
  const view = new DataView(rawData.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return { name, dims, dataType: DataType.float, rawData };
}

/** The values of a float32 tensor, from raw_data or float_data, checked against its shape. */
export function readFloatTensor(tensor: OnnxTensor, where: string): Float32Array {
  const label = `${where} '${tensor.name}'`;
  if (tensor.dataLocation === 1 || tensor.externalData?.length) {
    throw new OnnxImportError(`${label} keeps its values in an external file; save the model with the weights inside the .onnx file`);
  }
  if (tensor.dataType !== DataType.float) {
    throw new OnnxImportError(`${label} is ${dataTypeName(tensor.dataType)}, but networks are imported as float32 (export the model in float32)`);
  }
  if (tensor.dims.some((d) => !Number.isInteger(d) || d < 0)) throw new OnnxImportError(`${label} has an invalid shape [${tensor.dims.join(', ')}]`);
  const count = elementCount(tensor.dims);
  let values: Float32Array;
  if (tensor.rawData) {
    if (tensor.rawData.length !== count * 4) {
      throw new OnnxImportError(`${label} has ${tensor.rawData.length} bytes of raw_data, but shape [${tensor.dims.join(', ')}] needs ${count * 4}`);
    }
    // DataView reads little-endian whatever the host's byte order.
    values = new Float32Array(count);
    const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.length);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
  } else {
    values = tensor.floatData ?? new Float32Array();
    if (values.length !== count) {
      throw new OnnxImportError(`${label} has ${values.length} float_data values, but shape [${tensor.dims.join(', ')}] needs ${count}`);
    }
  }
  return values;
}
