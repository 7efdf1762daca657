/**
 * NumPy `.npy` format version 1.0, for float32 and float64 little-endian C-order arrays only.
 *
 * Layout: magic "\x93NUMPY", version bytes 1 0, a u16 little-endian header length, then an ASCII
 * Python dict literal padded with spaces and ending in "\n" so the data starts on a 64-byte
 * boundary, then the raw data. Anything else is rejected rather than guessed at, because a
 * silently misread trajectory file is worse than an error.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREAMBLE_BYTES = 10; // magic (6) + version (2) + header length (2)
const ALIGNMENT = 64;
// Data is always stored little-endian; copy bytes straight through when the host agrees.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A decoded `.npy` array: flat C-order data and its shape (empty for a 0-d scalar). */
export interface NpyArray {
  /** Elements in C (row-major) order. */
  data: Float32Array | Float64Array;
  /** Dimensions, e.g. [particles, dims]; [] for a scalar. */
  shape: number[];
}

/** Formats a shape as a Python tuple: (), (N,), (N, d). */
function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encodes a float32 or float64 array as `.npy` v1.0 bytes (little-endian, C order).
 *
 * @param shape dimensions whose product must equal data.length; [] writes a 0-d scalar
 * @throws RangeError if the shape is not non-negative integers matching data.length
 * @example writeFileSync('x.npy', encodeNpy(positions, [particles, 3]))
 */
export function encodeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  for (const [axis, size] of shape.entries()) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`encodeNpy: shape[${axis}] = ${size} is not a non-negative integer.`);
    }
  }
  const count = shape.reduce((product, size) => product * size, 1);
  if (count !== data.length) {
    throw new RangeError(
      `encodeNpy: shape ${shapeTuple(shape)} holds ${count} elements but data has ${data.length}.`,
    );
  }
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  // Pad with spaces so that preamble + header (including the final "\n") is a multiple of 64.
  const unpadded = PREAMBLE_BYTES + dict.length + 1;
  const headerLength = dict.length + 1 + ((ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT);
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  if (headerLength > 0xffff) {
    throw new RangeError(`encodeNpy: header of ${headerLength} bytes does not fit format 1.0.`);
  }
  const bytes = new Uint8Array(PREAMBLE_BYTES + headerLength + data.byteLength);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, headerLength, true);
  for (let i = 0; i < headerLength; i++) bytes[PREAMBLE_BYTES + i] = header.charCodeAt(i);
  const offset = PREAMBLE_BYTES + headerLength;
  if (HOST_IS_LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
  } else {
    const view = new DataView(bytes.buffer, offset);
    const size = data.BYTES_PER_ELEMENT;
    for (let i = 0; i < data.length; i++) {
      if (size === 4) view.setFloat32(i * 4, data[i], true);
      else view.setFloat64(i * 8, data[i], true);
    }
  }
  return bytes;
}

/** Thrown for any `.npy` input this reader does not accept; the message says why. */
export class NpyFormatError extends Error {
  override name = 'NpyFormatError';
}

/** Pulls `'key': value` out of the header dict, or fails naming the missing key. */
function headerField(header: string, key: string, pattern: string): string {
  const match = new RegExp(`'${key}'\\s*:\\s*(${pattern})`).exec(header);
  if (match === null) {
    throw new NpyFormatError(`decodeNpy: header has no readable '${key}' entry: ${header.trim()}`);
  }
  return match[1];
}

/** Parses the header dict into element size and shape, rejecting unsupported layouts. */
function parseHeader(header: string): { itemSize: 4 | 8; shape: number[] } {
  const rawDescr = headerField(header, 'descr', "'[^']*'|\\[");
  if (rawDescr === '[') {
    throw new NpyFormatError('decodeNpy: structured dtypes are not supported; save a plain float array.');
  }
  const descr = rawDescr.slice(1, -1);
  if (descr === '>f4' || descr === '>f8') {
    throw new NpyFormatError(
      `decodeNpy: big-endian dtype '${descr}' is not supported; save with ` +
        `arr.astype('<${descr.slice(1)}') first.`,
    );
  }
  if (descr !== '<f4' && descr !== '<f8') {
    throw new NpyFormatError(
      `decodeNpy: dtype '${descr}' is not supported; only float32 ('<f4') and float64 ('<f8').`,
    );
  }
  if (headerField(header, 'fortran_order', 'True|False') === 'True') {
    throw new NpyFormatError(
      'decodeNpy: Fortran-order arrays are not supported; save numpy.ascontiguousarray(arr).',
    );
  }
  const tuple = headerField(header, 'shape', '\\([^)]*\\)');
  const inner = tuple.slice(1, -1).trim();
  const parts = inner === '' ? [] : inner.split(',');
  // A Python 1-tuple is written with a trailing comma: (N,).
  if (parts.length > 1 && parts[parts.length - 1].trim() === '') parts.pop();
  if (!parts.every((part) => /^\s*\d+\s*$/.test(part))) {
    throw new NpyFormatError(`decodeNpy: shape ${tuple} is not a tuple of non-negative integers.`);
  }
  const shape = parts.map(Number);
  return { itemSize: descr === '<f4' ? 4 : 8, shape };
}

/**
 * Decodes `.npy` v1.0 bytes holding a little-endian, C-order float32 or float64 array.
 *
 * @throws NpyFormatError for bad magic, another format version, big-endian or other dtypes,
 *   Fortran order, or data that is shorter or longer than the shape says
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < PREAMBLE_BYTES || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new NpyFormatError('decodeNpy: not a .npy file (missing the "\\x93NUMPY" magic).');
  }
  if (bytes[6] !== 1 || bytes[7] !== 0) {
    throw new NpyFormatError(
      `decodeNpy: format version ${bytes[6]}.${bytes[7]} is not supported; only 1.0.`,
    );
  }
  const headerLength = bytes[8] | (bytes[9] << 8);
  const offset = PREAMBLE_BYTES + headerLength;
  if (bytes.length < offset) {
    throw new NpyFormatError(`decodeNpy: truncated header (${headerLength} bytes announced).`);
  }
  const header = new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, offset));
  const { itemSize, shape } = parseHeader(header);
  const count = shape.reduce((product, size) => product * size, 1);
  const dataBytes = bytes.length - offset;
  if (dataBytes !== count * itemSize) {
    throw new NpyFormatError(
      `decodeNpy: shape (${shape.join(', ')}) needs ${count * itemSize} data bytes but the file ` +
        `has ${dataBytes} (${dataBytes < count * itemSize ? 'truncated' : 'trailing bytes'}).`,
    );
  }
  // Copy into a fresh, aligned buffer: the input's byteOffset may not be a multiple of 8, and
  // bytes.slice() would not copy when bytes is a Node Buffer (its slice returns a view).
  const raw = new Uint8Array(dataBytes);
  raw.set(bytes.subarray(offset));
  const data = itemSize === 4 ? new Float32Array(count) : new Float64Array(count);
  if (HOST_IS_LITTLE_ENDIAN) {
    data.set(itemSize === 4 ? new Float32Array(raw.buffer) : new Float64Array(raw.buffer));
  } else {
    const view = new DataView(raw.buffer);
    for (let i = 0; i < count; i++) {
      data[i] = itemSize === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
    }
  }
  return { data, shape };
}
