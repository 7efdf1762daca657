import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mulhi32, mullo32, philox4x32_10 } from './philox.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const katPath = path.resolve(repoRoot, '../shared/data/philox_kat.json');

interface KatVector {
  ctr: string[];
  key: string[];
  out: string[];
}

/** Reads the Random123 known-answer vectors; a missing file is a failure, never a skip. */
function loadKat(): KatVector[] {
  if (!existsSync(katPath)) {
    throw new Error(
      `Philox known-answer file not found at ${katPath}; it should sit in the shared checkout ` +
        `next to the repo (../shared/data/philox_kat.json).`,
    );
  }
  const parsed = JSON.parse(readFileSync(katPath, 'utf8')) as { vectors?: KatVector[] };
  if (!Array.isArray(parsed.vectors) || parsed.vectors.length === 0) {
    throw new Error(`${katPath} has no "vectors" array.`);
  }
  return parsed.vectors;
}

const hex = (words: readonly string[]): number[] => words.map((w) => Number.parseInt(w, 16));

/** Deterministic u32s (xorshift32) so the tests never depend on Math.random. */
function* u32Sequence(count: number): Generator<number> {
  let state = 0x12345678;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    yield state >>> 0;
  }
}

describe('mulhi32 / mullo32', () => {
  it('match exact BigInt products', () => {
    const values = [0, 1, 0xffff, 0x10000, 0xffffffff, 0xd2511f53, 0xcd9e8d57, ...u32Sequence(2000)];
    for (let i = 0; i + 1 < values.length; i++) {
      const [a, b] = [values[i], values[i + 1]];
      const product = BigInt(a) * BigInt(b);
      expect(mulhi32(a, b)).toBe(Number(product >> 32n));
      expect(mullo32(a, b)).toBe(Number(product & 0xffffffffn));
    }
    expect(mulhi32(0xffffffff, 0xffffffff)).toBe(0xfffffffe);
  });
});

describe('philox4x32_10', () => {
  it('reproduces the Random123 known-answer vectors', () => {
    const vectors = loadKat();
    for (const v of vectors) {
      const [c0, c1, c2, c3] = hex(v.ctr);
      const [k0, k1] = hex(v.key);
      expect(Array.from(philox4x32_10([c0, c1, c2, c3], [k0, k1]))).toEqual(hex(v.out));
      // Typed-array inputs must give the same answer as tuples.
      const typed = philox4x32_10(Uint32Array.of(c0, c1, c2, c3), Uint32Array.of(k0, k1));
      expect(Array.from(typed)).toEqual(hex(v.out));
    }
  });

  it('rejects counters and keys that are not u32 words', () => {
    expect(() => philox4x32_10([-1, 0, 0, 0], [0, 0])).toThrow(/counter\[0\] = -1/);
    expect(() => philox4x32_10([0, 0, 0.5, 0], [0, 0])).toThrow(/counter\[2\]/);
    expect(() => philox4x32_10([0, 0, 0, 0], [2 ** 32, 0])).toThrow(/key\[0\]/);
    expect(() => philox4x32_10(new Uint32Array(3), new Uint32Array(2))).toThrow(/4 words/);
  });

  it('changes every output word when one counter bit flips', () => {
    const base = philox4x32_10([1, 2, 3, 4], [5, 6]);
    const flipped = philox4x32_10([1, 2, 3, 5], [5, 6]);
    for (let i = 0; i < 4; i++) expect(flipped[i]).not.toBe(base[i]);
  });
});
