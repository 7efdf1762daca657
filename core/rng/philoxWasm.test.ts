import { describe, expect, it } from 'vitest';
import { boxMuller4 } from './normal.ts';
import { philox4x32_10 } from './philox.ts';
import { createNormalFiller, normalFillerWasmBytes, philox4x32_10Wasm } from './philoxWasm.ts';

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

/** The slow reference for the layout documented on `NormalFiller.fill`. */
function referenceFill(
  key0: number, key1: number, c0: number, c1Start: number, c1Count: number, c2Count: number, dims: number,
): number[] {
  const out: number[] = [];
  for (let b = 0; b < c1Count; b++) {
    for (let n = 0; n < c2Count; n++) {
      for (let g = 0; g * 4 < dims; g++) {
        const lanes = boxMuller4(philox4x32_10([c0, c1Start + b, n, g], [key0, key1]));
        out.push(...lanes.slice(0, Math.min(4, dims - 4 * g)));
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

describe('createNormalFiller', () => {
  it('reproduces boxMuller4(philox4x32_10(...)) bit for bit for every dims and range shape', () => {
    const next = u32Source(12345);
    const filler = createNormalFiller(4096);
    const ranges: [number, number][] = [[1, 1], [1, 7], [5, 1], [13, 3], [40, 2]];
    for (const dims of [1, 2, 3, 4, 5, 7, 8]) {
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

  it('handles a c1 range that ends exactly at 2^32 and leaves memory past the result alone', () => {
    const filler = createNormalFiller(64);
    filler.buffer.fill(Number.NaN);
    const c1Start = 2 ** 32 - 3;
    filler.fill(0xdeadbeef, 7, 0xffffffff, c1Start, 3, 2, 5);
    const expected = referenceFill(0xdeadbeef, 7, 0xffffffff, c1Start, 3, 2, 5);
    expect(bits(filler.buffer.subarray(0, expected.length))).toEqual(bits(expected));
    expect(Array.from(filler.buffer.subarray(expected.length)).every(Number.isNaN)).toBe(true);
  });

  it('writes nothing for an empty request', () => {
    const filler = createNormalFiller(8);
    filler.buffer.fill(Number.NaN);
    filler.fill(1, 2, 3, 4, 0, 5, 3);
    filler.fill(1, 2, 3, 4, 5, 0, 3);
    filler.fill(1, 2, 3, 4, 5, 5, 0);
    expect(Array.from(filler.buffer).every(Number.isNaN)).toBe(true);
  });

  it('throws when the request exceeds capacity or a word is not a u32', () => {
    const filler = createNormalFiller(30);
    expect(() => filler.fill(0, 0, 0, 0, 10, 1, 3)).not.toThrow();
    expect(() => filler.fill(0, 0, 0, 0, 10, 1, 4)).toThrow(/exceeds capacity 30/);
    expect(() => filler.fill(0, 0, 0, 0, 2, 4, 4)).toThrow(RangeError);
    expect(() => filler.fill(-1, 0, 0, 0, 1, 1, 1)).toThrow(/key0/);
    expect(() => filler.fill(0, 0, 0, 2 ** 32 - 1, 2, 1, 1)).toThrow(/c1Count/);
    expect(() => createNormalFiller(1.5)).toThrow(/capacity/);
  });

  it('accepts a module compiled elsewhere, as a worker would', () => {
    const api = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => WebAssembly.Module } })
      .WebAssembly;
    const filler = createNormalFiller(12, new api.Module(normalFillerWasmBytes()));
    filler.fill(3, 4, 5, 6, 2, 2, 3);
    expect(bits(filler.buffer)).toEqual(bits(referenceFill(3, 4, 5, 6, 2, 2, 3)));
  });

  it('keeps the module under 4 KiB, the limit for synchronous compilation on a browser main thread', () => {
    expect(normalFillerWasmBytes().length).toBeLessThan(4096);
  });
});
