import type { FieldDefinition, Params, ParamSpec, PortSpec } from '../core/graph/catalog.ts';
import type { Problem } from '../core/graph/types.ts';
import { describeSde, SCHEDULE_DEFAULTS, type ForwardSde } from '../core/sde/schedules.ts';
import { emitDiffusion, emitDriftCoefficient } from '../core/sde/schedulesIR.ts';

/**
 * The forward SDEs of score-based models (VP, sub-VP, VE; see core/sde/schedules.ts) as field
 * nodes with three outputs: the drift, the diffusion, and the schedule itself (`sde`), which
 * score nodes read to push a known density through the same SDE.
 */

/** Output port carrying the schedule (the node's resolved value). */
export const SDE_OUT: PortSpec = { name: 'sde', type: 'sde', doc: 'The forward SDE (kind and schedule), for score nodes and losses.' };

const OUTPUTS: PortSpec[] = [
  { name: 'out', type: 'drift', doc: 'The forward drift f(x, t) = c(t) x.' },
  { name: 'diffusion', type: 'diffusion', doc: 'The forward diffusion g(t), the same for every component.' },
  SDE_OUT,
];

const BETA: ParamSpec[] = [
  { name: 'beta_min', kind: 'number', default: SCHEDULE_DEFAULTS.betaMin, min: 0, doc: 'β at t = 0 (score_sde: 0.1).' },
  { name: 'beta_max', kind: 'number', default: SCHEDULE_DEFAULTS.betaMax, min: 0, doc: 'β at t = 1 (score_sde: 20); at least beta_min.' },
];
const SIGMA: ParamSpec[] = [
  { name: 'sigma_min', kind: 'number', default: SCHEDULE_DEFAULTS.sigmaMin, min: 0, exclusiveMin: true, doc: 'σ at t = 0 (score_sde: 0.01).' },
  {
    name: 'sigma_max', kind: 'number', default: SCHEDULE_DEFAULTS.sigmaMax, min: 0, exclusiveMin: true,
    doc: 'σ at t = 1, greater than sigma_min. score_sde uses 50 for images; for 2-d toy data a few times the data spread (5–10) suffices.',
  },
];

function orderProblem(p: Params, low: string, high: string): Omit<Problem, 'nodeId'>[] {
  const ok = (p[high] as number) >= (p[low] as number) && (low !== 'sigma_min' || (p[high] as number) > (p[low] as number));
  return ok ? [] : [{ param: high, message: `${high} (${p[high]}) must be greater than ${low} (${p[low]})` }];
}

function scheduleOf(kind: ForwardSde['kind'], p: Params): ForwardSde {
  return kind === 've'
    ? { kind, sigmaMin: p.sigma_min as number, sigmaMax: p.sigma_max as number }
    : { kind, betaMin: p.beta_min as number, betaMax: p.beta_max as number };
}

function forwardSdeNode(kind: ForwardSde['kind'], title: string, doc: string): FieldDefinition {
  return {
    role: 'field', type: `drift.${kind}`, title, doc,
    inputs: [], outputs: OUTPUTS,
    params: kind === 've' ? SIGMA : BETA,
    check: (p) => (kind === 've' ? orderProblem(p, 'sigma_min', 'sigma_max') : orderProblem(p, 'beta_min', 'beta_max')),
    resolve: (p) => scheduleOf(kind, p),
    dimension: () => undefined,
    field: (p, b, x, t, _dims, _ctx, port) => {
      const sde = scheduleOf(kind, p);
      if (port === 'diffusion') {
        const g = emitDiffusion(b, sde, t);
        return x.map(() => g);
      }
      if (port !== 'out') throw new Error(`drift.${kind}: output '${port}' is not a field`);
      const c = emitDriftCoefficient(b, sde, t);
      return x.map((xj) => b.mul(c, xj));
    },
  };
}

/** VP SDE (continuous DDPM). */
export const vpSde = forwardSdeNode('vp', 'VP SDE',
  'Variance-preserving forward SDE dx = −½ β(t) x dt + √β(t) dW, β(t) = beta_min + t (beta_max − beta_min), t ∈ [0, 1]. '
  + 'p_t(x | x₀) = N(α x₀, (1 − α²) I), α = exp(−½ ∫β). Outputs its drift, its diffusion and the schedule (sde). '
  + `Default: ${describeSde({ kind: 'vp', ...SCHEDULE_DEFAULTS })}; the prior at t = 1 is N(0, I).`);

/** sub-VP SDE. */
export const subVpSde = forwardSdeNode('subvp', 'sub-VP SDE',
  'Sub-VP forward SDE dx = −½ β(t) x dt + √(β(t)(1 − e^{−2∫β})) dW (Song et al. 2021): the VP drift with less noise; '
  + 'p_t(x | x₀) = N(α x₀, (1 − α²)² I). Outputs its drift, its diffusion and the schedule (sde). The prior at t = 1 is N(0, I).');

/** VE SDE (continuous SMLD / NCSN). */
export const veSde = forwardSdeNode('ve', 'VE SDE',
  'Variance-exploding forward SDE dx = √(dσ²/dt) dW, σ(t) = sigma_min (sigma_max / sigma_min)^t: no drift. '
  + 'p_t(x | x₀) = N(x₀, (σ(t)² − sigma_min²) I). Outputs its (zero) drift, its diffusion and the schedule (sde). '
  + 'The prior at t = 1 is N(0, sigma_max² I); for 2-d toy data use a sigma_max of a few times the data spread.');

export const FORWARD_SDES = [vpSde, subVpSde, veSde];
