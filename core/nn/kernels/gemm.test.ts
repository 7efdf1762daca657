import { describe, expect, it } from 'vitest';
import { GEMM_KC, GEMM_MC, GEMM_NC } from './gemm.ts';
import { gemmReference } from './reference.ts';
import { allocFilled, seededUniform } from './testing.ts';
import type { GemmParams } from './types.ts';
import { KernelWorkspace } from './workspace.ts';

const SIZES = [1, 3, 5, 17, 129];
const TRANSPOSES = [
  { transA: false, transB: false },
  { transA: true, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: true },
];

const ws = KernelWorkspace.create({ simd: true });
const uniform = seededUniform(7);

/**
 * Runs the product in WebAssembly and in the reference on the same inputs and returns the
 * largest error, in units of the float32 accumulation bound k·2⁻²³·max|aᵢbᵢ| (+ the C term).
 */
function compare(shape: GemmParams): number {
  ws.reset();
  const { m, n, k } = shape;
  const a = allocFilled(ws, m * k, () => uniform());
  const b = allocFilled(ws, k * n, () => uniform());
  const c = allocFilled(ws, m * n, () => uniform());
  const expected = ws.alloc(m * n);
  const view = ws.f32();
  view.copyWithin(expected, c, c + m * n);
  const p = { ...shape, a, b, c };
  ws.gemm(p);
  gemmReference(ws.f32(), { ...p, c: expected });
  const bound = (k + 2) * 2 ** -23;
  let worst = 0;
  for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(view[c + i] - view[expected + i]) / bound);
  return worst;
}

describe('gemm (WebAssembly SIMD) against the float64 reference', () => {
  it.each(TRANSPOSES)('every m, n, k in {1, 3, 5, 17, 129} (transA $transA, transB $transB)', ({ transA, transB }) => {
    let worst = 0;
    let flip = false;
    for (const m of SIZES) for (const n of SIZES) for (const k of SIZES) {
      flip = !flip;
      worst = Math.max(worst, compare({ m, n, k, a: 0, b: 0, c: 0, transA, transB, accumulate: flip }));
    }
    expect(worst).toBeLessThan(1);
  });

  it.each(TRANSPOSES)('shapes crossing every cache block (transA $transA, transB $transB)', ({ transA, transB }) => {
    // Two row blocks, two column blocks and two k slices, each with a ragged edge.
    for (const [m, n, k] of [[GEMM_MC + 3, 9, GEMM_KC + 9], [5, GEMM_NC + 5, GEMM_KC + 9]]) {
      const shape = { m, n, k, a: 0, b: 0, c: 0, transA, transB };
      expect(compare(shape)).toBeLessThan(1);
      expect(compare({ ...shape, accumulate: true })).toBeLessThan(1);
    }
  });

  it.each([
    ['X·W₁', 512, 128, 3, false, false],
    ['H·W', 512, 128, 128, false, false],
    ['H·W_out', 512, 2, 128, false, false],
    ['dW = Hᵀ·G', 128, 128, 512, true, false],
    ['dH = G·Wᵀ', 512, 128, 128, false, true],
  ] as const)('the training shape %s', (_name, m, n, k, transA, transB) => {
    expect(compare({ m, n, k, a: 0, b: 0, c: 0, transA, transB })).toBeLessThan(1);
  });

  it('handles zero sizes: k = 0 clears C (or leaves it with accumulate), m or n = 0 is a no-op', () => {
    ws.reset();
    const a = ws.alloc(4);
    const b = ws.alloc(4);
    const c = allocFilled(ws, 6, () => 5);
    ws.gemm({ m: 2, n: 3, k: 0, a, b, c, accumulate: true });
    expect(Array.from(ws.f32().subarray(c, c + 6))).toEqual([5, 5, 5, 5, 5, 5]);
    ws.gemm({ m: 2, n: 3, k: 0, a, b, c });
    expect(Array.from(ws.f32().subarray(c, c + 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => ws.gemm({ m: 0, n: 3, k: 2, a, b, c })).not.toThrow();
  });

  it('rejects an output that overlaps an input, and offsets outside the allocations', () => {
    ws.reset();
    const a = ws.alloc(64);
    const b = ws.alloc(64);
    expect(() => ws.gemm({ m: 4, n: 4, k: 4, a, b, c: a + 8 })).toThrow(/overlaps a/);
    expect(() => ws.gemm({ m: 8, n: 8, k: 8, a, b, c: b + 16 })).toThrow(/c = .* outside the allocated floats/);
    expect(() => ws.gemm({ m: 2.5, n: 1, k: 1, a, b, c: b })).toThrow(/m = 2.5/);
  });
});
