/**
 * Training on WebGPU: a compiled batched loss (core/nn/executor.ts) run as compute dispatches over
 * one storage buffer that mirrors the CPU program's memory, with gradient clipping and Adam on the
 * GPU. `trainOnWebGpu` is `Trainer.run` on a device; `createWebGpuTrainer` is the step-level API
 * (tests, benchmarks); `stepDataSource` draws the per-step batches as the CPU trainer does.
 */
export { createWebGpuTrainer, type GpuOptimizerState, type GpuRunInfo, type GpuStepInfo, type StepData, type WebGpuTrainer, type WebGpuTrainerConfig } from './gpuTrainer.ts';
export { stepDataSource } from './stepData.ts';
export { trainOnWebGpu, type WebGpuTrainHooks } from './trainWebGpu.ts';
