import { describe, expect, test } from 'vitest';
import { AdamOptimizer, learningRate } from './adam.ts';
import { KernelWorkspace } from './kernels/workspace.ts';

describe('learning-rate schedules', () => {
  test('constant, warm-up and cosine', () => {
    expect(learningRate({ lr: 0.1 }, 50)).toBe(0.1);
    const warm = { lr: 0.1, schedule: { kind: 'warmup', warmupSteps: 10 } } as const;
    expect(learningRate(warm, 1)).toBeCloseTo(0.01, 15);
    expect(learningRate(warm, 10)).toBe(0.1);
    const cosine = { lr: 1, schedule: { kind: 'cosine', totalSteps: 110, warmupSteps: 10, minLr: 0.1 } } as const;
    expect(learningRate(cosine, 5)).toBeCloseTo(0.5, 15);
    expect(learningRate(cosine, 10)).toBeCloseTo(1, 15);
    expect(learningRate(cosine, 60)).toBeCloseTo(0.55, 12);
    expect(learningRate(cosine, 110)).toBeCloseTo(0.1, 15);
    expect(learningRate(cosine, 500)).toBeCloseTo(0.1, 15);
  });
});

describe('Adam', () => {
  for (const simd of [false, true]) {
    test(`two steps match the bias-corrected formula (${simd ? 'SIMD' : 'JS'} kernels)`, () => {
      const ws = KernelWorkspace.create({ simd });
      const w = ws.alloc(3);
      const g = ws.alloc(3);
      ws.f32().set([1, -2, 0.5], w);
      const adam = new AdamOptimizer(ws, w, 3, { lr: 0.1 });
      const grads = [[0.3, -0.1, 2], [0.1, 0.2, -1]];
      const p = [1, -2, 0.5];
      const m = [0, 0, 0];
      const v = [0, 0, 0];
      grads.forEach((gs, k) => {
        ws.f32().set(gs, g);
        adam.update(g);
        const t = k + 1;
        for (let i = 0; i < 3; i++) {
          m[i] = 0.9 * m[i] + 0.1 * gs[i];
          v[i] = 0.999 * v[i] + 0.001 * gs[i] ** 2;
          p[i] -= (0.1 * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
        }
      });
      const got = Array.from(ws.f32().subarray(w, w + 3));
      got.forEach((x, i) => expect(x).toBeCloseTo(p[i], 5));
      expect(adam.step).toBe(2);
    });
  }

  test('clipping by global norm, and the EMA of the weights', () => {
    const ws = KernelWorkspace.create();
    const w = ws.alloc(2);
    const g = ws.alloc(2);
    ws.f32().set([1, 1], w);
    const adam = new AdamOptimizer(ws, w, 2, { lr: 0.01, clipNorm: 1, emaDecay: 0.9 });
    ws.f32().set([3, 4], g);
    const info = adam.update(g);
    expect(info.gradNorm).toBeCloseTo(5, 6);
    const clipped = Array.from(ws.f32().subarray(g, g + 2));
    expect(clipped[0]).toBeCloseTo(0.6, 6);
    expect(clipped[1]).toBeCloseTo(0.8, 6);
    // First Adam step moves every weight by lr against its gradient's sign.
    const weights = Array.from(ws.f32().subarray(w, w + 2));
    weights.forEach((x) => expect(x).toBeCloseTo(0.99, 6));
    const ema = Array.from(ws.f32().subarray(adam.ema, adam.ema + 2));
    ema.forEach((x) => expect(x).toBeCloseTo(0.9 * 1 + 0.1 * 0.99, 6));
  });
});
