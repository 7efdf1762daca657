import type { IRBuilder } from '../ir/builder.ts';
import type { ValueId } from '../ir/types.ts';

/**
 * The coefficients of the stochastic interpolant x_t = α(t) x₀ + β(t) x₁ + γ(t) z (Albergo, Boffi
 * & Vanden-Eijnden 2023), shared by process.interpolant (exact fields between Gaussian mixtures)
 * and loss.interpolant (training between data sets), so the two always mean the same process:
 * - linear: α = 1 − t, β = t;
 * - trigonometric: α = cos(πt/2), β = sin(πt/2);
 * - γ(t) = √(ε t (1 − t)) for both, so γ(0) = γ(1) = 0 and the endpoints are exactly ρ₀ and ρ₁.
 * γ' = ε (1 − 2t) / (2γ) diverges at t = 0 and 1, but γγ' = ε (1 − 2t) / 2 stays finite.
 */
export type InterpolantKind = 'linear' | 'trigonometric';

/** The interpolant's kinds, for enum params. */
export const INTERPOLANT_KINDS: readonly InterpolantKind[] = ['linear', 'trigonometric'];

/** α, β, their derivatives, γ² and γγ' at time t, as IR values. */
export function emitInterpolantCoefficients(b: IRBuilder, kind: InterpolantKind, epsilon: number, t: ValueId) {
  const one = b.constant(1);
  let alpha: ValueId, beta: ValueId, dAlpha: ValueId, dBeta: ValueId;
  if (kind === 'linear') {
    alpha = b.sub(one, t);
    beta = t;
    dAlpha = b.constant(-1);
    dBeta = one;
  } else {
    const angle = b.mul(b.constant(Math.PI / 2), t);
    alpha = b.unary('cos', angle);
    beta = b.unary('sin', angle);
    dAlpha = b.mul(b.constant(-Math.PI / 2), beta);
    dBeta = b.mul(b.constant(Math.PI / 2), alpha);
  }
  const gamma2 = b.mul(b.constant(epsilon), b.mul(t, b.sub(one, t)));
  const gammaDotGamma = b.mul(b.constant(epsilon / 2), b.sub(one, b.mul(b.constant(2), t)));
  return { alpha, beta, dAlpha, dBeta, gamma2, gammaDotGamma };
}

/** The same coefficients in float64 (for tests and host-side checks), with γ and γ' themselves. */
export function interpolantCoefficients(kind: InterpolantKind, epsilon: number, t: number) {
  const linear = kind === 'linear';
  const alpha = linear ? 1 - t : Math.cos((Math.PI * t) / 2);
  const beta = linear ? t : Math.sin((Math.PI * t) / 2);
  const dAlpha = linear ? -1 : (-Math.PI / 2) * beta;
  const dBeta = linear ? 1 : (Math.PI / 2) * alpha;
  const gamma2 = epsilon * t * (1 - t);
  const gammaDotGamma = (epsilon / 2) * (1 - 2 * t);
  const gamma = Math.sqrt(gamma2);
  return { alpha, beta, dAlpha, dBeta, gamma2, gammaDotGamma, gamma, dGamma: gamma > 0 ? gammaDotGamma / gamma : 0 };
}
