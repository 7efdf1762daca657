/**
 * Numeric tables from files: `.npy` arrays and delimited text (`.csv`, `.tsv`, `.txt`), as
 * rows × cols float64 numbers, e.g. a data set with one point per row for a source node.
 *
 * `.npy` (format 1.0, 2.0 or 3.0): float32/float64 and signed or unsigned integers of 1 to 8 bytes,
 * either byte order, C or Fortran order; a 2-D array is [rows, cols], a 1-D array one column.
 * Everything is refused with a message rather than guessed at: other dtypes and ranks, empty
 * arrays, NaN and infinities (with the row and column of the first), data of the wrong length.
 */
import { readCsv, TableFormatError } from './csv.ts';

export { TableFormatError } from './csv.ts';

/** A table of numbers read from a file. */
export interface Table {
  /** rows × cols numbers in row-major order, all finite. */
  data: Float64Array;
  rows: number;
  cols: number;
  /** Column names, when a text file has a header row. */
  header?: string[];
}

/** The extensions `readTable` reads, lower case with the dot. */
export const TABLE_EXTENSIONS = ['.npy', '.csv', '.tsv', '.txt'] as const;

/**
 * Reads a numeric table; the extension of `name` picks the format.
 *
 * @throws TableFormatError saying what is wrong and where (file, line and column, or row and column)
 * @example readTable(readFileSync('moons.npy'), 'moons.npy') // { data, rows: 1000, cols: 2 }
 */
export function readTable(bytes: Uint8Array, name: string): Table {
  const extension = /\.[^./\\]+$/.exec(name)?.[0].toLowerCase() ?? '';
  if (extension === '.npy') return readNpyTable(bytes, name);
  if (extension === '.csv' || extension === '.tsv' || extension === '.txt') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new TableFormatError(`${name}: the file is not UTF-8 text; save it as a plain-text table or as .npy`, { file: name });
    }
    return readCsv(text, { file: name });
  }
  throw new TableFormatError(
    `${name}: cannot read '${extension || 'files without an extension'}' as a table; use ${TABLE_EXTENSIONS.join(', ')}`,
    { file: name },
  );
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** Reads element i of a typed view of the data (float64 result). */
type ElementReader = (view: DataView, offset: number) => number;

/** Readers by dtype kind and size, for little-endian (true) or big-endian (false) data. */
function elementReader(kind: string, size: number, little: boolean): ElementReader | undefined {
  switch (`${kind}${size}`) {
    case 'f4': return (v, o) => v.getFloat32(o, little);
    case 'f8': return (v, o) => v.getFloat64(o, little);
    case 'i1': return (v, o) => v.getInt8(o);
    case 'u1': return (v, o) => v.getUint8(o);
    case 'i2': return (v, o) => v.getInt16(o, little);
    case 'u2': return (v, o) => v.getUint16(o, little);
    case 'i4': return (v, o) => v.getInt32(o, little);
    case 'u4': return (v, o) => v.getUint32(o, little);
    // 64-bit integers beyond 2^53 become the nearest float64, like NumPy's astype(float64).
    case 'i8': return (v, o) => Number(v.getBigInt64(o, little));
    case 'u8': return (v, o) => Number(v.getBigUint64(o, little));
    default: return undefined;
  }
}

function readNpyTable(bytes: Uint8Array, file: string): Table {
  const fail = (message: string): never => { throw new TableFormatError(`${file}: ${message}`, { file }); };
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (it does not start with "\\x93NUMPY")');
  const major = bytes[6];
  if (major < 1 || major > 3 || bytes[7] !== 0) fail(`.npy format version ${bytes[6]}.${bytes[7]} is not supported; only 1.0, 2.0 and 3.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail('the .npy header is truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (bytes.length < dataStart) fail(`the .npy header is truncated (${headerLength} bytes announced, ${bytes.length - 8 - lengthBytes} present)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataStart));
  const field = (key: string, pattern: string) => new RegExp(`['"]${key}['"]\\s*:\\s*(${pattern})`).exec(header)?.[1] ?? fail(`the .npy header has no readable '${key}': ${clip(header.trim())}`);

  const descr = field('descr', `'[^']*'|"[^"]*"|\\[`);
  if (descr === '[') fail('structured arrays (several named fields) are not supported; save a plain numeric array');
  // '<' little-endian, '>' big-endian, '|' not applicable (1-byte types), '=' native (little here).
  const dtype = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr.slice(1, -1));
  const order = dtype?.[1] ?? '';
  const size = Number(dtype?.[3] ?? 0);
  const read = dtype && !(order === '|' && size > 1) ? elementReader(dtype[2], size, order !== '>') : undefined;
  if (!read) fail(`dtype ${descr} is not supported; save float32, float64 or an integer type, e.g. arr.astype('float64')`);
  const fortran = field('fortran_order', 'True|False') === 'True';
  const tuple = field('shape', '\\([^)]*\\)');
  const parts = tuple.slice(1, -1).split(',').map((p) => p.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // (N,)
  if (parts.length === 1 && parts[0] === '') parts.pop(); // ()
  if (!parts.every((p) => /^\d+$/.test(p))) fail(`the .npy shape ${tuple} is not a tuple of non-negative integers`);
  const shape = parts.map(Number);
  if (shape.length === 0 || shape.length > 2) {
    fail(`the array has shape ${tuple} (${shape.length} dimensions); a table needs 1 (one column) or 2 (rows, columns), e.g. arr.reshape(len(arr), -1)`);
  }
  const [rows, cols] = shape.length === 1 ? [shape[0], 1] : [shape[0], shape[1]];
  if (rows === 0 || cols === 0) fail(`the array is empty (shape ${tuple}); a table needs at least one row and one column`);
  const count = rows * cols;
  const dataBytes = bytes.length - dataStart;
  if (dataBytes !== count * size) {
    fail(`shape ${tuple} of ${descr} needs ${count * size} data bytes but the file has ${dataBytes} (${dataBytes < count * size ? 'truncated' : 'trailing bytes'})`);
  }
  const data = new Float64Array(count);
  const reader = read as ElementReader;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const value = reader(view, dataStart + (fortran ? c * rows + r : r * cols + c) * size);
      if (!Number.isFinite(value)) {
        const index = shape.length === 1 ? `[${r}]` : `[${r}, ${c}]`;
        fail(`row ${r + 1}, column ${c + 1} (index ${index}) is ${value}; the table must hold finite numbers only`);
      }
      data[r * cols + c] = value;
    }
  }
  return { data, rows, cols };
}

const clip = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);
