import { describe, expect, test } from 'vitest';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { correctorNormals } from '../core/solvers/predictorCorrector.ts';
import { CATALOG } from './registry.ts';
import { scoreSamplerGraph } from './scoreGraphs.ts';
import { moments, runGraph } from './testing.ts';

type Spec = { type: string; params: Record<string, ParamValue> };

type Edge = [from: string, fromPort: string, to: string, toPort: string];

/**
 * initial → predictor–corrector ← zero drift and diffusion, and the score of `scoreFrom` (a node of
 * `others`, with `wiring` among them): the corrector alone.
 */
function correctorOnly(initial: Spec, others: Record<string, Spec>, wiring: Edge[], scoreFrom: [string, string], solver: Record<string, ParamValue>, dims: number): GraphDocument {
  const nodes = [
    { id: 'init', ...initial },
    { id: 'zero', type: 'drift.expression', params: { expr: Array.from({ length: dims }, () => '0'), constants: {} } },
    { id: 'still', type: 'diffusion.constant', params: { sigma: 0 } },
    ...Object.entries(others).map(([id, spec]) => ({ id, ...spec })),
    { id: 'solve', type: 'solver.predictor_corrector', params: { t0: 0, seed: 9, ...solver } },
  ];
  const edges: Edge[] = [['init', 'out', 'solve', 'initial'], ['zero', 'out', 'solve', 'drift'], ['still', 'out', 'solve', 'diffusion'], [...scoreFrom, 'solve', 'score'], ...wiring];
  return {
    format: 'sde-studio.graph', version: 1, name: 'corrector only', nodes,
    edges: edges.map(([from, fromPort, to, toPort], k) => ({ id: `e${k}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } })),
  };
}

const expressionScore = (expr: string[]): Record<string, Spec> => ({ score: { type: 'score.expression', params: { expr, constants: {} } } });

describe('predictor–corrector', () => {
  test('without corrector steps it is Euler–Maruyama on the same Brownian path, bit for bit', async () => {
    const spec = (solver: Spec) => scoreSamplerGraph({
      prior: { type: 'source.gaussian', params: { mean: [0, 0], std: 1 } },
      sde: { type: 'drift.vp', params: {} },
      score: { type: 'score.gaussian_mixture', params: { weights: [1, 2], means: [[-1, 0], [1, 1]], stds: 0.3 } },
      process: 'reverse_sde',
      solver,
    });
    const grid = { t0: 0, t1: 0.999, steps: 100, particles: 300, seed: 5, record: 4 };
    const [em] = await runGraph(spec({ type: 'solver.euler_maruyama', params: grid }));
    const [pc] = await runGraph(spec({ type: 'solver.predictor_corrector', params: { ...grid, corrector_steps: 0 } }));
    expect(Buffer.from(pc.trajectory.buffer).equals(Buffer.from(em.trajectory.buffer))).toBe(true);
  });

  test("the corrector draws from STREAM_CORRECTOR: counter [particle, step, k >> 2, 0], k = c·d + j, across chunks of steps", async () => {
    // Constant score c: each iteration is x += ε c + √(2ε) z with ε = 2 snr² ‖z‖² / ‖c‖², replayed here.
    // 12,001 steps (odd: one step per base interval) span three chunks of the CPU kernel's buffer.
    const c = [0.5, -1, 2];
    const snr = 0.3, steps = 12001, C = 2, particles = 3;
    const [r] = await runGraph(correctorOnly(
      { type: 'source.point', params: { value: [0, 0, 0] } },
      expressionScore(c.map(String)), [], ['score', 'out'],
      { t1: 1, steps, corrector_steps: C, snr, corrector: 'langevin', particles }, 3,
    ));
    const cc = c.reduce((a, v) => a + v * v, 0);
    for (let p = 0; p < particles; p++) {
      const x = [0, 0, 0];
      for (let s = 0; s < steps; s++) {
        const z = correctorNormals(9, p, s, C * 3);
        for (let it = 0; it < C; it++) {
          const zi = [0, 1, 2].map((j) => z[it * 3 + j]);
          const eps = (2 * snr * snr * zi.reduce((a, v) => a + v * v, 0)) / cc;
          zi.forEach((zj, j) => { x[j] += eps * c[j] + Math.sqrt(2 * eps) * zj; });
        }
      }
      x.forEach((v, j) => expect(Math.abs(r.samples[p * 3 + j] - v)).toBeLessThan(1e-6 * Math.abs(v) + 1e-5));
    }
  });

  test('1 and 2 threads give identical bytes (corrector, reverse diffusion)', async () => {
    const doc = scoreSamplerGraph({
      prior: { type: 'source.gaussian', params: { mean: [0, 0, 0], std: 5 } },
      sde: { type: 'drift.ve', params: { sigma_min: 0.01, sigma_max: 5 } },
      score: { type: 'score.gaussian_mixture', params: { weights: [1, 1], means: [[1, 0, 0], [-1, 0, 1]], stds: 0.3 } },
      process: 'reverse_sde',
      solver: { type: 'solver.predictor_corrector', params: { t0: 0, t1: 0.999, steps: 101, particles: 257, seed: 3, record: 1, corrector_steps: 2, predictor: 'reverse_diffusion' } },
    });
    const [one] = await runGraph(doc, 1);
    const [two] = await runGraph(doc, 2);
    expect(Buffer.from(two.trajectory.buffer).equals(Buffer.from(one.trajectory.buffer))).toBe(true);
  });

  test('annealed Langevin corrector alone samples a fixed Gaussian (the unadjusted-Langevin variance)', async () => {
    // VE with σ_max = 1 at t = T: the target is N(μ, s² + σ_T²) over the tiny τ ∈ [0, 1e-4].
    const mu = [1, -2], s = 0.5, snr = 0.16;
    const [r] = await runGraph(correctorOnly(
      { type: 'source.point', params: { value: [4, 3] } },
      {
        ve: { type: 'drift.ve', params: { sigma_min: 0.01, sigma_max: 1 } },
        mixture: { type: 'score.gaussian_mixture', params: { weights: [1], means: [mu], stds: s } },
        reverse: { type: 'process.reverse_sde', params: { T: 1 } },
      },
      [['ve', 'sde', 'mixture', 'sde'], ['ve', 'out', 'reverse', 'drift'], ['ve', 'diffusion', 'reverse', 'diffusion'], ['mixture', 'out', 'reverse', 'score']],
      ['reverse', 'score'],
      { t1: 1e-4, steps: 100, corrector_steps: 20, snr, corrector: 'annealed_langevin', particles: 20000, seed: 3 }, 2,
    ));
    const v = s * s + (1 - 1e-4);
    const eps = 2 * snr * snr * (1 - 1e-4);
    // x' = (1 − ε/v) x + √(2ε) z leaves N(μ, v / (1 − ε/(2v))) invariant: 2.1 % above v here.
    const ula = v / (1 - eps / (2 * v));
    for (let j = 0; j < 2; j++) {
      const m = moments(r.samples, 2, j);
      console.log(`annealed Langevin, component ${j}: mean ${m.mean.toFixed(4)} (target ${mu[j]}), variance ${m.variance.toFixed(4)} (ULA ${ula.toFixed(4)}, target ${v.toFixed(4)})`);
      expect(Math.abs(m.mean - mu[j])).toBeLessThan(4 * Math.sqrt(ula / m.n));
      expect(Math.abs(m.variance - ula)).toBeLessThan(4 * ula * Math.sqrt(2 / (m.n - 1)));
    }
  });

  test('per-particle Langevin step sizes do not sample low-dimensional targets (documented), and are biased in 32-d', async () => {
    const run = async (d: number) => {
      const [r] = await runGraph(correctorOnly(
        { type: 'source.gaussian', params: { mean: Array.from({ length: d }, () => 0), std: 1 } },
        expressionScore(Array.from({ length: d }, (_, j) => `-x[${j}]`)), [], ['score', 'out'],
        { t1: 1, steps: 50, corrector_steps: 10, snr: 0.16, corrector: 'langevin', particles: 2000 }, d,
      ));
      let sq = 0;
      for (const v of r.samples) sq += v * v;
      return sq / r.samples.length;
    };
    const low = await run(2);
    const high = await run(32);
    console.log(`per-particle Langevin on N(0, I): E x_j² = ${low.toFixed(2)} in 2-d, ${high.toFixed(3)} in 32-d (target 1)`);
    expect(low).toBeGreaterThan(3);
    expect(high).toBeGreaterThan(1.03);
    expect(high).toBeLessThan(1.3);
  });

  test('reverse_diffusion and annealed_langevin without a forward schedule are refused, naming the param', () => {
    for (const [param, solver] of [['predictor', { predictor: 'reverse_diffusion', corrector_steps: 0 }], ['corrector', { corrector: 'annealed_langevin' }]] as const) {
      const doc = correctorOnly(
        { type: 'source.point', params: { value: [0] } },
        expressionScore(['-x[0]']), [], ['score', 'out'],
        { t1: 1, steps: 10, particles: 4, ...solver }, 1,
      );
      const compiled = compileGraph(doc, CATALOG);
      expect(compiled.ok).toBe(false);
      if (compiled.ok) continue;
      expect(compiled.problems).toEqual([expect.objectContaining({ nodeId: 'solve', param, message: expect.stringContaining("needs the forward SDE's schedule") })]);
    }
  });
});
