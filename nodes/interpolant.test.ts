import { describe, expect, test } from 'vitest';
import { runPlanCpu } from '../core/backends/cpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { NodeContext } from '../core/graph/catalog.ts';
import { formatProblem, type GraphDocument, type ParamValue } from '../core/graph/types.ts';
import { IRBuilder } from '../core/ir/builder.ts';
import { interpretIR } from '../core/ir/interpret.ts';
import { SCALAR, vectorType } from '../core/ir/types.ts';
import { wasserstein2 } from '../core/metrics/wasserstein.ts';
import { lowerExpressions } from './expressionField.ts';
import { stochasticInterpolant, type InterpolantKind } from './interpolant.ts';
import { CATALOG } from './registry.ts';
import { gaussianMixtureSource, type GaussianMixtureValue } from './sources.ts';

/**
 * process.interpolant between a 2-mode and a 4-mode 2-d mixture (the mixtures of
 * assets/examples/stochastic-interpolant.json). The fields are checked against the density they
 * claim to transport, computed here independently in float64:
 * - score = ∇ log ρ_t (central differences);
 * - velocity solves the continuity equation ∂ρ_t/∂t + ∇·(ρ_t b) = 0 (central differences of ρ_t
 *   and of ρ_t b, residual relative to the size of ∂ρ_t/∂t);
 * - the ODE (rk4) and SDE (euler_maruyama) from ρ0 samples end at ρ1: W2 to exact ρ1 samples is at
 *   the data-vs-data floor (see the W2 test for how the threshold is read).
 */
const RHO0 = { means: [[-2, 0], [2, 0]], stds: 0.4, weights: [1, 1] };
const RHO1 = { means: [[1.5, 1.5], [-1.5, 1.5], [-1.5, -1.5], [1.5, -1.5]], stds: [0.3, 0.3, 0.4, 0.4], weights: [1, 2, 1, 2] };
const resolved = (p: Record<string, ParamValue>): GaussianMixtureValue => gaussianMixtureSource.resolve?.({ ...p }, {} as NodeContext) as GaussianMixtureValue;
const FROM = resolved(RHO0);
const TO = resolved(RHO1);

const CASES: { kind: InterpolantKind; epsilon: number }[] = [
  { kind: 'linear', epsilon: 0 }, { kind: 'linear', epsilon: 1 },
  { kind: 'trigonometric', epsilon: 0 }, { kind: 'trigonometric', epsilon: 1 },
];

/** The node's field on `port` as a function of (x, t), evaluated by the float64 IR interpreter. */
function fieldOf(kind: InterpolantKind, epsilon: number, port: string, sdeNoise = 0.5): (x: number[], t: number) => number[] {
  const b = new IRBuilder('field', [{ name: 'x', type: vectorType(2) }, { name: 't', type: SCALAR }]);
  const ctx: NodeContext = { file: () => undefined, input: (p) => (p === 'from' ? FROM : p === 'to' ? TO : undefined), value: undefined, field: () => undefined };
  const fn = b.build(stochasticInterpolant.field({ kind, epsilon, sde_noise: sdeNoise }, b, b.elements(b.param(0)), b.param(1), 2, ctx, port));
  return (x, t) => interpretIR(fn, [x, t]).flatMap((o) => Array.from(o));
}

/** ρ_t(x) of the interpolant: the mixture over pairs (k, l) of N(α μ_k + β ν_l, (α² s_k² + β² r_l² + γ²) I). */
function density(kind: InterpolantKind, epsilon: number, x: number[], t: number): number {
  const alpha = kind === 'linear' ? 1 - t : Math.cos((Math.PI * t) / 2);
  const beta = kind === 'linear' ? t : Math.sin((Math.PI * t) / 2);
  let rho = 0;
  FROM.means.forEach((mu, k) => TO.means.forEach((nu, l) => {
    const V = alpha ** 2 * FROM.stds[k] ** 2 + beta ** 2 * TO.stds[l] ** 2 + epsilon * t * (1 - t);
    const q = x.reduce((acc, xj, j) => acc + (xj - alpha * mu[j] - beta * nu[j]) ** 2, 0);
    rho += (FROM.weights[k] * TO.weights[l] * Math.exp(-q / (2 * V))) / (2 * Math.PI * V);
  }));
  return rho;
}

const POINTS: [number[], number][] = [[[0.3, -0.7], 0.02], [[-1.8, 0.4], 0.25], [[1, 1.2], 0.5], [[0.5, -1.9], 0.75], [[-1.2, 1.6], 0.97], [[2.2, 0.1], 0.4]];
const shift = (x: number[], j: number, h: number): number[] => x.map((v, k) => (k === j ? v + h : v));

describe('process.interpolant: closed-form fields', () => {
  for (const { kind, epsilon } of CASES) {
    test(`${kind}, ε = ${epsilon}: score is ∇ log ρ_t (central differences)`, () => {
      const score = fieldOf(kind, epsilon, 'score');
      const h = 1e-5;
      for (const [x, t] of POINTS) {
        const s = score(x, t);
        x.forEach((_, j) => {
          const numeric = (Math.log(density(kind, epsilon, shift(x, j, h), t)) - Math.log(density(kind, epsilon, shift(x, j, -h), t))) / (2 * h);
          expect(s[j]).toBeCloseTo(numeric, 5);
        });
      }
    });

    test(`${kind}, ε = ${epsilon}: velocity solves ∂ρ_t/∂t + ∇·(ρ_t b) = 0; out = b + ε_s s; diffusion = √(2 ε_s)`, () => {
      const velocity = fieldOf(kind, epsilon, 'velocity');
      const h = 1e-4;
      for (const [x, t] of POINTS) {
        const dRhoDt = (density(kind, epsilon, x, t + h) - density(kind, epsilon, x, t - h)) / (2 * h);
        let divergence = 0;
        // The size of the terms that must cancel: |∂_j ρ · b_j| + |ρ ∂_j b_j| (product rule), so a
        // near-stationary point (∂ρ/∂t ≈ 0 from cancelling fluxes) is judged on the right scale.
        let scale = Math.abs(dRhoDt);
        x.forEach((_, j) => {
          const up = shift(x, j, h);
          const down = shift(x, j, -h);
          const flux = (y: number[]) => density(kind, epsilon, y, t) * velocity(y, t)[j];
          divergence += (flux(up) - flux(down)) / (2 * h);
          const dRho = (density(kind, epsilon, up, t) - density(kind, epsilon, down, t)) / (2 * h);
          const dB = (velocity(up, t)[j] - velocity(down, t)[j]) / (2 * h);
          scale += Math.abs(dRho * velocity(x, t)[j]) + Math.abs(density(kind, epsilon, x, t) * dB);
        });
        // Central differences leave O(h² / σ²) ≈ 1e-7 of that scale for components of std σ ≥ 0.3 · α or β.
        expect(Math.abs(dRhoDt + divergence) / scale).toBeLessThan(1e-5);
        const out = fieldOf(kind, epsilon, 'out', 0.7)(x, t);
        const s = fieldOf(kind, epsilon, 'score')(x, t);
        velocity(x, t).forEach((v, j) => expect(out[j]).toBeCloseTo(v + 0.7 * s[j], 10));
      }
      expect(fieldOf(kind, epsilon, 'diffusion', 0.7)([0, 0], 0.5)).toEqual([Math.sqrt(1.4), Math.sqrt(1.4)]);
    });
  }

  test('at t = 0 and t = 1 the fields are finite and the score is that of ρ0 and ρ1', () => {
    for (const { kind, epsilon } of CASES) {
      for (const t of [0, 1]) {
        const x = [0.4, -0.3];
        const s = fieldOf(kind, epsilon, 'score')(x, t);
        const h = 1e-5;
        x.forEach((_, j) => expect(s[j]).toBeCloseTo((Math.log(density(kind, epsilon, shift(x, j, h), t)) - Math.log(density(kind, epsilon, shift(x, j, -h), t))) / (2 * h), 5));
        expect(fieldOf(kind, epsilon, 'velocity')(x, t).every(Number.isFinite)).toBe(true);
      }
    }
  });
});

/** ρ0 → process.interpolant → solver (and an exact ρ1 draw when `solver` is 'exact'). */
function graph(kind: InterpolantKind, epsilon: number, solver: 'ode' | 'sde' | 'exact', particles: number, seed: number): GraphDocument {
  const solve = solver === 'ode'
    ? { type: 'solver.rk4', params: { t0: 0, t1: 1, steps: 100, particles, seed } }
    : solver === 'sde'
      ? { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps: 1000, particles, seed } }
      : { type: 'solver.euler', params: { t0: 0, t1: 1, steps: 1, particles, seed } };
  return {
    format: 'sde-studio.graph', version: 1, name: 'interpolant test',
    nodes: [
      { id: 'rho0', type: 'source.gaussian_mixture', params: RHO0 },
      { id: 'rho1', type: 'source.gaussian_mixture', params: RHO1 },
      { id: 'still', type: 'drift.expression', params: { expr: ['0', '0'], constants: {} } },
      { id: 'si', type: 'process.interpolant', params: { kind, epsilon, sde_noise: 0.5 } },
      { id: 'solve', ...solve },
    ],
    edges: [
      { id: 'e1', from: { node: 'rho0', port: 'out' }, to: { node: 'si', port: 'from' } },
      { id: 'e2', from: { node: 'rho1', port: 'out' }, to: { node: 'si', port: 'to' } },
      ...(solver === 'exact'
        ? [{ id: 'e3', from: { node: 'rho1', port: 'out' }, to: { node: 'solve', port: 'initial' } }, { id: 'e4', from: { node: 'still', port: 'out' }, to: { node: 'solve', port: 'drift' } }]
        : [{ id: 'e3', from: { node: 'rho0', port: 'out' }, to: { node: 'solve', port: 'initial' } }, { id: 'e4', from: { node: 'si', port: solver === 'ode' ? 'velocity' : 'out' }, to: { node: 'solve', port: 'drift' } }]),
      ...(solver === 'sde' ? [{ id: 'e5', from: { node: 'si', port: 'diffusion' }, to: { node: 'solve', port: 'diffusion' } }] : []),
    ],
  };
}

async function run(doc: GraphDocument): Promise<Float32Array> {
  const compiled = compileGraph(doc, CATALOG);
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'));
  return (await runPlanCpu(compiled.plan, { threads: 1 }))[0].samples;
}

const w2 = (a: Float32Array, b: Float32Array): number => wasserstein2({ data: a, n: a.length / 2, d: 2 }, { data: b, n: b.length / 2, d: 2 }).value;
const mean = (v: number[]): number => v.reduce((x, y) => x + y, 0) / v.length;
const variance = (v: number[]): number => v.reduce((acc, x) => acc + (x - mean(v)) ** 2, 0) / (v.length - 1);

describe('process.interpolant: ODE and SDE carry ρ0 to ρ1', () => {
  /**
   * Two independent exact 1,000-point samples of ρ1 are themselves at W2 ≈ 0.2 (the random share of
   * points per mode), so "reaches ρ1" means: the mean W2 over 4 seeds of sampler vs exact ρ1 is
   * within 3 standard errors (Welch, over the seeds) of the mean data-vs-data floor, plus 0.05 for
   * the time discretisation. A sampler that ends at the wrong law (e.g. ρ1's weights swapped, see
   * the last test) is far beyond that.
   */
  const seeds = [0, 1, 2, 3];
  const floorOf = async () => {
    const references = await Promise.all(seeds.map((s) => run(graph('linear', 0, 'exact', 1000, 100 + s))));
    const floor = await Promise.all(seeds.map(async (s, i) => w2(await run(graph('linear', 0, 'exact', 1000, 200 + s)), references[i])));
    return { references, floor };
  };
  const data = floorOf();

  for (const { kind, epsilon } of CASES) {
    for (const solver of ['ode', 'sde'] as const) {
      test(`${kind}, ε = ${epsilon}, ${solver === 'ode' ? 'rk4 on velocity (100 steps)' : 'euler_maruyama on out + diffusion (ε_s = 0.5, 1,000 steps)'}: W2 to ρ1 at the floor`, async () => {
        const { references, floor } = await data;
        const values = await Promise.all(seeds.map(async (s, i) => w2(await run(graph(kind, epsilon, solver, 1000, 10 + s)), references[i])));
        const se = Math.sqrt((variance(values) + variance(floor)) / seeds.length);
        console.log(`${kind}, ε = ${epsilon}, ${solver}: W2 = ${values.map((v) => v.toFixed(3)).join(', ')} (mean ${mean(values).toFixed(3)}); floor mean ${mean(floor).toFixed(3)}, SE ${se.toFixed(3)}`);
        expect(mean(values) - mean(floor)).toBeLessThanOrEqual(3 * se + 0.05);
      }, 60_000);
    }
  }

  test('it can fail: ρ1 with its weights swapped is far from the sampler\'s end', async () => {
    const swapped = { ...RHO1, weights: [2, 1, 2, 1] };
    const wrong = graph('linear', 0, 'exact', 1000, 300);
    wrong.nodes = wrong.nodes.map((n) => (n.id === 'rho1' ? { ...n, params: swapped } : n));
    const { floor } = await data;
    const value = w2(await run(graph('linear', 0, 'ode', 1000, 10)), await run(wrong));
    console.log(`swapped weights: W2 = ${value.toFixed(3)} (floor mean ${mean(floor).toFixed(3)})`);
    expect(value).toBeGreaterThan(mean(floor) + 0.3);
  });

  test('a source other than a Gaussian mixture on from is refused, naming the port', () => {
    const doc = graph('linear', 0, 'ode', 10, 0);
    doc.nodes.push({ id: 'normal', type: 'source.gaussian', params: { mean: [0, 0], std: 1 } });
    doc.edges = doc.edges.map((e) => (e.id === 'e1' ? { ...e, from: { node: 'normal', port: 'out' } } : e));
    const compiled = compileGraph(doc, CATALOG);
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.problems).toEqual([expect.objectContaining({ nodeId: 'si', port: 'from', message: expect.stringContaining('source.gaussian_mixture') })]);
  });
});

/**
 * process.interpolant on trained fields, with drift.expression stand-ins for the networks: for one
 * Gaussian at each end, ρ0 = N(a, s² I) and ρ1 = N(c, r² I), x_t ~ N(m, V I) with m = αa + βc,
 * V = α²s² + β²r² + γ², and the exact fields are expressions:
 *   b = α'a + β'c + (αα's² + ββ'r² + γγ')/V · (x − m),  η = E[z | x_t = x] = γ (x − m)/V.
 * With these as velocity_field and denoiser_field the process must give the fields of the same
 * process built on the two mixtures (no training, so the comparison is exact).
 */
describe('process.interpolant with trained fields (expression stand-ins)', () => {
  const A = { means: [[-1, 0.5]], stds: 0.5, weights: [1] };
  const C = { means: [[1.5, -1]], stds: 0.8, weights: [1] };
  const constants = { a0: -1, a1: 0.5, c0: 1.5, c1: -1, s2: 0.25, r2: 0.64, eps: 1, hp: Math.PI / 2 };
  const COEFFICIENTS: Record<InterpolantKind, { a: string; b: string; da: string; db: string }> = {
    linear: { a: '(1 - t)', b: 't', da: '(-1)', db: '1' },
    trigonometric: { a: 'cos(hp * t)', b: 'sin(hp * t)', da: '(-hp * sin(hp * t))', db: '(hp * cos(hp * t))' },
  };
  /** drift.expression params of the exact velocity and denoiser of the Gaussian pair. */
  function standIns(kind: InterpolantKind): { velocity: Record<string, ParamValue>; denoiser: Record<string, ParamValue> } {
    const { a, b, da, db } = COEFFICIENTS[kind];
    const V = `(${a} * ${a} * s2 + ${b} * ${b} * r2 + eps * t * (1 - t))`;
    const centred = (j: number) => `(x[${j}] - (${a} * a${j} + ${b} * c${j}))`;
    const gain = `(${a} * ${da} * s2 + ${b} * ${db} * r2 + eps * (1 - 2 * t) / 2) / ${V}`;
    return {
      velocity: { expr: [0, 1].map((j) => `${da} * a${j} + ${db} * c${j} + ${gain} * ${centred(j)}`), constants },
      denoiser: { expr: [0, 1].map((j) => `sqrt(eps * t * (1 - t)) * ${centred(j)} / ${V}`), constants },
    };
  }

  /** The process's field on `port` with the given inputs (mixtures and/or expression stand-ins), by the float64 interpreter. */
  function processField(p: Record<string, ParamValue>, port: string, inputs: { ends?: boolean; velocity?: Record<string, ParamValue>; denoiser?: Record<string, ParamValue> }) {
    const b = new IRBuilder('field', [{ name: 'x', type: vectorType(2) }, { name: 't', type: SCALAR }]);
    const ends: Record<string, GaussianMixtureValue> = inputs.ends ? { from: resolved(A), to: resolved(C) } : {};
    const stand: Record<string, Record<string, ParamValue> | undefined> = { velocity_field: inputs.velocity, denoiser_field: inputs.denoiser };
    const ctx: NodeContext = {
      file: () => undefined, input: (q) => ends[q], value: undefined,
      field: (q, bb, x, t) => (stand[q] ? lowerExpressions(stand[q], bb, x, t) : undefined),
    };
    const params = { kind: 'linear', epsilon: 1, sde_noise: 0.5, t_min: 1e-3, ...p };
    const fn = b.build(stochasticInterpolant.field(params, b, b.elements(b.param(0)), b.param(1), 2, ctx, port));
    return (x: number[], t: number) => interpretIR(fn, [x, t]).flatMap((o) => Array.from(o));
  }

  for (const kind of ['linear', 'trigonometric'] as const) {
    test(`${kind}, ε = 1: velocity, score = −η/γ and out = b − (ε_s/γ) η equal the exact fields of the same interpolant`, () => {
      const { velocity, denoiser } = standIns(kind);
      for (const port of ['velocity', 'score', 'out', 'diffusion']) {
        const trained = processField({ kind, sde_noise: 0.7 }, port, { velocity, denoiser });
        const exact = processField({ kind, sde_noise: 0.7 }, port, { ends: true });
        for (const [x, t] of POINTS) trained(x, t).forEach((v, j) => expect(v).toBeCloseTo(exact(x, t)[j], 9));
      }
    });
  }

  test('out is b − (ε_s/γ(t)) η for any fields b and η (float64, against the formula)', () => {
    const velocity = { expr: ['x[1] * t + 0.3', 'sin(x[0]) - t'], constants: {} };
    const denoiser = { expr: ['x[0] - 2 * t', 'x[1] * x[0] / 3'], constants: {} };
    const out = processField({ epsilon: 2, sde_noise: 0.4 }, 'out', { velocity, denoiser });
    const score = processField({ epsilon: 2, sde_noise: 0.4 }, 'score', { velocity, denoiser });
    for (const [x, t] of POINTS) {
      const gamma = Math.sqrt(2 * t * (1 - t));
      const b = [x[1] * t + 0.3, Math.sin(x[0]) - t];
      const eta = [x[0] - 2 * t, (x[1] * x[0]) / 3];
      out(x, t).forEach((v, j) => expect(v).toBeCloseTo(b[j] - (0.4 / gamma) * eta[j], 10));
      score(x, t).forEach((v, j) => expect(v).toBeCloseTo(-eta[j] / gamma, 10));
    }
  });

  test('near t = 0 and 1 the score −η/γ is held at its value at t_min and 1 − t_min (finite where γ = 0)', () => {
    const { velocity, denoiser } = standIns('linear');
    const score = processField({ t_min: 0.01 }, 'score', { velocity, denoiser });
    const exact = processField({}, 'score', { ends: true });
    const x = [0.4, -0.3];
    for (const [t, held] of [[0, 0.01], [0.004, 0.01], [1, 0.99]]) {
      expect(score(x, t).every(Number.isFinite)).toBe(true);
      score(x, t).forEach((v, j) => expect(v).toBeCloseTo(exact(x, held)[j], 9));
    }
    // Inside [t_min, 1 − t_min] nothing is clamped.
    score(x, 0.02).forEach((v, j) => expect(v).toBeCloseTo(exact(x, 0.02)[j], 9));
  });

  /** A graph: stand-ins or mixtures → process → one Euler step of `port` from 0.3 to 0.8 (x1 = x0 + ½ · field(x0, 0.3)). */
  function stepGraph(inputs: { ends: boolean; velocity: boolean; denoiser: boolean }, port = 'out', solver = 'solver.euler', epsilon = 1): GraphDocument {
    const { velocity, denoiser } = standIns('linear');
    const doc: GraphDocument = {
      format: 'sde-studio.graph', version: 1, nodes: [
        { id: 'start', type: 'source.gaussian', params: { mean: [0, 0], std: 1.5 } },
        { id: 'si', type: 'process.interpolant', params: { kind: 'linear', epsilon, sde_noise: 0.5 } },
        { id: 'step', type: solver, params: { t0: 0.3, t1: 0.8, steps: 1, particles: 500, seed: 4 } },
      ],
      edges: [
        { id: 'e1', from: { node: 'start', port: 'out' }, to: { node: 'step', port: 'initial' } },
        { id: 'e2', from: { node: 'si', port }, to: { node: 'step', port: 'drift' } },
      ],
    };
    if (solver === 'solver.euler_maruyama') doc.edges.push({ id: 'e3', from: { node: 'si', port: 'diffusion' }, to: { node: 'step', port: 'diffusion' } });
    if (inputs.ends) {
      doc.nodes.push({ id: 'rho0', type: 'source.gaussian_mixture', params: A }, { id: 'rho1', type: 'source.gaussian_mixture', params: C });
      doc.edges.push({ id: 'f', from: { node: 'rho0', port: 'out' }, to: { node: 'si', port: 'from' } }, { id: 't', from: { node: 'rho1', port: 'out' }, to: { node: 'si', port: 'to' } });
    }
    if (inputs.velocity) {
      doc.nodes.push({ id: 'v', type: 'drift.expression', params: velocity });
      doc.edges.push({ id: 'ev', from: { node: 'v', port: 'out' }, to: { node: 'si', port: 'velocity_field' } });
    }
    if (inputs.denoiser) {
      doc.nodes.push({ id: 'eta', type: 'drift.expression', params: denoiser });
      doc.edges.push({ id: 'eeta', from: { node: 'eta', port: 'out' }, to: { node: 'si', port: 'denoiser_field' } });
    }
    return doc;
  }

  test('through the compiler: the process on stand-ins needs no mixtures and steps as the exact one does', async () => {
    const trained = await run(stepGraph({ ends: false, velocity: true, denoiser: true }));
    const exact = await run(stepGraph({ ends: true, velocity: false, denoiser: false }));
    expect(trained.length).toBe(1000);
    // Float32 kernels, the same initial draws: equal to float32 rounding of the two formulas.
    trained.forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThan(1e-5 * (1 + Math.abs(exact[i]))));
    // Only a velocity_field: its velocity output needs nothing else.
    expect(compileGraph(stepGraph({ ends: false, velocity: true, denoiser: false }, 'velocity'), CATALOG).ok).toBe(true);
  });

  test('missing inputs and ε = 0 with a denoiser are errors that say what to connect or set', () => {
    const problems = (doc: GraphDocument) => {
      const compiled = compileGraph(doc, CATALOG);
      expect(compiled.ok).toBe(false);
      return compiled.ok ? [] : compiled.problems;
    };
    // out needs a score: no denoiser_field and no mixtures.
    expect(problems(stepGraph({ ends: false, velocity: true, denoiser: false }, 'out', 'solver.euler_maruyama'))).toEqual([expect.objectContaining({
      nodeId: 'si', port: 'from', message: expect.stringMatching(/input 'from' is not connected: output 'out' needs the exact score \(denoiser_field is not connected\)/),
    })]);
    // velocity needs a velocity: only a denoiser.
    expect(problems(stepGraph({ ends: false, velocity: false, denoiser: true }, 'velocity'))).toEqual([expect.objectContaining({
      nodeId: 'si', port: 'from', message: expect.stringMatching(/output 'velocity' needs the exact velocity \(velocity_field is not connected\)/),
    })]);
    // Nothing at all.
    expect(problems(stepGraph({ ends: false, velocity: false, denoiser: false }, 'velocity'))).toEqual([expect.objectContaining({
      nodeId: 'si', port: 'from', message: expect.stringMatching(/not connected: with no velocity_field or denoiser_field connected, the exact fields need both mixtures/),
    })]);
    // A denoiser needs ε > 0 (γ = 0 everywhere).
    expect(problems(stepGraph({ ends: false, velocity: true, denoiser: true }, 'out', 'solver.euler_maruyama', 0))).toEqual([expect.objectContaining({
      nodeId: 'si', param: 'epsilon', message: expect.stringMatching(/a denoiser_field needs epsilon > 0/),
    })]);
  });
});
