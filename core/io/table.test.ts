import { describe, expect, test } from 'vitest';
import { encodeNpy } from './npy.ts';
import { readTable, TableFormatError, type Table } from './table.ts';

/** `.npy` bytes with any header dict and payload (the writer in npy.ts only makes valid floats). */
function npy(dict: string, payload: Uint8Array, version: 1 | 2 = 1): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  const unpadded = 8 + lengthBytes + dict.length + 1;
  const header = dict.padEnd(dict.length + ((64 - (unpadded % 64)) % 64), ' ') + '\n';
  const bytes = new Uint8Array(8 + lengthBytes + header.length + payload.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[8 + lengthBytes + i] = header.charCodeAt(i);
  bytes.set(payload, 8 + lengthBytes + header.length);
  return bytes;
}

const dict = (descr: string, shape: string, fortran = false) => `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;

/** Integers 0..n-1 (times `sign`) as `size`-byte integers in either byte order. */
function integers(n: number, size: number, little: boolean, signed: boolean, sign = 1): Uint8Array {
  const view = new DataView(new ArrayBuffer(n * size));
  for (let i = 0; i < n; i++) {
    const v = sign * i;
    if (size === 1) { if (signed) view.setInt8(i, v); else view.setUint8(i, v); }
    if (size === 2) { if (signed) view.setInt16(2 * i, v, little); else view.setUint16(2 * i, v, little); }
    if (size === 4) { if (signed) view.setInt32(4 * i, v, little); else view.setUint32(4 * i, v, little); }
    if (size === 8) { if (signed) view.setBigInt64(8 * i, BigInt(v), little); else view.setBigUint64(8 * i, BigInt(v), little); }
  }
  return new Uint8Array(view.buffer);
}

function errorOf(bytes: Uint8Array, name: string): TableFormatError {
  try {
    readTable(bytes, name);
  } catch (error) {
    expect(error).toBeInstanceOf(TableFormatError);
    return error as TableFormatError;
  }
  throw new Error(`readTable accepted ${name}`);
}

const text = (s: string) => new TextEncoder().encode(s);

describe('readTable reads .npy', () => {
  test('float64 and float32 2-D arrays as [rows, cols]', () => {
    const values = [1, 2, 3, 4.5, -5, 6];
    expect(readTable(encodeNpy(Float64Array.from(values), [3, 2]), 'x.npy')).toEqual({ data: Float64Array.from(values), rows: 3, cols: 2 });
    expect(readTable(encodeNpy(Float32Array.from(values), [2, 3]), 'x.NPY')).toEqual({ data: Float64Array.from(values), rows: 2, cols: 3 });
  });

  test('a 1-D array is one column', () => {
    expect(readTable(encodeNpy(Float64Array.from([7, 8, 9]), [3]), 'x.npy')).toEqual({ data: Float64Array.from([7, 8, 9]), rows: 3, cols: 1 });
  });

  test('signed and unsigned integers of 1, 2, 4 and 8 bytes, little- and big-endian', () => {
    for (const size of [1, 2, 4, 8]) {
      for (const signed of [true, false]) {
        for (const order of size === 1 ? ['|'] : ['<', '>']) {
          const descr = `${order}${signed ? 'i' : 'u'}${size}`;
          const sign = signed ? -1 : 1;
          const t = readTable(npy(dict(descr, '(3, 2)'), integers(6, size, order === '<', signed, sign)), 'ints.npy');
          expect(t, descr).toEqual({ data: Float64Array.from([0, 1, 2, 3, 4, 5], (v) => sign * v + 0), rows: 3, cols: 2 });
        }
      }
    }
  });

  test('big-endian floats, Fortran order, format 2.0', () => {
    const view = new DataView(new ArrayBuffer(16));
    view.setFloat64(0, 1.5, false);
    view.setFloat64(8, -2, false);
    expect(Array.from(readTable(npy(dict('>f8', '(2,)'), new Uint8Array(view.buffer)), 'be.npy').data)).toEqual([1.5, -2]);
    // Fortran order stores columns one after the other: [[1, 2, 3], [4, 5, 6]] as 1 4 2 5 3 6.
    const fortran = npy(dict('<f8', '(2, 3)', true), new Uint8Array(Float64Array.from([1, 4, 2, 5, 3, 6]).buffer));
    expect(readTable(fortran, 'f.npy')).toEqual({ data: Float64Array.from([1, 2, 3, 4, 5, 6]), rows: 2, cols: 3 });
    const v2 = npy(dict('<f4', '(1, 2)'), new Uint8Array(Float32Array.from([3, 4]).buffer), 2);
    expect(readTable(v2, 'v2.npy')).toEqual({ data: Float64Array.from([3, 4]), rows: 1, cols: 2 });
  });

  test('an unaligned view into a larger buffer (a Node Buffer slice)', () => {
    const inner = encodeNpy(Float64Array.from([1, 2]), [1, 2]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect(readTable(outer.subarray(3), 'x.npy')).toEqual({ data: Float64Array.from([1, 2]), rows: 1, cols: 2 });
  });
});

describe('readTable refuses .npy files, saying why', () => {
  test('ranks other than 1 and 2, with the shape', () => {
    expect(errorOf(encodeNpy(new Float64Array(24), [2, 3, 4]), 'cube.npy').message)
      .toBe('cube.npy: the array has shape (2, 3, 4) (3 dimensions); a table needs 1 (one column) or 2 (rows, columns), e.g. arr.reshape(len(arr), -1)');
    expect(errorOf(encodeNpy(Float64Array.from([1]), []), 's.npy').message).toMatch(/^s\.npy: the array has shape \(\) \(0 dimensions\)/);
  });

  test('empty arrays', () => {
    expect(errorOf(encodeNpy(new Float64Array(0), [0, 2]), 'e.npy').message).toBe('e.npy: the array is empty (shape (0, 2)); a table needs at least one row and one column');
    expect(errorOf(encodeNpy(new Float64Array(0), [4, 0]), 'e.npy').message).toMatch(/shape \(4, 0\)/);
    expect(errorOf(encodeNpy(new Float64Array(0), [0]), 'e.npy').message).toMatch(/shape \(0,\)/);
  });

  test('NaN and infinities, at the first one', () => {
    expect(errorOf(encodeNpy(Float64Array.from([1, 2, NaN, 4, Infinity, 6]), [3, 2]), 'n.npy').message)
      .toBe('n.npy: row 2, column 1 (index [1, 0]) is NaN; the table must hold finite numbers only');
    expect(errorOf(encodeNpy(Float32Array.from([1, -Infinity]), [2]), 'n.npy').message)
      .toBe('n.npy: row 2, column 1 (index [1]) is -Infinity; the table must hold finite numbers only');
  });

  test('dtypes other than floats and integers', () => {
    for (const descr of ['<c16', '<U3', '|b1', '<f2', '|O', '<M8[ns]', '|i2']) {
      expect(errorOf(npy(dict(descr, '(1,)'), new Uint8Array(16)), 'd.npy').message, descr).toMatch(/^d\.npy: dtype '.*' is not supported; save float32, float64 or an integer type/);
    }
    expect(errorOf(npy("{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), 'd.npy').message).toMatch(/structured arrays/);
  });

  test('wrong magic, version, truncation and trailing bytes', () => {
    const good = encodeNpy(Float64Array.from([1, 2, 3, 4]), [2, 2]);
    expect(errorOf(text('x,y\n1,2\n'), 'fake.npy').message).toBe('fake.npy: not a .npy file (it does not start with "\\x93NUMPY")');
    const v4 = good.slice();
    v4[6] = 4;
    expect(errorOf(v4, 'v.npy').message).toBe('v.npy: .npy format version 4.0 is not supported; only 1.0, 2.0 and 3.0');
    expect(errorOf(good.subarray(0, good.length - 3), 't.npy').message).toBe('t.npy: shape (2, 2) of \'<f8\' needs 32 data bytes but the file has 29 (truncated)');
    expect(errorOf(Uint8Array.from([...good, 0]), 't.npy').message).toMatch(/has 33 \(trailing bytes\)$/);
    expect(errorOf(good.subarray(0, 40), 't.npy').message).toMatch(/^t\.npy: the \.npy header is truncated \(118 bytes announced, 30 present\)$/);
    expect(errorOf(npy("{'descr': '<f8', 'shape': (2,), }", new Uint8Array(16)), 'h.npy').message).toMatch(/has no readable 'fortran_order'/);
    expect(errorOf(npy(dict('<f8', '(2, -1)'), new Uint8Array(16)), 'h.npy').message).toMatch(/shape \(2, -1\) is not a tuple of non-negative integers/);
  });
});

describe('readTable reads delimited text', () => {
  test('.csv, .tsv and .txt through readCsv, with the file name in errors', () => {
    expect(readTable(text('x,y\n1,2\n'), 'data/points.csv')).toEqual({ data: Float64Array.from([1, 2]), rows: 1, cols: 2, header: ['x', 'y'] });
    expect(readTable(text('1\t2\n3\t4\n'), 'a.tsv')).toMatchObject({ rows: 2, cols: 2 });
    expect(readTable(text('1 2\n3 4\n'), 'a.TXT')).toMatchObject({ rows: 2, cols: 2 });
    expect(errorOf(text('1,2\n3,nan\n'), 'p.csv').message).toBe("p.csv: line 2, column 2: 'nan' is not a finite number");
  });

  test('text that is not UTF-8, unknown extensions', () => {
    expect(errorOf(Uint8Array.from([0x31, 0x2c, 0xff, 0x0a]), 'bad.csv').message).toBe('bad.csv: the file is not UTF-8 text; save it as a plain-text table or as .npy');
    expect(errorOf(text('[1, 2]'), 'points.json').message).toBe("points.json: cannot read '.json' as a table; use .npy, .csv, .tsv, .txt");
    expect(errorOf(text('1,2'), 'points').message).toBe("points: cannot read 'files without an extension' as a table; use .npy, .csv, .tsv, .txt");
  });
});

/** mulberry32: a small seeded PRNG for the fuzz. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz: mutated files never throw anything but TableFormatError', () => {
  const csvSeeds = [
    'x,y\r\n1,2.5\r\n-3e-2,+4\r\n', '"a ""q""";b\n1;2\n# c\n3;4\n', ',x,y\n0,1,2\n1,3,4\n', '1 2 3\n4 5 6\n', 'v\n1\n2\n',
  ];
  const npySeeds = [
    encodeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [3, 2]), encodeNpy(Float32Array.from([1, 2, 3]), [3]),
    npy(dict('>i4', '(2, 2)', true), integers(4, 4, false, true)), npy(dict('|u1', '(4,)'), integers(4, 1, true, false), 2),
  ];
  const alphabet = [...',;\t "#\r\n.-+eE0123456789naifx(),\'', '\u00ff', '\u0000'].map((c) => c.charCodeAt(0));

  function mutate(source: Uint8Array, random: () => number): Uint8Array {
    const bytes = Array.from(source);
    const edits = 1 + Math.floor(random() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (bytes.length + 1));
      switch (Math.floor(random() * 5)) {
        case 0: bytes[at] = Math.floor(random() * 256); break; // any byte
        case 1: bytes.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]); break;
        case 2: bytes.splice(at, 1 + Math.floor(random() * 4)); break;
        case 3: bytes.length = at; break; // truncate
        default: bytes.splice(at, 0, ...bytes.slice(at, at + 1 + Math.floor(random() * 12))); // repeat a run
      }
    }
    return Uint8Array.from(bytes.filter((b) => b !== undefined));
  }

  function check(result: Table): void {
    expect(result.rows).toBeGreaterThan(0);
    expect(result.cols).toBeGreaterThan(0);
    expect(result.data.length).toBe(result.rows * result.cols);
    expect(result.data.every(Number.isFinite)).toBe(true);
    if (result.header) expect(result.header.length).toBe(result.cols);
  }

  test('400 mutated CSV files and 400 mutated .npy files, under 3 s', () => {
    const random = mulberry32(12345);
    const started = performance.now();
    const outcomes = { read: 0, refused: 0 };
    for (let k = 0; k < 800; k++) {
      const isNpy = k % 2 === 1;
      const source = isNpy ? npySeeds[k % npySeeds.length] : text(csvSeeds[k % csvSeeds.length]);
      const bytes = mutate(source, random);
      const name = isNpy ? 'fuzz.npy' : 'fuzz.csv';
      try {
        check(readTable(bytes, name));
        outcomes.read++;
      } catch (error) {
        if (!(error instanceof TableFormatError)) throw new Error(`${name} [${Array.from(bytes).join(',')}] threw ${String(error)}`);
        expect(error.message.startsWith(`${name}: `)).toBe(true);
        outcomes.refused++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: ${outcomes.read} read, ${outcomes.refused} refused in ${seconds.toFixed(3)} s`);
    expect(outcomes.read).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(seconds).toBeLessThan(3);
  });
});
