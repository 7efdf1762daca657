/**
 * Each activation as two f32x4 emitters: the value act(x) and the derivative act′(x). The
 * formulas mirror `activationForward`/`activationDerivative` in `reference.ts` (float64), which
 * the tests compare against.
 */
import type { FunctionBuilder } from '../../wasm/binary.ts';
import { bind, f32x4, splat, splatI32, v128, type Expr } from '../../wasm/expr.ts';
import { GELU_TANH_K0, GELU_TANH_K1 } from './referenceMath.ts';
import type { Activation } from './types.ts';
import { vexp, vexpm1, vlog1pUnit, vnormalTail, vsigmoid } from './vectorMath.ts';

/** Code for one activation on a v128 of four f32 lanes. */
export interface ActivationEmitter {
  forward(b: FunctionBuilder, x: Expr): Expr;
  derivative(b: FunctionBuilder, x: Expr): Expr;
}

const SIGN_BIT = -0x80000000;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** σ(x) and 1 − σ(x) = e⁻ˣσ(x), the latter without cancellation for large x. */
function sigmoidPair(b: FunctionBuilder, x: Expr): { s: Expr; oneMinus: Expr } {
  const e = vexp(b, f32x4.neg(x));
  const s = bind(b, f32x4.div(splat(1), f32x4.add(splat(1), e)));
  return { s, oneMinus: bind(b, f32x4.mul(e, s)) };
}

/** Φ(x) from Q(|x|): 1 − Q for x > 0, Q otherwise (NaN stays NaN through Q). */
function normalCdf(b: FunctionBuilder, x: Expr): { cdf: Expr; gauss: Expr } {
  const xv = bind(b, x);
  const { tail, gauss } = vnormalTail(b, f32x4.abs(xv));
  const cdf = bind(b, v128.select(f32x4.sub(splat(1), tail), tail, f32x4.gt(xv, splat(0))));
  return { cdf, gauss };
}

/** 2u for tanh-GELU: 2√(2/π)(x + 0.044715x³) = x·(2K₀ + 2K₀K₁x²). */
function geluTanhArgument(x: Expr): Expr {
  return f32x4.mul(x, f32x4.add(splat(2 * GELU_TANH_K0), f32x4.mul(splat(2 * GELU_TANH_K0 * GELU_TANH_K1), f32x4.mul(x, x))));
}

/** The emitters of every activation. */
export const ACTIVATION_EMITTERS: Record<Activation, ActivationEmitter> = {
  identity: {
    forward: (_b, x) => x,
    derivative: () => splat(1),
  },
  relu: {
    forward: (_b, x) => f32x4.pmax(x, splat(0)),
    // All-ones mask lanes ∧ bits of 1.0 = 1.0 where x > 0, else +0.
    derivative: (_b, x) => v128.and(f32x4.gt(x, splat(0)), splat(1)),
  },
  silu: {
    forward(b, x) {
      const xv = bind(b, x);
      return f32x4.div(xv, f32x4.add(splat(1), vexp(b, f32x4.neg(xv))));
    },
    derivative(b, x) {
      const xv = bind(b, x);
      const { s, oneMinus } = sigmoidPair(b, xv);
      return f32x4.mul(s, f32x4.add(splat(1), f32x4.mul(xv, oneMinus)));
    },
  },
  tanh: {
    // tanh|x| = −t/(2 + t) with t = expm1(−2|x|) (accurate near 0, → 1 for large |x|), then x's sign.
    forward(b, x) {
      const xv = bind(b, x);
      const t = vexpm1(b, f32x4.mul(splat(-2), f32x4.abs(xv)));
      const magnitude = f32x4.div(f32x4.neg(t), f32x4.add(splat(2), t));
      return v128.or(magnitude, v128.and(xv, splatI32(SIGN_BIT)));
    },
    // 1 − tanh²x = 4e/(1 + e)² with e = e^(−2|x|): no cancellation, → 0 smoothly.
    derivative(b, x) {
      const e = vexp(b, f32x4.mul(splat(-2), f32x4.abs(x)));
      const onePlus = bind(b, f32x4.add(splat(1), e));
      return f32x4.div(f32x4.mul(splat(4), e), f32x4.mul(onePlus, onePlus));
    },
  },
  softplus: {
    forward(b, x) {
      const xv = bind(b, x);
      return f32x4.add(f32x4.pmax(xv, splat(0)), vlog1pUnit(b, vexp(b, f32x4.neg(f32x4.abs(xv)))));
    },
    derivative: (b, x) => vsigmoid(b, x),
  },
  gelu: {
    forward(b, x) {
      const xv = bind(b, x);
      return f32x4.mul(xv, normalCdf(b, xv).cdf);
    },
    // Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
    derivative(b, x) {
      const xv = bind(b, x);
      const { cdf, gauss } = normalCdf(b, xv);
      return f32x4.add(cdf, f32x4.mul(xv, f32x4.mul(gauss, splat(INV_SQRT_2PI))));
    },
  },
  geluTanh: {
    // (1 + tanh u)/2 = σ(2u).
    forward(b, x) {
      const xv = bind(b, x);
      return f32x4.mul(xv, vsigmoid(b, geluTanhArgument(xv)));
    },
    // σ(2u) + x·σ(2u)(1 − σ(2u))·d(2u)/dx, d(2u)/dx = 2K₀(1 + 3K₁x²).
    derivative(b, x) {
      const xv = bind(b, x);
      const { s, oneMinus } = sigmoidPair(b, geluTanhArgument(xv));
      const du = f32x4.add(splat(2 * GELU_TANH_K0), f32x4.mul(splat(6 * GELU_TANH_K0 * GELU_TANH_K1), f32x4.mul(xv, xv)));
      return f32x4.add(s, f32x4.mul(f32x4.mul(xv, f32x4.mul(s, oneMinus)), du));
    },
  },
};
