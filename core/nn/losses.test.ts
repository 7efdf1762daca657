import { describe, expect, test } from 'vitest';
import { interpretIR } from '../ir/interpret.ts';
import { validateIR } from '../ir/validate.ts';
import { perturbation } from '../sde/schedules.ts';
import { dsmLoss, fokkerPlanckResidualLoss, interpolantLoss, slicedScoreMatchingLoss } from './losses.ts';
import { initMlp, mlpFunction, type MlpSpec } from './mlp.ts';

const spec: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 6, depth: 1, activation: 'tanh', outputDim: 2 };
const weights = initMlp(spec, 4);
const net = (x: number[], t: number) => Array.from(interpretIR(mlpFunction(spec), [...weights, x, t])[0]);

describe('losses', () => {
  test.each([
    ['vp', { kind: 'vp', betaMin: 0.1, betaMax: 20 }],
    ['subvp', { kind: 'subvp', betaMin: 0.1, betaMax: 20 }],
    ['ve', { kind: 've', sigmaMin: 0.01, sigmaMax: 5 }],
  ] as const)('DSM (%s) is ½‖σ s(α x₀ + σ z, t) + z‖²', (_, sde) => {
    const def = dsmLoss(spec, sde);
    expect(validateIR(def.fn)).toEqual([]);
    expect(def.inputs.map((i) => i.name)).toEqual(['x0', 't', 'z']);
    const [x0, t, z] = [[0.4, -1], 0.3, [1.1, 0.2]];
    const { alpha, sigma } = perturbation(sde, t);
    const s = net(x0.map((v, j) => alpha * v + sigma * z[j]), t);
    const expected = 0.5 * s.reduce((acc, sj, j) => acc + (sigma * sj + z[j]) ** 2, 0);
    expect(interpretIR(def.fn, [...weights, x0, t, z])[0][0]).toBeCloseTo(expected, 10);
  });

  test('interpolant loss is ‖v(x_t, t) − (x₁ − x₀)‖²', () => {
    const def = interpolantLoss(spec);
    const [x1, t, x0] = [[0.4, -1], 0.3, [1.1, 0.2]];
    const v = net(x0.map((a, j) => (1 - t) * a + t * x1[j]), t);
    const expected = v.reduce((acc, vj, j) => acc + (vj - (x1[j] - x0[j])) ** 2, 0);
    expect(interpretIR(def.fn, [...weights, x1, t, x0])[0][0]).toBeCloseTo(expected, 12);
  });

  test('sliced score matching is σ²(½‖s‖² + vᵀ (∂s/∂x) v), the JVP checked by differences', () => {
    const sde = { kind: 'vp', betaMin: 0.1, betaMax: 20 } as const;
    const def = slicedScoreMatchingLoss(spec, sde);
    const [x0, t, z, v] = [[0.4, -1], 0.3, [1.1, 0.2], [1, -1]];
    const { alpha, sigma } = perturbation(sde, t);
    const x = x0.map((a, j) => alpha * a + sigma * z[j]);
    const s = net(x, t);
    const h = 1e-6;
    const plus = net(x.map((a, j) => a + h * v[j]), t);
    const minus = net(x.map((a, j) => a - h * v[j]), t);
    const vjv = v.reduce((acc, vj, j) => acc + (vj * (plus[j] - minus[j])) / (2 * h), 0);
    const expected = sigma * sigma * (0.5 * (s[0] ** 2 + s[1] ** 2) + vjv);
    expect(interpretIR(def.fn, [...weights, x0, t, z, v])[0][0]).toBeCloseTo(expected, 7);
  });

  test('the Fokker–Planck residual vanishes for the exact score of a Gaussian under VP', () => {
    // A "network" with zero hidden weights and s = A x + c: an affine score. The exact score of
    // N(0, I) is −x at every t under VP (N(0, I) is stationary), so W_out = −I, no time input.
    const affine: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 2, depth: 1, activation: 'relu', outputDim: 2 };
    const def = fokkerPlanckResidualLoss(affine, { kind: 'vp', betaMin: 0.1, betaMax: 20 });
    expect(validateIR(def.fn)).toEqual([]);
    // Hidden layer: relu(I x + 10) = x + 10 for |x| < 10; output −I h + 10 = −x.
    const w = [[1, 0, 0, 0, 1, 0], [10, 10], [-1, 0, 0, -1], [10, 10]];
    const loss = interpretIR(def.fn, [...w, [0.3, -0.2], 0.4, [0.5, 1]])[0][0];
    expect(Math.abs(loss)).toBeLessThan(1e-20);
    const wrong = interpretIR(def.fn, [w[0], w[1], [-2, 0, 0, -2], [20, 20], [0.3, -0.2], 0.4, [0.5, 1]])[0][0];
    expect(wrong).toBeGreaterThan(1e-3);
  });
});
