/// <reference types="@webgpu/types" />
import { adapterName } from './adapterInfo.ts';

/** A WebGPU device for Node, or why none is available. */
export type NodeDeviceResult = { device: GPUDevice; adapterName: string } | { error: string };

/** The SwiftShader (CPU Vulkan) driver that ships with Chromium on Debian-like systems. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Dawn's GPU instance and adapter, per device: Dawn for Node frees the native instance when its
 * JavaScript object is garbage-collected, even while a device made from it is in use, which aborts
 * the process (std::system_error / futex errors). Keeping them as WeakMap values ties their life to
 * the device's.
 */
const keepAlive = new WeakMap<GPUDevice, { gpu: GPU; adapter: GPUAdapter }>();

interface WebGpuModule {
  create(options: string[]): GPU;
  globals: object;
}

/**
 * Requests a WebGPU device in Node through the `webgpu` package (Dawn). The package is imported
 * dynamically, so bundles for the renderer (which has `navigator.gpu`) never load it.
 *
 * Asks for the adapter's largest storage buffers, so fewer, larger chunks fit. Never throws: when
 * no adapter exists it returns the reason with a hint (a Vulkan driver, VK_ICD_FILENAMES), written
 * to follow a caller's "WebGPU is not available: " and precede its "; use --backend cpu".
 *
 * @example
 * const r = await requestNodeDevice();
 * if ('error' in r) console.warn(r.error); else await runPlanWebGpu(plan, { device: r.device });
 */
export async function requestNodeDevice(): Promise<NodeDeviceResult> {
  let webgpu: WebGpuModule;
  try {
    webgpu = await import('webgpu') as WebGpuModule;
  } catch (error) {
    return { error: `the 'webgpu' package (Dawn for Node) did not load (${message(error)}); reinstall the dependencies` };
  }
  // Dawn's GPUBufferUsage, GPUMapMode, ... constants; browsers define them, so only fill gaps.
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(webgpu.globals)) if (scope[name] === undefined) scope[name] = value;
  let gpu: GPU;
  let adapter: GPUAdapter | null;
  try {
    gpu = webgpu.create([]);
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { error: `requesting an adapter failed (${message(error)}); ${driverHint()}` };
  }
  if (!adapter) return { error: `no adapter found; ${driverHint()}` };
  try {
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    const device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
    keepAlive.set(device, { gpu, adapter });
    return { device, adapterName: adapterName(adapter.info) };
  } catch (error) {
    return { error: `the adapter refused a device (${message(error)})` };
  }
}

function driverHint(): string {
  // Dawn uses Metal on macOS and D3D12 on Windows; only Linux needs a Vulkan driver (ICD).
  if (process.platform !== 'linux') return 'check that a GPU driver is installed';
  const icd = process.env.VK_ICD_FILENAMES;
  if (icd) return `VK_ICD_FILENAMES=${icd} is set, but that driver gave no adapter (check that the file exists and libvulkan is installed)`;
  return 'Dawn needs a Vulkan driver (libvulkan and a GPU driver); without a GPU, point VK_ICD_FILENAMES at ' +
    `SwiftShader, e.g. VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
