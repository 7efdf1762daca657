/// <reference types="@webgpu/types" />
import type { ChunkPlan } from './chunkPlan.ts';
import { INFO_WORDS } from './chunkPlan.ts';
import type { DeviceWatch } from './deviceWatch.ts';
import type { KernelPipeline } from './pipelines.ts';
import { TABLES_BINDING, WEIGHTS_BINDING, WORKGROUP_SIZE } from './kernelWgsl.ts';

/** What one chunk left in device memory, as mapped views valid only inside the reader callback. */
export interface ChunkOutput {
  /** [count, D] final states. */
  samples: Float32Array;
  /** [record + 1, count, D] saved states, or null when record = 0. */
  trajectory: Float32Array | null;
  /** Lowest failing global particle id, or 0xffffffff when none failed. */
  firstFailure: number;
  /** [count, 4]: failing step, reason, accepted, rejected. */
  info: Uint32Array;
}

/** No particle failed: the value firstFailure starts from (atomicMin only lowers it). */
export const NO_FAILURE = 0xffffffff;

/**
 * The device buffers of one stage, sized for its largest chunk and reused by every chunk, with a
 * MAP_READ staging copy of each output.
 */
export class StageBuffers {
  private readonly storage: Record<'samples' | 'trajectory' | 'firstFailure' | 'info', GPUBuffer>;
  private readonly staging: Record<'samples' | 'trajectory' | 'firstFailure' | 'info', GPUBuffer>;
  private readonly chunk: GPUBuffer;
  /** The initial sampler's tables (f32, read-only), when the kernel reads any. */
  private readonly tables: GPUBuffer | undefined;
  /** The stage's network weights (f32, read-only), when its kernel reads any. */
  private readonly weights: GPUBuffer | undefined;
  private readonly bindGroup: GPUBindGroup;

  private constructor(
    private readonly device: GPUDevice, private readonly kernel: KernelPipeline, plan: ChunkPlan, private readonly dims: number, private readonly slots: number,
    tables: Float32Array | undefined, weights: Float32Array | undefined,
  ) {
    const make = (label: string, size: number, usage: number) => device.createBuffer({ label, size, usage });
    const sizes = { samples: plan.samplesBytes, trajectory: plan.trajectoryBytes, firstFailure: 4, info: plan.infoBytes };
    const S = GPUBufferUsage;
    this.chunk = make('chunk', 16, S.UNIFORM | S.COPY_DST);
    this.storage = {
      samples: make('samples', sizes.samples, S.STORAGE | S.COPY_SRC),
      trajectory: make('trajectory', sizes.trajectory, S.STORAGE | S.COPY_SRC),
      firstFailure: make('firstFailure', 4, S.STORAGE | S.COPY_SRC | S.COPY_DST),
      info: make('info', sizes.info, S.STORAGE | S.COPY_SRC),
    };
    const read = (label: string, size: number) => make(`${label} readback`, size, S.MAP_READ | S.COPY_DST);
    this.staging = {
      samples: read('samples', sizes.samples), trajectory: read('trajectory', sizes.trajectory),
      firstFailure: read('firstFailure', 4), info: read('info', sizes.info),
    };
    const entries = [this.chunk, this.storage.samples, this.storage.trajectory, this.storage.firstFailure, this.storage.info]
      .map((buffer, binding) => ({ binding, resource: { buffer } }));
    if (tables) {
      // Written once per stage; every chunk reads the same rows.
      this.tables = make('tables', Math.max(4, tables.byteLength), S.STORAGE | S.COPY_DST);
      device.queue.writeBuffer(this.tables, 0, tables);
      entries.push({ binding: TABLES_BINDING, resource: { buffer: this.tables } });
    }
    if (weights) {
      this.weights = make('weights', Math.max(4, weights.byteLength), S.STORAGE | S.COPY_DST);
      device.queue.writeBuffer(this.weights, 0, weights);
      entries.push({ binding: WEIGHTS_BINDING, resource: { buffer: this.weights } });
    }
    this.bindGroup = device.createBindGroup({ label: 'sde-integrate', layout: kernel.layout, entries });
  }

  /**
   * Allocates the buffers of a stage; allocation and validation errors become an Error that names
   * the sizes, rather than a run that silently reads zeros.
   */
  static async create(
    device: GPUDevice, kernel: KernelPipeline, plan: ChunkPlan, dims: number, record: number, watch: DeviceWatch, tables?: Float32Array, weights?: Float32Array,
  ): Promise<StageBuffers> {
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const buffers = new StageBuffers(device, kernel, plan, dims, record > 0 ? record + 1 : 0, tables, weights);
    const invalid = await watch.guard(device.popErrorScope());
    const oom = await watch.guard(device.popErrorScope());
    const error = oom ?? invalid;
    if (error) {
      buffers.destroy();
      const total = 2 * (plan.samplesBytes + plan.trajectoryBytes + plan.infoBytes) + plan.tablesBytes + (weights?.byteLength ?? 0);
      throw new Error(`WebGPU backend: could not allocate ${total} bytes of buffers for ${plan.chunkParticles} particles per chunk (${error.message}); pass a smaller chunk, lower record, or run with --backend cpu`);
    }
    return buffers;
  }

  /** Runs the kernel on particles [pStart, pStart + count) and copies its outputs to the staging buffers. */
  async dispatch(pStart: number, count: number, watch: DeviceWatch): Promise<void> {
    const { device } = this;
    device.pushErrorScope('validation');
    device.queue.writeBuffer(this.chunk, 0, Uint32Array.of(pStart, count, 0, 0));
    device.queue.writeBuffer(this.storage.firstFailure, 0, Uint32Array.of(NO_FAILURE));
    const encoder = device.createCommandEncoder({ label: 'sde-integrate' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.kernel.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(Math.ceil(count / WORKGROUP_SIZE));
    pass.end();
    // Only the rows of this chunk: the trajectory is [slot][i][j] with stride count, so its prefix.
    const used = { samples: count * this.dims * 4, trajectory: this.slots > 0 ? this.slots * count * this.dims * 4 : 4, firstFailure: 4, info: count * INFO_WORDS * 4 };
    for (const name of ['samples', 'trajectory', 'firstFailure', 'info'] as const) {
      encoder.copyBufferToBuffer(this.storage[name], 0, this.staging[name], 0, used[name]);
    }
    device.queue.submit([encoder.finish()]);
    const error = await watch.guard(device.popErrorScope());
    if (error) throw new Error(`WebGPU backend: dispatching particles ${pStart}..${pStart + count - 1} failed: ${error.message}`);
  }

  /** Maps the staging buffers after a dispatch of `count` particles and hands their contents to `read`. */
  async read(count: number, watch: DeviceWatch, read: (out: ChunkOutput) => void): Promise<void> {
    const { samples, trajectory, firstFailure, info } = this.staging;
    const D = this.dims;
    const mapped = [samples, firstFailure, info, ...(this.slots > 0 ? [trajectory] : [])];
    await watch.guard(Promise.all(mapped.map((b) => b.mapAsync(GPUMapMode.READ))));
    try {
      read({
        samples: new Float32Array(samples.getMappedRange(), 0, count * D),
        trajectory: this.slots > 0 ? new Float32Array(trajectory.getMappedRange(), 0, this.slots * count * D) : null,
        firstFailure: new Uint32Array(firstFailure.getMappedRange(), 0, 1)[0],
        info: new Uint32Array(info.getMappedRange(), 0, count * INFO_WORDS),
      });
    } finally {
      for (const b of mapped) b.unmap();
    }
  }

  /** Frees every buffer (also safe after a device loss). */
  destroy(): void {
    for (const b of [this.chunk, ...Object.values(this.storage), ...Object.values(this.staging), ...(this.tables ? [this.tables] : []), ...(this.weights ? [this.weights] : [])]) b.destroy();
  }
}
