import { describe, expect, it } from 'vitest';
import { boxMuller4 } from './normal.ts';
import { philox4x32_10 } from './philox.ts';
import { brownianNormals, normalsAt, STREAM_BROWNIAN, STREAM_INIT } from './streams.ts';
import {
  boxMuller4Wasm, createNormalFiller, normalFillerWasmBytes, philox4x32_10Wasm, type NormalFillerVariant,
} from './philoxWasm.ts';

const wasmApi = (globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => WebAssembly.Module; validate(bytes: Uint8Array): boolean };
}).WebAssembly;

/** Both code paths of the module; 'auto' picks SIMD on this engine, so each is checked explicitly. */
const VARIANTS: readonly ('simd' | 'scalar')[] = ['simd', 'scalar'];
const compiled = new Map<NormalFillerVariant, WebAssembly.Module>();
const moduleOf = (variant: NormalFillerVariant): WebAssembly.Module => {
  let module = compiled.get(variant);
  if (module === undefined) compiled.set(variant, (module = new wasmApi.Module(normalFillerWasmBytes(variant))));
  return module;
};

/** Deterministic u32s (xorshift32) so failures reproduce without Math.random. */
function u32Source(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>>= 0);
  };
}

/** Bit patterns of float64s, so -0 vs 0 or a last-ulp difference fails the comparison. */
const bits = (values: ArrayLike<number>): bigint[] => Array.from(new BigUint64Array(Float64Array.from(values).buffer));

/**
 * The slow reference for the layout documented on `NormalFiller.fill`, spelled out per (b, n, j):
 * draw k = n * dims + j of base interval b is lane k & 3 of counter [c0, b, k >> 2, 0].
 */
function referenceFill(
  key0: number, key1: number, c0: number, c1Start: number, c1Count: number, c2Count: number, dims: number,
): number[] {
  const out: number[] = [];
  for (let b = 0; b < c1Count; b++) {
    for (let n = 0; n < c2Count; n++) {
      for (let j = 0; j < dims; j++) {
        const k = n * dims + j;
        out.push(boxMuller4(philox4x32_10([c0, c1Start + b, k >> 2, 0], [key0, key1]))[k & 3]);
      }
    }
  }
  return out;
}

describe('philox4x32_10Wasm', () => {
  it('matches the Random123 known answers', () => {
    const cases: [[number, number, number, number], [number, number], number[]][] = [
      [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
      [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
      [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
    ];
    for (const [counter, key, expected] of cases) {
      expect(Array.from(philox4x32_10Wasm(counter, key))).toEqual(expected);
    }
  });

  it('agrees with the JS reference on random counters and keys', () => {
    const next = u32Source(0x9e3779b9);
    for (let i = 0; i < 500; i++) {
      const counter = [next(), next(), next(), next()] as const;
      const key = [next(), next()] as const;
      expect(Array.from(philox4x32_10Wasm(counter, key))).toEqual(Array.from(philox4x32_10(counter, key)));
    }
  });
});

/** Words where the elementary functions switch branches: 0, the top, powers of two, quadrant edges, √2 splits. */
function edgeWords(): number[] {
  const words = new Set<number>([0, 1, 2, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1]);
  for (let k = 0; k < 32; k++) for (const d of [-1, 0, 1]) words.add(2 ** k + d);
  for (let j = 0; j < 8; j++) for (const d of [-2, -1, 0, 1]) words.add((j * 2 ** 29 + d + 2 ** 32) % 2 ** 32);
  for (let e = 1; e <= 32; e++) {
    const split = Math.ceil((Math.SQRT2 * 2 ** e - 1) / 2);
    for (const d of [-1, 0, 1]) words.add(split + d);
  }
  return [...words].filter((x) => x >= 0 && x < 2 ** 32);
}

describe.each(VARIANTS)('createNormalFiller (%s)', (variant) => {
  const module = moduleOf(variant);

  it('reproduces boxMuller4(philox4x32_10(...)) bit for bit for every dims and range shape', () => {
    const next = u32Source(12345);
    const filler = createNormalFiller(4096, module);
    // c2Count * dims both a multiple of 4 and not (a partly used last block per base interval).
    const ranges: [number, number][] = [[1, 1], [1, 7], [5, 1], [13, 3], [40, 2], [3, 8], [2, 16], [1, 33]];
    for (const dims of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
      for (const [c1Count, c2Count] of ranges) {
        // Keys and counters above 2^31 exercise the i32 <-> u32 reinterpretation at the boundary.
        const [key0, key1, c0] = [next(), next(), next()];
        const c1Start = next() % (2 ** 32 - c1Count);
        filler.fill(key0, key1, c0, c1Start, c1Count, c2Count, dims);
        const expected = referenceFill(key0, key1, c0, c1Start, c1Count, c2Count, dims);
        expect(bits(filler.buffer.subarray(0, expected.length))).toEqual(bits(expected));
      }
    }
  });

  it('fills the Lorenz benchmark shape (125 base intervals x 8 leaves) like brownianNormals', () => {
    const filler = createNormalFiller(125 * 8 * 3, module);
    for (const dims of [1, 3]) {
      filler.fill(77, STREAM_BROWNIAN, 12, 0, 125, 8, dims);
      for (const b of [0, 1, 64, 124]) {
        const row = filler.buffer.subarray(b * 8 * dims, (b + 1) * 8 * dims);
        expect(bits(row), `dims ${dims}, b ${b}`).toEqual(bits(brownianNormals(77, 12, b, 8 * dims)));
      }
    }
  });

  it('fillRow reproduces normalsAt (counters [c0, c1, c2, k >> 2]) and touches nothing past count', () => {
    const next = u32Source(4242);
    const filler = createNormalFiller(40, module);
    for (const count of [1, 2, 3, 4, 5, 7, 8, 9, 31]) {
      filler.buffer.fill(Number.NaN);
      const [seed, c0, c1, c2] = [next(), next(), next(), next()];
      filler.fillRow(seed, STREAM_INIT, c0, c1, c2, count);
      expect(bits(filler.buffer.subarray(0, count))).toEqual(bits(normalsAt(seed, STREAM_INIT, c0, c1, c2, count)));
      expect(Array.from(filler.buffer.subarray(count)).every(Number.isNaN)).toBe(true);
    }
  });

  it('reproduces boxMuller4 on many blocks (lanes of every word class)', () => {
    const filler = createNormalFiller(4 * 20_000, module);
    filler.fill(0x9e3779b9, 0x7f4a7c15, 42, 1000, 20_000, 1, 4);
    expect(bits(filler.buffer)).toEqual(bits(referenceFill(0x9e3779b9, 0x7f4a7c15, 42, 1000, 20_000, 1, 4)));
  });

  it('matches boxMuller4 on edge words in every lane', () => {
    const words = edgeWords();
    const next = u32Source(99);
    for (const w of words) {
      const other = words[next() % words.length];
      for (const block of [[w, w, w, w], [w, other, other, w], [other, w, w, other]] as const) {
        expect(bits(boxMuller4Wasm(block, module)), `words ${block.join(', ')}`)
          .toEqual(bits(boxMuller4(Uint32Array.from(block))));
      }
    }
  });

  it('handles a c1 range that ends exactly at 2^32 and leaves memory past the result alone', () => {
    const filler = createNormalFiller(64, module);
    filler.buffer.fill(Number.NaN);
    const c1Start = 2 ** 32 - 3;
    filler.fill(0xdeadbeef, 7, 0xffffffff, c1Start, 3, 2, 5);
    const expected = referenceFill(0xdeadbeef, 7, 0xffffffff, c1Start, 3, 2, 5);
    expect(bits(filler.buffer.subarray(0, expected.length))).toEqual(bits(expected));
    expect(Array.from(filler.buffer.subarray(expected.length)).every(Number.isNaN)).toBe(true);
  });

  it('writes nothing for an empty request', () => {
    const filler = createNormalFiller(8, module);
    filler.buffer.fill(Number.NaN);
    filler.fill(1, 2, 3, 4, 0, 5, 3);
    filler.fill(1, 2, 3, 4, 5, 0, 3);
    filler.fill(1, 2, 3, 4, 5, 5, 0);
    filler.fillRow(1, 2, 3, 4, 5, 0);
    expect(Array.from(filler.buffer).every(Number.isNaN)).toBe(true);
  });

  it('keeps the module under 4 KiB, the limit for synchronous compilation on a browser main thread', () => {
    expect(normalFillerWasmBytes(variant).length).toBeLessThan(4096);
  });
});

describe('createNormalFiller', () => {
  it('throws when the request exceeds capacity or a word is not a u32', () => {
    const filler = createNormalFiller(30);
    expect(() => filler.fill(0, 0, 0, 0, 10, 1, 3)).not.toThrow();
    expect(() => filler.fill(0, 0, 0, 0, 10, 1, 4)).toThrow(/exceeds capacity 30/);
    expect(() => filler.fill(0, 0, 0, 0, 2, 4, 4)).toThrow(RangeError);
    expect(() => filler.fill(-1, 0, 0, 0, 1, 1, 1)).toThrow(/key0/);
    expect(() => filler.fill(0, 0, 0, 2 ** 32 - 1, 2, 1, 1)).toThrow(/c1Count/);
    expect(() => createNormalFiller(1.5)).toThrow(/capacity/);
    expect(() => filler.fillRow(0, 0, 0, 0, 0, 30)).not.toThrow();
    expect(() => filler.fillRow(0, 0, 0, 0, 0, 31)).toThrow(/exceeds capacity 30/);
    expect(() => filler.fillRow(0, 0, 0, 0, 2 ** 32, 1)).toThrow(/c2/);
  });

  it('accepts a module compiled elsewhere, as a worker would', () => {
    const filler = createNormalFiller(12, new wasmApi.Module(normalFillerWasmBytes()));
    filler.fill(3, 4, 5, 6, 2, 2, 3);
    expect(bits(filler.buffer)).toEqual(bits(referenceFill(3, 4, 5, 6, 2, 2, 3)));
  });

  it('picks the SIMD variant where the engine validates it, and needs no imports but memory', () => {
    expect(wasmApi.validate(normalFillerWasmBytes('simd'))).toBe(true);
    expect(Array.from(normalFillerWasmBytes())).toEqual(Array.from(normalFillerWasmBytes('simd')));
    const imports = (globalThis as unknown as {
      WebAssembly: { Module: { imports(module: WebAssembly.Module): { module: string; name: string }[] } };
    }).WebAssembly.Module.imports(moduleOf('auto'));
    expect(imports.map(({ module, name }) => `${module}.${name}`)).toEqual(['env.memory']);
  });
});
