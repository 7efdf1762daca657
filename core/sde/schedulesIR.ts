/**
 * The forward SDEs of schedules.ts as IR: the same closed forms, emitted into an {@link IRBuilder}
 * at a time value `t`, so drift, diffusion and score nodes lower them into the fused kernels.
 */
import type { IRBuilder } from '../ir/builder.ts';
import type { ValueId } from '../ir/types.ts';
import type { ForwardSde } from './schedules.ts';

/** β(t) = β_min + t (β_max − β_min). */
function emitBeta(b: IRBuilder, sde: { betaMin: number; betaMax: number }, t: ValueId): ValueId {
  return b.add(b.constant(sde.betaMin), b.mul(b.constant(sde.betaMax - sde.betaMin), t));
}

/** B(t) = β_min t + ½ (β_max − β_min) t². */
function emitBetaIntegral(b: IRBuilder, sde: { betaMin: number; betaMax: number }, t: ValueId): ValueId {
  return b.mul(t, b.add(b.constant(sde.betaMin), b.mul(b.constant(0.5 * (sde.betaMax - sde.betaMin)), t)));
}

/** (σ_max / σ_min)^t as exp(t ln(σ_max / σ_min)). */
function emitRatioPower(b: IRBuilder, sde: { sigmaMin: number; sigmaMax: number }, t: ValueId, factor = 1): ValueId {
  return b.unary('exp', b.mul(b.constant(factor * Math.log(sde.sigmaMax / sde.sigmaMin)), t));
}

/**
 * e^x − 1 without the cancellation of exp(x) − 1 for small x (the IR has no expm1): a Taylor
 * polynomial for |x| < 0.1 (truncation error below 1e-16 relative), exp(x) − 1 beyond, where float32 keeps
 * all but ~1 digit. Variances of the schedules near t = 0 and over one step are such differences.
 */
export function emitExpm1(b: IRBuilder, x: ValueId): ValueId {
  // x (1 + x/2! (… (1 + x/10)…)): Horner with the terms up to x¹⁰/10!.
  let series = b.constant(1);
  for (let k = 10; k >= 2; k--) series = b.add(b.constant(1), b.mul(b.mul(x, b.constant(1 / k)), series));
  const small = b.binary('lt', b.unary('abs', x), b.constant(0.1));
  return b.select(small, b.mul(x, series), b.sub(b.unary('exp', x), b.constant(1)));
}

/** c(t) of the linear drift f(x, t) = c(t) x. */
export function emitDriftCoefficient(b: IRBuilder, sde: ForwardSde, t: ValueId): ValueId {
  return sde.kind === 've' ? b.constant(0) : b.mul(b.constant(-0.5), emitBeta(b, sde, t));
}

/** g(t)², the squared diffusion (shared by reverse drifts, which need g² rather than g). */
export function emitDiffusionSquared(b: IRBuilder, sde: ForwardSde, t: ValueId): ValueId {
  switch (sde.kind) {
    case 'vp': return emitBeta(b, sde, t);
    case 'subvp': {
      const decay = b.unary('exp', b.mul(b.constant(-2), emitBetaIntegral(b, sde, t)));
      return b.mul(emitBeta(b, sde, t), b.sub(b.constant(1), decay));
    }
    case 've': {
      const logRatio = Math.log(sde.sigmaMax / sde.sigmaMin);
      return b.mul(b.constant(2 * logRatio * sde.sigmaMin ** 2), emitRatioPower(b, sde, t, 2));
    }
  }
}

/** g(t). */
export function emitDiffusion(b: IRBuilder, sde: ForwardSde, t: ValueId): ValueId {
  return b.unary('sqrt', emitDiffusionSquared(b, sde, t));
}

/** α(t) and σ_t² of the perturbation kernel N(α x₀, σ_t² I) (see schedules.ts `perturbation`). */
export function emitPerturbation(b: IRBuilder, sde: ForwardSde, t: ValueId): { alpha: ValueId; variance: ValueId } {
  switch (sde.kind) {
    case 'vp': case 'subvp': {
      const B = emitBetaIntegral(b, sde, t);
      const oneMinusAlpha2 = b.neg(emitExpm1(b, b.neg(B)));
      return { alpha: b.unary('exp', b.mul(b.constant(-0.5), B)), variance: sde.kind === 'vp' ? oneMinusAlpha2 : b.mul(oneMinusAlpha2, oneMinusAlpha2) };
    }
    case 've': {
      const logRatio = Math.log(sde.sigmaMax / sde.sigmaMin);
      return { alpha: b.constant(1), variance: b.mul(b.constant(sde.sigmaMin ** 2), emitExpm1(b, b.mul(b.constant(2 * logRatio), t))) };
    }
  }
}

/**
 * The forward SDE's exact one-step transition from t − h to t, x ↦ a x + G z: a = α(t)/α(t − h)
 * and G² = σ_t² − a² σ²_{t−h}, in forms without cancellation for small h (float32 kernels):
 * VP: a² = e^{−Δ}, G² = 1 − a², Δ = B(t) − B(t − h) = h (β_min + (β_max − β_min)(t − h/2));
 * sub-VP: G² = (1 − a²)(1 − a² α(t − h)⁴); VE: a = 1, G² = σ_min² r^{2(t−h)} (r^{2h} − 1), r = σ_max/σ_min.
 */
export function emitTransition(b: IRBuilder, sde: ForwardSde, t: ValueId, h: ValueId): { a: ValueId; g2: ValueId } {
  switch (sde.kind) {
    case 'vp': case 'subvp': {
      const mid = b.sub(t, b.mul(b.constant(0.5), h));
      const delta = b.mul(h, b.add(b.constant(sde.betaMin), b.mul(b.constant(sde.betaMax - sde.betaMin), mid)));
      const oneMinusA2 = b.neg(emitExpm1(b, b.neg(delta)));
      const a = b.unary('exp', b.mul(b.constant(-0.5), delta));
      if (sde.kind === 'vp') return { a, g2: oneMinusA2 };
      const alphaBefore2 = b.unary('exp', b.neg(emitBetaIntegral(b, sde, b.sub(t, h))));
      return { a, g2: b.mul(oneMinusA2, b.sub(b.constant(1), b.mul(b.mul(a, a), b.mul(alphaBefore2, alphaBefore2)))) };
    }
    case 've': {
      const twoLogRatio = 2 * Math.log(sde.sigmaMax / sde.sigmaMin);
      const before = b.mul(b.constant(sde.sigmaMin ** 2), b.unary('exp', b.mul(b.constant(twoLogRatio), b.sub(t, h))));
      return { a: b.constant(1), g2: b.mul(before, emitExpm1(b, b.mul(b.constant(twoLogRatio), h))) };
    }
  }
}
