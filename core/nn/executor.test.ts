import { describe, expect, test } from 'vitest';
import { IRBuilder } from '../ir/builder.ts';
import { gradient } from '../ir/gradient.ts';
import { interpretIR } from '../ir/interpret.ts';
import { emitHutchinsonDivergence } from '../ir/jvp.ts';
import { testRng } from '../ir/opCases.ts';
import { matrixType, SCALAR, vectorType, type IRFunction } from '../ir/types.ts';
import { compileBatchedLoss, type BatchedLoss } from './executor.ts';
import { KernelWorkspace } from './kernels/workspace.ts';
import { dsmLoss, fokkerPlanckResidualLoss, interpolantLoss, slicedScoreMatchingLoss } from './losses.ts';
import { initMlp, type MlpActivation, type MlpSpec } from './mlp.ts';

const VP = { kind: 'vp', betaMin: 0.1, betaMax: 20 } as const;

/** Fills weights and inputs, runs the executor, and compares with the float64 interpreter. */
function compare(fn: IRFunction, weights: readonly number[], exec: BatchedLoss, seed: number, weightValues?: Float32Array[]) {
  const rand = testRng(seed);
  const f = exec.kernels.f32();
  const w = exec.weights.map((s, k) => weightValues?.[k] ?? Float32Array.from({ length: s.size }, () => rand() - 0.5));
  exec.weights.forEach((s, k) => f.set(w[k], s.offset));
  const perSample = exec.inputs.map((s) => Float32Array.from({ length: exec.batch * s.size }, () => (s.name === 't' ? 0.05 + 0.9 * rand() : 2 * rand() - 1)));
  exec.inputs.forEach((s, k) => f.set(perSample[k], s.offset));
  const normals = Float32Array.from({ length: exec.normals.draws * exec.batch }, () => 2 * rand() - 1);
  const uniforms = Float32Array.from({ length: exec.uniforms.draws * exec.batch }, () => rand());
  f.set(normals, exec.normals.offset);
  f.set(uniforms, exec.uniforms.offset);
  const loss = exec.run();
  const g = gradient(fn, weights);
  let expectedLoss = 0;
  const expectedGrads = exec.weights.map((s) => new Float64Array(s.size));
  for (let b = 0; b < exec.batch; b++) {
    const inputs = fn.params.map((_, p) => {
      const wk = exec.weights.findIndex((s) => s.param === p);
      if (wk >= 0) return w[wk];
      const k = exec.inputs.findIndex((s) => s.param === p);
      const s = exec.inputs[k];
      return perSample[k].subarray(b * s.size, (b + 1) * s.size);
    });
    const random = {
      normal: Array.from({ length: exec.normals.draws }, (_, d) => normals[d * exec.batch + b]),
      uniform: Array.from({ length: exec.uniforms.draws }, (_, d) => uniforms[d * exec.batch + b]),
    };
    const out = interpretIR(g, inputs, random);
    expectedLoss += out[0][0] / exec.batch;
    expectedGrads.forEach((e, k) => out[k + 1].forEach((v, j) => { e[j] += v / exec.batch; }));
  }
  expect(Math.abs(loss - expectedLoss) / Math.max(1e-3, Math.abs(expectedLoss))).toBeLessThan(2e-5);
  const F = exec.kernels.f32();
  let diff = 0;
  let norm = 0;
  exec.weights.forEach((s, k) => {
    const got = F.subarray(exec.gradientsOffset + (s.offset - exec.weightsOffset), exec.gradientsOffset + (s.offset - exec.weightsOffset) + s.size);
    expectedGrads[k].forEach((v, j) => { diff += (got[j] - v) ** 2; norm += v * v; });
  });
  // Float32 buffers against float64: the error of a few accumulated roundings.
  expect(Math.sqrt(diff / norm)).toBeLessThan(1e-4);
}

const spec = (activation: MlpActivation, time: MlpSpec['time'] = { kind: 'none' }): MlpSpec => ({ inputDim: 2, time, width: 9, depth: 2, activation, outputDim: 2 });

describe('batched executor against the float64 interpreter', () => {
  for (const activation of ['silu', 'relu', 'gelu', 'softplus', 'tanh', 'sigmoid'] as const) {
    test(`DSM (VP), MLP with ${activation}`, () => {
      const def = dsmLoss(spec(activation), VP);
      const exec = compileBatchedLoss(def.fn, { weights: def.weights, batch: 13, kernels: KernelWorkspace.create({ simd: activation === 'relu' ? false : undefined }) });
      compare(def.fn, def.weights, exec, 3, initMlp(def.spec, 5));
      // Every activation the kernels know runs fused both ways; sigmoid goes through generated loops.
      const kernel = { silu: 'silu', relu: 'relu', gelu: 'geluTanh', softplus: 'softplus', tanh: 'tanh', sigmoid: undefined }[activation];
      if (kernel) expect(exec.steps.filter((l) => l.startsWith(`activationBackward ${kernel} `))).toHaveLength(2);
      if (kernel) expect(exec.steps.filter((l) => l.startsWith(`biasActivation ${kernel} `))).toHaveLength(2);
    });
  }

  test('MLP-shaped IR takes the fast path: GEMMs and fused kernels, nothing per sample', () => {
    const def = dsmLoss(spec('silu'), VP);
    const exec = compileBatchedLoss(def.fn, { weights: def.weights, batch: 8 });
    const steps = exec.steps.join('\n');
    expect(steps).toMatch(/biasActivation silu 8×9/);
    expect(steps).toMatch(/activationBackward silu 8×9/);
    expect(steps).toMatch(/gemm Σ outer → dW1 9×3/);
    expect(steps).toMatch(/columnSums → db1 8×9/);
    expect(steps).not.toMatch(/per-sample/);
  });

  test('intermediate buffers are reused once dead: a 3 × 128 MLP needs a handful of activations', () => {
    const def = dsmLoss({ inputDim: 2, time: { kind: 'none' }, width: 128, depth: 3, activation: 'silu', outputDim: 2 }, VP);
    const exec = compileBatchedLoss(def.fn, { weights: def.weights, batch: 512 });
    const activations = exec.scratchFloats / (512 * 128);
    // Without reuse: 3 GEMM outputs, 3 pre-activations, 3 activations, 3 + 3 backward buffers.
    // Live at once at most: the kept pre-activations and activations plus two in flight.
    expect(activations).toBeLessThan(9);
  });

  test('sliced score matching (a JVP inside the loss), sinusoidal time embedding', () => {
    const def = slicedScoreMatchingLoss(spec('gelu', { kind: 'sinusoidal', size: 4 }), VP);
    const exec = compileBatchedLoss(def.fn, { weights: def.weights, batch: 6 });
    compare(def.fn, def.weights, exec, 4, initMlp(def.spec, 1));
  });

  test('interpolant loss, Fourier time embedding, VE-free', () => {
    const def = interpolantLoss(spec('softplus', { kind: 'fourier', size: 6, scale: 1 }));
    const exec = compileBatchedLoss(def.fn, { weights: def.weights, batch: 5 });
    compare(def.fn, def.weights, exec, 5, initMlp(def.spec, 2));
  });

  test('general path: per-sample matrices, shared-only values, random draws, structural ops', () => {
    const params = [
      { name: 'A', type: matrixType(3, 4) }, { name: 'c', type: SCALAR }, { name: 'D', type: matrixType(3, 4) },
      { name: 'x', type: vectorType(4) }, { name: 'M', type: matrixType(3, 4) },
    ];
    const b = new IRBuilder('general', params);
    const [A, c, D, x, M] = params.map((_, i) => b.param(i));
    const shared = b.unary('exp', b.mul(c, A)); // depends on weights only: computed once
    const y = b.matmul(b.add(shared, M), x); // per-sample matrix times vector
    const back = b.matmulT(M, b.unary('tanh', y));
    const cat = b.concat([b.slice(back, 1, 2), b.index(y, 0), b.random('normal', 1)]);
    const div = emitHutchinsonDivergence(b, { name: 'f', params: [{ name: 'x', type: vectorType(4) }], nodes: [{ op: 'param', args: [], type: vectorType(4), index: 0 }, { op: 'sin', args: [0], type: vectorType(4) }], outputs: [1] }, [x], { firstDraw: 0 });
    const loss = b.add(b.add(b.sum(b.mul(cat, cat)), b.mul(div, c)), b.sum(b.outer(y, b.mul(x, b.random('uniform', 2)))));
    // c² gives a term that is the same for every sample; −A ⊙ M and −D ⊙ M negated batch sums.
    const extra = b.add(b.mul(c, c), b.sum(b.add(b.mul(b.neg(A), M), b.mul(b.neg(D), b.mul(M, M)))));
    const fn = b.build([b.add(loss, extra)]);
    const exec = compileBatchedLoss(fn, { weights: [0, 1, 2], batch: 4 });
    const steps = exec.steps.join('\n');
    expect(steps).toMatch(/per-sample matmul/);
    expect(steps).toMatch(/shared → dc/);
    expect(steps).toMatch(/columnSums → dD .*\(negated\)/);
    compare(fn, [0, 1, 2], exec, 6);
  });

  test('a gradient term subtracted from an earlier one', () => {
    const params = [{ name: 'A', type: matrixType(2, 3) }, { name: 'M', type: matrixType(2, 3) }];
    const b = new IRBuilder('difference', params);
    const [A, M] = [b.param(0), b.param(1)];
    // −A enters first, so the reverse sweep adds its (negated) adjoint after the exp term's.
    const fn = b.build([b.add(b.sum(b.mul(b.neg(A), b.mul(M, M))), b.sum(b.mul(A, b.unary('exp', M))))]);
    const exec = compileBatchedLoss(fn, { weights: [0], batch: 3 });
    expect(exec.steps.join('\n')).toMatch(/\(subtracted\)/);
    compare(fn, [0], exec, 9);
  });

  test('forward-only evaluation returns the same loss', () => {
    const def = dsmLoss(spec('silu'), VP);
    const kernels = KernelWorkspace.create({ simd: false });
    const exec = compileBatchedLoss(def.fn, { weights: def.weights, batch: 4, kernels, gradients: false });
    expect(exec.steps.join('\n')).not.toMatch(/activationBackward/);
    const f = kernels.f32();
    initMlp(def.spec, 1).forEach((w, k) => f.set(w, exec.weights[k].offset));
    exec.inputs.forEach((s) => f.fill(0.5, s.offset, s.offset + 4 * s.size));
    expect(Number.isFinite(exec.run())).toBe(true);
  });
});

describe('batched executor on losses with derivatives inside', () => {
  test('Fokker–Planck residual (reverse mode inside the loss, then reverse mode again)', () => {
    const def = fokkerPlanckResidualLoss(spec('silu'), VP);
    const exec = compileBatchedLoss(def.fn, { weights: def.weights, batch: 5 });
    compare(def.fn, def.weights, exec, 8, initMlp(def.spec, 3));
  });
});
