import type { TrainingKernels } from './kernelApi.ts';
import type { ActivationBackwardParams, BiasActivationParams, ColumnSumsParams, GemmParams } from './kernels/types.ts';
import { moveStep, type MoveDescription } from './moveStep.ts';
import { regionStep, type BufferRef, type MemoryStep, type RegionDescription } from './regionCode.ts';

/**
 * What one operation of a batched program computes, as data with its final offsets (floats in the
 * kernels' memory). The CPU runs it through {@link cpuStep}; other backends (core/nn/webgpu)
 * translate the same list, so both execute one plan.
 *
 * - `gemm`: {@link GemmParams}; with `batch`, `count` GEMMs, the i-th with its operands moved by
 *   i · stride (a stride of 0: an operand shared by every sample).
 * - `biasActivation`, `activationBackward`, `columnSums`: the kernels of the same names.
 * - `scale`: out[j] = alpha · x[j · xStride] (+ out[j] with `accumulate`), j < count; xStride 0
 *   broadcasts one float (the gradient of a shared term, a negation, a subtraction).
 * - `region`: a fused elementwise loop (see regionCode.ts); `move`: data movement (moveStep.ts).
 */
export type StepOp =
  | { kind: 'gemm'; params: GemmParams; batch?: GemmBatch }
  | { kind: 'biasActivation'; params: BiasActivationParams }
  | { kind: 'activationBackward'; params: ActivationBackwardParams }
  | { kind: 'columnSums'; params: ColumnSumsParams }
  | { kind: 'scale'; x: number; xStride: 0 | 1; out: number; count: number; alpha: number; accumulate: boolean }
  | { kind: 'region'; region: RegionDescription }
  | { kind: 'move'; move: MoveDescription };

/** `count` GEMMs over samples: operand offsets advance by these strides (floats) per sample. */
export interface GemmBatch {
  count: number;
  strideA: number;
  strideB: number;
  strideC: number;
}

/** One step of a compiled batched program: its label and the operations it runs, in order. */
export interface ProgramStep {
  label: string;
  ops: readonly StepOp[];
}

/** The float stride between rows of a buffer as read per sample (0 when shared). */
export function rowStride(r: BufferRef): number {
  return r.rows === 1 ? 0 : r.size;
}

/** A CPU closure running `ops` over the kernels' memory (the memory view passed in is current). */
export function cpuStep(kernels: TrainingKernels, ops: readonly StepOp[]): MemoryStep {
  const runs = ops.map((op) => cpuOp(kernels, op));
  if (runs.length === 1) return runs[0];
  return (f) => {
    for (const run of runs) run(kernels.f32());
  };
}

function cpuOp(kernels: TrainingKernels, op: StepOp): MemoryStep {
  switch (op.kind) {
    case 'gemm': {
      const { params, batch } = op;
      if (!batch) return () => kernels.gemm(params);
      return () => {
        for (let b = 0; b < batch.count; b++) {
          kernels.gemm({ ...params, a: params.a + b * batch.strideA, b: params.b + b * batch.strideB, c: params.c + b * batch.strideC });
        }
      };
    }
    case 'biasActivation': { const p = op.params; return () => kernels.biasActivation(p); }
    case 'activationBackward': { const p = op.params; return () => kernels.activationBackward(p); }
    case 'columnSums': { const p = op.params; return () => kernels.columnSums(p); }
    case 'scale': {
      const { x, xStride, out, count, alpha } = op;
      return op.accumulate
        ? (f) => { for (let j = 0; j < count; j++) f[out + j] += alpha * f[x + j * xStride]; }
        : (f) => { for (let j = 0; j < count; j++) f[out + j] = alpha * f[x + j * xStride]; };
    }
    case 'region': return regionStep(op.region);
    case 'move': return moveStep(op.move);
  }
}
