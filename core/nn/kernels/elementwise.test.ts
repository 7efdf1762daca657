import { describe, expect, it } from 'vitest';
import * as ref from './reference.ts';
import { allocFilled, read, seededUniform } from './testing.ts';
import { KernelWorkspace } from './workspace.ts';

const simd = KernelWorkspace.create({ simd: true });
const js = KernelWorkspace.create({ simd: false });
/** Counts covering whole vectors, 1–3 float tails and multi-row loops. */
const COUNTS = [1, 3, 5, 17, 129, 1000];

/** Fresh inputs x, y (seeded) and an output, at the same offsets in both workspaces. */
function setUp(count: number, seed: number) {
  const offsets = [simd, js].map((ws) => {
    ws.reset();
    const uniform = seededUniform(seed);
    return { x: allocFilled(ws, count, () => uniform()), y: allocFilled(ws, count, () => uniform()), out: ws.alloc(count) };
  });
  expect(offsets[0]).toEqual(offsets[1]);
  return offsets[0];
}

describe.each(COUNTS)('elementwise kernels on %d floats: SIMD equals the reference', (count) => {
  it('add, sub, mul are exact float32 operations', () => {
    for (const op of ['add', 'sub', 'mul'] as const) {
      const { x, y, out } = setUp(count, 1);
      simd[op]({ x, y, out, count });
      js[op]({ x, y, out, count });
      expect(read(simd, out, count)).toEqual(read(js, out, count));
    }
  });

  it('scale and axpy (in place too)', () => {
    const { x, y, out } = setUp(count, 2);
    for (const ws of [simd, js]) {
      ws.scale({ x, out, count, alpha: 0.375 });
      ws.axpy({ x, y, count, alpha: -1.1 });
      ws.scale({ x: y, out: y, count, alpha: 2 });
    }
    expect(read(simd, out, count)).toEqual(read(js, out, count));
    // SIMD rounds alpha·x before adding; the reference rounds once: within an ulp or two.
    const expected = read(js, y, count);
    read(simd, y, count).forEach((value, i) => expect(Math.abs(value - expected[i])).toBeLessThan(1e-6));
  });

  it('scaleRows (a factor per row, ragged rows, in place)', () => {
    const rows = 3;
    const results = [simd, js].map((ws) => {
      ws.reset();
      const uniform = seededUniform(6);
      const x = allocFilled(ws, rows * count, () => uniform());
      const scales = allocFilled(ws, rows, () => uniform(0.5, 2));
      const guard = allocFilled(ws, 4, () => 7);
      ws.scaleRows({ x, scales, rows, cols: count, out: x });
      expect(read(ws, guard, 4)).toEqual([7, 7, 7, 7]);
      return read(ws, x, rows * count);
    });
    expect(results[0]).toEqual(results[1]);
  });

  it('copy, fill, and never write past the output', () => {
    const { x, y, out } = setUp(count, 3);
    const guard = allocFilled(simd, 4, () => 7);
    simd.copy({ x, out, count });
    expect(read(simd, out, count)).toEqual(read(simd, x, count));
    simd.fill({ out: y, count, value: -2 });
    expect(read(simd, y, count)).toEqual(new Array(count).fill(-2));
    simd.axpy({ x, y: out, count, alpha: 1 });
    expect(read(simd, guard, 4)).toEqual([7, 7, 7, 7]);
  });

  it('sumSquares and dot accumulate in float64', () => {
    const { x, y } = setUp(count, 4);
    const expectedSquares = ref.sumSquaresReference(simd.f32(), { x, count });
    const expectedDot = ref.dotReference(simd.f32(), { x, y, count });
    // Products of float32 are exact in float64; only the summation order differs.
    expect(simd.sumSquares({ x, count })).toBeCloseTo(expectedSquares, 12);
    expect(simd.dot({ x, y, count })).toBeCloseTo(expectedDot, 12);
    expect(js.sumSquares({ x, count })).toBe(expectedSquares);
  });

  it('columnSums, overwriting and accumulating', () => {
    const cols = count;
    const rows = 7;
    const results = [simd, js].map((ws) => {
      ws.reset();
      const uniform = seededUniform(5);
      const x = allocFilled(ws, rows * cols, () => uniform());
      const out = allocFilled(ws, cols, () => 100);
      ws.columnSums({ x, rows, cols, out });
      ws.columnSums({ x, rows, cols, out, accumulate: true });
      const input = read(ws, x, rows * cols);
      const expected = Array.from({ length: cols }, (_, j) => {
        let sum = 0;
        for (let i = 0; i < rows; i++) sum += input[i * cols + j];
        return 2 * sum;
      });
      return { actual: read(ws, out, cols), expected };
    });
    for (const { actual, expected } of results) actual.forEach((value, j) => expect(value).toBeCloseTo(expected[j], 5));
  });
});

describe('Adam', () => {
  const hyper = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

  /** Two steps on params [1, −2] with gradients [0.5, −1] then [0.1, 0.2]. */
  function twoSteps(ws: KernelWorkspace, extra: { weightDecay?: number; decoupled?: boolean } = {}) {
    ws.reset();
    const params = allocFilled(ws, 2, () => 0);
    const grads = ws.alloc(2);
    const m = allocFilled(ws, 2, () => 0);
    const v = allocFilled(ws, 2, () => 0);
    ws.f32().set([1, -2], params);
    const history: number[][] = [];
    for (const [step, g] of [[1, [0.5, -1]], [2, [0.1, 0.2]]] as const) {
      ws.f32().set(g, grads);
      ws.adam({ params, grads, m, v, count: 2, step, ...hyper, ...extra });
      history.push(read(ws, params, 2), read(ws, m, 2), read(ws, v, 2));
    }
    return history;
  }

  it.each([['SIMD', simd], ['reference', js]] as const)('matches a hand-computed two-step example (%s)', (_name, ws) => {
    const [p1, m1, v1, p2, m2, v2] = twoSteps(ws);
    // Step 1: m = 0.1g, v = 0.001g²; bias-corrected m̂ = g, v̂ = g², so p moves by lr·sign(g).
    expect(m1[0]).toBeCloseTo(0.05, 7);
    expect(v1[1]).toBeCloseTo(0.001, 9);
    expect(p1[0]).toBeCloseTo(0.9, 6);
    expect(p1[1]).toBeCloseTo(-1.9, 6);
    // Step 2: m = 0.9·m₁ + 0.1·g = [0.055, −0.07]; v = 0.999·v₁ + 0.001·g² = [0.00025975, 0.001039];
    // p₂ = p₁ − 0.1·(m/0.19)/(√(v/0.001999) + 1e-8).
    expect(m2[0]).toBeCloseTo(0.055, 7);
    expect(m2[1]).toBeCloseTo(-0.07, 7);
    expect(v2[0]).toBeCloseTo(0.00025975, 10);
    expect(v2[1]).toBeCloseTo(0.001039, 9);
    const expected = [0.9 - (0.1 * (0.055 / 0.19)) / Math.sqrt(0.00025975 / 0.001999), -1.9 + (0.1 * (0.07 / 0.19)) / Math.sqrt(0.001039 / 0.001999)];
    expect(expected[0]).toBeCloseTo(0.8196959, 6);
    expect(p2[0]).toBeCloseTo(expected[0], 6);
    expect(p2[1]).toBeCloseTo(expected[1], 6);
  });

  it('AdamW shrinks the parameters by 1 − lr·λ before the step; Adam’s L2 form adds λp to g', () => {
    const [, , , decoupled] = twoSteps(simd, { weightDecay: 0.1, decoupled: true });
    expect(decoupled[0]).toBeCloseTo(0.8007959, 6);
    expect(decoupled[1]).toBeCloseTo(-1.8100974, 6);
    const l2Simd = twoSteps(simd, { weightDecay: 0.1 });
    const l2Js = twoSteps(js, { weightDecay: 0.1 });
    l2Simd.forEach((values, i) => values.forEach((value, j) => expect(value).toBeCloseTo(l2Js[i][j], 6)));
  });

  it.each(COUNTS)('SIMD equals the reference on %d random parameters over 5 steps', (count) => {
    const states = [simd, js].map((ws) => {
      ws.reset();
      const uniform = seededUniform(9);
      const params = allocFilled(ws, count, () => uniform());
      const grads = ws.alloc(count);
      const m = allocFilled(ws, count, () => 0);
      const v = allocFilled(ws, count, () => 0);
      for (let step = 1; step <= 5; step++) {
        ws.f32().set(Array.from({ length: count }, () => uniform(-0.1, 0.1)), grads);
        ws.adam({ params, grads, m, v, count, step, ...hyper, weightDecay: 0.01, decoupled: true });
      }
      return read(ws, params, count);
    });
    states[0].forEach((value, i) => expect(Math.abs(value - states[1][i])).toBeLessThan(1e-6));
  });

  it('rejects a step below 1', () => {
    simd.reset();
    const a = simd.alloc(4);
    expect(() => simd.adam({ params: a, grads: a, m: a, v: a, count: 4, step: 0, ...hyper })).toThrow(/step = 0/);
  });
});
