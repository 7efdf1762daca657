import { describe, expect, test } from 'vitest';
import { checkGradient } from '../ir/gradcheck.ts';
import { interpretIR } from '../ir/interpret.ts';
import { validateIR } from '../ir/validate.ts';
import { interpolantCoefficients, type InterpolantKind } from '../sde/interpolantCoefficients.ts';
import { datasetSource, gaussianData } from './data.ts';
import { KernelWorkspace } from './kernels/workspace.ts';
import { interpolantLoss, type InterpolantLossOptions } from './losses.ts';
import { initMlp, mlpFunction, type MlpSpec } from './mlp.ts';
import { normalRow, uniformRange } from './random.ts';
import { Trainer, type TrainerOptions } from './trainer.ts';

/**
 * loss.interpolant between two data sets (core/nn/losses.ts interpolantLoss with a second pool):
 * its value against the formula, its gradient against finite differences, the trainer's two
 * pools (independent, reproducible, resumable), and, with Gaussian ends whose velocity and
 * denoiser are known in closed form, that training finds them.
 */

const small: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 6, depth: 1, activation: 'tanh', outputDim: 2 };
const smallWeights = initMlp(small, 4);
const net = (x: number[], t: number) => Array.from(interpretIR(mlpFunction(small), [...smallWeights, x, t])[0]);
const dot = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j], 0);
const minus = (a: number[], b: number[]) => a.map((v, j) => v - b[j]);

const VARIANTS: [string, InterpolantLossOptions][] = [
  ['linear, ε = 0, two data sets', { source: true }],
  ['trigonometric, ε = 0, two data sets', { kind: 'trigonometric', source: true }],
  ['linear, ε = 0.5, two data sets (antithetic)', { epsilon: 0.5, source: true }],
  ['trigonometric, ε = 1, from N(0, I) (antithetic)', { kind: 'trigonometric', epsilon: 1 }],
  ['linear, ε = 0.5, denoiser', { epsilon: 0.5, source: true, target: 'denoiser' }],
];

/** The per-sample loss of `options` at (x1, t, x0, z), in float64 from the definition in the doc. */
function expectedLoss(options: InterpolantLossOptions, x1: number[], t: number, x0: number[], z: number[]): number {
  const c = interpolantCoefficients(options.kind ?? 'linear', options.epsilon ?? 0, t);
  const mean = x0.map((a, j) => c.alpha * a + c.beta * x1[j]);
  const dMean = x0.map((a, j) => c.dAlpha * a + c.dBeta * x1[j]);
  const plus = net(mean.map((m, j) => m + c.gamma * z[j]), t);
  if (options.target === 'denoiser') return dot(minus(plus, z), minus(plus, z));
  const less = net(mean.map((m, j) => m - c.gamma * z[j]), t);
  // ½(‖b₊ − İ − γ'z‖² + ‖b₋ − İ + γ'z‖²) − γ'²‖z‖²: the antithetic pair minus its weight-free part.
  const rPlus = plus.map((v, j) => v - dMean[j] - c.dGamma * z[j]);
  const rMinus = less.map((v, j) => v - dMean[j] + c.dGamma * z[j]);
  return 0.5 * (dot(rPlus, rPlus) + dot(rMinus, rMinus)) - c.dGamma ** 2 * dot(z, z);
}

describe('interpolant loss between two data sets', () => {
  test('without options it is plain flow matching from N(0, I), as before', () => {
    const def = interpolantLoss(small);
    expect(def.fn.name).toBe('interpolant');
    expect(def.inputs).toEqual([
      { name: 'x1', size: 2, source: { kind: 'data' } }, { name: 't', size: 1, source: { kind: 'time', lo: 0, hi: 1 } }, { name: 'x0', size: 2, source: { kind: 'normal' } },
    ]);
    expect(interpolantLoss(small, { kind: 'linear', epsilon: 0, source: false, target: 'velocity' })).toEqual(def);
  });

  test.each(VARIANTS)('%s: the IR computes the loss of the doc comment', (_name, options) => {
    const def = interpolantLoss(small, options);
    expect(validateIR(def.fn)).toEqual([]);
    const noisy = (options.epsilon ?? 0) > 0;
    expect(def.inputs.map((x) => `${x.name}:${x.source.kind}`)).toEqual(['x1:data', 't:time', `x0:${options.source ? 'source' : 'normal'}`, ...(noisy ? ['z:normal'] : [])]);
    const [x1, x0, z] = [[0.4, -1], [1.1, 0.2], [-0.7, 0.9]];
    for (const t of [0.03, 0.3, 0.85]) {
      const args = [...smallWeights, x1, t, x0, ...(noisy ? [z] : [])];
      expect(interpretIR(def.fn, args)[0][0]).toBeCloseTo(expectedLoss(options, x1, t, x0, noisy ? z : [0, 0]), 10);
    }
  });

  test('ε > 0: finite where t rounds to 0 or 1 (γ = 0), and there the plain squared residual', () => {
    const def = interpolantLoss(small, { epsilon: 1, source: true });
    const [x1, x0, z] = [[0.4, -1], [1.1, 0.2], [-0.7, 0.9]];
    for (const t of [0, 1]) {
      const value = interpretIR(def.fn, [...smallWeights, x1, t, x0, z])[0][0];
      const point = t === 0 ? x0 : x1;
      const r = minus(net(point, t), minus(x1, x0));
      expect(value).toBeCloseTo(dot(r, r), 12);
    }
  });

  test.each(VARIANTS)('%s: reverse-mode gradient w.r.t. the weights matches finite differences', (_name, options) => {
    const spec: MlpSpec = { inputDim: 2, time: { kind: 'sinusoidal', size: 4 }, width: 4, depth: 2, activation: 'silu', outputDim: 2 };
    const def = interpolantLoss(spec, options);
    const weights = initMlp(spec, 9).map((w) => Array.from(w));
    const inputs = def.inputs.map((x, k) => (x.name === 't' ? [0.37] : Array.from({ length: x.size }, (_, j) => Math.sin(3 * k + j + 1))));
    expect(checkGradient(def.fn, [...weights, ...inputs], def.weights).relativeError).toBeLessThan(1e-6);
  });

  test('the denoiser needs ε > 0; ε must not be negative', () => {
    expect(() => interpolantLoss(small, { target: 'denoiser' })).toThrow(/epsilon > 0/);
    expect(() => interpolantLoss(small, { epsilon: -1 })).toThrow(/≥ 0/);
  });
});

// Gaussian ends: x₀ ~ N(μ₀, s₀² I), x₁ ~ N(μ₁, s₁² I). Then x_t ~ N(m, V I), m = αμ₀ + βμ₁,
// V = α²s₀² + β²s₁² + γ², and (x_t, İ + γ'z, z) are jointly Gaussian, so
//   b(t, x) = α'μ₀ + β'μ₁ + (αα's₀² + ββ's₁² + γγ') / V · (x − m),   η(t, x) = γ / V · (x − m).
const MU0 = [-1, 0.5];
const S0 = 0.5;
const MU1 = [1, -0.5];
const S1 = 0.9;
const spec: MlpSpec = { inputDim: 2, time: { kind: 'sinusoidal', size: 8 }, width: 32, depth: 2, activation: 'silu', outputDim: 2 };

function gaussianOptions(loss: TrainerOptions['loss'], iterations: number, seed = 3): TrainerOptions {
  return {
    loss, data: gaussianData(MU1, S1, 11), source: gaussianData(MU0, S0, 12), batch: 256, seed,
    optimizer: { lr: 1e-2, schedule: { kind: 'cosine', totalSteps: iterations, minLr: 1e-4 }, clipNorm: 10 },
    init: initMlp(spec, seed),
  };
}

/**
 * Relative L2 error of the network against the exact field at (t, x_t), t ~ U(0.02, 0.98), x_t from
 * the interpolant's marginal; that of the best field that ignores x (its mean at each t), the
 * error of a network that learned only the drift of the means; and, for the velocity, that of
 * E[İ | x_t] (b without its γ'z part, what a loss that dropped the noise term would learn).
 */
function fieldError(weights: Float32Array[], kind: InterpolantKind, epsilon: number, target: 'velocity' | 'denoiser'): { error: number; constantError: number; noNoiseTermError: number } {
  const fn = mlpFunction(spec);
  const n = 400;
  const ts = uniformRange(5, 99, 0, 0, n, 0.02, 0.98);
  const z = normalRow(5, 99, 1, 0, 2 * n);
  let [diff, norm, spread, noNoise] = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const c = interpolantCoefficients(kind, epsilon, ts[i]);
    const m = MU0.map((a, j) => c.alpha * a + c.beta * MU1[j]);
    const V = c.alpha ** 2 * S0 ** 2 + c.beta ** 2 * S1 ** 2 + c.gamma2;
    const x = m.map((mj, j) => mj + Math.sqrt(V) * z[2 * i + j]);
    const [v] = interpretIR(fn, [...weights, x, ts[i]]);
    const centre = target === 'velocity' ? MU0.map((a, j) => c.dAlpha * a + c.dBeta * MU1[j]) : [0, 0];
    const gain = target === 'velocity' ? (c.alpha * c.dAlpha * S0 ** 2 + c.beta * c.dBeta * S1 ** 2 + c.gammaDotGamma) / V : c.gamma / V;
    x.forEach((xj, j) => {
      const exact = centre[j] + gain * (xj - m[j]);
      diff += (v[j] - exact) ** 2;
      norm += exact ** 2;
      spread += (exact - centre[j]) ** 2;
      noNoise += ((c.gammaDotGamma / V) * (xj - m[j])) ** 2;
    });
  }
  return { error: Math.sqrt(diff / norm), constantError: Math.sqrt(spread / norm), noNoiseTermError: Math.sqrt(noNoise / norm) };
}

describe('training on two Gaussian data sets', () => {
  // Measured (1200 steps, batch 256, 2×32 SiLU): 3.8%, 3.0% and 7.3%; untrained ≈ 105%. The bounds
  // leave ≈ 2.5× for rounding differences between kernel builds and still fail a field blind to x
  // (35%, 29%, 100%) and, for ε = 0.5, the velocity without its γ'z part.
  test.each<[InterpolantKind, number, 'velocity' | 'denoiser', number]>([
    ['linear', 0, 'velocity', 0.1],
    ['trigonometric', 0.5, 'velocity', 0.075],
    ['linear', 1, 'denoiser', 0.18],
  ])('%s, ε = %s: the learned %s is the exact one', async (kind, epsilon, target, bound) => {
    const iterations = 1200;
    const trainer = new Trainer(gaussianOptions(interpolantLoss(spec, { kind, epsilon, source: true, target }), iterations));
    const before = fieldError(trainer.weights(), kind, epsilon, target);
    await trainer.run(iterations);
    const after = fieldError(trainer.state().weights, kind, epsilon, target);
    console.log(`${kind}, ε = ${epsilon}, ${target}: relative L2 error ${before.error.toFixed(3)} untrained → ${after.error.toFixed(3)} after ${iterations} steps `
      + `(a field blind to x: ${after.constantError.toFixed(3)}${epsilon > 0 && target === 'velocity' ? `, b without γ'z: ${after.noNoiseTermError.toFixed(3)}` : ''})`);
    expect(before.error).toBeGreaterThan(0.5);
    expect(after.error).toBeLessThan(bound);
    expect(bound).toBeLessThan(0.5 * after.constantError);
    if (epsilon > 0 && target === 'velocity') expect(bound).toBeLessThan(after.noNoiseTermError);
  });
});

describe('the trainer with two data pools', () => {
  const rows = (offset: number) => Float32Array.from({ length: 2 * 500 }, (_, i) => offset + Math.sin(i * 0.7) * 2);
  const pools = (seed: number) => ({ data: datasetSource(rows(3), 2, seed), source: datasetSource(rows(-3), 2, seed, 2) });
  const options = (seed: number): TrainerOptions => ({
    loss: interpolantLoss(spec, { epsilon: 0.3, source: true }), ...pools(seed), batch: 64, seed,
    optimizer: { lr: 1e-2, schedule: { kind: 'constant' } }, init: initMlp(spec, 1),
  });

  test('the two pools draw independent rows under one seed', () => {
    const [a, b] = [new Float32Array(2 * 64), new Float32Array(2 * 64)];
    datasetSource(rows(0), 2, 5).sample(3, 64, a, 0);
    datasetSource(rows(0), 2, 5, 2).sample(3, 64, b, 0);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  test('same seed, same weights bit for bit; resuming equals not stopping', async () => {
    const a = new Trainer(options(7));
    await a.run(30);
    const b = new Trainer(options(7));
    await b.run(15);
    const c = new Trainer({ ...options(7), kernels: KernelWorkspace.create(), resume: b.state() });
    await c.run(15);
    const [wa, wc] = [a.state(), c.state()];
    expect(wc.step).toBe(30);
    wa.weights.forEach((w, k) => expect(Array.from(wc.weights[k])).toEqual(Array.from(w)));
    expect(Array.from(wc.m)).toEqual(Array.from(wa.m));
    const other = new Trainer(options(8));
    await other.run(30);
    expect(Array.from(other.state().weights[0])).not.toEqual(Array.from(wa.weights[0]));
  });

  test('a loss that reads a second pool needs one of its dimension, and only such a loss gets one', () => {
    const loss = interpolantLoss(spec, { source: true });
    const base = { batch: 8, seed: 0, optimizer: { lr: 1e-3, schedule: { kind: 'constant' } }, init: initMlp(spec, 0) } as const;
    expect(() => new Trainer({ ...base, loss, data: gaussianData(MU1, S1, 1) })).toThrow(/reads the second data set/);
    expect(() => new Trainer({ ...base, loss, data: gaussianData(MU1, S1, 1), source: gaussianData([0, 0, 0], 1, 2) })).toThrow(/x0.*2 components.*3/);
    expect(() => new Trainer({ ...base, loss: interpolantLoss(spec), data: gaussianData(MU1, S1, 1), source: gaussianData(MU0, S0, 2) })).toThrow(/reads none/);
  });
});
