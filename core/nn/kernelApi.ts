/**
 * What the training executor needs from a numeric kernel library: one float32 memory, offsets in
 * floats, and the kernels an MLP step is made of. `KernelWorkspace` (core/nn/kernels/) implements
 * it, in WebAssembly SIMD or, with `simd: false`, in plain JavaScript.
 * Parameter shapes are those of `core/nn/kernels/types.ts`.
 */
import type {
  Activation, ActivationBackwardParams, AdamParams, BiasActivationParams, ColumnSumsParams, GemmParams, ReduceParams,
} from './kernels/types.ts';

export type { Activation, ActivationBackwardParams, AdamParams, BiasActivationParams, ColumnSumsParams, GemmParams, ReduceParams };

/**
 * A float32 memory with the training kernels over it; `KernelWorkspace` (core/nn/kernels) has
 * this shape, so it is passed as is.
 */
export interface TrainingKernels {
  /** The whole memory as float32; take it again after `alloc` (memory may grow). */
  f32(): Float32Array;
  /** Reserves `floats` floats (contents unspecified) and returns their offset in floats. */
  alloc(floats: number): number;
  gemm(p: GemmParams): void;
  biasActivation(p: BiasActivationParams): void;
  activationBackward(p: ActivationBackwardParams): void;
  columnSums(p: ColumnSumsParams): void;
  adam(p: AdamParams): void;
  /** Σ x² over `count` floats from offset `x` (accumulated in float64), for gradient clipping. */
  sumSquares(p: ReduceParams): number;
}
