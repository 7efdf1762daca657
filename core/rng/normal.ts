/**
 * Uniforms and normals from Philox output words.
 *
 * These formulas are part of the cross-backend contract: the fast generators must reproduce them
 * operation for operation (up to float rounding on the GPU), so change them only together.
 */

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

/**
 * Four standard normals from one Philox output block by two Box–Muller transforms (float64).
 *
 * With u_i = uniformFromU32(x_i): r0 = sqrt(-2 ln u0), z0 = r0 cos(2π u1), z1 = r0 sin(2π u1),
 * r1 = sqrt(-2 ln u2), z2 = r1 cos(2π u3), z3 = r1 sin(2π u3).
 *
 * @param out four u32 words, e.g. from `philox4x32_10`
 * @returns [z0, z1, z2, z3]
 */
export function boxMuller4(out: Uint32Array): [number, number, number, number] {
  if (out.length !== 4) {
    throw new RangeError(`boxMuller4: expected 4 Philox output words, got ${out.length}.`);
  }
  const r0 = Math.sqrt(-2 * Math.log(uniformFromU32(out[0])));
  const theta0 = 2 * Math.PI * uniformFromU32(out[1]);
  const r1 = Math.sqrt(-2 * Math.log(uniformFromU32(out[2])));
  const theta1 = 2 * Math.PI * uniformFromU32(out[3]);
  return [r0 * Math.cos(theta0), r0 * Math.sin(theta0), r1 * Math.cos(theta1), r1 * Math.sin(theta1)];
}
