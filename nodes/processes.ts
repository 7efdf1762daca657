import type { FieldDefinition, NodeContext, ParamSpec, PortSpec } from '../core/graph/catalog.ts';
import { IRBuilder } from '../core/ir/builder.ts';
import { emitTangent } from '../core/ir/derivative.ts';
import { SCALAR, vectorType, type ValueId } from '../core/ir/types.ts';
import { isForwardSde, type ForwardSde } from '../core/sde/schedules.ts';

/**
 * Combinators that turn a forward SDE dx = f dt + g dW and its score s = ∇ₓ log p_t into samplers
 * (Song et al. 2021). Our solvers integrate forward in time, so both run in the reversed clock
 * τ = T − t: τ = 0 is the prior (t = T), τ → T is the data (t → 0). Integrate τ from 0 to T − ε
 * (ε ≈ 1e-3; the score of the data itself may be singular at t = 0), starting from the prior:
 * N(0, I) for VP and sub-VP with T = 1, N(0, σ_max² I) for VE.
 */

/** What a reverse process resolves to: its horizon and, when known, the forward schedule. */
export interface ReverseProcessInfo {
  kind: 'reverse_process';
  T: number;
  /** The forward SDE, when the drift comes from drift.vp / drift.subvp / drift.ve. */
  forward?: ForwardSde;
}

/** Whether a resolved node value is a {@link ReverseProcessInfo}. */
export function isReverseProcess(value: unknown): value is ReverseProcessInfo {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'reverse_process';
}

function resolveProcess(T: number, ctx: NodeContext): ReverseProcessInfo {
  const forward = ctx.input('drift');
  return { kind: 'reverse_process', T, ...(isForwardSde(forward) ? { forward } : {}) };
}

/** The state dimension an input fixes (the score's, e.g. a mixture's), so solvers downstream check it. */
function processDimension(ctx: NodeContext | undefined): number | undefined {
  return ctx?.dimension?.('score') ?? ctx?.dimension?.('drift') ?? ctx?.dimension?.('diffusion');
}

const INPUTS: PortSpec[] = [
  { name: 'drift', type: 'drift', required: true, doc: 'The forward drift f(x, t) (e.g. the out of drift.vp).' },
  { name: 'diffusion', type: 'diffusion', required: true, doc: 'The forward diffusion g(x, t) (e.g. the diffusion of drift.vp).' },
  { name: 'score', type: 'score', required: true, doc: 'The score ∇ₓ log p_t(x) of the forward process, in forward time t.' },
];

const HORIZON: ParamSpec = {
  name: 'T', kind: 'number', default: 1, min: 0, exclusiveMin: true,
  doc: 'Forward horizon T: the reversed clock is τ = T − t. Solve τ from 0 to T − ε (ε ≈ 1e-3).',
};

/** The forward pieces at (x, t = T − τ), and ∂(g_i²)/∂x_i (zero for a diffusion of t only). */
function forwardParts(ctx: NodeContext, b: IRBuilder, x: readonly ValueId[], tau: ValueId, T: number) {
  const t = b.sub(b.constant(T), tau);
  const need = (v: ValueId[] | undefined, port: string): ValueId[] => {
    if (!v) throw new Error(`reverse process: input '${port}' is not connected`);
    return v;
  };
  const f = need(ctx.field('drift', b, x, t), 'drift');
  const s = need(ctx.field('score', b, x, t), 'score');
  // g as a function of its own, so forward-mode derivatives give ∂g_i/∂x_i (the ∇·(g gᵀ) term of
  // the reverse drift for a state-dependent diffusion; it folds away when g depends on t only).
  const inner = new IRBuilder('forward_diffusion', [{ name: 'x', type: vectorType(x.length) }, { name: 't', type: SCALAR }]);
  const gFn = inner.build(need(ctx.field('diffusion', inner, inner.elements(inner.param(0)), inner.param(1)), 'diffusion'));
  const X = b.stack(x);
  const g: ValueId[] = [];
  const divergence: ValueId[] = [];
  x.forEach((_, i) => {
    const r = emitTangent(b, gFn, [X, t], [b.oneHot(b.constant(1), i, x.length), null]);
    g.push(r.outputs[i]);
    divergence.push(b.mul(b.mul(b.constant(2), r.outputs[i]), r.tangents[i]));
  });
  return { t, f, g, s, divergence };
}

/** Reverse-time SDE. */
export const reverseSde: FieldDefinition = {
  role: 'field', type: 'process.reverse_sde', title: 'Reverse-time SDE',
  doc: 'The reverse-time SDE of a forward SDE and its score (Anderson 1982; Song et al. 2021), in the reversed clock τ = T − t: '
    + 'dy = [−f(y, T−τ) + g² s(y, T−τ) + ∇·(g gᵀ)] dτ + g(T−τ) dW (the divergence term vanishes for a diffusion of t only). '
    + 'Connect out and diffusion to an SDE solver (or solver.predictor_corrector, with score) that runs τ from 0 to T − ε (ε ≈ 1e-3) '
    + 'from the prior: N(0, I) for VP / sub-VP at T = 1, N(0, sigma_max² I) for VE.',
  inputs: INPUTS,
  outputs: [
    { name: 'out', type: 'drift', doc: 'Reverse drift −f + g² s (+ ∇·(g gᵀ)), in the reversed clock.' },
    { name: 'diffusion', type: 'diffusion', doc: 'g(T − τ).' },
    { name: 'score', type: 'score', doc: 's(x, T − τ): the score in the reversed clock, for a Langevin corrector.' },
  ],
  params: [HORIZON],
  resolve: (p, ctx) => resolveProcess(p.T as number, ctx),
  dimension: (_p, ctx) => processDimension(ctx),
  field: (p, b, x, tau, _dims, ctx, port) => {
    const T = p.T as number;
    const t = b.sub(b.constant(T), tau);
    if (port === 'score') return ctx.field('score', b, x, t) ?? [];
    const { f, g, s, divergence } = forwardParts(ctx, b, x, tau, T);
    if (port === 'diffusion') return g;
    return x.map((_, i) => b.add(b.add(b.neg(f[i]), b.mul(b.mul(g[i], g[i]), s[i])), divergence[i]));
  },
};

/** Probability-flow ODE. */
export const probabilityFlow: FieldDefinition = {
  role: 'field', type: 'process.probability_flow', title: 'Probability-flow ODE',
  doc: 'The probability-flow ODE of a forward SDE and its score (Song et al. 2021), whose solutions have the same marginals p_t, '
    + 'in the reversed clock τ = T − t: dy/dτ = −f(y, T−τ) + ½ g² s(y, T−τ) + ½ ∇·(g gᵀ). Deterministic: connect out to an ODE solver '
    + '(rk4, dopri5) that runs τ from 0 to T − ε from the prior (N(0, I) for VP / sub-VP, N(0, sigma_max² I) for VE).',
  inputs: INPUTS,
  outputs: [{ name: 'out', type: 'drift', doc: 'Probability-flow velocity −f + ½ g² s (+ ½ ∇·(g gᵀ)), in the reversed clock.' }],
  params: [HORIZON],
  resolve: (p, ctx) => resolveProcess(p.T as number, ctx),
  dimension: (_p, ctx) => processDimension(ctx),
  field: (p, b, x, tau, _dims, ctx) => {
    const { f, g, s, divergence } = forwardParts(ctx, b, x, tau, p.T as number);
    const half = b.constant(0.5);
    return x.map((_, i) => b.add(b.sub(b.mul(half, b.mul(b.mul(g[i], g[i]), s[i])), f[i]), b.mul(half, divergence[i])));
  },
};

export const PROCESSES = [reverseSde, probabilityFlow];
