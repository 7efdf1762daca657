import { describe, expect, test } from 'vitest';
import { IRBuilder } from '../ir/builder.ts';
import { interpretIR } from '../ir/interpret.ts';
import { SCALAR } from '../ir/types.ts';
import { diffusion, driftCoefficient, perturbation, priorStd, type ForwardSde } from './schedules.ts';
import { emitDiffusion, emitDriftCoefficient, emitExpm1, emitPerturbation, emitTransition } from './schedulesIR.ts';

const SDES: { name: string; sde: ForwardSde }[] = [
  { name: 'VP (defaults)', sde: { kind: 'vp', betaMin: 0.1, betaMax: 20 } },
  { name: 'sub-VP (defaults)', sde: { kind: 'subvp', betaMin: 0.1, betaMax: 20 } },
  { name: 'VE (defaults)', sde: { kind: 've', sigmaMin: 0.01, sigmaMax: 50 } },
  { name: 'VE (2-d toy, σ_max 8)', sde: { kind: 've', sigmaMin: 0.01, sigmaMax: 8 } },
  { name: 'VP (mild β)', sde: { kind: 'vp', betaMin: 0.5, betaMax: 3 } },
];

/**
 * The moment ODEs of dx = c(t) x dt + g(t) dW from x₀ = 1: d mean/dt = c mean (mean = α),
 * d var/dt = 2 c var + g² (var = σ_t²), integrated with classical RK4 on a fine grid.
 */
function integrateMoments(sde: ForwardSde, t1: number, steps = 4000): { mean: number; variance: number } {
  const rhs = (t: number, [m, v]: number[]) => {
    const c = driftCoefficient(sde, t);
    return [c * m, 2 * c * v + diffusion(sde, t) ** 2];
  };
  let y = [1, 0];
  const h = t1 / steps;
  for (let s = 0; s < steps; s++) {
    const t = s * h;
    const k1 = rhs(t, y);
    const k2 = rhs(t + h / 2, y.map((v, i) => v + (h / 2) * k1[i]));
    const k3 = rhs(t + h / 2, y.map((v, i) => v + (h / 2) * k2[i]));
    const k4 = rhs(t + h, y.map((v, i) => v + h * k3[i]));
    y = y.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  }
  return { mean: y[0], variance: y[1] };
}

describe('forward SDE schedules', () => {
  for (const { name, sde } of SDES) {
    test(`${name}: α and σ_t solve the moment ODEs`, () => {
      for (const t of [0.05, 0.3, 0.7, 1]) {
        const { mean, variance } = integrateMoments(sde, t);
        const { alpha, sigma } = perturbation(sde, t);
        expect(Math.abs(alpha - mean)).toBeLessThan(1e-9 * Math.max(1, mean));
        expect(Math.abs(sigma ** 2 - variance)).toBeLessThan(1e-8 * Math.max(1, variance));
      }
    });

    test(`${name}: the IR emitters agree with the float64 functions`, () => {
      const b = new IRBuilder('schedule', [{ name: 't', type: SCALAR }]);
      const t = b.param(0);
      const { alpha, variance } = emitPerturbation(b, sde, t);
      const fn = b.build([emitDriftCoefficient(b, sde, t), emitDiffusion(b, sde, t), alpha, variance]);
      for (const time of [0.001, 0.2, 0.5, 1]) {
        const [c, g, a, v] = interpretIR(fn, [time]).map((o) => o[0]);
        const p = perturbation(sde, time);
        expect(c).toBeCloseTo(driftCoefficient(sde, time), 12);
        expect(Math.abs(g - diffusion(sde, time))).toBeLessThan(1e-12 * Math.max(1, g));
        expect(a).toBeCloseTo(p.alpha, 12);
        // The IR forms 1 − α² (no expm1 op), which loses relative digits only where σ_t² is tiny.
        expect(Math.abs(v - p.sigma ** 2)).toBeLessThan(1e-12 * Math.max(1, v));
      }
    });
  }

  for (const { name, sde } of SDES) {
    test(`${name}: the one-step transition is the perturbation kernel's (a = α(t)/α(t − h), G² = σ_t² − a² σ²_{t−h})`, () => {
      const b = new IRBuilder('transition', [{ name: 't', type: SCALAR }, { name: 'h', type: SCALAR }]);
      const { a, g2 } = emitTransition(b, sde, b.param(0), b.param(1));
      const fn = b.build([a, g2]);
      for (const [t, h] of [[1, 0.01], [0.5, 0.1], [0.02, 0.01], [0.3, 1e-3]]) {
        const [ia, ig2] = interpretIR(fn, [t, h]).map((o) => o[0]);
        const now = perturbation(sde, t);
        const before = perturbation(sde, t - h);
        const ratio = now.alpha / before.alpha;
        const g2Exact = now.sigma ** 2 - ratio ** 2 * before.sigma ** 2;
        expect(Math.abs(ia - ratio)).toBeLessThan(1e-12);
        expect(Math.abs(ig2 - g2Exact)).toBeLessThan(1e-9 * Math.abs(g2Exact));
      }
    });
  }

  test('expm1 in IR: the series and exp − 1 branches agree with Math.expm1', () => {
    const b = new IRBuilder('expm1', [{ name: 'x', type: SCALAR }]);
    const fn = b.build([emitExpm1(b, b.param(0))]);
    for (const x of [-3, -0.2, -0.1, -0.0999, -1e-3, -1e-9, 0, 1e-7, 0.05, 0.0999, 0.1, 2]) {
      const [[v]] = interpretIR(fn, [x]);
      expect(Math.abs(v - Math.expm1(x))).toBeLessThanOrEqual(3e-13 * Math.abs(Math.expm1(x)));
    }
  });

  test('the prior: VP and sub-VP end near N(0, I) at T = 1, VE near N(0, σ_max² I)', () => {
    for (const { sde } of SDES.slice(0, 3)) {
      const { alpha, sigma } = perturbation(sde, 1);
      if (sde.kind !== 've') expect(alpha).toBeLessThan(0.01);
      expect(Math.abs(sigma / priorStd(sde) - 1)).toBeLessThan(1e-3);
    }
  });

  test('sub-VP has a smaller perturbation variance than VP at every t (its defining property)', () => {
    const vp: ForwardSde = { kind: 'vp', betaMin: 0.1, betaMax: 20 };
    const sub: ForwardSde = { kind: 'subvp', betaMin: 0.1, betaMax: 20 };
    for (const t of [0.01, 0.1, 0.5, 0.9]) expect(perturbation(sub, t).sigma).toBeLessThan(perturbation(vp, t).sigma);
  });
});
