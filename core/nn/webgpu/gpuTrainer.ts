/// <reference types="@webgpu/types" />
import { learningRate, type AdamConfig } from '../adam.ts';
import type { BatchedLoss } from '../executor.ts';
import { adamConstants } from '../kernels/reference.ts';
import {
  ADAM_EXTRA_LAYOUT, ADAM_LAYOUT, adamKernel, grid1d, packParams, REDUCE_LAYOUT, reduceKernel, UNIFORM_SLOT_BYTES,
} from './kernelsWgsl.ts';
import { compileProgram, encodeDispatches, PipelineCache, trainingBindGroupLayout, UniformSlots, type Dispatch } from './program.ts';

/** Options of {@link createWebGpuTrainer}. */
export interface WebGpuTrainerConfig {
  optimizer: AdamConfig;
  /** Steps whose loss and gradient norm stay on the GPU between readbacks in `runSteps` (default 256). */
  statsCapacity?: number;
}

/**
 * The per-step data of a program, generated on the CPU and uploaded before each step (a few KB
 * for batch 512: x₀, t and z of DSM): one [batch, size] array per `program.inputs` entry, and
 * the draws of the loss's own random ops (draw-major [draws, batch]) when it has any.
 * See stepData.ts for the filler that reproduces core/nn/trainer.ts's batches.
 */
export interface StepData {
  inputs: readonly Float32Array[];
  normals?: Float32Array;
  uniforms?: Float32Array;
}

/** What one optimizer step did (as core/nn/trainer.ts reports it). */
export interface GpuStepInfo {
  /** Batch-mean loss before the update. */
  loss: number;
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: number;
  lr: number;
}

/** Losses, gradient norms and learning rates of the steps of one `runSteps` call. */
export interface GpuRunInfo {
  losses: Float64Array;
  gradNorms: Float64Array;
  lrs: Float64Array;
}

/** Adam moments (and EMA weights) as plain floats, laid out like the weight block. */
export interface GpuOptimizerState {
  step: number;
  m: Float32Array;
  v: Float32Array;
  ema?: Float32Array;
}

/**
 * Trains a compiled batched loss on the GPU: forward, backward, gradient clipping and Adam of one
 * step are one command buffer over one storage buffer that mirrors the CPU program's memory.
 * The loss and gradient norm of each step land in a stats area on the GPU and are read back
 * asynchronously: per step in `step`/`evaluate` (exact, for tests), once per `statsCapacity`
 * steps in `runSteps`.
 */
export interface WebGpuTrainer {
  readonly program: BatchedLoss;
  /** Optimizer steps taken. */
  readonly iteration: number;
  /** Distinct compute pipelines compiled. */
  readonly pipelineCount: number;
  /** Copies weights (param order of `program.weights`) into the GPU memory (and the EMA). */
  setWeights(weights: readonly Float32Array[]): void;
  /** Restores Adam's moments, step count and EMA (to resume a run). */
  setOptimizerState(state: GpuOptimizerState): void;
  /** Runs loss and gradient only (no update) and reads the loss back. */
  evaluate(data: StepData): Promise<number>;
  /** One optimizer step; resolves when its loss is back. */
  step(data: StepData): Promise<GpuStepInfo>;
  /** `n` optimizer steps, data for iteration i (0-based, counting all steps) from `dataFor`. */
  runSteps(n: number, dataFor: (iteration: number) => StepData): Promise<GpuRunInfo>;
  readWeights(): Promise<Float32Array[]>;
  /** The EMA weights (only with `optimizer.emaDecay`). */
  readEma(): Promise<Float32Array[]>;
  /** The batch-mean gradient of the last step (clipped when clipping applied). */
  readGradients(): Promise<Float32Array[]>;
  readOptimizerState(): Promise<GpuOptimizerState>;
  /** Frees the GPU buffers (the device stays). */
  destroy(): void;
}

const align = (n: number, to: number) => Math.ceil(n / to) * to;

/**
 * Compiles `program` (from core/nn/executor.ts compileBatchedLoss, any kernels) for `device`. The
 * GPU memory starts as a copy of the CPU memory (weights, constants, zeroed padding), so write the
 * weights into the CPU program first or call `setWeights`.
 */
export async function createWebGpuTrainer(device: GPUDevice, program: BatchedLoss, config: WebGpuTrainerConfig): Promise<WebGpuTrainer> {
  const origin = program.memory.start;
  const mirrorFloats = program.memory.end - origin;
  const wf = program.weightFloats;
  const hasEma = config.optimizer.emaDecay !== undefined;
  const capacity = Math.max(1, config.statsCapacity ?? 256);
  // Layout after the mirror: Adam's m and v, the EMA, then [loss, Σg²] per step of a chunk.
  const mAt = align(mirrorFloats, 64);
  const vAt = mAt + align(wf, 64);
  const emaAt = vAt + align(wf, 64);
  const statsAt = emaAt + (hasEma ? align(wf, 64) : 0);
  const totalFloats = statsAt + 2 * capacity;
  const weightsAt = program.weightsOffset - origin;
  const gradsAt = program.gradientsOffset - origin;

  const memory = device.createBuffer({ label: 'train-memory', size: 4 * totalFloats, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
  const init = new Float32Array(memory.getMappedRange());
  init.set(program.kernels.f32().subarray(origin, program.memory.end));
  if (hasEma) init.copyWithin(emaAt, weightsAt, weightsAt + wf);
  memory.unmap();

  const bindGroupLayout = trainingBindGroupLayout(device);
  const cache = new PipelineCache(device, bindGroupLayout);
  const slots = new UniformSlots();
  const reduce = reduceKernel();
  const adam = adamKernel();
  const [dispatches, reducePipeline, adamPipeline] = await Promise.all([
    compileProgram(program.program, origin, cache, slots),
    cache.get(reduce.label, reduce.code),
    cache.get(adam.label, adam.code),
  ]);
  // Per-step slots, rewritten before each step: loss mean, Σ g², Adam, Adam's clipping and EMA.
  const perStep = slots.add();
  [1, 2, 3].forEach(() => slots.add());
  const uniformBytes = slots.bytes();
  const uniforms = device.createBuffer({ label: 'train-params', size: uniformBytes.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniforms, 0, uniformBytes);
  const bindGroup = device.createBindGroup({
    layout: bindGroupLayout,
    entries: [
      { binding: 0, resource: { buffer: memory } },
      { binding: 1, resource: { buffer: uniforms, size: 64 } },
      { binding: 2, resource: { buffer: uniforms, size: 16 } },
    ],
  });
  const lossRef = program.loss;
  const lossDispatch: Dispatch = { label: 'loss mean', pipeline: reducePipeline, slot: perStep, groups: [1, 1, 1] };
  const normDispatch: Dispatch = { label: 'Σ g²', pipeline: reducePipeline, slot: perStep + 1, groups: [1, 1, 1] };
  const adamDispatch: Dispatch = { label: 'adam', pipeline: adamPipeline, slot: perStep + 2, extraSlot: perStep + 3, groups: [...grid1d(wf), 1] };
  const opt = config.optimizer;
  let iteration = 0;

  /** Writes the per-step parameters: stats slot `k`, optimizer step `t` (1-based; 0: no update). */
  const writeStepParams = (k: number, t: number): number => {
    const block = new Uint8Array(4 * UNIFORM_SLOT_BYTES);
    const put = (slot: number, bytes: ArrayBuffer) => block.set(new Uint8Array(bytes), slot * UNIFORM_SLOT_BYTES);
    put(0, packParams(REDUCE_LAYOUT, { x: lossRef.offset - origin, count: lossRef.rows, out: statsAt + 2 * k, square: 0, scale: 1 / lossRef.rows }));
    put(1, packParams(REDUCE_LAYOUT, { x: gradsAt, count: wf, out: statsAt + 2 * k + 1, square: 1, scale: 1 }));
    const lr = t > 0 ? learningRate(opt, t) : 0;
    if (t > 0) {
      const beta1 = opt.beta1 ?? 0.9;
      const beta2 = opt.beta2 ?? 0.999;
      const c = adamConstants({ params: 0, grads: 0, m: 0, v: 0, count: wf, lr, step: t, beta1, beta2, eps: opt.eps ?? 1e-8, weightDecay: opt.weightDecay, decoupled: opt.decoupled });
      put(2, packParams(ADAM_LAYOUT, {
        params: weightsAt, grads: gradsAt, m: mAt, v: vAt, count: wf, normSq: statsAt + 2 * k + 1, ema: emaAt, hasEma: hasEma ? 1 : 0,
        oneMinusBeta1: 1 - beta1, beta2, oneMinusBeta2: 1 - beta2, stepSize: c.stepSize, bc2Sqrt: c.biasCorrection2Sqrt, eps: opt.eps ?? 1e-8, l2: c.l2, shrink: c.shrink,
      }));
      put(3, packParams(ADAM_EXTRA_LAYOUT, { clipNorm: opt.clipNorm ?? 0, emaDecay: opt.emaDecay ?? 0, oneMinusEmaDecay: 1 - (opt.emaDecay ?? 0) }));
    }
    device.queue.writeBuffer(uniforms, perStep * UNIFORM_SLOT_BYTES, block);
    return lr;
  };

  const upload = (data: StepData) => {
    const put = (offset: number, floats: number, values: Float32Array | undefined, what: string) => {
      if (floats === 0) return;
      if (!values || values.length !== floats) throw new Error(`WebGPU trainer: ${what} needs ${floats} floats, got ${values?.length ?? 0}`);
      device.queue.writeBuffer(memory, 4 * (offset - origin), values.buffer, values.byteOffset, values.byteLength);
    };
    if (data.inputs.length !== program.inputs.length) throw new Error(`WebGPU trainer: expected ${program.inputs.length} inputs, got ${data.inputs.length}`);
    program.inputs.forEach((s, k) => put(s.offset, program.batch * s.size, data.inputs[k], `input ${s.name}`));
    put(program.normals.offset, program.normals.draws * program.batch, data.normals, 'normals');
    put(program.uniforms.offset, program.uniforms.draws * program.batch, data.uniforms, 'uniforms');
  };

  /** Encodes and submits one step (program, loss mean, and with `update` Σ g² and Adam). */
  const submitStep = (k: number, update: boolean) => {
    const encoder = device.createCommandEncoder({ label: 'train-step' });
    const pass = encoder.beginComputePass({ label: 'train-step' });
    encodeDispatches(pass, bindGroup, update ? [...dispatches, lossDispatch, normDispatch, adamDispatch] : [...dispatches, lossDispatch]);
    pass.end();
    device.queue.submit([encoder.finish()]);
  };

  /** Copies `floats` floats from `at` (mirror floats) back to the CPU. */
  const read = async (at: number, floats: number): Promise<Float32Array> => {
    const staging = device.createBuffer({ label: 'train-readback', size: 4 * Math.max(1, floats), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder({ label: 'train-readback' });
    if (floats > 0) encoder.copyBufferToBuffer(memory, 4 * at, staging, 0, 4 * floats);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0, 4 * floats));
    staging.unmap();
    staging.destroy();
    return out;
  };
  const split = (block: Float32Array) => program.weights.map((s) => block.slice(s.offset - program.weightsOffset, s.offset - program.weightsOffset + s.size));

  return {
    program,
    get iteration() { return iteration; },
    get pipelineCount() { return cache.size; },
    setWeights(weights) {
      if (weights.length !== program.weights.length) throw new Error(`WebGPU trainer: expected ${program.weights.length} weight tensors, got ${weights.length}`);
      program.weights.forEach((s, k) => {
        const w = weights[k];
        if (w.length !== s.size) throw new Error(`WebGPU trainer: ${s.name} needs ${s.size} floats, got ${w.length}`);
        device.queue.writeBuffer(memory, 4 * (s.offset - origin), w.buffer, w.byteOffset, w.byteLength);
        if (hasEma) device.queue.writeBuffer(memory, 4 * (emaAt + s.offset - program.weightsOffset), w.buffer, w.byteOffset, w.byteLength);
      });
    },
    setOptimizerState(state) {
      for (const [at, values] of [[mAt, state.m], [vAt, state.v], ...(hasEma && state.ema ? [[emaAt, state.ema] as const] : [])] as const) {
        if (values.length !== wf) throw new Error(`WebGPU trainer: optimizer state needs ${wf} floats per block, got ${values.length}`);
        device.queue.writeBuffer(memory, 4 * at, values.buffer, values.byteOffset, values.byteLength);
      }
      iteration = state.step;
    },
    async evaluate(data) {
      upload(data);
      writeStepParams(0, 0);
      submitStep(0, false);
      return (await read(statsAt, 1))[0];
    },
    async step(data) {
      upload(data);
      const lr = writeStepParams(0, iteration + 1);
      submitStep(0, true);
      iteration += 1;
      const [loss, sq] = await read(statsAt, 2);
      return { loss, gradNorm: Math.sqrt(sq), lr };
    },
    async runSteps(n, dataFor) {
      const info: GpuRunInfo = { losses: new Float64Array(n), gradNorms: new Float64Array(n), lrs: new Float64Array(n) };
      for (let done = 0; done < n;) {
        const chunk = Math.min(capacity, n - done);
        for (let k = 0; k < chunk; k++) {
          upload(dataFor(iteration));
          info.lrs[done + k] = writeStepParams(k, iteration + 1);
          submitStep(k, true);
          iteration += 1;
        }
        const stats = await read(statsAt, 2 * chunk);
        for (let k = 0; k < chunk; k++) {
          info.losses[done + k] = stats[2 * k];
          info.gradNorms[done + k] = Math.sqrt(stats[2 * k + 1]);
        }
        done += chunk;
      }
      return info;
    },
    async readWeights() { return split(await read(weightsAt, wf)); },
    async readEma() {
      if (!hasEma) throw new Error('WebGPU trainer: no EMA is kept (set optimizer.emaDecay)');
      return split(await read(emaAt, wf));
    },
    async readGradients() { return split(await read(gradsAt, wf)); },
    async readOptimizerState() {
      const [m, v, ema] = await Promise.all([read(mAt, wf), read(vAt, wf), hasEma ? read(emaAt, wf) : Promise.resolve(undefined)]);
      return { step: iteration, m, v, ema };
    },
    destroy() {
      memory.destroy();
      uniforms.destroy();
    },
  };
}
