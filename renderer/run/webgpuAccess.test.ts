/// <reference types="@webgpu/types" />
import { describe, expect, it } from 'vitest';
import { adapterName, isSoftwareAdapter } from '../../core/backends/webgpu/adapterInfo.ts';
import { createGpuAccess, type GpuAdapterLike, type GpuLike } from './webgpuAccess.ts';

/** A fake device whose loss the test triggers. */
function fakeDevice() {
  let lose: (info: GPUDeviceLostInfo) => void = () => {};
  const lost = new Promise<GPUDeviceLostInfo>((resolve) => { lose = resolve; });
  const device = { lost } as unknown as GPUDevice;
  return { device, lose: () => lose({ reason: 'unknown', message: 'GPU hang' } as GPUDeviceLostInfo) };
}

function fakeGpu(info: GpuAdapterLike['info'], options: { refuse?: boolean } = {}) {
  const devices: ReturnType<typeof fakeDevice>[] = [];
  let adapters = 0;
  const gpu: GpuLike = {
    async requestAdapter() {
      adapters++;
      return {
        info,
        limits: { maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 1 << 31 },
        async requestDevice(descriptor?: GPUDeviceDescriptor) {
          if (options.refuse) throw new Error('OperationError: limits exceeded');
          // The device asks for the adapter's largest buffers.
          expect(descriptor?.requiredLimits).toEqual({ maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 1 << 31 });
          const d = fakeDevice();
          devices.push(d);
          return d.device;
        },
      };
    },
  };
  return { gpu, devices, adapters: () => adapters };
}

describe('software adapters', () => {
  it('are told apart by the fallback flag or the name', () => {
    expect(isSoftwareAdapter({ info: { vendor: 'google', architecture: 'swiftshader' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'microsoft', description: 'Microsoft Basic Render Driver' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'acme', isFallbackAdapter: true } })).toBe(true);
    // Older engines put the flag on the adapter.
    expect(isSoftwareAdapter({ info: { vendor: 'acme' }, isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: false } })).toBe(false);
    expect(isSoftwareAdapter({ info: { vendor: 'apple', architecture: 'metal-3' } })).toBe(false);
  });

  it('have readable names', () => {
    expect(adapterName({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toBe('google swiftshader');
    expect(adapterName({ vendor: 'nvidia', architecture: 'nvidia' })).toBe('nvidia');
    expect(adapterName(undefined)).toBe('unknown WebGPU adapter');
  });
});

describe('createGpuAccess', () => {
  it('says why when the browser has no WebGPU, and device() fails with that reason', async () => {
    const access = createGpuAccess(undefined);
    expect(await access.probe()).toEqual({ available: false, why: expect.stringMatching(/^navigator\.gpu is missing/) });
    await expect(access.device()).rejects.toThrow(/^WebGPU is not available in this browser: navigator\.gpu is missing/);
  });

  it('says why when no adapter comes back or the request throws', async () => {
    expect(await createGpuAccess({ requestAdapter: async () => null }).probe()).toMatchObject({ available: false, why: expect.stringMatching(/no WebGPU adapter/) });
    expect(await createGpuAccess({ requestAdapter: async () => { throw new Error('boom'); } }).probe()).toEqual({
      available: false, why: 'requesting a WebGPU adapter failed (boom)',
    });
  });

  it('flags SwiftShader as software and names it', async () => {
    const { gpu } = fakeGpu({ vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true });
    expect(await createGpuAccess(gpu).probe()).toEqual({ available: true, adapter: 'google swiftshader', software: true });
  });

  it('keeps one adapter and device across runs, and asks afresh once the device is lost', async () => {
    const fake = fakeGpu({ vendor: 'nvidia', architecture: 'hopper' });
    const access = createGpuAccess(fake.gpu);
    expect(await access.probe()).toEqual({ available: true, adapter: 'nvidia hopper', software: false });
    const first = await access.device();
    expect(await access.device()).toBe(first);
    expect(fake.adapters()).toBe(1);
    fake.devices[0].lose();
    await new Promise((r) => setTimeout(r, 0));
    const second = await access.device();
    expect(second).not.toBe(first);
    expect(fake.adapters()).toBe(2);
  });

  it('reports a refused device and tries again on the next call', async () => {
    const fake = fakeGpu({ vendor: 'nvidia' }, { refuse: true });
    const access = createGpuAccess(fake.gpu);
    await expect(access.device()).rejects.toThrow('the WebGPU adapter (nvidia) refused a device (OperationError: limits exceeded)');
    await expect(access.device()).rejects.toThrow(/refused a device/);
    // Nothing failed was kept: the second call asked for an adapter again.
    expect(fake.adapters()).toBe(2);
  });
});
