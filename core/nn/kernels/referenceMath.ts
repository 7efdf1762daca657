/**
 * Float64 scalar definitions of the activations and their derivatives: the ground truth that the
 * SIMD emitters (`activationEmitters.ts`) are tested against, and what the JavaScript kernels use.
 */
import type { Activation } from './types.ts';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** √(2/π) and the cubic coefficient of tanh-GELU. */
export const GELU_TANH_K0 = Math.sqrt(2 / Math.PI);
export const GELU_TANH_K1 = 0.044715;

/**
 * The complementary error function to ~1e-15 relative accuracy (JavaScript has no Math.erf).
 * |x| < 2.5: erf by its everywhere-positive series 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)),
 * where 1 − erf loses at most ~3 digits; beyond: the continued fraction
 * erfc x = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))), evaluated backward.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  // 60 terms converge to double precision for x ≥ 2.5 (checked against known values in the tests).
  let fraction = x;
  for (let n = 60; n >= 1; n--) fraction = x + n / 2 / fraction;
  return (INV_SQRT_PI * Math.exp(-x * x)) / fraction;
}

/** Φ(x), the standard normal CDF, accurate in relative terms in the lower tail too. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** σ(x) = 1/(1 + e⁻ˣ). */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** act(x) in float64; see `Activation` for the definitions. */
export function activationForward(activation: Activation, x: number): number {
  switch (activation) {
    case 'identity':
      return x;
    case 'relu':
      return Math.max(x, 0);
    case 'silu':
      return x / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    case 'softplus':
      return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    case 'gelu':
      return x * normalCdf(x);
    case 'geluTanh':
      return x * sigmoid(2 * GELU_TANH_K0 * (x + GELU_TANH_K1 * x * x * x));
  }
}

/** act′(x) in float64, the exact derivative of `activationForward`. */
export function activationDerivative(activation: Activation, x: number): number {
  switch (activation) {
    case 'identity':
      return 1;
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'silu': {
      const s = sigmoid(x);
      return s * (1 + x * (1 - s));
    }
    case 'tanh': {
      // 1 − tanh² without cancellation.
      const e = Math.exp(-2 * Math.abs(x));
      return (4 * e) / ((1 + e) * (1 + e));
    }
    case 'softplus':
      return sigmoid(x);
    case 'gelu':
      return normalCdf(x) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
    case 'geluTanh': {
      const s = sigmoid(2 * GELU_TANH_K0 * (x + GELU_TANH_K1 * x * x * x));
      return s + x * s * (1 - s) * 2 * GELU_TANH_K0 * (1 + 3 * GELU_TANH_K1 * x * x);
    }
  }
}
