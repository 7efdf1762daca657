/**
 * Elementary functions on f32x4 lanes, emitted as WebAssembly SIMD (no Math.* per element).
 *
 * All of them are built from one exponential: range reduction by ln 2 (Cody–Waite, two-part
 * constant), a degree-5 polynomial for (eʳ − 1 − r)/r², and the power 2ⁿ made from integer bits.
 * Measured against float64 (`vectorMath.test.ts`): exp ≤ 1e-7 relative on [−87, 88] (about one
 * float32 ulp); log1p on [0, 1] ≤ 2e-7; the normal tail Q(z) ≤ 5e-7 on [0, 13].
 *
 * The polynomial coefficients were fitted offline (iteratively reweighted least squares on
 * Chebyshev nodes, i.e. close to minimax) and rounded to float32; the tests bound the resulting
 * error, so a changed coefficient that hurts accuracy fails them.
 */
import type { FunctionBuilder } from '../../wasm/binary.ts';
import { bind, f32x4, i32x4, splat, splatI32, v128, type Expr } from '../../wasm/expr.ts';

/** Below this, exp flushes to 0: it is ≈ ln(2⁻¹²⁶), the smallest normal float32. */
export const EXP_MIN = -87.33654;
/**
 * Inputs are clamped to this before reduction, so n = round(x / ln 2) ≤ 127 and 2ⁿ is finite:
 * exp saturates at exp(88.3762) ≈ 2.4e38 instead of overflowing to Infinity.
 */
export const EXP_MAX = 88.3762;

const LOG2E = 1.4426950408889634;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n · LN2_HI is exact for |n| < 2¹⁵. */
export const LN2_HI = 0.693359375;
export const LN2_LO = -0.00021219444;
/** 1.5·2²³: adding it to |v| < 2²² rounds v to an integer held in the low mantissa bits. */
const ROUNDING_MAGIC = 12582912;
/** (eʳ − 1 − r)/r² ≈ Σ EXP_POLY[i] rⁱ on [−ln2/2, ln2/2]. */
const EXP_POLY = [0.5, 0.16666667, 0.041666485, 0.008333265, 0.0013931501, 0.00019922451];

/** eˣ = s · (1 + q) with s = 2ⁿ a power of two and |q| ≤ √2 − 1; `lo` is an optional low part of x. */
interface ExpParts {
  s: Expr;
  q: Expr;
}

function expParts(b: FunctionBuilder, x: Expr, lo?: Expr): ExpParts {
  // pmax/pmin, not max/min: one instruction each on x64, and a NaN lane passes through.
  const xc = bind(b, f32x4.pmin(f32x4.pmax(x, splat(EXP_MIN)), splat(EXP_MAX)));
  // Adding 1.5·2²³ rounds x·log2(e) to the nearest integer n (ties to even) and leaves n + 2²²
  // in the low mantissa bits of t; t − 1.5·2²³ is n as a float, exactly.
  const t = bind(b, f32x4.add(f32x4.mul(xc, splat(LOG2E)), splat(ROUNDING_MAGIC)));
  const n = bind(b, f32x4.sub(t, splat(ROUNDING_MAGIC)));
  // x − n·ln2 in two steps: the first is exact, the second adds the rounding of ln 2's tail.
  let reduced = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO)));
  if (lo !== undefined) reduced = f32x4.add(reduced, lo);
  const r = bind(b, reduced);
  const q = bind(b, f32x4.add(r, f32x4.mul(f32x4.mul(r, r), f32x4.horner(r, EXP_POLY))));
  // 2ⁿ: the biased exponent n + 127 ∈ [1, 254] shifted into the exponent field. t's bits are
  // 0x4b400000 + n, whose high part the shift discards.
  const s = bind(b, i32x4.shl(i32x4.add(t, splatI32(127)), 23));
  return { s, q };
}

/**
 * eˣ for x (+ lo, a small low-order part of the argument); 0 below EXP_MIN, saturated at
 * exp(EXP_MAX) above; NaN stays NaN.
 */
export function vexp(b: FunctionBuilder, x: Expr, lo?: Expr): Expr {
  const xv = bind(b, x);
  const { s, q } = expParts(b, xv, lo);
  return bind(b, v128.andNot(f32x4.mul(s, f32x4.add(splat(1), q)), f32x4.lt(xv, splat(EXP_MIN))));
}

/** eˣ − 1 with full relative accuracy near 0: (s − 1) + s·q, where s − 1 is exact. Tends to −1 below EXP_MIN. */
export function vexpm1(b: FunctionBuilder, x: Expr): Expr {
  const { s, q } = expParts(b, x);
  return bind(b, f32x4.add(f32x4.sub(s, splat(1)), f32x4.mul(s, q)));
}

/** 1 / (1 + e⁻ˣ). */
export function vsigmoid(b: FunctionBuilder, x: Expr): Expr {
  return bind(b, f32x4.div(splat(1), f32x4.add(splat(1), vexp(b, f32x4.neg(x)))));
}

const SQRT2 = Math.SQRT2;
/** 2·atanh(s) = 2s + s·R(s²) with R(z) = z(2/3 + z(2/5 + z(2/7 + z·2/9))); |s| ≤ 0.172 here. */
const LOG_SERIES = [2 / 3, 2 / 5, 2 / 7, 2 / 9];

/**
 * ln(1 + u) for u ∈ [0, 1] (what softplus needs), accurate for tiny u: w = 1 + u is split as
 * 2ᵏ(1 + f) with f exact, ln(1 + f) = f − f²/2 + s(f²/2 + R), s = f/(2 + f) (fdlibm's form), and
 * the rounding error c = u − (w − 1) of w (exact) comes back as c/w.
 */
export function vlog1pUnit(b: FunctionBuilder, u: Expr): Expr {
  const uv = bind(b, u);
  const w = bind(b, f32x4.add(splat(1), uv));
  const big = bind(b, f32x4.gt(w, splat(SQRT2)));
  const k = bind(b, v128.and(big, splat(1)));
  const m = v128.select(f32x4.mul(w, splat(0.5)), w, big);
  const f = bind(b, f32x4.sub(m, splat(1)));
  const c = bind(b, f32x4.sub(uv, f32x4.sub(w, splat(1))));
  const s = bind(b, f32x4.div(f, f32x4.add(splat(2), f)));
  const z = bind(b, f32x4.mul(s, s));
  const r = f32x4.mul(z, f32x4.horner(z, LOG_SERIES));
  const hfsq = bind(b, f32x4.mul(f32x4.mul(splat(0.5), f), f));
  const log1pf = f32x4.sub(f, f32x4.sub(hfsq, f32x4.mul(s, f32x4.add(hfsq, r))));
  const tail = f32x4.add(f32x4.mul(k, splat(LN2_LO)), f32x4.div(c, w));
  return bind(b, f32x4.add(f32x4.mul(k, splat(LN2_HI)), f32x4.add(log1pf, tail)));
}

/** t = 1/(1 + z/NORMAL_TAIL_SCALE) maps z ∈ [0, ∞) to (0, 1]. */
const NORMAL_TAIL_SCALE = 3;
/** Q(z)/(e^(−z²/2)·t) ≈ Σ NORMAL_TAIL_POLY[i] tⁱ, fitted for relative accuracy of Q on [0, ∞). */
const NORMAL_TAIL_POLY = [
  0.13298072, 0.13298589, 0.118081085, 0.08982673, 0.044205744, 0.018041832, -0.007641362, -0.083817646,
  0.07430147, -0.018964516,
];
/** Masks the low 12 mantissa bits off: a float with ≤ 12 significant bits squares exactly. */
const HIGH_BITS_MASK = -4096;

/**
 * The upper normal tail Q(z) = P(Z > z) = erfc(z/√2)/2 for z ≥ 0, and e^(−z²/2) (returned so
 * that callers get the density without a second exp). Q keeps ~5e-7 relative accuracy far into
 * the tail because z² is split exactly: z = zₕ + zₗ with zₕ² exact, and the low part
 * −zₗ(z + zₕ)/2 enters the exponential's reduced argument.
 */
export function vnormalTail(b: FunctionBuilder, z: Expr): { tail: Expr; gauss: Expr } {
  const zv = bind(b, z);
  const t = bind(b, f32x4.div(splat(1), f32x4.add(splat(1), f32x4.mul(zv, splat(1 / NORMAL_TAIL_SCALE)))));
  const zh = bind(b, v128.and(zv, splatI32(HIGH_BITS_MASK)));
  const hi = f32x4.mul(f32x4.mul(splat(-0.5), zh), zh);
  const lo = bind(b, f32x4.mul(f32x4.mul(splat(-0.5), f32x4.sub(zv, zh)), f32x4.add(zv, zh)));
  const gauss = vexp(b, hi, lo);
  const tail = bind(b, f32x4.mul(f32x4.mul(gauss, t), f32x4.horner(t, NORMAL_TAIL_POLY)));
  return { tail, gauss };
}
