/// <reference types="@webgpu/types" />
import type { IntegrateStage, Plan } from '../../compile/plan.ts';
import { failure, type Progress, type StageResult } from '../cpu/runtime.ts';
import { planChunks } from './chunkPlan.ts';
import { DeviceWatch } from './deviceWatch.ts';
import { packWeights } from '../networkFields.ts';
import { packTables } from '../tables.ts';
import { generateKernelWgsl, kernelReadsTables, kernelReadsWeights } from './kernelWgsl.ts';
import { kernelPipeline } from './pipelines.ts';
import { NO_FAILURE, StageBuffers } from './stageBuffers.ts';

export { DeviceLostError } from './deviceWatch.ts';

/** Options of a WebGPU run. */
export interface WebGpuRunOptions {
  /** The device to run on, e.g. from `requestNodeDevice()` or `navigator.gpu` in the renderer. */
  device: GPUDevice;
  /** Most particles per dispatch (default DEFAULT_MAX_CHUNK_PARTICLES); the device's buffer limits may lower it. */
  maxChunkParticles?: number;
  /** Called after each chunk of particles is read back. */
  onProgress?: (p: Progress) => void;
  /** Aborting stops the run after the chunk in flight. */
  signal?: AbortSignal;
}

/**
 * Runs every stage of a plan on a WebGPU device: one dispatch per chunk of particles, each
 * invocation integrating one particle's whole trajectory (kernelWgsl.ts). Results have the CPU
 * backend's shape and the same random streams; states are float32 throughout, so they agree with
 * the CPU (float64 arithmetic) to float32 rounding, not bit for bit. Results do not depend on the
 * chunk size, bit for bit.
 *
 * @throws RunFailure for the lowest failing particle (NaN / infinite state, or max_steps), as the
 *   CPU reports it; a state growing to infinity fails when it passes float32's 3.4e38, which can
 *   be a few steps before the CPU's float64 overflows
 * @throws DeviceLostError when the device is lost mid-run
 * @throws Error before running when one particle's trajectory, or the tables its initial sampler
 *   reads (source.file), exceed the device's buffer limits
 */
export async function runPlanWebGpu(plan: Plan, options: WebGpuRunOptions): Promise<StageResult[]> {
  const watch = DeviceWatch.of(options.device);
  const results: StageResult[] = [];
  for (const stage of plan.stages) results.push(await runStage(stage, options, watch));
  return results;
}

async function runStage(stage: IntegrateStage, options: WebGpuRunOptions, watch: DeviceWatch): Promise<StageResult> {
  const { device } = options;
  const { particles: n, record: K, steps } = stage.grid;
  const D = stage.dims;
  const setupStarted = performance.now();
  const chunks = planChunks(stage, device.limits, options.maxChunkParticles);
  const readsTables = kernelReadsTables(stage);
  const readsWeights = kernelReadsWeights(stage);
  // The sampler's tables and the network weights in float32, like every other number on the device.
  const tables = readsTables ? packTables(stage.init.tables, (count) => new Float32Array(count)) : undefined;
  const weights = readsWeights ? packWeights(stage, (count) => new Float32Array(count)) : undefined;
  const bufferLimit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (weights && weights.byteLength > bufferLimit) {
    throw new Error(`WebGPU backend: the network weights of solver '${stage.nodeId}' (${weights.length} values × 4 bytes) are larger than this device's largest storage buffer (${bufferLimit} bytes); run with --backend cpu`);
  }
  const kernel = await kernelPipeline(device, generateKernelWgsl(stage), watch, readsTables, readsWeights);
  const buffers = await StageBuffers.create(device, kernel, chunks, D, K, watch, tables, weights);
  const started = performance.now();
  const samples = new Float32Array(n * D);
  const trajectory = K > 0 ? new Float32Array((K + 1) * n * D) : null;
  const adaptiveMethod = stage.method.kind === 'ode' && stage.method.adaptive;
  const adaptive = { accepted: 0, rejected: 0, maxStepsPerParticle: 0 };
  try {
    for (let pStart = 0; pStart < n; pStart += chunks.chunkParticles) {
      if (options.signal?.aborted) throw new Error('run cancelled');
      watch.check();
      const count = Math.min(chunks.chunkParticles, n - pStart);
      await buffers.dispatch(pStart, count, watch);
      await buffers.read(count, watch, (out) => {
        // Chunks run in order, so the first chunk with a failure holds the lowest failing particle.
        if (out.firstFailure !== NO_FAILURE) {
          const row = (out.firstFailure - pStart) * 4;
          throw failure(stage, { failedParticle: out.firstFailure, failedStep: out.info[row], reason: out.info[row + 1] });
        }
        samples.set(out.samples, pStart * D);
        if (trajectory && out.trajectory) {
          for (let k = 0; k <= K; k++) trajectory.set(out.trajectory.subarray(k * count * D, (k + 1) * count * D), (k * n + pStart) * D);
        }
        if (adaptiveMethod) {
          for (let i = 0; i < count; i++) {
            const a = out.info[i * 4 + 2], r = out.info[i * 4 + 3];
            adaptive.accepted += a;
            adaptive.rejected += r;
            adaptive.maxStepsPerParticle = Math.max(adaptive.maxStepsPerParticle, a + r);
          }
        }
      });
      const particlesDone = pStart + count;
      options.onProgress?.({ nodeId: stage.nodeId, particlesDone, particles: n, particleSteps: particlesDone * steps });
    }
  } finally {
    buffers.destroy();
  }
  const times = new Float32Array(K + 1);
  for (let k = 0; k <= K; k++) times[k] = K === 0 || k === K ? stage.grid.t1 : stage.grid.t0 + ((stage.grid.t1 - stage.grid.t0) * k) / K;
  return {
    nodeId: stage.nodeId, dims: D, samples,
    trajectory: trajectory ?? samples.slice(),
    times,
    wallSeconds: (performance.now() - started) / 1000,
    setupSeconds: (started - setupStarted) / 1000,
    particleSteps: adaptiveMethod ? adaptive.accepted : n * steps,
    // One device; the CPU's thread count has no GPU counterpart.
    threads: 1,
    adaptive: adaptiveMethod ? adaptive : undefined,
    ...(stage.weights?.length ? { reason: 'its fields contain a trained network, evaluated in the fused WGSL kernel (float32, one invocation per particle)' } : {}),
  };
}
