/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { runPlanCpu } from '../core/backends/cpu/runtime.ts';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../core/backends/webgpu/nodeDevice.ts';
import { runPlanWebGpu } from '../core/backends/webgpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { normalsAt, STREAM_INIT, uniformsAt } from '../core/rng/streams.ts';
import { CATALOG } from './registry.ts';
import { runGraph, solverGraph } from './testing.ts';

/**
 * The toy data sets are checked against their documented constructions three ways: particle by
 * particle against the formula applied to the reference init stream; in distribution (means,
 * variances, covariance) against closed forms, which a float64 Monte-Carlo with an unrelated PRNG
 * checks in turn; and by support (checkerboard squares, moon arcs, spiral).
 */

type Params = Record<string, ParamValue>;
type Point = [number, number];

/** The data set as a graph: the source feeds an Euler solver with a zero drift and one step. */
function datasetGraph(type: string, params: Params, particles: number, seed: number): GraphDocument {
  return solverGraph({
    source: { type, params },
    drift: { type: 'drift.expression', params: { expr: ['0', '0'], constants: {} } },
    solver: { type: 'solver.euler', params: { t0: 0, t1: 1, steps: 1, particles, seed } },
  });
}

async function sample(type: string, params: Params, particles: number, seed = 1, threads = 1): Promise<Float32Array> {
  const [r] = await runGraph(datasetGraph(type, params, particles, seed), threads);
  return r.samples;
}

// ---- the constructions, written independently of the nodes (float64, from given draws) ----

const pythonMod = (a: number, m: number) => ((a % m) + m) % m;

/** u: uniforms, z: standard normals; returns the unscaled, noiseless-plus-noise point. */
const constructions: Record<string, (u: readonly number[], z: readonly number[], p: Params) => Point> = {
  'source.two_moons': (u, z, p) => {
    const theta = Math.PI * u[1];
    const [x, y] = u[0] < 0.5 ? [Math.cos(theta), Math.sin(theta)] : [1 - Math.cos(theta), 1 - Math.sin(theta) - 0.5];
    return [x + (p.noise as number) * z[0], y + (p.noise as number) * z[1]];
  },
  'source.swiss_roll': (u, z, p) => {
    const t = 1.5 * Math.PI * (1 + 2 * u[0]);
    return [t * Math.cos(t) + (p.noise as number) * z[0], t * Math.sin(t) + (p.noise as number) * z[1]];
  },
  'source.checkerboard': (u) => {
    const x1 = u[0] * 4 - 2;
    const x2 = u[1] - (u[2] < 0.5 ? 1 : 0) * 2 + pythonMod(Math.floor(x1), 2);
    return [x1, x2];
  },
};

function affine(point: Point, p: Params): Point {
  const offset = p.offset as number[];
  return [(p.scale as number) * point[0] + offset[0], (p.scale as number) * point[1] + offset[1]];
}

// ---- closed-form moments of the unscaled data sets: mean [x, y] and covariance [xx, yy, xy] ----

interface Moments { mean: Point; cov: [number, number, number] }

function moonMoments(noise: number): Moments {
  // Upper moon: E cos θ = 0, E sin θ = 2/π, E cos² = E sin² = ½, E cos sin = 0 (θ ~ U(0, π)).
  return { mean: [0.5, 0.25], cov: [0.75 + noise ** 2, 0.5625 - 1 / Math.PI + noise ** 2, 0.125 - 1 / Math.PI] };
}

function swissRollMoments(noise: number): Moments {
  // t ~ U(a, b): ∫ t cos t = [t sin t + cos t], ∫ t² cos 2t = −(b − a)/2, ∫ t² sin 2t = (b² − a²)/2.
  const a = 1.5 * Math.PI, b = 4.5 * Math.PI, length = b - a;
  const mean: Point = [(b * Math.sin(b) + Math.cos(b) - a * Math.sin(a) - Math.cos(a)) / length,
    (-b * Math.cos(b) + Math.sin(b) + a * Math.cos(a) - Math.sin(a)) / length];
  const cube = (b ** 3 - a ** 3) / 3;
  const exx = (cube - (b - a) / 2) / (2 * length);
  const eyy = (cube + (b - a) / 2) / (2 * length);
  const exy = ((b ** 2 - a ** 2) / 2) / (2 * length);
  return { mean, cov: [exx - mean[0] ** 2 + noise ** 2, eyy - mean[1] ** 2 + noise ** 2, exy - mean[0] * mean[1]] };
}

function checkerboardMoments(): Moments {
  // Both marginals are U[−2, 2) (variance 4/3); E x1 x2 = mean of c_i c_j over the 8 black squares = 1/4.
  return { mean: [0, 0], cov: [4 / 3, 4 / 3, 0.25] };
}

function scaled(m: Moments, p: Params): Moments {
  const s = p.scale as number;
  return { mean: affine(m.mean, p), cov: [s * s * m.cov[0], s * s * m.cov[1], s * s * m.cov[2]] };
}

/** Sample moments of [n, 2] points, with standard errors from the sample's own fourth moments. */
function sampleMoments(points: ArrayLike<number>): { m: Moments; se: Moments } {
  const n = points.length / 2;
  const mean: Point = [0, 0];
  for (let i = 0; i < n; i++) { mean[0] += points[2 * i]; mean[1] += points[2 * i + 1]; }
  mean[0] /= n; mean[1] /= n;
  const sum = [0, 0, 0];
  const sumSq = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const dx = points[2 * i] - mean[0], dy = points[2 * i + 1] - mean[1];
    const terms = [dx * dx, dy * dy, dx * dy];
    terms.forEach((t, k) => { sum[k] += t; sumSq[k] += t * t; });
  }
  const cov = sum.map((s) => s / n) as [number, number, number];
  const covSe = sumSq.map((s, k) => Math.sqrt(Math.max(0, s / n - cov[k] ** 2) / n)) as [number, number, number];
  return { m: { mean, cov }, se: { mean: [Math.sqrt(cov[0] / n), Math.sqrt(cov[1] / n)], cov: covSe } };
}

/** Largest |sample − expected| in standard errors over the 5 statistics. */
function worstZ(points: ArrayLike<number>, expected: Moments): number {
  const { m, se } = sampleMoments(points);
  const z = [
    ...m.mean.map((v, j) => Math.abs(v - expected.mean[j]) / se.mean[j]),
    ...m.cov.map((v, k) => Math.abs(v - expected.cov[k]) / se.cov[k]),
  ];
  return Math.max(...z);
}

/** mulberry32: a plain 32-bit PRNG, unrelated to the Philox stream the nodes draw from. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function monteCarlo(type: string, p: Params, n: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [x, y] = affine(constructions[type]([random(), random(), random()], [normal(), normal()], p), p);
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}

const cases: { name: string; type: string; params: Params; moments: (p: Params) => Moments }[] = [
  { name: 'two moons (make_moons)', type: 'source.two_moons', params: { noise: 0.1, scale: 1, offset: [0, 0] }, moments: (p) => moonMoments(p.noise as number) },
  { name: 'two moons (FFJORD scaling)', type: 'source.two_moons', params: { noise: 0.1, scale: 2, offset: [-1, -0.2] }, moments: (p) => moonMoments(p.noise as number) },
  { name: 'two moons, no noise', type: 'source.two_moons', params: { noise: 0, scale: 1, offset: [0, 0] }, moments: (p) => moonMoments(p.noise as number) },
  { name: 'swiss roll (FFJORD)', type: 'source.swiss_roll', params: { noise: 1, scale: 0.2, offset: [0, 0] }, moments: (p) => swissRollMoments(p.noise as number) },
  { name: 'swiss roll, offset, less noise', type: 'source.swiss_roll', params: { noise: 0.25, scale: 0.1, offset: [3, -1] }, moments: (p) => swissRollMoments(p.noise as number) },
  { name: 'checkerboard (FFJORD)', type: 'source.checkerboard', params: { scale: 2, offset: [0, 0] }, moments: () => checkerboardMoments() },
  { name: 'checkerboard, scale 0.5, offset', type: 'source.checkerboard', params: { scale: 0.5, offset: [1, 2] }, moments: () => checkerboardMoments() },
];

describe('defaults reproduce the reference generators', () => {
  test('params default to make_moons, FFJORD swissroll and FFJORD checkerboard', () => {
    const defaults = (type: string) => Object.fromEntries(CATALOG.get(type)?.params.map((p) => [p.name, p.default]) ?? []);
    expect(defaults('source.two_moons')).toEqual({ noise: 0.1, scale: 1, offset: [0, 0] });
    expect(defaults('source.swiss_roll')).toEqual({ noise: 1, scale: 0.2, offset: [0, 0] });
    expect(defaults('source.checkerboard')).toEqual({ scale: 2, offset: [0, 0] });
  });
});

describe('each particle is the documented construction of its init-stream draws', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const particles = 300, seed = 23;
      const samples = await sample(c.type, c.params, particles, seed);
      for (let p = 0; p < particles; p++) {
        const u = uniformsAt(seed, STREAM_INIT, p, 0, 1, 3);
        const z = normalsAt(seed, STREAM_INIT, p, 0, 0, 2);
        const expected = affine(constructions[c.type](Array.from(u), Array.from(z), c.params), c.params);
        for (let j = 0; j < 2; j++) {
          expect(Math.abs(samples[2 * p + j] - expected[j]), `particle ${p}, x[${j}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expected[j])));
        }
      }
    });
  }
});

describe('moments match the closed forms', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const expected = scaled(c.moments(c.params), c.params);
      // The closed forms themselves, against a float64 Monte-Carlo of the construction (mulberry32).
      const reference = worstZ(monteCarlo(c.type, c.params, 200_000, 2024), expected);
      const samples = await sample(c.type, c.params, 40_000, 5);
      const z = worstZ(samples, expected);
      console.log(`${c.name}: mean (${expected.mean.map((v) => v.toFixed(4)).join(', ')}), cov [${expected.cov.map((v) => v.toFixed(4)).join(', ')}]; worst |z| nodes ${z.toFixed(2)}, Monte-Carlo ${reference.toFixed(2)}`);
      expect(reference).toBeLessThan(4.5);
      expect(z).toBeLessThan(4.5);
    });
  }
});

describe('support', () => {
  test('checkerboard: only the 8 black squares of [−4, 4)², each with probability 1/8', async () => {
    const n = 40_000;
    const samples = await sample('source.checkerboard', { scale: 2, offset: [0, 0] }, n);
    const counts = new Map<string, number>();
    for (let p = 0; p < n; p++) {
      const [x1, x2] = [samples[2 * p] / 2, samples[2 * p + 1] / 2];
      expect(Math.abs(x1) <= 2 && Math.abs(x2) <= 2, `particle ${p} at (${x1}, ${x2}) is off the board`).toBe(true);
      const [i, j] = [Math.floor(x1), Math.floor(x2)];
      expect(pythonMod(i + j, 2), `particle ${p} at (${x1}, ${x2}) is on a white square`).toBe(0);
      counts.set(`${i},${j}`, (counts.get(`${i},${j}`) ?? 0) + 1);
    }
    expect(counts.size).toBe(8);
    const se = Math.sqrt(n * (1 / 8) * (7 / 8));
    for (const [square, count] of counts) expect(Math.abs(count - n / 8), `square ${square}: ${count}`).toBeLessThan(5 * se);
  });

  /** Distance from (x, y) to the nearer of the two (noiseless) moon arcs, and which one. */
  function moonDistance(x: number, y: number): { distance: number; upper: boolean } {
    const arc = (cx: number, cy: number, sign: number) => {
      // Half circle of radius 1 around (cx, cy) on the side sign · (y − cy) ≥ 0.
      const dx = x - cx, dy = y - cy;
      if (sign * dy >= 0) return Math.abs(Math.hypot(dx, dy) - 1);
      return Math.min(Math.hypot(dx - 1, dy), Math.hypot(dx + 1, dy));
    };
    const upper = arc(0, 0, 1), lower = arc(1, 0.5, -1);
    return { distance: Math.min(upper, lower), upper: upper <= lower };
  }

  test('two moons: without noise every point is on an arc; with noise within 6σ; half on each moon', async () => {
    const n = 20_000;
    const exact = await sample('source.two_moons', { noise: 0, scale: 1, offset: [0, 0] }, n);
    let upper = 0;
    for (let p = 0; p < n; p++) {
      const d = moonDistance(exact[2 * p], exact[2 * p + 1]);
      expect(d.distance, `particle ${p}`).toBeLessThan(1e-6);
      if (d.upper) upper++;
    }
    expect(Math.abs(upper - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
    const noisy = await sample('source.two_moons', { noise: 0.05, scale: 2, offset: [-1, -0.2] }, n);
    for (let p = 0; p < n; p++) {
      const d = moonDistance((noisy[2 * p] + 1) / 2, (noisy[2 * p + 1] + 0.2) / 2);
      expect(d.distance, `particle ${p}`).toBeLessThan(6 * 0.05);
    }
  });

  test('swiss roll: without noise every point is (t cos t, t sin t) · scale with t = radius in [1.5π, 4.5π]', async () => {
    const n = 20_000;
    const samples = await sample('source.swiss_roll', { noise: 0, scale: 0.2, offset: [0, 0] }, n);
    for (let p = 0; p < n; p++) {
      const [x, y] = [samples[2 * p] / 0.2, samples[2 * p + 1] / 0.2];
      const t = Math.hypot(x, y);
      expect(t).toBeGreaterThanOrEqual(1.5 * Math.PI - 1e-5);
      expect(t).toBeLessThanOrEqual(4.5 * Math.PI + 1e-5);
      expect(Math.hypot(x - t * Math.cos(t), y - t * Math.sin(t)), `particle ${p}`).toBeLessThan(1e-4);
    }
  });
});

describe('determinism', () => {
  for (const type of ['source.two_moons', 'source.swiss_roll', 'source.checkerboard']) {
    test(`${type}: same seed, same bytes (1 or 2 threads); another seed or particle, other points`, async () => {
      const a = await sample(type, {}, 2000, 7);
      const b = await sample(type, {}, 2000, 7, 2);
      const c = await sample(type, {}, 2000, 8);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
      let same = 0;
      for (let i = 0; i < a.length; i++) if (a[i] === c[i]) same++;
      expect(same).toBeLessThan(10);
      const distinct = new Set<string>();
      for (let p = 0; p < 2000; p++) distinct.add(`${a[2 * p]},${a[2 * p + 1]}`);
      expect(distinct.size).toBe(2000);
    });
  }
});

describe('validation', () => {
  test('an offset that is not 2-D is reported on the param', () => {
    const compiled = compileGraph(datasetGraph('source.two_moons', { offset: [0, 0, 1] }, 10, 1), CATALOG);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.problems).toContainEqual(expect.objectContaining({ nodeId: 'init', param: 'offset', message: expect.stringMatching(/3 entries; give 2/) }));
  });

  test('scale must be positive and noise non-negative', () => {
    for (const params of [{ scale: 0 }, { noise: -0.1 }] as Params[]) {
      const compiled = compileGraph(datasetGraph('source.swiss_roll', params, 10, 1), CATALOG);
      expect(compiled.ok, JSON.stringify(params)).toBe(false);
    }
  });
});

// ---- the WebGPU backend (SwiftShader in CI) draws the same points, to float32 rounding ----

if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const gpu = await requestNodeDevice();
const device = 'device' in gpu ? gpu.device : undefined;
const skipReason = 'error' in gpu ? gpu.error : '';
if (!device) console.warn(`data set WebGPU tests skipped: ${skipReason}`);
afterAll(() => device?.destroy());

describe.skipIf(!device)(`WebGPU backend draws the same data sets${device ? '' : ` (skipped: ${skipReason})`}`, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const compiled = compileGraph(datasetGraph(c.type, c.params, 4096, 31), CATALOG);
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
      const [[g], [cpu]] = [await runPlanWebGpu(compiled.plan, { device: device as GPUDevice }), await runPlanCpu(compiled.plan, { threads: 1 })];
      expect(g.samples.length).toBe(cpu.samples.length);
      let worst = 0;
      for (let i = 0; i < cpu.samples.length; i++) {
        worst = Math.max(worst, Math.abs(g.samples[i] - cpu.samples[i]) / (1e-5 + 1e-4 * Math.abs(cpu.samples[i])));
      }
      console.log(`${c.name} on WebGPU: worst error ${worst.toFixed(3)} of the tolerance`);
      expect(worst).toBeLessThanOrEqual(1);
    });
  }
});
