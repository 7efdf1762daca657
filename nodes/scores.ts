import { NodeInputError, type FieldDefinition, type NodeContext, type PortSpec } from '../core/graph/catalog.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import type { ValueId } from '../core/ir/types.ts';
import { isForwardSde, type ForwardSde } from '../core/sde/schedules.ts';
import { emitPerturbation } from '../core/sde/schedulesIR.ts';
import { checkExpressions, expressionParams, lowerExpressions } from './expressionField.ts';
import { perComponent } from './ports.ts';
import { gaussianMixtureSource } from './sources.ts';

/** Output of every score node. */
export const SCORE_OUT: PortSpec = { name: 'out', type: 'score', doc: 'The score s(x, t) = ∇ₓ log p_t(x).' };

/** The mixture's params, read once. */
interface Mixture {
  means: number[][];
  stds: number[];
  /** Normalised to sum to 1. */
  weights: number[];
}

function mixtureOf(means: number[][], stds: unknown, weights: number[]): Mixture {
  const total = weights.reduce((a, w) => a + w, 0);
  return { means, stds: perComponent(stds, means.length), weights: weights.map((w) => w / total) };
}

/** The schedule on input `sde`, or a NodeInputError that says what to connect. */
function scheduleInput(ctx: NodeContext): ForwardSde {
  const sde = ctx.input('sde');
  if (!isForwardSde(sde)) throw new NodeInputError("input 'sde' must come from the 'sde' output of drift.vp, drift.subvp or drift.ve", undefined, 'sde');
  return sde;
}

/**
 * ∇ₓ log Σ_k w_k N(x; α μ_k, V_k I), V_k = α² s_k² + σ_t², with a log-sum-exp over the components:
 * s(x) = Σ_k r_k (α μ_k − x) / V_k, r_k = softmax_k(log w_k − (d/2) log V_k − ‖x − α μ_k‖² / (2 V_k)).
 * Subtracting the largest logit keeps every exp in (0, 1], so far-away points and sharp components
 * (tiny V_k near t = 0) neither overflow nor divide 0 by 0.
 */
export function emitMixtureScore(b: IRBuilder, mix: Mixture, x: readonly ValueId[], alpha: ValueId, variance: ValueId): ValueId[] {
  const d = x.length;
  const single = mix.means.length === 1;
  const parts = mix.means.map((mean, k) => {
    const V = b.add(b.mul(b.mul(alpha, alpha), b.constant(mix.stds[k] ** 2)), variance);
    const diff = mean.map((m, j) => b.sub(b.mul(alpha, b.constant(m)), x[j]));
    const pull = diff.map((v) => b.div(v, V));
    // One component needs no responsibilities (the kernels would compute unused logits).
    if (single) return { logit: V, pull };
    const squared = diff.reduce<ValueId>((acc, v) => b.add(acc, b.mul(v, v)), b.constant(0));
    const logit = b.sub(b.sub(b.constant(Math.log(mix.weights[k])), b.mul(b.constant(d / 2), b.unary('log', V))), b.div(squared, b.mul(b.constant(2), V)));
    return { logit, pull };
  });
  if (single) return parts[0].pull;
  const top = parts.slice(1).reduce((m, p) => b.binary('max', m, p.logit), parts[0].logit);
  const e = parts.map((p) => b.unary('exp', b.sub(p.logit, top)));
  const total = e.slice(1).reduce((acc, v) => b.add(acc, v), e[0]);
  return x.map((_, j) => b.div(parts.reduce<ValueId>((acc, p, k) => b.add(acc, b.mul(e[k], p.pull[j])), b.constant(0)), total));
}

/** Exact score of a Gaussian mixture pushed through a forward SDE. */
export const gaussianMixtureScore: FieldDefinition = {
  role: 'field', type: 'score.gaussian_mixture', title: 'Gaussian-mixture score (exact)',
  doc: 'The exact score ∇ₓ log p_t of a mixture of isotropic Gaussians Σ w_k N(μ_k, s_k² I) pushed through the forward SDE on input sde: '
    + 'p_t = Σ w_k N(α(t) μ_k, (α² s_k² + σ_t²) I). Use the same params as a source.gaussian_mixture to sample that mixture with a reverse-time SDE '
    + 'or probability-flow ODE without training a network. Stable for far-away points (log-sum-exp).',
  inputs: [{ name: 'sde', type: 'sde', required: true, doc: 'The forward SDE (the sde output of drift.vp, drift.subvp or drift.ve).' }],
  outputs: [SCORE_OUT],
  params: [
    { name: 'weights', kind: 'vector', default: [1, 1], min: 0, doc: 'Relative weights, one per component (normalised to sum to 1).' },
    { name: 'means', kind: 'vector_list', default: [[-2], [2]], doc: 'One mean vector per component, all of the state dimension.' },
    { name: 'stds', kind: 'number_or_vector', default: 0.5, min: 0, exclusiveMin: true, doc: 'Standard deviation of each component (isotropic): one for all, or one per component.' },
  ],
  check: (p) => gaussianMixtureSource.check?.(p) ?? [],
  resolve: (_p, ctx) => scheduleInput(ctx),
  dimension: (p) => (p.means as number[][])[0].length,
  field: (p, b, x, t, _dims, ctx) => {
    const { alpha, variance } = emitPerturbation(b, scheduleInput(ctx), t);
    return emitMixtureScore(b, mixtureOf(p.means as number[][], p.stds, p.weights as number[]), x, alpha, variance);
  },
};

/** A score written as expressions, e.g. of a known target density for a Langevin sampler. */
export const expressionScore: FieldDefinition = {
  role: 'field', type: 'score.expression', title: 'Score (expression)',
  doc: 'A score s(x, t) = ∇ₓ log p_t(x) given as one expression per state component, e.g. "-(x[0] - mu)/s^2" for N(mu, s²). '
    + 'For analytic targets of a Langevin corrector, or a score known in closed form.',
  inputs: [], outputs: [SCORE_OUT],
  params: expressionParams(['-x[0]'], 'One expression per state component; their number is the state dimension.'),
  check: checkExpressions,
  dimension: (p) => (p.expr as string[]).length,
  field: (p, b, x, t) => lowerExpressions(p, b, x, t),
};

export const SCORES = [gaussianMixtureScore, expressionScore];
