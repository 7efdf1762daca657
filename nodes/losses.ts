import { NodeInputError, type NodeContext, type ParamSpec, type PortSpec, type ValueDefinition } from '../core/graph/catalog.ts';
import { isLossValue, isNetworkValue, type LossValue, type NetworkValue } from '../core/compile/trainValues.ts';
import {
  combineLosses, DEFAULT_EPS, dsmLoss, fokkerPlanckResidualLoss, interpolantLoss, slicedScoreMatchingLoss, type DsmWeighting,
} from '../core/nn/losses.ts';
import { INTERPOLANT_KINDS, type InterpolantKind } from '../core/sde/interpolantCoefficients.ts';
import { describeSde, isForwardSde, type ForwardSde } from '../core/sde/schedules.ts';

/**
 * Training objectives as nodes. Each resolves to a {@link LossValue}: the per-sample loss IR over
 * the network on its `network` input (core/nn/losses.ts), which train.adam minimises over batches
 * of the distribution on `data`. loss.fokker_planck_residual wraps another loss and adds λ times
 * the Fokker–Planck residual of the same network, at the same samples.
 */

const LOSS_OUT: PortSpec = { name: 'loss', type: 'loss', doc: 'The objective, for train.adam.' };
const DATA: PortSpec = { name: 'data', type: 'distribution', required: true, doc: 'The data distribution (e.g. source.two_moons); train.adam draws a pool of its samples.' };
const SDE: PortSpec = { name: 'sde', type: 'sde', required: true, doc: 'The forward SDE (the sde output of drift.vp, drift.subvp or drift.ve).' };
const NETWORK: PortSpec = { name: 'network', type: 'network', required: true, doc: 'The network to train (score.mlp).' };
const EPS: ParamSpec = {
  name: 'eps', kind: 'number', default: DEFAULT_EPS, min: 0, exclusiveMin: true, max: 0.5,
  doc: 'Smallest t sampled, t ~ U(eps, 1): the score of the data itself may be singular at t = 0 (score_sde: 1e-5; 1e-3 is kinder to float32).',
};

/** The network on input `network`, checked against the dimension of the data on `data`. */
function networkInput(ctx: NodeContext): NetworkValue {
  const net = ctx.input('network');
  if (!isNetworkValue(net)) throw new NodeInputError("input 'network' must come from a network node such as score.mlp", undefined, 'network');
  const d = ctx.dimension?.('data');
  if (d !== undefined && d !== net.spec.inputDim) {
    throw new NodeInputError(`the network has dimension ${net.spec.inputDim} but the data on 'data' has ${d} components; set the network's dimension to ${d}`, undefined, 'network');
  }
  return net;
}

/** The forward SDE on input `sde`. */
function sdeInput(ctx: NodeContext): ForwardSde {
  const sde = ctx.input('sde');
  if (!isForwardSde(sde)) throw new NodeInputError("input 'sde' must come from the 'sde' output of drift.vp, drift.subvp or drift.ve", undefined, 'sde');
  return sde;
}

/** Denoising score matching. */
export const dsmLossNode: ValueDefinition = {
  role: 'value', type: 'loss.dsm', title: 'Denoising score matching',
  doc: 'Denoising score matching (Song et al. 2021): t ~ U(eps, 1), x_t = α(t) x₀ + σ_t z with x₀ from data and z ~ N(0, I), '
    + 'loss = λ(t) · ½‖s(x_t, t) + z/σ_t‖², summed over components and averaged over the batch. '
    + 'weighting sigma2: λ = σ_t² (the "likelihood-free standard", = ½‖σ_t s + z‖²); likelihood: λ = g(t)² (the likelihood weighting, '
    + 'with t uniform rather than importance-sampled, so its loss is noisier near t = eps). The minimiser is the score of p_t.',
  inputs: [DATA, SDE, NETWORK],
  outputs: [LOSS_OUT],
  params: [
    EPS,
    { name: 'weighting', kind: 'enum', default: 'sigma2', options: ['sigma2', 'likelihood'], doc: 'λ(t): sigma2 = σ_t², likelihood = g(t)².' },
  ],
  resolve: (p, ctx): LossValue => {
    const [network, sde] = [networkInput(ctx), sdeInput(ctx)];
    const weighting = p.weighting as DsmWeighting;
    return {
      kind: 'loss', network, sde, target: 'score',
      definition: dsmLoss(network.spec, sde, p.eps as number, weighting),
      summary: `loss.dsm (λ = ${weighting === 'sigma2' ? 'σ_t²' : 'g(t)²'}, t ~ U(${p.eps}, 1), ${describeSde(sde)})`,
    };
  },
};

/** Sliced score matching. */
export const slicedScoreMatchingNode: ValueDefinition = {
  role: 'value', type: 'loss.sliced_score_matching', title: 'Sliced score matching',
  doc: 'Sliced score matching (Song et al. 2019, variance-reduced) on the data perturbed by the forward SDE: '
    + 'loss = σ_t² (½‖s‖² + vᵀ (∂s/∂x) v) at x_t = α x₀ + σ_t z, v a Rademacher probe. Needs no z/σ target, only the network\'s Jacobian '
    + '(a forward-mode product inside the loss); noisier than loss.dsm.',
  inputs: [DATA, SDE, NETWORK],
  outputs: [LOSS_OUT],
  params: [EPS],
  resolve: (p, ctx): LossValue => {
    const [network, sde] = [networkInput(ctx), sdeInput(ctx)];
    return {
      kind: 'loss', network, sde, target: 'score',
      definition: slicedScoreMatchingLoss(network.spec, sde, p.eps as number),
      summary: `loss.sliced_score_matching (λ = σ_t², Rademacher probes, ${describeSde(sde)})`,
    };
  },
};

/** What loss.interpolant trains on and for which interpolant: process.interpolant reads it to check that its kind and epsilon match. */
export interface InterpolantLossValue extends LossValue {
  target: 'velocity' | 'denoiser';
  interpolant: { kind: InterpolantKind; epsilon: number; source: boolean };
}

/** Whether a loss value comes from loss.interpolant (see {@link InterpolantLossValue}). */
export function isInterpolantLossValue(value: unknown): value is InterpolantLossValue {
  return isLossValue(value) && typeof (value as { interpolant?: unknown }).interpolant === 'object';
}

/** The targets of loss.interpolant, for its enum param. */
const INTERPOLANT_TARGETS = ['velocity', 'denoiser'] as const;

/** Interpolant / flow matching, from N(0, I) or between two data sets. */
export const interpolantLossNode: ValueDefinition = {
  role: 'value', type: 'loss.interpolant', title: 'Interpolant (flow matching)',
  doc: 'Stochastic-interpolant / flow-matching loss (Albergo, Boffi & Vanden-Eijnden 2023) on x_t = α(t) x₀ + β(t) x₁ + γ(t) z, t ~ U(0, 1), '
    + 'with x₁ from data, x₀ from source (a second data set, drawn independently of x₁ each step) or N(0, I) when source is not connected, '
    + 'and z ~ N(0, I). α, β and γ = √(epsilon · t(1 − t)) are those of process.interpolant (kind linear: α = 1 − t, β = t; '
    + 'trigonometric: α = cos(πt/2), β = sin(πt/2)). target velocity: the network learns b(t, x) = E[α\'x₀ + β\'x₁ + γ\'z | x_t = x]: '
    + 'loss = ‖v(x_t, t) − (α\'x₀ + β\'x₁)‖² for epsilon = 0 (linear: ‖v − (x₁ − x₀)‖²); for epsilon > 0 the antithetic form '
    + '½(‖v(x₊) − İ‖² + ‖v(x₋) − İ‖²) − γ\'z·(v(x₊) − v(x₋)), x± = αx₀ + βx₁ ± γz, which has the same minimiser and stays bounded where γ\' diverges. '
    + 'target denoiser (needs epsilon > 0): the network learns η(t, x) = E[z | x_t = x], loss = ‖η(x_t, t) − z‖²; the score of x_t is −η/γ. '
    + 'Sampling: train.adam\'s drift output (velocity target) with an ODE solver (rk4) from t0 = 0 to t1 = 1 whose initial is the x₀ distribution '
    + '(the source node, or N(0, I)) gives samples of x₁. For epsilon > 0 that ODE is the probability flow of the stochastic interpolant: '
    + 'its marginals are those of x_t, so it still ends at the data. For an SDE, connect a velocity and a denoiser trained with the same '
    + 'kind, epsilon and data to process.interpolant (velocity_field, denoiser_field) with that kind and epsilon.',
  inputs: [
    { ...DATA, doc: 'x₁: the distribution at t = 1 (e.g. source.checkerboard); train.adam draws a pool of its samples.' },
    {
      name: 'source', type: 'distribution', doc: 'x₀: the distribution at t = 0, a second data set (e.g. source.two_moons or source.file); '
        + 'train.adam draws a pool of as many samples (data_samples) with a seed derived from data_seed. Not connected: x₀ ~ N(0, I).',
    },
    NETWORK,
  ],
  outputs: [LOSS_OUT],
  params: [
    { name: 'kind', kind: 'enum', default: 'linear', options: [...INTERPOLANT_KINDS], doc: 'α, β: linear (1 − t, t) or trigonometric (cos(πt/2), sin(πt/2)), as in process.interpolant.' },
    { name: 'epsilon', kind: 'number', default: 0, min: 0, doc: 'Noise of the interpolant, γ(t)² = epsilon · t(1 − t) as in process.interpolant; 0 gives the deterministic interpolant.' },
    {
      name: 'target', kind: 'enum', default: 'velocity', options: [...INTERPOLANT_TARGETS],
      doc: 'What the network learns: velocity b(t, x) (for an ODE solver, or process.interpolant\'s velocity_field); '
        + 'denoiser η(t, x) = E[z | x_t = x] (needs epsilon > 0; for process.interpolant\'s denoiser_field, whose score is −η/γ).',
    },
  ],
  check: (p) => (p.target === 'denoiser' && !((p.epsilon as number) > 0)
    ? [{ param: 'epsilon', message: 'target denoiser needs epsilon > 0: with γ = 0, x_t does not depend on z and there is nothing to denoise; set epsilon (e.g. 1) or target velocity' }]
    : []),
  resolve: (p, ctx): InterpolantLossValue => {
    const network = networkInput(ctx);
    const sourceDims = ctx.dimension?.('source');
    const source = sourceDims !== undefined || ctx.input('source') !== undefined;
    if (sourceDims !== undefined && sourceDims !== network.spec.inputDim) {
      throw new NodeInputError(`the source data (x₀) has ${sourceDims} components but the network and the data (x₁) have ${network.spec.inputDim}; connect a ${network.spec.inputDim}-dimensional distribution to 'source'`, undefined, 'source');
    }
    const kind = p.kind as InterpolantKind;
    const epsilon = p.epsilon as number;
    const target = p.target as InterpolantLossValue['target'];
    const plain = !source && kind === 'linear' && epsilon === 0 && target === 'velocity';
    const summary = plain ? 'loss.interpolant (linear interpolant from N(0, I), velocity target)'
      : `loss.interpolant (${kind} interpolant, ε = ${epsilon}, from ${source ? 'the source data' : 'N(0, I)'}, ${target} target)`;
    return {
      kind: 'loss', network, target, definition: interpolantLoss(network.spec, { kind, epsilon, source, target }), summary,
      interpolant: { kind, epsilon, source },
    };
  },
};

/** Fokker–Planck residual as a regulariser of another score loss. */
export const fokkerPlanckResidualNode: ValueDefinition = {
  role: 'value', type: 'loss.fokker_planck_residual', title: 'Fokker–Planck residual',
  doc: 'Adds weight · the Fokker–Planck residual of the score network (Lai et al. 2023, FP-Diffusion) to the loss on input loss: '
    + 'total = loss + λ · σ_t² ‖∂_t s − ∇ₓφ‖², φ = ½ g² (∇·s + ‖s‖²) − c x·s − d c, at the same x₀, t and z. '
    + 'The inner loss must be a score loss with a forward SDE (loss.dsm or loss.sliced_score_matching); its data, SDE and network are used. '
    + 'Costly: second derivatives of the network inside the loss, so an iteration takes several times longer.',
  inputs: [{ name: 'loss', type: 'loss', required: true, doc: 'The score loss to regularise (loss.dsm or loss.sliced_score_matching).' }],
  outputs: [LOSS_OUT],
  params: [
    { name: 'weight', kind: 'number', default: 0.1, min: 0, doc: 'λ: the residual\'s weight relative to the inner loss.' },
    EPS,
  ],
  resolve: (p, ctx): LossValue => {
    const inner = ctx.input('loss');
    if (!isLossValue(inner)) throw new NodeInputError("input 'loss' must come from a loss node such as loss.dsm", undefined, 'loss');
    if (!inner.sde || inner.target !== 'score') {
      throw new NodeInputError('the Fokker–Planck residual needs a score loss with a forward SDE on input loss (loss.dsm or loss.sliced_score_matching)', undefined, 'loss');
    }
    const residual = fokkerPlanckResidualLoss(inner.network.spec, inner.sde, p.eps as number);
    return {
      ...inner,
      definition: combineLosses(inner.definition, residual, p.weight as number),
      summary: `${inner.summary} + ${p.weight} · Fokker–Planck residual`,
    };
  },
};

export const LOSSES = [dsmLossNode, slicedScoreMatchingNode, interpolantLossNode, fokkerPlanckResidualNode];
