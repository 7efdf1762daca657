import { IRBuilder } from '../ir/builder.ts';
import { emitFunction } from '../ir/emit.ts';
import { emitGradient } from '../ir/gradient.ts';
import { emitDivergence, emitJvp, emitTimeDerivative } from '../ir/jvp.ts';
import { SCALAR, vectorType, type IRFunction, type IRParam, type ValueId } from '../ir/types.ts';
import { emitInterpolantCoefficients, type InterpolantKind } from '../sde/interpolantCoefficients.ts';
import type { ForwardSde } from '../sde/schedules.ts';
import { emitDiffusionSquared, emitDriftCoefficient, emitPerturbation } from '../sde/schedulesIR.ts';
import { emitMlp, mlpFunction, mlpParams, type MlpSpec } from './mlp.ts';

/** Where the trainer gets one per-sample input of a loss from, each step. */
export type InputSource =
  /** A batch of the data set. */
  | { kind: 'data' }
  /** A batch of the second data set of a two-data-set loss (the x₀ pool of loss.interpolant's `source`), drawn independently of `data`. */
  | { kind: 'source' }
  /** t ~ U(lo, hi). */
  | { kind: 'time'; lo: number; hi: number }
  /** Standard normal noise, one per component. */
  | { kind: 'normal' }
  /** ±1 with probability ½ each (Hutchinson / sliced probes). */
  | { kind: 'rademacher' };

/** A per-sample loss over an MLP: the IR, which params are weights, and how to fill the rest. */
export interface LossDefinition {
  /** Params: the network weights (mlpParams order), then the per-sample inputs; output 0: the loss. */
  fn: IRFunction;
  spec: MlpSpec;
  /** Param numbers of the weights (0 … count − 1). */
  weights: number[];
  /** The per-sample inputs after the weights, in param order. */
  inputs: { name: string; size: number; source: InputSource }[];
}

/** Smallest t sampled by the score-matching losses (score_sde's ε for VP/sub-VP; 1e-5 there, 1e-3 is kinder to float32). */
export const DEFAULT_EPS = 1e-3;

function builderFor(name: string, spec: MlpSpec, inputs: { name: string; size: number }[]): { b: IRBuilder; weights: ValueId[]; params: IRParam[]; at: (k: number) => ValueId } {
  const w = mlpParams(spec);
  const params = [...w, ...inputs.map((x) => ({ name: x.name, type: x.size === 1 ? SCALAR : vectorType(x.size) }))];
  const b = new IRBuilder(name, params);
  return { b, weights: w.map((_, i) => b.param(i)), params, at: (k) => b.param(w.length + k) };
}

/**
 * λ(t) of denoising score matching: `sigma2` = σ_t² (Song et al.'s "likelihood-free standard"),
 * `likelihood` = g(t)² (their likelihood weighting, which bounds the negative log-likelihood).
 */
export type DsmWeighting = 'sigma2' | 'likelihood';

/**
 * Denoising score matching for a forward SDE (Song et al. 2021): t ~ U(ε, 1),
 * x_t = α(t) x₀ + σ_t z, loss = λ(t) · ½‖s(x_t, t) + z/σ_t‖² = (λ/σ_t²) · ½‖σ_t s(x_t, t) + z‖²
 * (score_sde's sum-reduced loss; the second form never divides z by a small σ_t).
 * λ = σ_t² (default) gives ½‖σ_t s + z‖²; λ = g² (`likelihood`) multiplies that by g²/σ_t², which
 * is large near t = ε (score_sde samples t by importance for it; here t stays uniform, so the loss
 * is noisier). Inputs: x0 (data), t, z.
 */
export function dsmLoss(spec: MlpSpec, sde: ForwardSde, eps = DEFAULT_EPS, weighting: DsmWeighting = 'sigma2'): LossDefinition {
  const d = spec.inputDim;
  const inputs = [{ name: 'x0', size: d, source: { kind: 'data' } }, { name: 't', size: 1, source: { kind: 'time', lo: eps, hi: 1 } }, { name: 'z', size: d, source: { kind: 'normal' } }] as const;
  const { b, weights, at } = builderFor(`dsm_${sde.kind}`, spec, [...inputs]);
  const [x0, t, z] = [at(0), at(1), at(2)];
  const { alpha, variance } = emitPerturbation(b, sde, t);
  const sigma = b.unary('sqrt', variance);
  const xt = b.add(b.mul(alpha, x0), b.mul(sigma, z));
  const residual = b.add(b.mul(sigma, emitMlp(b, spec, weights, xt, t)), z);
  const half = weighting === 'likelihood' ? b.div(b.mul(b.constant(0.5), emitDiffusionSquared(b, sde, t)), variance) : b.constant(0.5);
  return { fn: b.build([b.mul(half, b.dot(residual, residual))]), spec, weights: weights.map((_, i) => i), inputs: [...inputs] };
}

/**
 * Sliced score matching (Song et al. 2019, the variance-reduced form) on the perturbed data of a
 * forward SDE: loss = λ(t) (½‖s‖² + vᵀ ∂s/∂x v) at x_t, λ = σ_t², with a Rademacher probe v. The
 * Jacobian term is a forward-mode JVP inside the loss, which reverse mode then differentiates.
 * Inputs: x0, t, z, v.
 */
export function slicedScoreMatchingLoss(spec: MlpSpec, sde: ForwardSde, eps = DEFAULT_EPS): LossDefinition {
  const d = spec.inputDim;
  const inputs = [
    { name: 'x0', size: d, source: { kind: 'data' } }, { name: 't', size: 1, source: { kind: 'time', lo: eps, hi: 1 } },
    { name: 'z', size: d, source: { kind: 'normal' } }, { name: 'v', size: d, source: { kind: 'rademacher' } },
  ] as const;
  const { b, weights, at } = builderFor(`ssm_${sde.kind}`, spec, [...inputs]);
  const [x0, t, z, v] = [at(0), at(1), at(2), at(3)];
  const { alpha, variance } = emitPerturbation(b, sde, t);
  const xt = b.add(b.mul(alpha, x0), b.mul(b.unary('sqrt', variance), z));
  const net = mlpFunction(spec);
  const [s, jv] = emitJvp(b, net, [...weights, xt, t], v, { input: weights.length });
  const loss = b.mul(variance, b.add(b.mul(b.constant(0.5), b.dot(s, s)), b.dot(v, jv)));
  return { fn: b.build([loss]), spec, weights: weights.map((_, i) => i), inputs: [...inputs] };
}

/** What {@link interpolantLoss} trains and between which ends (the defaults are plain flow matching from N(0, I)). */
export interface InterpolantLossOptions {
  /** α, β: linear (1 − t, t) or trigonometric (cos(πt/2), sin(πt/2)), as in process.interpolant. Default linear. */
  kind?: InterpolantKind;
  /** ε of γ(t) = √(ε t (1 − t)) (≥ 0; default 0, the deterministic interpolant). */
  epsilon?: number;
  /** x₀ from a second data set (InputSource `source`) instead of N(0, I). Default false. */
  source?: boolean;
  /** `velocity`: b(t, x) = E[α'x₀ + β'x₁ + γ'z | x_t = x]; `denoiser`: η(t, x) = E[z | x_t = x] (needs ε > 0). Default velocity. */
  target?: 'velocity' | 'denoiser';
}

/**
 * Interpolant (flow-matching) loss on x_t = α(t) x₀ + β(t) x₁ + γ(t) z, t ~ U(0, 1), x₁ from the
 * data, x₀ from the second data set (`source`) or N(0, I), z ~ N(0, I), all independent
 * (coefficients: core/sde/interpolantCoefficients.ts). With the defaults (linear, ε = 0, x₀ noise)
 * it is x_t = (1 − t) x₀ + t x₁, loss = ‖v(x_t, t) − (x₁ − x₀)‖², whose minimiser is the velocity
 * of the probability flow that carries N(0, I) at t = 0 to the data at t = 1.
 *
 * Velocity, ε > 0: the regression target İ + γ'z (İ = α'x₀ + β'x₁) has γ' ~ 1/γ, so its
 * variance diverges (logarithmically in t) at both ends. As Albergo et al. (2023, antithetic
 * sampling) we evaluate the network at x± = α x₀ + β x₁ ± γ z and use
 *   loss = ½ (‖b(x+) − İ‖² + ‖b(x−) − İ‖²) − γ' z·(b(x+) − b(x−)),
 * which is ½ (‖b(x+) − İ − γ'z‖² + ‖b(x−) − İ + γ'z‖²) minus the weight-free γ'²‖z‖²: the same
 * minimiser b, with a bounded per-sample value and gradient (b(x+) − b(x−) = O(γ)). γ' is
 * γγ'/max(γ, 1e-12), so a t that rounds to 0 or 1 in float32 adds 0, not NaN.
 *
 * Denoiser (ε > 0): loss = ‖η(x_t, t) − z‖², minimiser η = E[z | x_t]; the score of ρ_t is −η/γ.
 *
 * Inputs: x1 (data), t, x0 (source or normal), then z (normal) when ε > 0.
 */
export function interpolantLoss(spec: MlpSpec, options: InterpolantLossOptions = {}): LossDefinition {
  const { kind = 'linear', epsilon = 0, source = false, target = 'velocity' } = options;
  if (!(epsilon >= 0)) throw new Error(`interpolantLoss: epsilon must be ≥ 0, got ${epsilon}`);
  if (target === 'denoiser' && !(epsilon > 0)) throw new Error('interpolantLoss: the denoiser target needs epsilon > 0 (with γ = 0, x_t does not depend on z)');
  const d = spec.inputDim;
  const x0Source: InputSource = source ? { kind: 'source' } : { kind: 'normal' };
  const inputs: LossDefinition['inputs'] = [{ name: 'x1', size: d, source: { kind: 'data' } }, { name: 't', size: 1, source: { kind: 'time', lo: 0, hi: 1 } }, { name: 'x0', size: d, source: x0Source }];
  if (epsilon > 0) inputs.push({ name: 'z', size: d, source: { kind: 'normal' } });
  const plain = kind === 'linear' && epsilon === 0 && target === 'velocity';
  const { b, weights, at } = builderFor(plain ? 'interpolant' : `interpolant_${kind}_${target}`, spec, inputs);
  const [x1, t, x0] = [at(0), at(1), at(2)];
  const result = (loss: ValueId): LossDefinition => ({ fn: b.build([loss]), spec, weights: weights.map((_, i) => i), inputs });
  if (plain) {
    // Exactly the IR of plain flow matching (the loss values of graphs without ε or source stay as they were).
    const xt = b.add(b.mul(b.sub(b.constant(1), t), x0), b.mul(t, x1));
    const r = b.sub(emitMlp(b, spec, weights, xt, t), b.sub(x1, x0));
    return result(b.dot(r, r));
  }
  const c = emitInterpolantCoefficients(b, kind, epsilon, t);
  const mean = b.add(b.mul(c.alpha, x0), b.mul(c.beta, x1));
  const dMean = b.add(b.mul(c.dAlpha, x0), b.mul(c.dBeta, x1));
  const net = (x: ValueId) => emitMlp(b, spec, weights, x, t);
  if (epsilon === 0) {
    const r = b.sub(net(mean), dMean);
    return result(b.dot(r, r));
  }
  const z = at(3);
  const gamma = b.unary('sqrt', c.gamma2);
  const noise = b.mul(gamma, z);
  if (target === 'denoiser') {
    const r = b.sub(net(b.add(mean, noise)), z);
    return result(b.dot(r, r));
  }
  const dGamma = b.div(c.gammaDotGamma, b.binary('max', gamma, b.constant(1e-12)));
  const [plus, minus] = [net(b.add(mean, noise)), net(b.sub(mean, noise))];
  const [rPlus, rMinus] = [b.sub(plus, dMean), b.sub(minus, dMean)];
  const squares = b.mul(b.constant(0.5), b.add(b.dot(rPlus, rPlus), b.dot(rMinus, rMinus)));
  return result(b.sub(squares, b.mul(dGamma, b.dot(z, b.sub(plus, minus)))));
}

/**
 * Fokker–Planck residual of a score network (Lai et al. 2023, "FP-Diffusion"): the score of the
 * forward SDE dx = c(t) x dt + g(t) dW solves ∂_t s = ∇_x φ with
 * φ = ½ g² (∇·s + ‖s‖²) − c x·s − d c; the loss is λ(t) ‖∂_t s − ∇_x φ‖², λ = σ_t², at
 * x_t = α x₀ + σ_t z. It needs ∂/∂t and the divergence (forward mode) and ∇_x (reverse mode)
 * inside the loss that reverse mode then differentiates once more. A regulariser: any solution of
 * the equation zeroes it, so add it to {@link dsmLoss} rather than train on it alone.
 * Inputs: x0, t, z.
 */
export function fokkerPlanckResidualLoss(spec: MlpSpec, sde: ForwardSde, eps = DEFAULT_EPS): LossDefinition {
  const d = spec.inputDim;
  const inputs = [{ name: 'x0', size: d, source: { kind: 'data' } }, { name: 't', size: 1, source: { kind: 'time', lo: eps, hi: 1 } }, { name: 'z', size: d, source: { kind: 'normal' } }] as const;
  const net = mlpFunction(spec);
  const phi = potentialFunction(net, spec, sde);
  const { b, weights, at } = builderFor(`fp_${sde.kind}`, spec, [...inputs]);
  const [x0, t, z] = [at(0), at(1), at(2)];
  const { alpha, variance } = emitPerturbation(b, sde, t);
  const xt = b.add(b.mul(alpha, x0), b.mul(b.unary('sqrt', variance), z));
  const args = [...weights, xt, t];
  const dsdt = emitTimeDerivative(b, net, args, weights.length + 1);
  const gradPhi = emitGradient(b, phi, args, [weights.length]).gradients[0];
  const r = b.sub(dsdt, gradPhi);
  return { fn: b.build([b.mul(variance, b.dot(r, r))]), spec, weights: weights.map((_, i) => i), inputs: [...inputs] };
}

/** φ(weights…, x, t) = ½ g² (∇·s + ‖s‖²) − c x·s − d c of {@link fokkerPlanckResidualLoss}. */
function potentialFunction(net: IRFunction, spec: MlpSpec, sde: ForwardSde): IRFunction {
  const b = new IRBuilder('fp_potential', net.params);
  const args = net.params.map((_, i) => b.param(i));
  const [x, t] = [args[args.length - 2], args[args.length - 1]];
  const s = emitFunction(b, net, args)[0];
  const div = emitDivergence(b, net, args, { input: args.length - 2 });
  const c = emitDriftCoefficient(b, sde, t);
  const half = b.mul(b.constant(0.5), emitDiffusionSquared(b, sde, t));
  const phi = b.sub(b.mul(half, b.add(div, b.dot(s, s))), b.add(b.mul(c, b.dot(x, s)), b.mul(b.constant(spec.inputDim), c)));
  return b.build([phi]);
}

/**
 * a + weight · b over the same network: one per-sample loss whose inputs are the union of both
 * lists (an input of `b` with the name, size and source of one of `a` is shared, so a regulariser
 * is evaluated at the same x₀, t and z as the loss it adds to; any other gets a name of its own).
 */
export function combineLosses(a: LossDefinition, b: LossDefinition, weight: number, name = `${a.fn.name}_plus_${b.fn.name}`): LossDefinition {
  const same = JSON.stringify(a.spec) === JSON.stringify(b.spec);
  if (!same) throw new Error(`combineLosses: ${a.fn.name} and ${b.fn.name} train different networks`);
  const inputs = [...a.inputs];
  const fromB = b.inputs.map((input) => {
    const k = inputs.findIndex((x) => x.name === input.name && x.size === input.size && JSON.stringify(x.source) === JSON.stringify(input.source));
    if (k >= 0) return k;
    let unique = input.name;
    for (let n = 2; inputs.some((x) => x.name === unique); n++) unique = `${input.name}_${n}`;
    inputs.push({ ...input, name: unique });
    return inputs.length - 1;
  });
  const { b: builder, weights, at } = builderFor(name, a.spec, inputs);
  const la = emitFunction(builder, a.fn, [...weights, ...a.inputs.map((_, k) => at(k))])[0];
  const lb = emitFunction(builder, b.fn, [...weights, ...fromB.map((k) => at(k))])[0];
  const total = builder.add(la, builder.mul(builder.constant(weight), lb));
  return { fn: builder.build([total]), spec: a.spec, weights: weights.map((_, i) => i), inputs };
}
