/// <reference types="@webgpu/types" />
import { afterAll, describe, expect, test } from 'vitest';
import { IRBuilder } from '../../ir/builder.ts';
import { testRng } from '../../ir/opCases.ts';
import { SCALAR } from '../../ir/types.ts';
import { KernelWorkspace } from '../kernels/workspace.ts';
import { ACTIVATIONS, type Activation } from '../kernels/types.ts';
import type { MoveOp } from '../moveStep.ts';
import type { BufferRef } from '../regionCode.ts';
import { cpuStep, type StepOp } from '../stepOps.ts';
import { runStepsOnGpu, testDevice } from './testing.ts';

/**
 * Every step kind of a batched program on the GPU against the CPU's JavaScript reference kernels
 * (float64 arithmetic, rounded once per store: the accuracy yardstick of core/nn/kernels), on
 * small random shapes that cover the edge tiles, transposes, strides and broadcasts.
 * Needs a WebGPU adapter (SwiftShader in CI); without one the tests are skipped with the reason.
 */
const { device, skipReason } = await testDevice();
if (!device) console.warn(`WebGPU training step tests skipped: ${skipReason}`);
afterAll(() => device?.destroy());
const gpuTest = device ? test : test.skip;

/** Float32 unit roundoff. */
const U = 2 ** -24;

/** Buffers of the given sizes in a reference-kernel workspace, filled with uniforms on [−2, 2). */
function memory(sizes: readonly number[], seed: number) {
  const ws = KernelWorkspace.create({ simd: false, initialFloats: 1 << 16 });
  const at = sizes.map((n) => ws.alloc(n));
  const origin = at[0];
  const end = ws.mark();
  const rand = testRng(seed);
  const f = ws.f32();
  for (let i = origin; i < end; i++) f[i] = 4 * rand() - 2;
  return { ws, at, origin, end };
}

/** Runs `ops` on the CPU and the GPU from the same memory; returns both memories afterwards (and the one before). */
async function both(m: ReturnType<typeof memory>, ops: StepOp[]) {
  const before = m.ws.f32().slice(m.origin, m.end);
  const gpu = await runStepsOnGpu(device as GPUDevice, [{ label: 'test', ops }], before, m.origin);
  cpuStep(m.ws, ops)(m.ws.f32());
  return { before, cpu: m.ws.f32().slice(m.origin, m.end), gpu };
}

/** Largest |gpu − cpu| / (atol + rtol |cpu|) (≤ 1 passes). */
function worst(cpu: Float32Array, gpu: Float32Array, rtol: number, atol: number): number {
  let w = 0;
  for (let i = 0; i < cpu.length; i++) w = Math.max(w, Math.abs(gpu[i] - cpu[i]) / (atol + rtol * Math.abs(cpu[i])));
  return Number.isNaN(w) ? Infinity : w;
}

describe('WebGPU training steps against the CPU kernels', () => {
  gpuTest('gemm: every transpose, accumulate, edge tiles, batched with shared operands', async () => {
    const cases = [
      { m: 70, n: 67, k: 21, transA: false, transB: false, accumulate: false },
      { m: 5, n: 33, k: 40, transA: true, transB: false, accumulate: true },
      { m: 17, n: 3, k: 16, transA: false, transB: true, accumulate: false },
      { m: 16, n: 18, k: 1, transA: true, transB: true, accumulate: true },
    ];
    for (const [index, c] of cases.entries()) {
      const count = index === 3 ? 1 : 3;
      const m = memory([count * c.m * c.k, c.k * c.n, count * c.m * c.n], 10 + index);
      const [a, b, out] = m.at;
      // Batched: A and C advance per sample, B is shared (stride 0), as the per-sample matmul runs.
      const batch = count > 1 ? { count, strideA: c.m * c.k, strideB: 0, strideC: c.m * c.n } : undefined;
      const { before, cpu, gpu } = await both(m, [{ kind: 'gemm', params: { ...c, a, b, c: out }, batch }]);
      // Forward error of a k-term float32 dot product: ≤ k·u·Σ|a||b| (plus one rounding of C).
      const local = (x: number) => x - m.origin;
      for (let s = 0; s < count; s++) {
        for (let i = 0; i < c.m; i++) {
          for (let j = 0; j < c.n; j++) {
            let scale = 0;
            for (let q = 0; q < c.k; q++) {
              const ai = local(a) + s * c.m * c.k + (c.transA ? q * c.m + i : i * c.k + q);
              const bi = local(b) + (c.transB ? j * c.k + q : q * c.n + j);
              scale += Math.abs(before[ai] * before[bi]);
            }
            const ci = local(out) + s * c.m * c.n + i * c.n + j;
            if (c.accumulate) scale += Math.abs(before[ci]);
            expect(Math.abs(gpu[ci] - cpu[ci])).toBeLessThanOrEqual((c.k + 2) * U * scale + 1e-30);
          }
        }
      }
      // Nothing else changed.
      expect(Array.from(gpu.subarray(0, local(out)))).toEqual(Array.from(cpu.subarray(0, local(out))));
    }
  });

  // SwiftShader's exp and log are within a few ulps of float32 (as the Vulkan spec asks: 3 + 2|x|
  // ulp for exp), and the activations compose 2–3 of them: 2e-6 relative + 1e-6 absolute leaves a
  // margin of ~10 ulps over [−2, 2).
  gpuTest('biasActivation and activationBackward, every activation', async () => {
    for (const activation of ACTIVATIONS) {
      const rows = 7;
      const cols = 13;
      const m = memory([rows * cols, cols, rows * cols, rows * cols, rows * cols, rows * cols], 3);
      const [x, bias, out, pre, grad, gradIn] = m.at;
      const forward = await both(m, [{ kind: 'biasActivation', params: { x, bias, rows, cols, out, preOut: pre, activation } }]);
      expect(worst(forward.cpu, forward.gpu, 2e-6, 1e-6), activation).toBeLessThanOrEqual(1);
      const noBias = await both(m, [{ kind: 'biasActivation', params: { x, rows, cols, out, activation } }]);
      expect(worst(noBias.cpu, noBias.gpu, 2e-6, 1e-6), activation).toBeLessThanOrEqual(1);
      const backward = await both(m, [{ kind: 'activationBackward', params: { pre, gradOut: grad, gradIn, count: rows * cols, activation: activation as Activation } }]);
      expect(worst(backward.cpu, backward.gpu, 2e-6, 1e-6), activation).toBeLessThanOrEqual(1);
    }
  });

  gpuTest('columnSums (over and under one workgroup of rows), scale with broadcast and accumulate', async () => {
    for (const rows of [5, 200]) {
      const cols = 11;
      const m = memory([rows * cols, cols, cols], 4);
      const [x, out, other] = m.at;
      const r = await both(m, [
        { kind: 'columnSums', params: { x, rows, cols, out } },
        { kind: 'columnSums', params: { x, rows, cols, out: other, accumulate: true } },
      ]);
      // A sum of `rows` terms of magnitude ≤ 2: error ≤ rows·u·Σ|x| ≤ rows²·2u.
      expect(worst(r.cpu, r.gpu, 0, rows * rows * 2 * U * 2)).toBeLessThanOrEqual(1);
    }
    const m = memory([9, 9, 9], 5);
    const [x, out, acc] = m.at;
    const r = await both(m, [
      { kind: 'scale', x, xStride: 0, out, count: 9, alpha: -512, accumulate: false },
      { kind: 'scale', x, xStride: 1, out: acc, count: 9, alpha: -1, accumulate: true },
      { kind: 'scale', x: acc, xStride: 1, out: acc, count: 9, alpha: -1, accumulate: false },
    ]);
    expect(worst(r.cpu, r.gpu, 2 * U, 0)).toBeLessThanOrEqual(1);
  });

  gpuTest('fused regions: full, shared-vector, per-row and scalar inputs, transcendental ops', async () => {
    const b = new IRBuilder('region', [0, 1, 2, 3].map((k) => ({ name: `in${k}`, type: SCALAR })));
    const [p, q, r, s] = [0, 1, 2, 3].map((k) => b.param(k));
    const e = b.mul(b.unary('sin', p), b.unary('exp', b.mul(b.constant(0.5), q)));
    const out0 = b.add(e, b.div(r, b.add(b.constant(3), s)));
    const out1 = b.select(b.binary('lt', p, q), b.unary('tanh', r), b.unary('sqrt', b.unary('abs', s)));
    const out2 = b.add(b.binary('pow', q, b.constant(3)), b.mul(b.unary('silu', p), b.unary('log', b.add(b.constant(2.5), r))));
    const fn = b.build([out0, out1, out2]);
    for (const [rows, size] of [[6, 5], [40, 1], [1, 7]]) {
      const m = memory([rows * size, size, rows, 1, rows * size, rows * size, rows * size], 6);
      const [full, vector, perRow, scalar, ...stores] = m.at;
      const inputs: BufferRef[] = [
        { offset: full, rows, size }, { offset: vector, rows: 1, size }, { offset: perRow, rows, size: 1 }, { offset: scalar, rows: 1, size: 1 },
      ];
      const res = await both(m, [{ kind: 'region', region: { fn, inputs, stores, rows, size } }]);
      // A dozen float32 operations (the CPU loop computes in float64): 2e-6 relative, 1e-6 absolute.
      expect(worst(res.cpu, res.gpu, 2e-6, 1e-6)).toBeLessThanOrEqual(1);
    }
  });

  gpuTest('moves: index, slice, sum, broadcast, stack and concat over shared and per-sample rows', async () => {
    const R = 6;
    const m = memory([R * 5, 3, R, R, R * 2, R * 4, R, R * 3, R * 9, 1], 7);
    const [x, shared, idx, sum, slice, bcast, perRowScalar, stack, concat] = m.at;
    const move = (op: MoveOp, index: number, out: BufferRef, args: BufferRef[]): StepOp => ({ kind: 'move', move: { op, index, out, args } });
    const X = { offset: x, rows: R, size: 5 };
    const S = { offset: shared, rows: 1, size: 3 };
    const T = { offset: perRowScalar, rows: R, size: 1 };
    const r = await both(m, [
      move('index', 3, { offset: idx, rows: R, size: 1 }, [X]),
      move('sum', 0, { offset: sum, rows: R, size: 1 }, [X]),
      move('slice', 2, { offset: slice, rows: R, size: 2 }, [X]),
      move('broadcast', 0, { offset: bcast, rows: R, size: 4 }, [T]),
      move('stack', 0, { offset: stack, rows: R, size: 3 }, [T, { offset: idx, rows: R, size: 1 }, { offset: shared, rows: 1, size: 1 }]),
      move('concat', 0, { offset: concat, rows: R, size: 9 }, [S, X, T]),
    ]);
    // Copies are exact; a sum of 5 floats in [−2, 2) differs by the order of additions: ≤ 5·u·10.
    const sums = new Set(Array.from({ length: R }, (_, k) => sum - m.origin + k));
    const exact = (a: Float32Array) => Array.from(a).filter((_, i) => !sums.has(i));
    expect(exact(r.gpu)).toEqual(exact(r.cpu));
    expect(worst(r.cpu, r.gpu, 0, 50 * U)).toBeLessThanOrEqual(1);
  });
});
