/**
 * Numeric kernels for training small networks on the CPU: float32 GEMM, fused bias+activation,
 * activation backward, column sums, Adam, elementwise ops and float64-accumulated reductions, in
 * WebAssembly SIMD that this folder emits byte by byte (no toolchain, no binary blobs), with a
 * plain-JavaScript reference of every kernel.
 *
 * All tensors live in one `KernelWorkspace` memory and are addressed by float offsets from
 * `alloc`; matrices are dense row-major. `KernelWorkspace.create({ simd: false })` serves the same
 * API from `reference.ts` (engines without SIMD; tests).
 *
 * Measured on a 2-core x86 VM (Node 20, best of many runs): GEMM 38–40 GFLOP/s on the
 * 512×128×128 shapes (all three transpose forms), one SiLU-MLP training step (3→128→128→128→2,
 * batch 512, Adam) 3.4 ms. Run `node bin/run-ts.mjs core/nn/kernels/bench.ts` for the table.
 */
export { KernelWorkspace, ALLOC_ALIGN_FLOATS, type KernelWorkspaceOptions } from './workspace.ts';
export {
  ACTIVATIONS,
  type Activation,
  type ActivationBackwardParams,
  type AdamParams,
  type AxpyParams,
  type BiasActivationParams,
  type BinaryOp,
  type BinaryParams,
  type ColumnSumsParams,
  type DotParams,
  type FillParams,
  type GemmParams,
  type ReduceParams,
  type ScaleParams,
  type ScaleRowsParams,
  type UnaryParams,
} from './types.ts';
export {
  activationBackwardReference,
  adamConstants,
  adamReference,
  axpyReference,
  biasActivationReference,
  binaryReference,
  columnSumsReference,
  copyReference,
  dotReference,
  expReference,
  fillReference,
  gemmReference,
  scaleReference,
  scaleRowsReference,
  sumSquaresReference,
} from './reference.ts';
export { activationDerivative, activationForward, erfc, normalCdf, sigmoid } from './referenceMath.ts';
export { EXP_MAX, EXP_MIN } from './vectorMath.ts';
export { kernelModuleBytes, kernelSimdSupported } from './module.ts';
