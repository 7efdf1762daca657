import { NodeInputError, type FieldDefinition, type NodeContext, type Params } from '../core/graph/catalog.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import type { ValueId } from '../core/ir/types.ts';
import { emitInterpolantCoefficients, type InterpolantKind } from '../core/sde/interpolantCoefficients.ts';
import { isGaussianMixture, type GaussianMixtureValue } from './sources.ts';

/**
 * Stochastic interpolant between two Gaussian mixtures (Albergo, Boffi & Vanden-Eijnden 2023):
 * x_t = α(t) x0 + β(t) x1 + γ(t) z, x0 ~ ρ0, x1 ~ ρ1, z ~ N(0, I) independent, t ∈ [0, 1], with
 * linear (α = 1 − t, β = t) or trigonometric (α = cos(πt/2), β = sin(πt/2)) α, β and
 * γ = √(ε t (1 − t)).
 *
 * For ρ0 = Σ_k w_k N(μ_k, s_k² I) and ρ1 = Σ_l π_l N(ν_l, r_l² I), x_t is the mixture over pairs
 * (k, l) of N(m_kl, V_kl I), m_kl = α μ_k + β ν_l, V_kl = α² s_k² + β² r_l² + γ². Within one pair,
 * Y = α' x0 + β' x1 + γ' z and x_t are jointly Gaussian, so
 *   E[Y | x_t = x, kl] = m'_kl + Cov(Y, x_t) / V_kl · (x − m_kl),  Cov(Y, x_t) = α α' s_k² + β β' r_l² + γ γ' = V'_kl / 2,
 * and with responsibilities R_kl(x) = softmax_kl(log w_k π_l − (d/2) log V_kl − |x − m_kl|² / (2 V_kl)):
 *   velocity b(t, x) = Σ R_kl [m'_kl + V'_kl / (2 V_kl) (x − m_kl)],
 *   score    s(t, x) = Σ R_kl (m_kl − x) / V_kl.
 * γ' = ε(1 − 2t) / (2γ) diverges at t = 0 and 1, but only γγ' = ε(1 − 2t)/2 enters b, which is
 * finite, so the fields are exact on all of [0, 1] (no t_min). V_kl ≥ min(s_k², r_l²) · min(α², β²)
 * stays positive because the mixtures' stds must be > 0.
 */

/** linear or trigonometric α, β (core/sde/interpolantCoefficients.ts, shared with loss.interpolant). */
export type { InterpolantKind };

/** The two mixtures on inputs from and to, or a NodeInputError naming the port that does not fit. */
export function interpolantEnds(ctx: NodeContext): { from: GaussianMixtureValue; to: GaussianMixtureValue } {
  const end = (port: 'from' | 'to'): GaussianMixtureValue => {
    const value = ctx.input(port);
    if (!isGaussianMixture(value)) {
      throw new NodeInputError(`input '${port}' must come from a source.gaussian_mixture (the closed-form fields need its means, stds and weights); other sources are not supported`, undefined, port);
    }
    const zero = value.stds.findIndex((s) => !(s > 0));
    if (zero >= 0) throw new NodeInputError(`input '${port}': component ${zero} of the mixture has std ${value.stds[zero]}; the interpolant's density needs every std > 0`, undefined, port);
    return value;
  };
  const from = end('from');
  const to = end('to');
  if (from.means[0].length !== to.means[0].length) {
    throw new NodeInputError(`input 'to' has dimension ${to.means[0].length} but input 'from' has ${from.means[0].length}; connect two mixtures of the same dimension`, undefined, 'to');
  }
  return { from, to };
}

/** Emits the score and velocity (only those asked for) of the interpolant at (x, t). */
export function emitInterpolantFields(b: IRBuilder, kind: InterpolantKind, epsilon: number, from: GaussianMixtureValue, to: GaussianMixtureValue,
  x: readonly ValueId[], t: ValueId, want: { score: boolean; velocity: boolean }): { score: ValueId[]; velocity: ValueId[] } {
  const d = x.length;
  const c = emitInterpolantCoefficients(b, kind, epsilon, t);
  const a2 = b.mul(c.alpha, c.alpha);
  const b2 = b.mul(c.beta, c.beta);
  const aDa = b.mul(c.alpha, c.dAlpha);
  const bDb = b.mul(c.beta, c.dBeta);
  const pairs = from.means.flatMap((mu, k) => to.means.map((nu, l) => ({ mu, nu, s2: from.stds[k] ** 2, r2: to.stds[l] ** 2, w: from.weights[k] * to.weights[l] })))
    .filter((p) => p.w > 0);
  const parts = pairs.map((p) => {
    const V = b.add(b.add(b.mul(a2, b.constant(p.s2)), b.mul(b2, b.constant(p.r2))), c.gamma2);
    const diff = x.map((xj, j) => b.sub(xj, b.add(b.mul(c.alpha, b.constant(p.mu[j])), b.mul(c.beta, b.constant(p.nu[j])))));
    const score = want.score ? diff.map((v) => b.neg(b.div(v, V))) : [];
    let velocity: ValueId[] = [];
    if (want.velocity) {
      const halfDV = b.add(b.add(b.mul(aDa, b.constant(p.s2)), b.mul(bDb, b.constant(p.r2))), c.gammaDotGamma);
      const gain = b.div(halfDV, V);
      velocity = diff.map((v, j) => b.add(b.add(b.mul(c.dAlpha, b.constant(p.mu[j])), b.mul(c.dBeta, b.constant(p.nu[j]))), b.mul(gain, v)));
    }
    const squared = diff.reduce<ValueId>((acc, v) => b.add(acc, b.mul(v, v)), b.constant(0));
    const logit = b.sub(b.sub(b.constant(Math.log(p.w)), b.mul(b.constant(d / 2), b.unary('log', V))), b.div(squared, b.mul(b.constant(2), V)));
    return { logit, score, velocity };
  });
  if (parts.length === 1) return { score: parts[0].score, velocity: parts[0].velocity };
  // Log-sum-exp as in score.gaussian_mixture: subtract the largest logit so every exp is in (0, 1].
  const top = parts.slice(1).reduce((m, p) => b.binary('max', m, p.logit), parts[0].logit);
  const e = parts.map((p) => b.unary('exp', b.sub(p.logit, top)));
  const total = e.slice(1).reduce((acc, v) => b.add(acc, v), e[0]);
  const average = (pick: (p: (typeof parts)[number]) => ValueId[]): ValueId[] =>
    x.map((_, j) => b.div(parts.reduce<ValueId>((acc, p, k) => b.add(acc, b.mul(e[k], pick(p)[j])), b.constant(0)), total));
  return { score: want.score ? average((p) => p.score) : [], velocity: want.velocity ? average((p) => p.velocity) : [] };
}

/** The stochastic-interpolant process between two Gaussian mixtures. */
export const stochasticInterpolant: FieldDefinition = {
  role: 'field', type: 'process.interpolant', title: 'Stochastic interpolant (exact)',
  doc: 'Exact fields of the stochastic interpolant x_t = α(t) x0 + β(t) x1 + γ(t) z between the Gaussian mixtures on from (ρ0) and to (ρ1), '
    + 'z ~ N(0, I), γ = √(epsilon · t(1 − t)); kind linear (α = 1 − t, β = t) or trigonometric (α = cos(πt/2), β = sin(πt/2)). '
    + 'velocity b(t, x) = E[α\'x0 + β\'x1 + γ\'z | x_t = x] drives the ODE dx/dt = b that carries ρ0 at t = 0 to ρ1 at t = 1 (connect to rk4 or dopri5, t0 = 0, t1 = 1, '
    + 'initial = the from mixture); out = b + sde_noise · s and diffusion = √(2 · sde_noise) give an SDE with the same marginals (euler_maruyama). '
    + 'score = ∇ log ρ_t. All in closed form (responsibilities over the component pairs, log-sum-exp), exact on all of [0, 1].',
  inputs: [
    { name: 'from', type: 'distribution', required: true, doc: 'ρ0, the law at t = 0: a source.gaussian_mixture (also connect it to the solver\'s initial).' },
    { name: 'to', type: 'distribution', required: true, doc: 'ρ1, the law at t = 1: a source.gaussian_mixture of the same dimension.' },
  ],
  outputs: [
    { name: 'velocity', type: 'drift', doc: 'b(t, x): the interpolant\'s probability-flow velocity, for an ODE solver from t = 0 to 1.' },
    { name: 'out', type: 'drift', doc: 'b + sde_noise · s: the drift of the SDE with the same marginals ρ_t (use with diffusion).' },
    { name: 'diffusion', type: 'diffusion', doc: '√(2 · sde_noise) in every component.' },
    { name: 'score', type: 'score', doc: 's(t, x) = ∇ₓ log ρ_t(x).' },
  ],
  params: [
    { name: 'kind', kind: 'enum', default: 'linear', options: ['linear', 'trigonometric'], doc: 'α, β: linear (1 − t, t) or trigonometric (cos(πt/2), sin(πt/2)).' },
    { name: 'epsilon', kind: 'number', default: 0, min: 0, doc: 'Noise of the interpolant, γ(t)² = epsilon · t(1 − t); 0 gives the deterministic interpolant.' },
    { name: 'sde_noise', kind: 'number', default: 0.5, min: 0, doc: 'ε_s of the SDE dX = [b + ε_s s] dt + √(2 ε_s) dW (any ε_s ≥ 0 keeps the marginals ρ_t; 0 is the ODE).' },
  ],
  resolve: (_p, ctx) => interpolantEnds(ctx),
  dimension: (_p, ctx) => ctx?.dimension?.('from') ?? ctx?.dimension?.('to'),
  field: (p: Params, b, x, t, _dims, ctx, port) => {
    const noise = p.sde_noise as number;
    if (port === 'diffusion') return x.map(() => b.constant(Math.sqrt(2 * noise)));
    const { from, to } = interpolantEnds(ctx);
    const want = { score: port === 'score' || (port === 'out' && noise > 0), velocity: port !== 'score' };
    const f = emitInterpolantFields(b, p.kind as InterpolantKind, p.epsilon as number, from, to, x, t, want);
    if (port === 'score') return f.score;
    if (port === 'velocity' || noise === 0) return f.velocity;
    return f.velocity.map((v, j) => b.add(v, b.mul(b.constant(noise), f.score[j])));
  },
};

export const INTERPOLANTS = [stochasticInterpolant];
