/**
 * Uniforms and normals from Philox output words.
 *
 * These formulas are part of the cross-backend contract: the fast generators must reproduce them
 * operation for operation (up to float rounding on the GPU), so change them only together.
 */
import { boxMullerWords } from './elementary.ts';

/** 2^-32: one unit in the last place of a u32 mapped to [0, 1). */
const TWO_POW_MINUS_32 = 1 / 4294967296;

/**
 * Maps a u32 to a uniform in the open interval (0, 1): u = (x + 0.5) · 2^-32.
 *
 * The half-offset centres each of the 2^32 cells, so u is never 0 (log(0) in Box–Muller) nor 1.
 *
 * @example uniformFromU32(0) === 2 ** -33
 */
export function uniformFromU32(x: number): number {
  return (x + 0.5) * TWO_POW_MINUS_32;
}

/** Scratch for `boxMuller4`, reused so that only the returned tuple is allocated. */
const lanes = new Float64Array(4);

/**
 * Four standard normals from one Philox output block by two Box–Muller transforms (float64).
 *
 * r0 = sqrt(-2 · logUniform(x0)), [s1, c1] = sinCos2PiUniform(x1), z0 = r0 · c1, z1 = r0 · s1;
 * r1, z2, z3 likewise from x2, x3. That is r = sqrt(-2 ln u0), z = r cos / r sin (2π u1) with
 * u = uniformFromU32(x), but through the deterministic ln/sin/cos of `elementary.ts` (each within
 * 1 ulp) instead of `Math.*`, whose last bits differ between engines: the stream is then the same
 * everywhere, and the generated WebAssembly reproduces it without calling out to JavaScript.
 *
 * @param out four u32 words, e.g. from `philox4x32_10`
 * @returns [z0, z1, z2, z3]
 */
export function boxMuller4(out: Uint32Array): [number, number, number, number] {
  if (out.length !== 4) {
    throw new RangeError(`boxMuller4: expected 4 Philox output words, got ${out.length}.`);
  }
  boxMullerWords(out[0], out[1], out[2], out[3], lanes);
  return [lanes[0], lanes[1], lanes[2], lanes[3]];
}
