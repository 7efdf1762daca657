/**
 * Reference Philox4x32-10 (Random123, Salmon et al., SC'11).
 *
 * This is the clear, exact version that the fast code generators (JavaScript and WGSL kernels)
 * are tested against, so it favours obviously-correct arithmetic over speed: every 32×32-bit
 * product is split into 16-bit halves so no intermediate ever exceeds 2^53.
 */

/** Philox round multiplier applied to counter word 0. */
export const PHILOX_M0 = 0xd2511f53;
/** Philox round multiplier applied to counter word 2. */
export const PHILOX_M1 = 0xcd9e8d57;
/** Weyl increment added to key word 0 between rounds (golden ratio). */
export const PHILOX_W0 = 0x9e3779b9;
/** Weyl increment added to key word 1 between rounds (sqrt(3) - 1). */
export const PHILOX_W1 = 0xbb67ae85;
/** Number of rounds; 10 is the Random123 default that passes BigCrush with margin. */
export const PHILOX_ROUNDS = 10;

const U32_MAX = 0xffffffff;

/**
 * High 32 bits of the exact 64-bit product of two unsigned 32-bit integers.
 *
 * @example mulhi32(0xffffffff, 0xffffffff) === 0xfffffffe
 */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const loLo = aLo * bLo;
  const loHi = aLo * bHi;
  const hiLo = aHi * bLo;
  const hiHi = aHi * bHi;
  // Bits 16..47 of the product: each partial term is < 2^32, so the sum stays exact.
  const middle = (loLo >>> 16) + (loHi & 0xffff) + (hiLo & 0xffff);
  return (hiHi + (loHi >>> 16) + (hiLo >>> 16) + (middle >>> 16)) >>> 0;
}

/** Low 32 bits of the product of two unsigned 32-bit integers. */
export function mullo32(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

/** Reads word `index` of a counter or key, refusing anything that is not a u32. */
function readU32(words: ArrayLike<number>, index: number, what: string): number {
  const value = words[index];
  // Silently wrapping e.g. a negative particle index would give a valid but wrong stream.
  if (value === undefined || !Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new RangeError(
      `philox4x32_10: ${what}[${index}] = ${String(value)} is not an unsigned 32-bit integer ` +
        `(0..${U32_MAX}); pass integer counters and keys, e.g. seed >>> 0.`,
    );
  }
  return value;
}

/**
 * Philox4x32 with 10 rounds: maps a 128-bit counter under a 64-bit key to 128 random bits.
 *
 * Each round computes (hi0, lo0) = M0·c0 and (hi1, lo1) = M1·c2, then
 * c = [hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0]; the key is bumped by the Weyl constants between
 * rounds (9 bumps for 10 rounds).
 *
 * @param counter four u32 words c0..c3
 * @param key two u32 words k0, k1
 * @returns four u32 words x0..x3
 * @throws RangeError if a word is not an integer in 0..2^32-1 or a length is wrong
 * @example philox4x32_10([0, 0, 0, 0], [0, 0]) // Uint32Array [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 */
export function philox4x32_10(
  counter: readonly [number, number, number, number] | Uint32Array,
  key: readonly [number, number] | Uint32Array,
): Uint32Array {
  if (counter.length !== 4 || key.length !== 2) {
    throw new RangeError(
      `philox4x32_10: expected a counter of 4 words and a key of 2 words, ` +
        `got ${counter.length} and ${key.length}.`,
    );
  }
  let c0 = readU32(counter, 0, 'counter');
  let c1 = readU32(counter, 1, 'counter');
  let c2 = readU32(counter, 2, 'counter');
  let c3 = readU32(counter, 3, 'counter');
  let k0 = readU32(key, 0, 'key');
  let k1 = readU32(key, 1, 'key');
  for (let round = 0; round < PHILOX_ROUNDS; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = mullo32(PHILOX_M0, c0);
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = mullo32(PHILOX_M1, c2);
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  return Uint32Array.of(c0, c1, c2, c3);
}
