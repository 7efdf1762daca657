import { describe, expect, it } from 'vitest';
import {
  BACKEND_STORAGE_KEY, cacheBackend, decideBackend, loadBackendChoice, parseBackendChoice, saveBackendChoice, type WebGpuProbe,
} from './backendChoice.ts';

const hardware: WebGpuProbe = { available: true, adapter: 'nvidia hopper', software: false };
const swiftshader: WebGpuProbe = { available: true, adapter: 'google swiftshader', software: true };
const none: WebGpuProbe = { available: false, why: 'navigator.gpu is missing (no WebGPU in this browser)' };

describe('decideBackend', () => {
  it('auto takes WebGPU on a hardware adapter and says which', () => {
    expect(decideBackend('auto', hardware)).toEqual({ name: 'webgpu', reason: 'auto: GPU adapter (nvidia hopper)' });
  });

  it('auto takes the CPU over a software adapter and says why', () => {
    const d = decideBackend('auto', swiftshader);
    expect(d).toMatchObject({ name: 'cpu' });
    expect('reason' in d && d.reason).toBe('auto: only a software WebGPU adapter (google swiftshader); the CPU is faster');
  });

  it('auto takes the CPU without WebGPU and passes the reason on', () => {
    expect(decideBackend('auto', none)).toEqual({ name: 'cpu', reason: 'auto: navigator.gpu is missing (no WebGPU in this browser)' });
  });

  it('webgpu runs on any adapter, a software one included, and says so', () => {
    expect(decideBackend('webgpu', hardware)).toEqual({ name: 'webgpu', reason: 'requested; adapter nvidia hopper' });
    const d = decideBackend('webgpu', swiftshader);
    expect(d).toMatchObject({ name: 'webgpu' });
    expect('reason' in d && d.reason).toBe('requested; software adapter (google swiftshader), slower than the CPU');
  });

  it('webgpu without an adapter is an error that says why and what to do', () => {
    expect(decideBackend('webgpu', none)).toEqual({
      error: 'WebGPU is not available in this browser: navigator.gpu is missing (no WebGPU in this browser); choose CPU',
    });
  });

  it('cpu never needs a probe', () => {
    expect(decideBackend('cpu', null)).toEqual({ name: 'cpu', reason: 'requested' });
    expect(decideBackend('cpu', hardware)).toEqual({ name: 'cpu', reason: 'requested' });
  });
});

describe('the remembered choice', () => {
  function memoryStorage(initial: Record<string, string> = {}) {
    const items = new Map(Object.entries(initial));
    return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
  }

  it('defaults to auto and round-trips each choice', () => {
    const storage = memoryStorage();
    expect(loadBackendChoice(storage)).toBe('auto');
    for (const c of ['webgpu', 'cpu', 'auto'] as const) {
      saveBackendChoice(storage, c);
      expect(storage.items.get(BACKEND_STORAGE_KEY)).toBe(c);
      expect(loadBackendChoice(storage)).toBe(c);
    }
  });

  it('reads anything unknown, or a broken storage, as auto', () => {
    expect(loadBackendChoice(memoryStorage({ [BACKEND_STORAGE_KEY]: 'cuda' }))).toBe('auto');
    expect(loadBackendChoice(undefined)).toBe('auto');
    const throwing = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(loadBackendChoice(throwing)).toBe('auto');
    expect(() => saveBackendChoice(throwing, 'cpu')).not.toThrow();
    expect(parseBackendChoice(42)).toBe('auto');
    expect(parseBackendChoice('webgpu')).toBe('webgpu');
  });
});

describe('cacheBackend', () => {
  it('reuses results of the backend asked for, and for auto of what auto last chose', () => {
    expect(cacheBackend('cpu', 'webgpu')).toBe('cpu');
    expect(cacheBackend('webgpu', undefined)).toBe('webgpu');
    expect(cacheBackend('auto', 'cpu')).toBe('cpu');
    // Before auto has resolved once, nothing is known to match: reuse nothing.
    expect(cacheBackend('auto', undefined)).toBeUndefined();
  });
});
