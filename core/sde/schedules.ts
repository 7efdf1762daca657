/**
 * The forward SDEs of score-based generative modelling (Song et al. 2021, "Score-Based Generative
 * Modeling through Stochastic Differential Equations", and its code score_sde), on t ∈ [0, 1]:
 *
 * - VP (variance preserving, the continuous DDPM): dx = −½ β(t) x dt + √β(t) dW,
 *   β(t) = β_min + t (β_max − β_min).
 * - sub-VP: dx = −½ β(t) x dt + √(β(t) (1 − e^{−2B(t)})) dW, B(t) = ∫₀ᵗ β.
 * - VE (variance exploding, the continuous SMLD): dx = √(dσ²/dt) dW,
 *   σ(t) = σ_min (σ_max / σ_min)^t.
 *
 * Each drift is linear, f(x, t) = c(t) x, and the diffusion depends on t only, so the perturbation
 * kernel is Gaussian: p_t(x | x₀) = N(α(t) x₀, σ_t² I), with α and σ_t in closed form.
 *
 * VE note: started at x₀ at t = 0, the VE SDE has σ_t² = σ(t)² − σ_min², which is what
 * {@link perturbation} returns (exact for the SDE as written); score_sde instead uses σ_t = σ(t),
 * treating data at t = 0 as already noised at σ_min. The difference is below σ_min² (1e-4 by default).
 * For 2-d toy data a σ_max of a few times the data's spread (e.g. 5–10) is enough for the prior
 * N(0, σ_max² I) to cover it; the image default of 50 wastes most of the steps at useless scales.
 */

/** A forward SDE with its schedule parameters. */
export type ForwardSde =
  | { readonly kind: 'vp'; readonly betaMin: number; readonly betaMax: number }
  | { readonly kind: 'subvp'; readonly betaMin: number; readonly betaMax: number }
  | { readonly kind: 've'; readonly sigmaMin: number; readonly sigmaMax: number };

/** score_sde's defaults: β ∈ [0.1, 20] for VP and sub-VP, σ ∈ [0.01, 50] for VE. */
export const SCHEDULE_DEFAULTS = { betaMin: 0.1, betaMax: 20, sigmaMin: 0.01, sigmaMax: 50 } as const;

/** The mean factor α(t) and the standard deviation σ_t of p_t(x | x₀) = N(α x₀, σ_t² I). */
export interface Perturbation {
  alpha: number;
  sigma: number;
}

/** Whether a resolved node value is a forward SDE description (what `drift.vp` & co. resolve to). */
export function isForwardSde(value: unknown): value is ForwardSde {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.kind === 'vp' || v.kind === 'subvp') return typeof v.betaMin === 'number' && typeof v.betaMax === 'number';
  return v.kind === 've' && typeof v.sigmaMin === 'number' && typeof v.sigmaMax === 'number';
}

/** β(t) of VP / sub-VP. */
export function beta(sde: { betaMin: number; betaMax: number }, t: number): number {
  return sde.betaMin + t * (sde.betaMax - sde.betaMin);
}

/** B(t) = ∫₀ᵗ β(s) ds of VP / sub-VP. */
export function betaIntegral(sde: { betaMin: number; betaMax: number }, t: number): number {
  return sde.betaMin * t + 0.5 * t * t * (sde.betaMax - sde.betaMin);
}

/** c(t) of the linear drift f(x, t) = c(t) x. */
export function driftCoefficient(sde: ForwardSde, t: number): number {
  return sde.kind === 've' ? 0 : -0.5 * beta(sde, t);
}

/** The drift f(x, t), componentwise. */
export function drift(sde: ForwardSde, x: readonly number[], t: number): number[] {
  const c = driftCoefficient(sde, t);
  return x.map((xj) => c * xj);
}

/** The diffusion g(t), the same for every component. */
export function diffusion(sde: ForwardSde, t: number): number {
  switch (sde.kind) {
    case 'vp': return Math.sqrt(beta(sde, t));
    case 'subvp': return Math.sqrt(beta(sde, t) * -Math.expm1(-2 * betaIntegral(sde, t)));
    case 've': {
      const logRatio = Math.log(sde.sigmaMax / sde.sigmaMin);
      return sde.sigmaMin * Math.exp(t * logRatio) * Math.sqrt(2 * logRatio);
    }
  }
}

/** α(t) and σ_t of the perturbation kernel p_t(x | x₀), in closed form. */
export function perturbation(sde: ForwardSde, t: number): Perturbation {
  switch (sde.kind) {
    case 'vp': {
      const B = betaIntegral(sde, t);
      return { alpha: Math.exp(-0.5 * B), sigma: Math.sqrt(-Math.expm1(-B)) };
    }
    case 'subvp': {
      const B = betaIntegral(sde, t);
      return { alpha: Math.exp(-0.5 * B), sigma: -Math.expm1(-B) };
    }
    case 've': {
      const logRatio = Math.log(sde.sigmaMax / sde.sigmaMin);
      return { alpha: 1, sigma: sde.sigmaMin * Math.sqrt(Math.expm1(2 * t * logRatio)) };
    }
  }
}

/**
 * The standard deviation of the prior the reverse process starts from at T = 1: 1 for VP and
 * sub-VP (N(0, I), exact up to α(1) ≈ e^{−5} with the defaults), σ_max for VE (N(0, σ_max² I)).
 */
export function priorStd(sde: ForwardSde): number {
  return sde.kind === 've' ? sde.sigmaMax : 1;
}

/** A one-line description for docs and summaries, e.g. `VP SDE, β ∈ [0.1, 20]`. */
export function describeSde(sde: ForwardSde): string {
  return sde.kind === 've' ? `VE SDE, σ ∈ [${sde.sigmaMin}, ${sde.sigmaMax}]` : `${sde.kind === 'vp' ? 'VP' : 'sub-VP'} SDE, β ∈ [${sde.betaMin}, ${sde.betaMax}]`;
}
