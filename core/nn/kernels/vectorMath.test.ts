import { describe, expect, it } from 'vitest';
import { EXP_MAX, EXP_MIN } from './vectorMath.ts';
import { read, seededUniform } from './testing.ts';
import { KernelWorkspace } from './workspace.ts';

const ws = KernelWorkspace.create({ simd: true, initialFloats: 1 << 21 });

/** exp over `inputs` through the SIMD kernel. */
function simdExp(inputs: ArrayLike<number>): number[] {
  ws.reset();
  const x = ws.alloc(inputs.length);
  const out = ws.alloc(inputs.length);
  ws.f32().set(inputs, x);
  ws.exp({ x, out, count: inputs.length });
  return read(ws, out, inputs.length);
}

describe('SIMD exp (polynomial, range reduction by ln 2)', () => {
  it('has relative error ≤ 2e-7 against Math.exp on [−87, 88]', () => {
    const uniform = seededUniform(1);
    const inputs = Float32Array.from({ length: 1 << 20 }, (_, i) => (i % 4 === 0 ? uniform(-1, 1) : uniform(-87, 88)));
    const y = simdExp(inputs);
    let worst = 0;
    for (let i = 0; i < inputs.length; i++) {
      const expected = Math.exp(inputs[i]);
      worst = Math.max(worst, Math.abs(y[i] - expected) / expected);
    }
    expect(worst).toBeLessThanOrEqual(2e-7);
  });

  it('is exact at 0 and accurate at the reduction boundaries ±ln2/2', () => {
    const halfLn2 = Math.LN2 / 2;
    const inputs = [0, -0, halfLn2, -halfLn2, Math.fround(halfLn2 * (1 + 2 ** -23)), 1, -1];
    const y = simdExp(inputs);
    expect(y[0]).toBe(1);
    expect(y[1]).toBe(1);
    for (let i = 2; i < inputs.length; i++) expect(Math.abs(y[i] / Math.exp(Math.fround(inputs[i])) - 1)).toBeLessThan(2e-7);
  });

  it('saturates instead of overflowing, flushes to 0 below float32 range, keeps NaN', () => {
    const big = Math.exp(Math.fround(EXP_MAX));
    const y = simdExp([88.5, 100, 1e30, Infinity, EXP_MIN - 0.01, -100, -Infinity, NaN]);
    for (const value of y.slice(0, 4)) expect(Math.abs(value / big - 1)).toBeLessThan(2e-7);
    expect(y.slice(4, 7)).toEqual([0, 0, 0]);
    expect(y[7]).toBeNaN();
  });

  it('is finite and positive everywhere on [−87, 100]', () => {
    const inputs = Float32Array.from({ length: 18701 }, (_, i) => -87 + i / 100);
    expect(simdExp(inputs).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
  });
});
