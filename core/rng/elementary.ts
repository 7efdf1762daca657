/**
 * Deterministic ln and sin/cos specialised to the uniforms Box–Muller reads from Philox words.
 *
 * Why not `Math.log`/`Math.sin`/`Math.cos`: ECMAScript leaves their results implementation-defined
 * (engines and engine versions differ in the last bits), and the generated WebAssembly filler would
 * have to call back into them, which costs more than Philox itself. These functions use only IEEE
 * `+ - * /` (no FMA) besides the exact `Math.clz32` and, in the Box–Muller helpers, the correctly
 * rounded `Math.sqrt`, so JavaScript and the WebAssembly that `philoxWasm.ts` emits from the same
 * formulas give the same float64 bits on every engine.
 *
 * Both take a u32 word x and work on u(x) = (x + 0.5) · 2^-32 = (2x + 1) · 2^-33, an odd 33-bit
 * integer times a power of two, so the argument reductions below are exact integer operations.
 * The kernels are fdlibm's (e_log.c, and k_sin.c/k_cos.c as revised in FreeBSD msun; each below
 * 1 ulp on its reduced range), evaluated in exactly the operation order written here;
 * `philoxWasm.ts` mirrors that order op for op, so change the two together — and since the
 * normals of every seed depend on these bits, change them only deliberately.
 *
 * fdlibm: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunPro,
 * a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice is preserved.
 */

/**
 * The float64 constants of the formulas, exported so the WebAssembly emitter uses the very same
 * values. Each decimal literal names exactly one float64; the tests check the fdlibm ones against
 * fdlibm's hexadecimal words and PI_HI + PI_LO against π · 2^-32.
 */
export const ELEMENTARY = {
  /** ln 2 split fdlibm-style: LN2_HI has 32 significant bits, so dk · LN2_HI is exact. */
  LN2_HI: 6.93147180369123816490e-1,
  LN2_LO: 1.90821492927058770002e-10,
  /** Minimax coefficients of (ln(1+f) - f + f²/2 - s·f²/2)/s in s² with s = f/(2+f) (fdlibm Lg1..Lg7). */
  LG1: 6.666666666666735130e-1,
  LG2: 3.999999999940941908e-1,
  LG3: 2.857142874366239149e-1,
  LG4: 2.222219843214978396e-1,
  LG5: 1.818357216161805012e-1,
  LG6: 1.531383769920937332e-1,
  LG7: 1.479819860511658591e-1,
  /** Threshold on the mantissa m ∈ [1, 2): above it, m/2 is closer to 1 (|s| ≤ 0.1716). */
  SQRT2: 1.4142135623730951,
  /**
   * π · 2^-32 = angle of one u32 half-step, as PI_HI (23 significant bits, so PI_HI · a is exact
   * for every |a| < 2^30) plus PI_LO. θ = a · PI_HI + a · PI_LO is then within ~2^-75 relative of
   * a · π · 2^-32.
   */
  PI_HI: 7.314590044771307e-10,
  PI_LO: 3.5156449092979927e-17,
  /** sin kernel (fdlibm S1..S6), |θ| ≤ π/4. */
  S1: -1.66666666666666324348e-1,
  S2: 8.33333333332248946124e-3,
  S3: -1.98412698298579493134e-4,
  S4: 2.75573137070700676789e-6,
  S5: -2.50507602534068634195e-8,
  S6: 1.58969099521155010221e-10,
  /** cos kernel (fdlibm C1..C6), |θ| ≤ π/4. */
  C1: 4.16666666666666019037e-2,
  C2: -1.38888888888741095749e-3,
  C3: 2.48015872894767294178e-5,
  C4: -2.75573143513906633035e-7,
  C5: 2.08757232129817482790e-9,
  C6: -1.13596475577881948265e-11,
} as const;

const {
  LN2_HI, LN2_LO, LG1, LG2, LG3, LG4, LG5, LG6, LG7, SQRT2, PI_HI, PI_LO,
  S1, S2, S3, S4, S5, S6, C1, C2, C3, C4, C5, C6,
} = ELEMENTARY;

/** 2^-k for k = 0..33, built by exact halving (no reliance on how `**` rounds). */
const POW2_NEG = new Float64Array(34);
for (let k = 0, p = 1; k <= 33; k++, p *= 0.5) POW2_NEG[k] = p;

/**
 * LOG_SPLIT[e] = the least x with 2^(e-1) ≤ x whose mantissa m1 = (2x + 1) · 2^-e reaches SQRT2,
 * i.e. ceil((SQRT2 · 2^e − 1) / 2) (exact in float64 for e ≤ 32); 1 for e = 0 so that x = 0 stays below.
 */
const LOG_SPLIT = new Float64Array(33);
LOG_SPLIT[0] = 1;
for (let e = 1, p = 2; e <= 32; e++, p *= 2) LOG_SPLIT[e] = Math.ceil((SQRT2 * p - 1) / 2);

/**
 * ln(u(x)) for a u32 word x, where u(x) = (x + 0.5) · 2^-32; within 1 ulp of the exact value.
 *
 * Method: 2x + 1 = m · 2^k exactly with m ∈ [√½, √2), so ln u = ln m + (k − 33) ln 2; then
 * ln m = ln(1 + f) from fdlibm's e_log.c kernel with s = f / (2 + f).
 *
 * @param x integer in [0, 2^32)
 * @example logUniform(0xffffffff) // ≈ -2^-33
 */
export function logUniform(x: number): number {
  // 2x + 1 < 2^33 has e + 1 significant bits with e = floor(log2(2x + 1)) = 32 - clz32(x), also for x = 0.
  const e = 32 - Math.clz32(x);
  // k = e + 1 exactly when (2x + 1) · 2^-e ≥ SQRT2 (the WebAssembly tests that float compare); here
  // the sign bit of x − LOG_SPLIT[e] (|difference| < 2^31) decides without an unpredictable branch.
  const k = e + 1 - ((x - LOG_SPLIT[e]) >>> 31);
  const m = (2 * x + 1) * POW2_NEG[k];
  const dk = k - 33;
  // f and 2 + f are exact (m is a multiple of 2^-33 in [0.7, 1.5)), so s carries a single rounding.
  const f = m - 1;
  const hfsq = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  return s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

// Results of the last `sinCosCore` call, [sin, cos]: a typed array rather than a returned tuple or
// module `let`s, so the hot Box–Muller path allocates nothing (no array, no boxed double) even
// where the engine does not inline the call.
const sinCos = new Float64Array(2);

/**
 * Sets sinCos to [sin, cos] of 2π u(x).
 *
 * Reduction: q = round(4u) mod 4 and d = x − q · 2^30 ∈ [−2^29, 2^29) are integer operations on
 * t = x + 2^29 (mod 2^32), and the reduced angle is θ = 2π (u − q/4) = a · π · 2^-32 with the odd
 * integer a = 2d + 1, |θ| < π/4. θ is carried as hi + lo (exact Fast2Sum) into fdlibm's kernels,
 * which take such a tail; the quadrant then rotates the result exactly.
 */
function sinCosCore(x: number): void {
  const t = (x + 0x20000000) >>> 0;
  const q = t >>> 30;
  const a = (t & 0x3fffffff) * 2 - 0x3fffffff;
  const hi = a * PI_HI;
  const lo = a * PI_LO;
  const th = hi + lo;
  const tl = lo - (th - hi);
  const z = th * th;
  const w = z * z;
  const rs = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * th;
  const sr = th - ((z * (0.5 * tl - v * rs) - tl) - v * S1);
  const rc = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const w1 = 1 - hz;
  const cr = w1 + (((1 - w1) - hz) + (z * rc - th * tl));
  // θ = qπ/2 + θr, so sin θ = sr·cq + cr·sq and cos θ = cr·cq − sr·sq with (cq, sq) = (cos, sin)(qπ/2)
  // ∈ {0, ±1}², exactly one of them nonzero: every product and sum is exact, and unlike branching
  // on the random q (or WebAssembly `select`, which V8 may turn into branches) nothing mispredicts.
  const sgn = 1 - (q & 2);
  const sq = (q & 1) * sgn;
  const cq = sgn - sq;
  sinCos[0] = sr * cq + cr * sq;
  sinCos[1] = cr * cq - sr * sq;
}

/**
 * [sin θ, cos θ] for θ = 2π u(x), u(x) = (x + 0.5) · 2^-32; each within 1 ulp of the exact value.
 *
 * Exact symmetries of the results: x ↦ 2^32 − 1 − x negates sin and keeps cos, and
 * cos at x equals sin at (x + 2^30) mod 2^32.
 *
 * @param x integer in [0, 2^32)
 * @example sinCos2PiUniform(0x40000000 - 1) // ≈ [1, π·2^-32]
 */
export function sinCos2PiUniform(x: number): [number, number] {
  sinCosCore(x);
  return [sinCos[0], sinCos[1]];
}

/**
 * One Box–Muller normal from a radius word and an angle word: r · cos θ (lane 0) or r · sin θ
 * (lane 1), with r = sqrt(-2 · logUniform(xr)) and θ = 2π u(xa); lanes 0/1 of `boxMuller4` are
 * normalFromWords(out[0], out[1], 0 / 1), lanes 2/3 the same with out[2], out[3].
 */
export function normalFromWords(xr: number, xa: number, lane: 0 | 1): number {
  const r = Math.sqrt(-2 * logUniform(xr));
  sinCosCore(xa);
  return r * sinCos[1 - lane];
}

/**
 * Four normals from four words into `out` (two Box–Muller pairs), allocation-free for hot loops:
 * out = [r0 cos θ1, r0 sin θ1, r1 cos θ3, r1 sin θ3], r0 from x0, θ1 from x1, r1 from x2, θ3 from x3.
 */
export function boxMullerWords(x0: number, x1: number, x2: number, x3: number, out: Float64Array): void {
  const r0 = Math.sqrt(-2 * logUniform(x0));
  sinCosCore(x1);
  out[0] = r0 * sinCos[1];
  out[1] = r0 * sinCos[0];
  const r1 = Math.sqrt(-2 * logUniform(x2));
  sinCosCore(x3);
  out[2] = r1 * sinCos[1];
  out[3] = r1 * sinCos[0];
}
