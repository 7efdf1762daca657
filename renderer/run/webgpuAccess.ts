/// <reference types="@webgpu/types" />
import { adapterName, isSoftwareAdapter, type AdapterLike } from '../../core/backends/webgpu/adapterInfo.ts';
import type { WebGpuProbe } from './backendChoice.ts';

/**
 * WebGPU as the run worker sees it: one adapter and one device, requested on first use and kept
 * for later runs (so compiled kernels are reused), until the device is lost; the next run then
 * asks for a fresh adapter and device.
 */
export interface GpuAccess {
  /** Whether an adapter exists, its name and whether it is a software one. Never throws. */
  probe(): Promise<WebGpuProbe>;
  /** The device, requested on first call. @throws Error saying why when there is none */
  device(): Promise<GPUDevice>;
}

/** The parts of `navigator.gpu` used here (a fake in tests). */
export interface GpuLike {
  requestAdapter(options?: GPURequestAdapterOptions): Promise<GpuAdapterLike | null>;
}
export interface GpuAdapterLike extends AdapterLike {
  readonly limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  requestDevice(descriptor?: GPUDeviceDescriptor): Promise<GPUDevice>;
}

/** `navigator.gpu` of a worker or page, or undefined where the engine has none. */
export function navigatorGpu(scope: { navigator?: { gpu?: unknown } }): GpuLike | undefined {
  return (scope.navigator?.gpu as GpuLike | undefined) ?? undefined;
}

export function createGpuAccess(gpu: GpuLike | undefined): GpuAccess {
  let adapter: { adapter: GpuAdapterLike; probe: WebGpuProbe } | null = null;
  let device: Promise<GPUDevice> | null = null;

  const reset = () => {
    adapter = null;
    device = null;
  };

  async function probe(): Promise<WebGpuProbe> {
    if (adapter) return adapter.probe;
    if (!gpu) return { available: false, why: 'navigator.gpu is missing (no WebGPU in this browser, or the page is not a secure context)' };
    let found: GpuAdapterLike | null;
    try {
      // Prefer a discrete GPU where there are several; a fallback adapter is still reported, and flagged.
      found = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    } catch (error) {
      return { available: false, why: `requesting a WebGPU adapter failed (${message(error)})` };
    }
    if (!found) return { available: false, why: 'the browser offers no WebGPU adapter (disabled or blocklisted for this GPU? see chrome://gpu)' };
    const p: WebGpuProbe = { available: true, adapter: adapterName(found.info), software: isSoftwareAdapter(found) };
    adapter = { adapter: found, probe: p };
    return p;
  }

  async function requestDevice(): Promise<GPUDevice> {
    const p = await probe();
    const a = adapter?.adapter;
    if (!p.available || !a) throw new Error(`WebGPU is not available in this browser: ${p.available ? 'the adapter went away' : p.why}`);
    let d: GPUDevice;
    try {
      // The adapter's largest storage buffers, so fewer, larger chunks fit (as the CLI asks).
      const { maxStorageBufferBindingSize, maxBufferSize } = a.limits;
      d = await a.requestDevice({ label: 'sde-studio', requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
    } catch (error) {
      throw new Error(`the WebGPU adapter (${p.adapter}) refused a device (${message(error)})`);
    }
    return d;
  }

  return {
    probe,
    device() {
      if (device) return device;
      const mine: Promise<GPUDevice> = requestDevice().then((d) => {
        // Forget a lost device (only this one, not a newer one), so the next run asks afresh.
        void d.lost.then(() => { if (device === mine) reset(); });
        return d;
      });
      // A failed request is not kept either: the next run tries again.
      mine.catch(() => { if (device === mine) reset(); });
      device = mine;
      return mine;
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
