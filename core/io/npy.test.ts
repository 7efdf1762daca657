import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from './npy.ts';

const PYTHON = '/usr/bin/python3';
const tempDir = mkdtempSync(path.join(tmpdir(), 'sde-npy-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** Runs a Python snippet with numpy; fails loudly (never skips) when numpy is missing. */
function python(script: string, ...args: string[]): string {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `${PYTHON} cannot import numpy, which these interoperability tests need; ` +
        `install it with "apt-get install python3-numpy". (${String(error)})`,
    );
  }
  return execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
}

/** Replaces the header text of an encoded file, keeping its length (and so the alignment). */
function withHeader(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const copy = bytes.slice();
  const header = new TextDecoder().decode(copy.subarray(10, 10 + (copy[8] | (copy[9] << 8))));
  expect(header).toContain(from);
  const patched = header.replace(from, to.padEnd(from.length, ' '));
  copy.set(new TextEncoder().encode(patched), 10);
  return copy;
}

describe('encodeNpy / decodeNpy', () => {
  it('round-trips float32 and float64 of several shapes, including special values', () => {
    const values = [0, -0, 1.5, -1 / 3, Number.NaN, Infinity, -Infinity, 1e-300, 6, 7, 8, 9];
    const cases: [Float32Array | Float64Array, number[]][] = [
      [Float64Array.from(values), [4, 3]],
      [Float32Array.from(values), [2, 3, 2]],
      [Float64Array.from(values), [12]],
      [Float32Array.of(2.5), []],
      [new Float64Array(0), [0, 3]],
    ];
    for (const [data, shape] of cases) {
      const bytes = encodeNpy(data, shape);
      expect((bytes[8] | (bytes[9] << 8)) % 64).toBe(54); // 10 + header length ≡ 0 (mod 64)
      const decoded = decodeNpy(bytes);
      expect(decoded.shape).toEqual(shape);
      expect(decoded.data.constructor).toBe(data.constructor);
      expect(Array.from(decoded.data)).toEqual(Array.from(data)); // toEqual tells -0 from 0
    }
  });

  it('writes the header numpy writes', () => {
    const bytes = encodeNpy(new Float32Array(6), [3, 2]);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + (bytes[8] | (bytes[9] << 8))));
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }");
    expect(header.endsWith('\n')).toBe(true);
    expect(new TextDecoder().decode(encodeNpy(new Float64Array(2), [2]))).toContain("'shape': (2,), }");
    expect(new TextDecoder().decode(encodeNpy(new Float64Array(1), []))).toContain("'shape': (), }");
  });

  it('rejects shapes that do not match the data', () => {
    expect(() => encodeNpy(new Float64Array(5), [2, 3])).toThrow(/6 elements but data has 5/);
    expect(() => encodeNpy(new Float64Array(2), [-1, -2])).toThrow(/shape\[0\]/);
  });

  it('rejects inputs it does not support, saying why', () => {
    const good = encodeNpy(Float64Array.of(1, 2, 3, 4), [2, 2]);
    expect(() => decodeNpy(good.slice(0, good.length - 1))).toThrow(/truncated/);
    expect(() => decodeNpy(Uint8Array.of(...good, 0))).toThrow(/trailing bytes/);
    expect(() => decodeNpy(new TextEncoder().encode('PK\u0003\u0004 not npy'))).toThrow(/magic/);
    const v2 = good.slice();
    v2[6] = 2;
    expect(() => decodeNpy(v2)).toThrow(/version 2\.0/);
    expect(() => decodeNpy(withHeader(good, "'<f8'", "'>f8'"))).toThrow(/big-endian/);
    expect(() => decodeNpy(withHeader(good, "'<f8'", "'<i8'"))).toThrow(/dtype '<i8'/);
    expect(() => decodeNpy(withHeader(good, 'False', 'True'))).toThrow(/Fortran/);
    expect(() => decodeNpy(withHeader(good, '(2, 2)', '(2, x)'))).toThrow(/shape/);
    expect(() => decodeNpy(good.slice(0, 40))).toThrow(/truncated header/);
  });
});

describe('numpy interoperability (/usr/bin/python3 + numpy)', () => {
  const describeArray =
    'import json, sys, numpy\n' +
    'a = numpy.load(sys.argv[1])\n' +
    "print(json.dumps({'dtype': a.dtype.str, 'shape': list(a.shape), " +
    "'c': bool(a.flags.c_contiguous), 'values': a.ravel().tolist()}))";

  it('numpy.load reads what encodeNpy writes', () => {
    const cases: [Float32Array | Float64Array, number[], string][] = [
      [Float32Array.of(0.1, -2, 3.5, 1e-20, 5, 6), [3, 2], '<f4'],
      [Float64Array.of(Math.PI, -1 / 3, 1e300, -0.5), [4], '<f8'],
      [Float64Array.of(42), [], '<f8'],
    ];
    for (const [index, [data, shape, dtype]] of cases.entries()) {
      const file = path.join(tempDir, `ours-${index}.npy`);
      writeFileSync(file, encodeNpy(data, shape));
      const loaded = JSON.parse(python(describeArray, file)) as Record<string, unknown>;
      expect(loaded).toEqual({ dtype, shape, c: true, values: Array.from(data) });
    }
  });

  it('decodeNpy reads what numpy.save writes and rejects what it cannot', () => {
    const dir = tempDir;
    python(
      'import sys, numpy\n' +
        'd = sys.argv[1]\n' +
        "a = numpy.arange(12, dtype='<f8').reshape(3, 4) / 7\n" +
        "numpy.save(d + '/f8.npy', a)\n" +
        "numpy.save(d + '/f4.npy', a.astype('<f4')[:, 1])\n" +
        "numpy.save(d + '/fortran.npy', numpy.asfortranarray(a))\n" +
        "numpy.save(d + '/big.npy', a.astype('>f8'))\n" +
        "numpy.save(d + '/int.npy', numpy.arange(3))\n",
      dir,
    );
    const f8 = decodeNpy(readFileSync(path.join(dir, 'f8.npy')));
    expect(f8.shape).toEqual([3, 4]);
    expect(f8.data).toBeInstanceOf(Float64Array);
    expect(Array.from(f8.data)).toEqual(Array.from({ length: 12 }, (_, i) => i / 7));
    const f4 = decodeNpy(readFileSync(path.join(dir, 'f4.npy')));
    expect(f4.shape).toEqual([3]);
    expect(Array.from(f4.data)).toEqual([1, 5, 9].map((i) => Math.fround(i / 7)));
    expect(() => decodeNpy(readFileSync(path.join(dir, 'fortran.npy')))).toThrow(/Fortran/);
    expect(() => decodeNpy(readFileSync(path.join(dir, 'big.npy')))).toThrow(/big-endian/);
    expect(() => decodeNpy(readFileSync(path.join(dir, 'int.npy')))).toThrow(/dtype '<i8'/);
  });
});
