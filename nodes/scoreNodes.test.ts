import { describe, expect, test } from 'vitest';
import type { IntegrateStage } from '../core/compile/plan.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import { formatProblem, type GraphDocument } from '../core/graph/types.ts';
import { interpretIR } from '../core/ir/interpret.ts';
import type { IRFunction } from '../core/ir/types.ts';
import { diffusion, driftCoefficient, perturbation, type ForwardSde } from '../core/sde/schedules.ts';
import { CATALOG } from './registry.ts';
import { scoreSamplerGraph, type NodeSpec } from './scoreGraphs.ts';

const mixture = { weights: [1, 3], means: [[1, -1], [-2, 0.5]], stds: [0.4, 0.7] };
const SDES: { sde: ForwardSde; node: NodeSpec }[] = [
  { sde: { kind: 'vp', betaMin: 0.1, betaMax: 20 }, node: { type: 'drift.vp', params: {} } },
  { sde: { kind: 'subvp', betaMin: 0.2, betaMax: 12 }, node: { type: 'drift.subvp', params: { beta_min: 0.2, beta_max: 12 } } },
  { sde: { kind: 've', sigmaMin: 0.01, sigmaMax: 8 }, node: { type: 'drift.ve', params: { sigma_min: 0.01, sigma_max: 8 } } },
];

/** The stage of a predictor–corrector on the reverse process of `sde` (drift, diffusion and score lowered). */
function stageOf(sde: NodeSpec, T = 1): IntegrateStage {
  const doc = scoreSamplerGraph({
    prior: { type: 'source.gaussian', params: { mean: [0, 0], std: 1 } }, sde,
    score: { type: 'score.gaussian_mixture', params: mixture }, process: 'reverse_sde', T,
    solver: { type: 'solver.predictor_corrector', params: { t0: 0, t1: 0.5, steps: 10, particles: 1 } },
  });
  const compiled = compileGraph(doc, CATALOG);
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'));
  return compiled.plan.stages[0];
}

const at = (fn: IRFunction | undefined, x: number[], t: number): number[] => interpretIR(fn as IRFunction, [x, t]).flatMap((o) => Array.from(o));

/** log p_t(x) of the mixture pushed through the SDE, in float64 with a log-sum-exp. */
function logDensity(sde: ForwardSde, x: number[], t: number): number {
  const { alpha, sigma } = perturbation(sde, t);
  const total = mixture.weights.reduce((a, w) => a + w, 0);
  const terms = mixture.means.map((m, k) => {
    const V = alpha ** 2 * mixture.stds[k] ** 2 + sigma ** 2;
    const q = m.reduce((acc, mj, j) => acc + (x[j] - alpha * mj) ** 2, 0);
    return Math.log(mixture.weights[k] / total) - Math.log(2 * Math.PI * V) - q / (2 * V);
  });
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((acc, v) => acc + Math.exp(v - top), 0));
}

describe('score-model nodes', () => {
  for (const { sde, node } of SDES) {
    test(`${node.type}: the reverse process is −f + g² s, g and s at t = T − τ; the score is ∇ log p_t`, () => {
      const T = 0.9;
      const stage = stageOf(node, T);
      for (const [x, tau] of [[[0.3, -0.7], 0.1], [[2.5, 1], 0.6], [[-1, -1], 0.85]] as [number[], number][]) {
        const t = T - tau;
        const s = at(stage.score, x, tau);
        const h = 1e-5;
        const numeric = x.map((_, j) => {
          const up = x.map((v, k) => (k === j ? v + h : v));
          const down = x.map((v, k) => (k === j ? v - h : v));
          return (logDensity(sde, up, t) - logDensity(sde, down, t)) / (2 * h);
        });
        s.forEach((v, j) => expect(v).toBeCloseTo(numeric[j], 6));
        const g = diffusion(sde, t);
        expect(at(stage.diffusion, x, tau)).toEqual(x.map(() => expect.closeTo(g, 12)));
        const drift = at(stage.drift, x, tau);
        x.forEach((xj, j) => expect(drift[j]).toBeCloseTo(-driftCoefficient(sde, t) * xj + g * g * s[j], 9));
      }
    });
  }

  test('the mixture score is finite and exact far from every mode and at tiny noise (log-sum-exp)', () => {
    const stage = stageOf(SDES[0].node);
    const tau = 1 - 1e-4;
    const { alpha, sigma } = perturbation(SDES[0].sde, 1e-4);
    const variances = mixture.stds.map((s) => alpha ** 2 * s ** 2 + sigma ** 2);
    const logLikelihood = (x: number[], k: number) => -x.reduce((acc, v, j) => acc + (v - alpha * mixture.means[k][j]) ** 2, 0) / (2 * variances[k]) - Math.log(variances[k]);
    for (const x of [[1e3, -1e3], [-40, 60], [30, -25]]) {
      // One component dominates completely (the wider one far out): s = (α μ_k − x) / V_k.
      const k = logLikelihood(x, 0) > logLikelihood(x, 1) ? 0 : 1;
      const V = variances[k];
      const s = at(stage.score, x, tau);
      s.forEach((v, j) => expect(v).toBeCloseTo((alpha * mixture.means[k][j] - x[j]) / V, 6));
    }
  });

  test('process.probability_flow is −f + ½ g² s; a state-dependent diffusion adds the ∇·(g gᵀ) term', () => {
    const doc: GraphDocument = {
      format: 'sde-studio.graph', version: 1, name: 'flow',
      nodes: [
        { id: 'init', type: 'source.point', params: { value: [0.5] } },
        { id: 'f', type: 'drift.expression', params: { expr: ['-x[0]*t'], constants: {} } },
        { id: 'g', type: 'diffusion.expression', params: { expr: ['0.5 + 0.2*x[0]^2'], constants: {} } },
        { id: 's', type: 'score.expression', params: { expr: ['-x[0]/(1 + t)'], constants: {} } },
        { id: 'flow', type: 'process.probability_flow', params: { T: 2 } },
        { id: 'rev', type: 'process.reverse_sde', params: { T: 2 } },
        { id: 'ode', type: 'solver.euler', params: { t0: 0, t1: 1, steps: 1, particles: 1 } },
        { id: 'sde', type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps: 1, particles: 1 } },
      ],
      edges: [
        ...['flow', 'rev'].flatMap((p) => [['f', 'drift'], ['g', 'diffusion'], ['s', 'score']].map(([from, port]) => ({ id: `${p}_${port}`, from: { node: from, port: 'out' }, to: { node: p, port } }))),
        ...['ode', 'sde'].map((sv) => ({ id: `${sv}_init`, from: { node: 'init', port: 'out' }, to: { node: sv, port: 'initial' } })),
        { id: 'ode_f', from: { node: 'flow', port: 'out' }, to: { node: 'ode', port: 'drift' } },
        { id: 'sde_f', from: { node: 'rev', port: 'out' }, to: { node: 'sde', port: 'drift' } },
        { id: 'sde_g', from: { node: 'rev', port: 'diffusion' }, to: { node: 'sde', port: 'diffusion' } },
      ],
    };
    const compiled = compileGraph(doc, CATALOG);
    if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'));
    const [ode, sde] = compiled.plan.stages;
    for (const [x, tau] of [[0.7, 0.3], [-1.2, 1.5]]) {
      const t = 2 - tau;
      const f = -x * t, g = 0.5 + 0.2 * x * x, dg = 0.4 * x, s = -x / (1 + t);
      expect(at(ode.drift, [x], tau)[0]).toBeCloseTo(-f + 0.5 * g * g * s + g * dg, 12);
      expect(at(sde.drift, [x], tau)[0]).toBeCloseTo(-f + g * g * s + 2 * g * dg, 12);
      expect(at(sde.diffusion, [x], tau)[0]).toBeCloseTo(g, 12);
    }
  });

  test('validation: a mixture score needs its sde, with positive stds; VE needs sigma_max > sigma_min', () => {
    const doc = scoreSamplerGraph({
      prior: { type: 'source.gaussian', params: { mean: [0, 0], std: 1 } },
      sde: { type: 'drift.ve', params: { sigma_min: 2, sigma_max: 1 } },
      score: { type: 'score.gaussian_mixture', params: { ...mixture, stds: [0.4, 0] } },
      process: 'reverse_sde',
      solver: { type: 'solver.euler_maruyama', params: { t1: 0.99, steps: 10 } },
    });
    const problems = (compileGraph({ ...doc, edges: doc.edges.filter((e) => e.to.port !== 'sde') }, CATALOG) as { problems: { nodeId?: string; port?: string; param?: string; message: string }[] }).problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ nodeId: 'score', port: 'sde', message: expect.stringContaining("input 'sde' (sde) is not connected") }),
      expect.objectContaining({ nodeId: 'score', param: 'stds' }),
      expect.objectContaining({ nodeId: 'sde', param: 'sigma_max', message: 'sigma_max (1) must be greater than sigma_min (2)' }),
    ]));
  });

  test('validation: the mixture fixes the dimension through the reverse process (a 3-d prior for a 2-d mixture is a problem)', () => {
    const doc = scoreSamplerGraph({
      prior: { type: 'source.gaussian', params: { mean: [0, 0, 0], std: 1 } },
      sde: { type: 'drift.vp', params: {} },
      score: { type: 'score.gaussian_mixture', params: mixture },
      process: 'probability_flow',
      solver: { type: 'solver.rk4', params: { t1: 0.99, steps: 10 } },
    });
    const compiled = compileGraph(doc, CATALOG);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.problems.map(formatProblem).join('\n')).toContain("state dimensions disagree: 'prior' (initial) has 3 components but 'reverse' (drift) has 2");
  });
});
