/// <reference types="@webgpu/types" />
/**
 * A compiled batched program (core/nn/executor.ts `BatchedLoss.program`) as WebGPU dispatches over
 * one storage buffer that mirrors the CPU memory: float `offset` of the CPU program is float
 * `offset − origin` of the buffer (origin = the program's `memory.start`), so every step reads and
 * writes the same places it does on the CPU.
 */
import type { ProgramStep, StepOp } from '../stepOps.ts';
import {
  activationBackwardKernel, biasActivationKernel, columnGrid, columnSumsKernel, GEMM_TILE, gemmKernel, grid1d, packParams, scaleKernel,
  UNIFORM_SLOT_BYTES, type KernelSource,
} from './kernelsWgsl.ts';
import { moveWgsl, regionWgsl, stepThreads } from './stepWgsl.ts';

/** One dispatch: its pipeline, the uniform slot of its parameters, and its workgroup counts. */
export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  /** Uniform slot (× 256 bytes) of binding 1; slot of binding 2 (only Adam reads it). */
  slot: number;
  extraSlot?: number;
  groups: [number, number, number];
}

/**
 * The bind group layout every training kernel shares: 0 the memory (storage), 1 and 2 parameter
 * blocks in one uniform buffer at dynamic offsets (so a single bind group serves every dispatch).
 */
export function trainingBindGroupLayout(device: GPUDevice): GPUBindGroupLayout {
  const uniform = (binding: number, minBindingSize: number): GPUBindGroupLayoutEntry =>
    ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize } });
  return device.createBindGroupLayout({
    label: 'train',
    entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }, uniform(1, 64), uniform(2, 16)],
  });
}

/** Compiles WGSL into pipelines once per source (several steps often share a kernel). */
export class PipelineCache {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly layout: GPUPipelineLayout;

  constructor(private readonly device: GPUDevice, readonly bindGroupLayout: GPUBindGroupLayout) {
    this.layout = device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] });
  }

  get(label: string, code: string): Promise<GPUComputePipeline> {
    let entry = this.pipelines.get(code);
    if (!entry) {
      entry = this.compile(label, code);
      this.pipelines.set(code, entry);
    }
    return entry;
  }

  /** Distinct pipelines compiled so far. */
  get size(): number {
    return this.pipelines.size;
  }

  private async compile(label: string, code: string): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ code, label });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      const lines = code.split('\n');
      const detail = errors.map((m) => `${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1]?.trim() ?? ''}`).join('\n');
      throw new Error(`WebGPU training: kernel '${label}' does not compile (a code generator bug; please report it):\n${detail}`);
    }
    return this.device.createComputePipelineAsync({ label, layout: this.layout, compute: { module, entryPoint: 'main' } });
  }
}

/** Parameter blocks to upload once: slot → bytes. */
export class UniformSlots {
  /** Slot 0 is blank: kernels without parameters (regions, moves) point at it. */
  readonly blocks: ArrayBuffer[] = [new ArrayBuffer(64)];

  /** Reserves a slot and returns its index; `bytes` (≤ 256) are its initial contents. */
  add(bytes: ArrayBuffer = new ArrayBuffer(64)): number {
    this.blocks.push(bytes);
    return this.blocks.length - 1;
  }

  /** All slots as one buffer's contents. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.blocks.length * UNIFORM_SLOT_BYTES);
    this.blocks.forEach((b, k) => out.set(new Uint8Array(b), k * UNIFORM_SLOT_BYTES));
    return out;
  }
}

/**
 * The dispatches of `program`, in order: one per operation (a step with several operations, such
 * as a GEMM then a negation, gets several). Fixed kernels take their offsets from uniform slots
 * reserved in `slots`; regions and moves get kernels of their own, with the offsets in the source.
 */
export async function compileProgram(program: readonly ProgramStep[], origin: number, cache: PipelineCache, slots: UniformSlots): Promise<Dispatch[]> {
  const at = (offset: number) => {
    if (!(offset >= origin)) throw new Error(`WebGPU training: offset ${offset} lies before the mirrored memory (origin ${origin})`);
    return offset - origin;
  };
  const fixed = async (label: string, kernel: KernelSource, values: Record<string, number>, groups: [number, number, number]): Promise<Dispatch> => {
    // The slot is taken before the first await, so slots follow the program's order.
    const slot = slots.add(packParams(kernel.layout, values));
    return { label, pipeline: await cache.get(kernel.label, kernel.code), slot, groups };
  };
  const pending: Promise<Dispatch | undefined>[] = [];
  for (const step of program) {
    for (const op of step.ops) pending.push(dispatchOf(step.label, op));
  }
  return (await Promise.all(pending)).filter((d): d is Dispatch => d !== undefined);

  function dispatchOf(label: string, op: StepOp): Promise<Dispatch | undefined> {
    switch (op.kind) {
      case 'gemm': {
        const { m, n, k, a, b, c, transA, transB, accumulate } = op.params;
        const batch = op.batch ?? { count: 1, strideA: 0, strideB: 0, strideC: 0 };
        if (m === 0 || n === 0 || batch.count === 0) return Promise.resolve(undefined);
        if (batch.count > 65535) throw new Error(`WebGPU training: ${label} runs ${batch.count} GEMMs, more than one dispatch holds (65535)`);
        const flags = (transA ? 1 : 0) | (transB ? 2 : 0) | (accumulate ? 4 : 0);
        return fixed(label, gemmKernel(), { m, n, k, a: at(a), b: at(b), c: at(c), flags, strideA: batch.strideA, strideB: batch.strideB, strideC: batch.strideC },
          [Math.ceil(n / GEMM_TILE), Math.ceil(m / GEMM_TILE), batch.count]);
      }
      case 'biasActivation': {
        const p = op.params;
        const flags = (p.bias === undefined ? 0 : 1) | (p.preOut === undefined ? 0 : 2);
        return fixed(label, biasActivationKernel(p.activation), {
          x: at(p.x), bias: p.bias === undefined ? 0 : at(p.bias), rows: p.rows, cols: p.cols, out: at(p.out), preOut: p.preOut === undefined ? 0 : at(p.preOut), flags,
        }, [...grid1d(p.rows * p.cols), 1]);
      }
      case 'activationBackward': {
        const p = op.params;
        return fixed(label, activationBackwardKernel(p.activation), { pre: at(p.pre), gradOut: at(p.gradOut), gradIn: at(p.gradIn), count: p.count }, [...grid1d(p.count), 1]);
      }
      case 'columnSums': {
        const p = op.params;
        return fixed(label, columnSumsKernel(), { x: at(p.x), rows: p.rows, cols: p.cols, out: at(p.out), accumulate: p.accumulate ? 1 : 0 }, [...columnGrid(p.cols), 1]);
      }
      case 'scale':
        return fixed(label, scaleKernel(), { x: at(op.x), xStride: op.xStride, out: at(op.out), count: op.count, accumulate: op.accumulate ? 1 : 0, alpha: op.alpha },
          [...grid1d(op.count), 1]);
      case 'region': case 'move': {
        const code = op.kind === 'region' ? regionWgsl(op.region, origin) : moveWgsl(op.move, origin);
        return cache.get(label, code).then((pipeline) => ({ label, pipeline, slot: 0, groups: [...grid1d(stepThreads(op)), 1] }));
      }
    }
  }
}

/** Records `dispatches` into a compute pass (the bind group's dynamic offsets pick each one's parameters). */
export function encodeDispatches(pass: GPUComputePassEncoder, bindGroup: GPUBindGroup, dispatches: readonly Dispatch[]): void {
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, bindGroup, [d.slot * UNIFORM_SLOT_BYTES, (d.extraSlot ?? 0) * UNIFORM_SLOT_BYTES]);
    pass.dispatchWorkgroups(...d.groups);
  }
}
