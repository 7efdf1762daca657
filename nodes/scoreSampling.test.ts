import { describe, expect, test } from 'vitest';
import type { ParamValue } from '../core/graph/types.ts';
import { perturbation, type ForwardSde } from '../core/sde/schedules.ts';
import { scoreSamplerGraph, type NodeSpec } from './scoreGraphs.ts';
import { moments, runGraph } from './testing.ts';

/**
 * Reverse-time samplers of a single Gaussian N(μ, s² I), whose score under every forward SDE is
 * known in closed form: started from the exact p_T, the samples at τ = T − ε must have the moments
 * of p_ε = N(α(ε) μ, (α² s² + σ_ε²) I) (within 1e-4 of N(μ, s²)) to within a few standard errors.
 */
const mu = [1.5, -0.5];
const s = 0.4;
const eps = 1e-3;
const particles = 20000;

function sdeNode(sde: ForwardSde): NodeSpec {
  return sde.kind === 've'
    ? { type: 'drift.ve', params: { sigma_min: sde.sigmaMin, sigma_max: sde.sigmaMax } }
    : { type: `drift.${sde.kind}`, params: { beta_min: sde.betaMin, beta_max: sde.betaMax } };
}

/** N(α μ, α² s² + σ²) at forward time t. */
function marginal(sde: ForwardSde, t: number): { mean: number[]; std: number } {
  const { alpha, sigma } = perturbation(sde, t);
  return { mean: mu.map((m) => alpha * m), std: Math.sqrt(alpha ** 2 * s ** 2 + sigma ** 2) };
}

async function sampleGaussian(sde: ForwardSde, process: 'reverse_sde' | 'probability_flow', solver: string, extra: Record<string, ParamValue>) {
  const prior = marginal(sde, 1);
  const [r] = await runGraph(scoreSamplerGraph({
    prior: { type: 'source.gaussian', params: { mean: prior.mean, std: prior.std } },
    sde: sdeNode(sde),
    score: { type: 'score.gaussian_mixture', params: { weights: [1], means: [mu], stds: s } },
    process,
    solver: { type: `solver.${solver}`, params: { t0: 0, t1: 1 - eps, particles, seed: 4, ...extra } },
  }));
  return r.samples;
}

/** Largest |error| / standard error over the means and variances of both components. */
function worstZ(samples: Float32Array, target: { mean: number[]; std: number }): number {
  const v = target.std ** 2;
  let worst = 0;
  for (let j = 0; j < 2; j++) {
    const m = moments(samples, 2, j);
    worst = Math.max(worst, Math.abs(m.mean - target.mean[j]) / Math.sqrt(v / m.n), Math.abs(m.variance - v) / (v * Math.sqrt(2 / (m.n - 1))));
  }
  return worst;
}

const VP: ForwardSde = { kind: 'vp', betaMin: 0.1, betaMax: 20 };
const SUBVP: ForwardSde = { kind: 'subvp', betaMin: 0.1, betaMax: 20 };
const VE: ForwardSde = { kind: 've', sigmaMin: 0.01, sigmaMax: 5 };

describe('reverse-time samplers recover a Gaussian (exact score)', () => {
  const cases: { name: string; sde: ForwardSde; process: 'reverse_sde' | 'probability_flow'; solver: string; extra: Record<string, ParamValue> }[] = [
    { name: 'VP, reverse SDE, Euler–Maruyama', sde: VP, process: 'reverse_sde', solver: 'euler_maruyama', extra: { steps: 500 } },
    { name: 'VP, probability flow, RK4', sde: VP, process: 'probability_flow', solver: 'rk4', extra: { steps: 100 } },
    { name: 'sub-VP, probability flow, Dopri5', sde: SUBVP, process: 'probability_flow', solver: 'dopri5', extra: { rtol: 1e-6, atol: 1e-8 } },
    { name: 'sub-VP, reverse SDE, Euler–Maruyama', sde: SUBVP, process: 'reverse_sde', solver: 'euler_maruyama', extra: { steps: 500 } },
    { name: 'VE (σ_max 5), reverse SDE, Euler–Maruyama', sde: VE, process: 'reverse_sde', solver: 'euler_maruyama', extra: { steps: 500 } },
    { name: 'VE (σ_max 5), probability flow, RK4', sde: VE, process: 'probability_flow', solver: 'rk4', extra: { steps: 100 } },
    {
      name: 'VP, predictor–corrector (reverse diffusion + annealed Langevin)', sde: VP, process: 'reverse_sde', solver: 'predictor_corrector',
      extra: { steps: 500, predictor: 'reverse_diffusion', corrector: 'annealed_langevin', corrector_steps: 1, snr: 0.16 },
    },
    {
      name: 'VE, predictor–corrector (reverse diffusion + annealed Langevin)', sde: VE, process: 'reverse_sde', solver: 'predictor_corrector',
      extra: { steps: 500, predictor: 'reverse_diffusion', corrector: 'annealed_langevin', corrector_steps: 1, snr: 0.16 },
    },
  ];
  for (const c of cases) {
    test(`${c.name}: mean and variance within 4 standard errors`, async () => {
      const z = worstZ(await sampleGaussian(c.sde, c.process, c.solver, c.extra), marginal(c.sde, eps));
      console.log(`${c.name}: worst |error| = ${z.toFixed(2)} standard errors`);
      expect(z).toBeLessThan(4);
    });
  }
});
