/// <reference types="@webgpu/types" />
import { DeviceLostError, type DeviceWatch } from './deviceWatch.ts';
import { TABLES_BINDING, WEIGHTS_BINDING } from './kernelWgsl.ts';

/**
 * A compiled integration kernel and the layout its bind groups follow (bindings of preludeWgsl.ts:
 * 0 uniform chunk, 1 samples, 2 trajectory, 3 firstFailure, 4 info; and 5, read-only tables, for
 * kernels whose initial sampler reads tables, see kernelWgsl.ts TABLES_BINDING; 6, read-only
 * network weights, for kernels whose fields hold networks, WEIGHTS_BINDING).
 */
export interface KernelPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

/** Compiled kernels per device, by WGSL source: a rerun of the same plan skips shader compilation. */
const cache = new WeakMap<GPUDevice, Map<string, Promise<KernelPipeline>>>();

/**
 * Returns the compute pipeline of a kernel (entry point `main`), compiling it once per device.
 * The layout is explicit rather than 'auto', so a binding the kernel happens not to use (the
 * trajectory when record = 0) still accepts the same bind group. `tables`: the kernel declares
 * the read-only tables binding (kernelReadsTables of its stage); `weights`: the read-only weights
 * binding (kernelReadsWeights).
 *
 * @throws Error with the compiler's messages (line:column) when the WGSL does not compile
 */
export function kernelPipeline(device: GPUDevice, source: string, watch?: DeviceWatch, tables = false, weights = false): Promise<KernelPipeline> {
  let perDevice = cache.get(device);
  if (!perDevice) cache.set(device, (perDevice = new Map()));
  let entry = perDevice.get(source);
  if (!entry) {
    // The source declares the tables (weights) binding exactly when `tables` (`weights`), so it stays the cache key.
    entry = compile(device, source, watch, tables, weights);
    perDevice.set(source, entry);
    // A failed compile is not cached, so a later call reports the error again instead of a stale promise.
    entry.catch(() => perDevice.delete(source));
  }
  return entry;
}

async function compile(device: GPUDevice, source: string, watch: DeviceWatch | undefined, tables: boolean, weights: boolean): Promise<KernelPipeline> {
  const guard = <T>(p: Promise<T>) => (watch ? watch.guard(p) : p);
  const module = device.createShaderModule({ code: source, label: 'sde-integrate' });
  const info = await guard(module.getCompilationInfo());
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const lines = source.split('\n');
    const detail = errors.map((m) => `${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1]?.trim() ?? ''}`).join('\n');
    throw new Error(`WebGPU backend: the generated kernel does not compile (a code generator bug; please report it with the graph):\n${detail}`);
  }
  const storage = (binding: number): GPUBindGroupLayoutEntry => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
  const readOnly = (binding: number): GPUBindGroupLayoutEntry => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
  const layout = device.createBindGroupLayout({
    label: 'sde-integrate',
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      storage(1), storage(2), storage(3), storage(4),
      ...(tables ? [readOnly(TABLES_BINDING)] : []),
      ...(weights ? [readOnly(WEIGHTS_BINDING)] : []),
    ],
  });
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await guard(device.createComputePipelineAsync({
      label: 'sde-integrate',
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    }));
  } catch (error) {
    if (error instanceof DeviceLostError) throw error;
    throw new Error(`WebGPU backend: the generated kernel was rejected (a code generator bug; please report it with the graph): ${error instanceof Error ? error.message : String(error)}`);
  }
  return { pipeline, layout };
}
