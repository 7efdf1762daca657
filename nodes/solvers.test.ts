import { describe, expect, test } from 'vitest';
import { normalsAt, STREAM_BROWNIAN } from '../core/rng/streams.ts';
import { ALL_METHODS } from '../core/solvers/tableaux.ts';
import { convergenceOrder, moments, runGraph, solverGraph } from './testing.ts';

const point = (value: number[]) => ({ type: 'source.point', params: { value } });
const expr = (type: string, e: string[], constants: Record<string, number> = {}) => ({ type, params: { expr: e, constants } });

describe('ODE solvers reach their declared order', () => {
  // x' = cos(t) x, x(0) = 1 has the exact solution exp(sin t).
  const exact = Math.exp(Math.sin(2));
  for (const method of ALL_METHODS.filter((m) => m.kind === 'ode' && !m.adaptive)) {
    test(`${method.name}: order ${method.kind === 'ode' ? method.order : ''}`, async () => {
      const stepsList = method.name === 'rk4' ? [3, 6, 12, 24] : [16, 32, 64, 128, 256];
      const errors: number[] = [];
      for (const steps of stepsList) {
        const [r] = await runGraph(solverGraph({
          source: point([1]), drift: expr('drift.expression', ['cos(t)*x[0]']),
          solver: { type: `solver.${method.name}`, params: { t0: 0, t1: 2, steps, particles: 1, seed: 0 } },
        }));
        errors.push(Math.abs(r.samples[0] - exact));
      }
      const order = convergenceOrder(stepsList.map((s) => 2 / s), errors);
      console.log(`${method.name}: errors ${errors.map((e) => e.toExponential(2)).join(", ")} → order ${order.toFixed(3)}`);
      expect(method.kind).toBe('ode');
      if (method.kind === 'ode') expect(Math.abs(order - method.order)).toBeLessThan(0.25);
    });
  }

  test('dopri5 meets its tolerance and takes more steps for a tighter one', async () => {
    const run = async (rtol: number) => {
      const [r] = await runGraph(solverGraph({
        source: point([1]), drift: expr('drift.expression', ['cos(t)*x[0]']),
        solver: { type: 'solver.dopri5', params: { t0: 0, t1: 2, rtol, atol: rtol * 1e-3, particles: 4, seed: 0 } },
      }));
      return { error: Math.abs(r.samples[0] - exact) / exact, steps: r.adaptive?.accepted ?? 0 };
    };
    const loose = await run(1e-3);
    const tight = await run(1e-6);
    expect(loose.error).toBeLessThan(1e-2);
    expect(tight.error).toBeLessThan(1e-5);
    expect(tight.steps).toBeGreaterThan(loose.steps);
  });
});

describe('SDE solvers', () => {
  // Ornstein–Uhlenbeck dX = θ(μ − X) dt + σ dW from x0: exact mean and variance at t.
  const theta = 1.3, mu = 0.7, sigma = 0.4, x0 = 2, t1 = 1.5;
  const exactMean = mu + (x0 - mu) * Math.exp(-theta * t1);
  const exactVar = (sigma ** 2 / (2 * theta)) * (1 - Math.exp(-2 * theta * t1));
  for (const name of ['euler_maruyama', 'milstein', 'stochastic_heun']) {
    test(`${name}: OU mean and variance within 3 standard errors`, async () => {
      const [r] = await runGraph(solverGraph({
        source: point([x0]), drift: expr('drift.expression', ['theta*(mu - x[0])'], { theta, mu }),
        diffusion: { type: 'diffusion.constant', params: { sigma } },
        solver: { type: `solver.${name}`, params: { t0: 0, t1, steps: 300, particles: 40000, seed: 7 } },
      }));
      const m = moments(r.samples, 1);
      const seMean = Math.sqrt(exactVar / m.n);
      const seVar = exactVar * Math.sqrt(2 / (m.n - 1));
      expect(Math.abs(m.mean - exactMean)).toBeLessThan(3 * seMean);
      expect(Math.abs(m.variance - exactVar)).toBeLessThan(3 * seVar);
    });
  }

  // Geometric Brownian motion on the same Brownian path for every step count: with steps = 2^k the
  // Brownian tree has one base interval, so W(T) = sqrt(T) z(root) whatever k is.
  const gbm = { mu: 0.5, sigma: 0.8, T: 1, particles: 2000, seed: 5 };
  const W = Array.from({ length: gbm.particles }, (_, p) => Math.sqrt(gbm.T) * normalsAt(gbm.seed, STREAM_BROWNIAN, p, 0, 0, 1)[0]);
  const strongOrder = async (name: string, exact: (w: number) => number) => {
    const stepsList = [16, 32, 64, 128, 256, 512];
    const errors: number[] = [];
    for (const steps of stepsList) {
      const [r] = await runGraph(solverGraph({
        source: point([1]), drift: expr('drift.expression', ['mu*x[0]'], { mu: gbm.mu }),
        diffusion: expr('diffusion.expression', ['sigma*x[0]'], { sigma: gbm.sigma }),
        solver: { type: `solver.${name}`, params: { t0: 0, t1: gbm.T, steps, particles: gbm.particles, seed: gbm.seed } },
      }));
      let e = 0;
      for (let p = 0; p < gbm.particles; p++) e += Math.abs(r.samples[p] - exact(W[p]));
      errors.push(e / gbm.particles);
    }
    const order = convergenceOrder(stepsList.map((s) => gbm.T / s), errors);
    console.log(`${name}: strong errors ${errors.map((e) => e.toExponential(2)).join(", ")} → order ${order.toFixed(3)}`);
    return order;
  };
  const itoExact = (w: number) => Math.exp((gbm.mu - gbm.sigma ** 2 / 2) * gbm.T + gbm.sigma * w);
  const stratonovichExact = (w: number) => Math.exp(gbm.mu * gbm.T + gbm.sigma * w);

  test('Euler–Maruyama has strong order 0.5 on GBM', async () => {
    const order = await strongOrder('euler_maruyama', itoExact);
    expect(order).toBeGreaterThan(0.4);
    expect(order).toBeLessThan(0.65);
  });
  test('Milstein has strong order 1.0 on GBM', async () => {
    const order = await strongOrder('milstein', itoExact);
    expect(order).toBeGreaterThan(0.85);
    expect(order).toBeLessThan(1.15);
  });
  test('stochastic Heun converges to the Stratonovich solution with strong order 1.0 on GBM', async () => {
    const order = await strongOrder('stochastic_heun', stratonovichExact);
    expect(order).toBeGreaterThan(0.85);
    expect(order).toBeLessThan(1.15);
  });
});

describe('threads', () => {
  test('1 and 2 threads give identical bytes for every solver', async () => {
    for (const method of ALL_METHODS) {
      const doc = solverGraph({
        source: { type: 'source.gaussian', params: { mean: [1, 0, 0.5], std: 0.3 } },
        drift: { type: 'drift.lorenz', params: {} },
        diffusion: method.kind === 'sde' ? expr('diffusion.expression', ['0.1 + 0.05*x[0]', '0.2', 'sqrt(1 + x[2]^2)*0.1']) : undefined,
        solver: { type: `solver.${method.name}`, params: method.kind === 'ode' && method.adaptive
          ? { t0: 0, t1: 0.5, rtol: 1e-5, atol: 1e-8, particles: 257, seed: 3, record: 5 }
          : { t0: 0, t1: 0.5, steps: 100, particles: 257, seed: 3, record: 5 } },
      });
      const [one] = await runGraph(doc, 1);
      const [two] = await runGraph(doc, 2);
      expect(Buffer.from(two.samples.buffer).equals(Buffer.from(one.samples.buffer)), method.name).toBe(true);
      expect(Buffer.from(two.trajectory.buffer).equals(Buffer.from(one.trajectory.buffer)), method.name).toBe(true);
    }
  });
});
