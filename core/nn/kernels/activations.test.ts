import { describe, expect, it } from 'vitest';
import { activationDerivative, activationForward } from './referenceMath.ts';
import { allocFilled, read, seededUniform } from './testing.ts';
import { ACTIVATIONS, type Activation } from './types.ts';
import { KernelWorkspace } from './workspace.ts';

const ws = KernelWorkspace.create({ simd: true });

/**
 * Test inputs: a dense sweep of [−8, 8], a coarse one of [−100, 100], and points where the
 * formulas switch branches or saturate.
 */
const INPUTS = Float32Array.from([
  ...Array.from({ length: 3201 }, (_, i) => -8 + i / 200),
  ...Array.from({ length: 2001 }, (_, i) => -100 + i / 10),
  0, -0, 1e-7, -1e-7, 1e-30, -1e-30, 0.3465, -0.3465, 1.4142, 20, -20, 87, -87, 88.5, -88.5, 99.99, -99.99,
]);

/**
 * Allowed error |y − ref| ≤ rtol·|ref| + atol. rtol ~ a few float32 ulps. atol covers the
 * derivatives' zero crossings (silu′, gelu′ are differences of O(1) terms) and saturation below
 * float32's normal range; geluTanh's rtol is larger because its exponent argument −2u reaches
 * ~70 at x ≈ −9, where float32 rounding of the argument alone costs 70·2⁻²⁴ relative.
 */
const TOLERANCE: Record<Activation, { forward: number; derivative: number }> = {
  identity: { forward: 0, derivative: 0 },
  relu: { forward: 0, derivative: 0 },
  silu: { forward: 5e-7, derivative: 1e-6 },
  tanh: { forward: 5e-7, derivative: 1e-6 },
  softplus: { forward: 5e-7, derivative: 5e-7 },
  gelu: { forward: 1e-6, derivative: 1e-6 },
  geluTanh: { forward: 4e-5, derivative: 4e-5 },
};
const ATOL = { forward: 1e-35, derivative: 1e-7 };

/** Largest (|y − ref| − atol)/(rtol·|ref|) style excess; ≤ 1 passes. */
function worstExcess(actual: number[], expected: (x: number) => number, inputs: ArrayLike<number>, rtol: number, atol: number) {
  let worst = 0;
  let at = NaN;
  for (let i = 0; i < actual.length; i++) {
    const reference = expected(inputs[i]);
    const excess = Math.abs(actual[i] - reference) / (rtol * Math.abs(reference) + atol);
    if (!(excess <= worst)) {
      worst = excess;
      at = inputs[i];
    }
  }
  return { worst, at };
}

describe.each(ACTIVATIONS)('activation %s (SIMD)', (activation) => {
  const count = INPUTS.length;
  const tolerance = TOLERANCE[activation];

  it('forward matches the float64 definition, and stays finite on [−100, 100]', () => {
    ws.reset();
    const x = allocFilled(ws, count, () => 0);
    ws.f32().set(INPUTS, x);
    const out = ws.alloc(count);
    ws.biasActivation({ x, rows: 1, cols: count, out, activation });
    const y = read(ws, out, count);
    expect(y.every(Number.isFinite)).toBe(true);
    const { worst, at } = worstExcess(y, (v) => activationForward(activation, v), INPUTS, tolerance.forward, ATOL.forward);
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(1);
  });

  it('backward matches the float64 derivative', () => {
    ws.reset();
    const pre = ws.alloc(count);
    ws.f32().set(INPUTS, pre);
    const uniform = seededUniform(3);
    const gradOut = allocFilled(ws, count, () => uniform(-2, 2));
    const gradIn = ws.alloc(count);
    ws.activationBackward({ pre, gradOut, gradIn, count, activation });
    const g = read(ws, gradOut, count);
    const actual = read(ws, gradIn, count);
    expect(actual.every(Number.isFinite)).toBe(true);
    // Compare act′ itself: divide out the incoming gradient (never 0 here).
    const derivative = actual.map((value, i) => value / g[i]);
    const { worst, at } = worstExcess(derivative, (v) => activationDerivative(activation, v), INPUTS, tolerance.derivative, ATOL.derivative);
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(1 + 1e-6);
    // In place (gradIn = gradOut) gives the same floats.
    ws.activationBackward({ pre, gradOut, gradIn: gradOut, count, activation });
    expect(read(ws, gradOut, count)).toEqual(actual);
  });

  it('adds the bias row-wise, keeps the pre-activation, works in place and on ragged rows', () => {
    const uniform = seededUniform(11);
    for (const cols of [1, 3, 5, 17, 129]) {
      ws.reset();
      const rows = 3;
      const x = allocFilled(ws, rows * cols, () => uniform(-4, 4));
      const bias = allocFilled(ws, cols, () => uniform(-1, 1));
      const pre = ws.alloc(rows * cols);
      const sentinel = allocFilled(ws, 4, () => 123); // must survive the tail's partial stores
      const input = read(ws, x, rows * cols);
      ws.biasActivation({ x, bias, rows, cols, out: x, activation, preOut: pre });
      const b = read(ws, bias, cols);
      const z = input.map((v, i) => Math.fround(v + b[i % cols]));
      expect(read(ws, pre, rows * cols)).toEqual(z);
      const { worst } = worstExcess(read(ws, x, rows * cols), (v) => activationForward(activation, v), z, tolerance.forward, ATOL.forward);
      expect(worst).toBeLessThanOrEqual(1);
      expect(read(ws, sentinel, 4)).toEqual([123, 123, 123, 123]);
    }
  });

  it('propagates NaN', () => {
    ws.reset();
    const x = allocFilled(ws, 5, () => NaN);
    const out = ws.alloc(5);
    ws.biasActivation({ x, rows: 1, cols: 5, out, activation });
    expect(read(ws, out, 5).every(Number.isNaN)).toBe(true);
  });
});

describe.each(ACTIVATIONS)('reference derivative of %s', (activation) => {
  it('agrees with central finite differences of the forward (float64)', () => {
    for (let x = -12; x <= 12; x += 0.0625) {
      if (activation === 'relu' && x === 0) continue; // the kink
      const h = 1e-5 * Math.max(1, Math.abs(x));
      const fd = (activationForward(activation, x + h) - activationForward(activation, x - h)) / (2 * h);
      expect(Math.abs(fd - activationDerivative(activation, x)), `x = ${x}`).toBeLessThan(1e-8);
    }
  });
});

describe('JavaScript workspace (simd: false)', () => {
  it('serves the same activation API through the reference', () => {
    const js = KernelWorkspace.create({ simd: false, initialFloats: 64 });
    const x = allocFilled(js, 4, () => 1);
    const bias = allocFilled(js, 2, () => 0.5);
    const out = js.alloc(4);
    js.biasActivation({ x, bias, rows: 2, cols: 2, out, activation: 'tanh' });
    expect(read(js, out, 4)).toEqual(new Array(4).fill(Math.fround(Math.tanh(1.5))));
  });
});
