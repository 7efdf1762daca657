import { NodeInputError, type FieldDefinition, type NodeContext, type Params } from '../core/graph/catalog.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import type { ValueId } from '../core/ir/types.ts';
import { isTrainingValue } from '../core/compile/trainValues.ts';
import { emitInterpolantCoefficients, INTERPOLANT_KINDS, type InterpolantKind } from '../core/sde/interpolantCoefficients.ts';
import { isInterpolantLossValue } from './losses.ts';
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
 *
 * Between data sets the same process comes from trained networks (loss.interpolant, both with this
 * kind and ε): a velocity b and a denoiser η ≈ E[z | x_t = x], whose score is s = −η/γ since
 * x_t | (x0, x1) ~ N(αx0 + βx1, γ² I) gives ∇ log ρ_t(x) = −E[z | x_t = x]/γ. The SDE drift is then
 * b − (ε_s/γ) η; γ → 0 at t = 0 and 1, so the score is evaluated at t clamped into [t_min, 1 − t_min]
 * (see {@link emitDenoiserScore}).
 */

/** linear or trigonometric α, β (core/sde/interpolantCoefficients.ts, shared with loss.interpolant). */
export type { InterpolantKind };

/**
 * The two mixtures on inputs from and to, or a NodeInputError naming the port that does not fit.
 * `needed` says what asks for them (e.g. "output 'velocity' needs the exact velocity"), for the
 * message when one is not connected.
 */
export function interpolantEnds(ctx: NodeContext, needed = 'the exact fields need them'): { from: GaussianMixtureValue; to: GaussianMixtureValue } {
  const end = (port: 'from' | 'to'): GaussianMixtureValue => {
    const value = ctx.input(port);
    if (value === undefined && ctx.dimension?.(port) === undefined) {
      throw new NodeInputError(`input '${port}' is not connected: ${needed}; connect source.gaussian_mixture nodes to from and to, or connect trained networks to velocity_field and denoiser_field`, undefined, port);
    }
    if (!isGaussianMixture(value)) {
      throw new NodeInputError(`input '${port}' must come from a source.gaussian_mixture (the closed-form fields need its means, stds and weights); other sources are not supported — for data sets, train networks with loss.interpolant and connect them to velocity_field and denoiser_field`, undefined, port);
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

/** Smallest t (and 1 − largest) at which a trained denoiser's score −η/γ(t) is evaluated; see the t_min param. */
export const DEFAULT_INTERPOLANT_T_MIN = 1e-3;

/**
 * The score −η(t, x)/γ(t) of a denoiser η ≈ E[z | x_t = x], both at the same t. For the exact η
 * this is 0/0 at t = 0 and 1 (γ = 0), with a finite limit; for a trained one the error of η is
 * divided by ~0. So callers evaluate it at t clamped into [t_min, 1 − t_min] ({@link clampTime}):
 * near the ends the score is held at its value at t_min (an O(t_min) error of the exact score).
 */
export function emitDenoiserScore(b: IRBuilder, kind: InterpolantKind, epsilon: number, denoiser: readonly ValueId[], t: ValueId): ValueId[] {
  const gamma = b.unary('sqrt', emitInterpolantCoefficients(b, kind, epsilon, t).gamma2);
  return denoiser.map((eta) => b.neg(b.div(eta, gamma)));
}

/** t clamped into [tMin, 1 − tMin]. */
export function clampTime(b: IRBuilder, t: ValueId, tMin: number): ValueId {
  return b.binary('min', b.binary('max', t, b.constant(tMin)), b.constant(1 - tMin));
}

/** Whether input `port` is connected (as far as resolve can tell: a value or a dimension). */
function connected(ctx: NodeContext, port: string): boolean {
  return ctx.input(port) !== undefined || ctx.dimension?.(port) !== undefined;
}

/**
 * Checks a trained field against the process: when it is a train node's output, its loss must be
 * loss.interpolant with the right target, kind and epsilon (otherwise b and η belong to another
 * interpolant and the SDE's marginals are not ρ_t). Other drifts (expressions, score.onnx) carry
 * nothing to compare.
 */
function checkTrainedField(ctx: NodeContext, p: Params, port: 'velocity_field' | 'denoiser_field', target: 'velocity' | 'denoiser'): void {
  const training = ctx.input(port);
  if (!isTrainingValue(training)) return;
  const loss = training.loss;
  if (!isInterpolantLossValue(loss)) {
    throw new NodeInputError(`input '${port}' is a network trained with ${loss.summary}; it needs one trained with loss.interpolant, target ${target}`, undefined, port);
  }
  if (loss.target !== target) {
    throw new NodeInputError(`input '${port}' is a network trained with loss.interpolant target ${loss.target}; it needs target ${target} (connect the other train node, or change that loss's target)`, undefined, port);
  }
  for (const param of ['kind', 'epsilon'] as const) {
    if (loss.interpolant[param] !== p[param]) {
      throw new NodeInputError(`${param} is ${p[param]} but the network on '${port}' was trained with ${param} ${loss.interpolant[param]} (loss.interpolant); `
        + `set ${param} to ${loss.interpolant[param]} here, so that the process and the trained field are the same interpolant`, param, port);
    }
  }
}

/** What process.interpolant resolves to: the mixtures when connected, and which fields are trained. */
export interface InterpolantProcessValue {
  kind: 'interpolant_process';
  ends?: { from: GaussianMixtureValue; to: GaussianMixtureValue };
  trained: { velocity: boolean; denoiser: boolean };
}

function resolveProcess(p: Params, ctx: NodeContext): InterpolantProcessValue {
  const trained = { velocity: connected(ctx, 'velocity_field'), denoiser: connected(ctx, 'denoiser_field') };
  checkTrainedField(ctx, p, 'velocity_field', 'velocity');
  checkTrainedField(ctx, p, 'denoiser_field', 'denoiser');
  if (trained.denoiser && !((p.epsilon as number) > 0)) {
    throw new NodeInputError('a denoiser_field needs epsilon > 0: the score is −η/γ with γ = √(epsilon · t(1 − t)); set epsilon to the one the denoiser was trained with', 'epsilon');
  }
  // Without any trained field every output but diffusion needs the mixtures, so their absence is
  // an error now; with one, only the outputs that need an exact field do (reported when lowered).
  // Mixtures that are connected are checked either way.
  const untrained = !trained.velocity && !trained.denoiser;
  const ends = untrained || connected(ctx, 'from') || connected(ctx, 'to')
    ? interpolantEnds(ctx, untrained ? 'with no velocity_field or denoiser_field connected, the exact fields need both mixtures' : 'from and to go together')
    : undefined;
  return { kind: 'interpolant_process', ...(ends ? { ends } : {}), trained };
}

/** The velocity b and score s at (x, t) that `port` needs: trained where connected, exact otherwise. */
function processFields(p: Params, b: IRBuilder, x: readonly ValueId[], t: ValueId, ctx: NodeContext, port: string, want: { velocity: boolean; score: boolean }) {
  const kind = p.kind as InterpolantKind;
  const epsilon = p.epsilon as number;
  const trainedField = (input: string, at: ValueId): ValueId[] | undefined => {
    const v = ctx.field(input, b, x, at);
    if (v && v.length !== x.length) throw new NodeInputError(`input '${input}' has ${v.length} components but the state has ${x.length}`, undefined, input);
    return v;
  };
  const velocity = want.velocity ? trainedField('velocity_field', t) : undefined;
  const tDenoiser = want.score ? clampTime(b, t, p.t_min as number) : t;
  const denoiser = want.score ? trainedField('denoiser_field', tDenoiser) : undefined;
  const exact = { velocity: want.velocity && !velocity, score: want.score && !denoiser };
  let closedForm: { velocity: ValueId[]; score: ValueId[] } = { velocity: [], score: [] };
  if (exact.velocity || exact.score) {
    const missing = exact.velocity ? 'velocity (velocity_field is not connected)' : 'score (denoiser_field is not connected)';
    const { from, to } = interpolantEnds(ctx, `output '${port}' needs the exact ${missing}, which needs both mixtures`);
    closedForm = emitInterpolantFields(b, kind, epsilon, from, to, x, t, exact);
  }
  return {
    velocity: velocity ?? closedForm.velocity,
    score: denoiser ? emitDenoiserScore(b, kind, epsilon, denoiser, tDenoiser) : closedForm.score,
  };
}

/** The stochastic-interpolant process: exact between two Gaussian mixtures, or from trained velocity and denoiser. */
export const stochasticInterpolant: FieldDefinition = {
  role: 'field', type: 'process.interpolant', title: 'Stochastic interpolant',
  doc: 'Fields of the stochastic interpolant x_t = α(t) x0 + β(t) x1 + γ(t) z, z ~ N(0, I), γ = √(epsilon · t(1 − t)); '
    + 'kind linear (α = 1 − t, β = t) or trigonometric (α = cos(πt/2), β = sin(πt/2)). '
    + 'velocity b(t, x) = E[α\'x0 + β\'x1 + γ\'z | x_t = x] drives the ODE dx/dt = b that carries ρ0 at t = 0 to ρ1 at t = 1 (connect to rk4 or dopri5, t0 = 0, t1 = 1, '
    + 'initial = ρ0); out = b + sde_noise · s and diffusion = √(2 · sde_noise) give an SDE with the same marginals (euler_maruyama); score s = ∇ log ρ_t. '
    + 'Between the Gaussian mixtures on from (ρ0) and to (ρ1) all are exact, in closed form (responsibilities over the component pairs, log-sum-exp), on all of [0, 1]. '
    + 'Between data sets, connect networks trained by loss.interpolant on them (train.adam\'s drift): velocity_field (target velocity) replaces b, '
    + 'denoiser_field (target denoiser, η ≈ E[z | x_t]) gives s = −η/γ(t), so out = b − (sde_noise/γ) η; kind and epsilon must be those of the losses '
    + '(a mismatch with a connected train node is an error), and epsilon > 0. γ vanishes at t = 0 and 1, so −η/γ is evaluated at t clamped into '
    + '[t_min, 1 − t_min]: integrate the SDE from t0 = t_min to t1 = 1 − t_min, with the source data (x0) as initial. from and to are needed only for outputs whose field is not trained.',
  inputs: [
    { name: 'from', type: 'distribution', doc: 'ρ0, the law at t = 0: a source.gaussian_mixture (also connect it to the solver\'s initial). Needed unless velocity_field and denoiser_field cover the outputs used.' },
    { name: 'to', type: 'distribution', doc: 'ρ1, the law at t = 1: a source.gaussian_mixture of the same dimension. Needed with from.' },
    { name: 'velocity_field', type: 'drift', doc: 'Optional trained velocity b (train.adam\'s drift, from loss.interpolant with target velocity and this kind and epsilon), used instead of the exact one.' },
    { name: 'denoiser_field', type: 'drift', doc: 'Optional trained denoiser η ≈ E[z | x_t = x] (train.adam\'s drift, from loss.interpolant with target denoiser and this kind and epsilon > 0): score = −η/γ(t).' },
  ],
  outputs: [
    { name: 'velocity', type: 'drift', doc: 'b(t, x): the interpolant\'s probability-flow velocity, for an ODE solver from t = 0 to 1.' },
    { name: 'out', type: 'drift', doc: 'b + sde_noise · s (with a trained denoiser b − (sde_noise/γ) η): the drift of the SDE with the same marginals ρ_t (use with diffusion).' },
    { name: 'diffusion', type: 'diffusion', doc: '√(2 · sde_noise) in every component.' },
    { name: 'score', type: 'score', doc: 's(t, x) = ∇ₓ log ρ_t(x) (with a trained denoiser −η/γ(t)).' },
  ],
  params: [
    { name: 'kind', kind: 'enum', default: 'linear', options: [...INTERPOLANT_KINDS], doc: 'α, β: linear (1 − t, t) or trigonometric (cos(πt/2), sin(πt/2)); with trained fields, that of their loss.interpolant.' },
    { name: 'epsilon', kind: 'number', default: 0, min: 0, doc: 'Noise of the interpolant, γ(t)² = epsilon · t(1 − t); 0 gives the deterministic interpolant. With trained fields, that of their loss.interpolant (> 0 for a denoiser).' },
    { name: 'sde_noise', kind: 'number', default: 0.5, min: 0, doc: 'ε_s of the SDE dX = [b + ε_s s] dt + √(2 ε_s) dW (any ε_s ≥ 0 keeps the marginals ρ_t; 0 is the ODE).' },
    {
      name: 't_min', kind: 'number', default: DEFAULT_INTERPOLANT_T_MIN, min: 0, exclusiveMin: true, max: 0.25,
      doc: 'With a trained denoiser only: s = −η/γ is evaluated at t clamped into [t_min, 1 − t_min], since γ → 0 at the ends (closer to them the score is held at its value there). '
        + 'Integrate the SDE from t0 = t_min to t1 = 1 − t_min.',
    },
  ],
  resolve: resolveProcess,
  dimension: (_p, ctx) => ctx?.dimension?.('from') ?? ctx?.dimension?.('to') ?? ctx?.dimension?.('velocity_field') ?? ctx?.dimension?.('denoiser_field'),
  field: (p: Params, b, x, t, _dims, ctx, port) => {
    const noise = p.sde_noise as number;
    if (port === 'diffusion') return x.map(() => b.constant(Math.sqrt(2 * noise)));
    const want = { score: port === 'score' || (port === 'out' && noise > 0), velocity: port !== 'score' };
    const f = processFields(p, b, x, t, ctx, port, want);
    if (port === 'score') return f.score;
    if (port === 'velocity' || noise === 0) return f.velocity;
    return f.velocity.map((v, j) => b.add(v, b.mul(b.constant(noise), f.score[j])));
  },
};

export const INTERPOLANTS = [stochasticInterpolant];
