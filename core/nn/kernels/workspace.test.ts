import { describe, expect, it } from 'vitest';
import { wasmApi } from '../../wasm/runtime.ts';
import { kernelModuleBytes, kernelSimdSupported } from './module.ts';
import { ALLOC_ALIGN_FLOATS, KernelWorkspace } from './workspace.ts';

describe('kernel module', () => {
  it('validates and compiles (Node 20 has fixed-width SIMD)', () => {
    const bytes = kernelModuleBytes();
    expect(wasmApi?.validate(bytes)).toBe(true);
    expect(() => new WebAssemblyModule(bytes)).not.toThrow();
    expect(kernelSimdSupported()).toBe(true);
  });

  it('is deterministic', () => {
    expect(kernelModuleBytes()).toEqual(kernelModuleBytes());
  });
});

/** The Module constructor through the typed runtime slice. */
const WebAssemblyModule = (wasmApi as NonNullable<typeof wasmApi>).Module;

describe.each([true, false])('KernelWorkspace (simd: %s)', (simd) => {
  it('aligns allocations to 64 bytes and grows the memory, keeping contents', () => {
    const ws = KernelWorkspace.create({ simd, initialFloats: 16 });
    expect(ws.simd).toBe(simd);
    const first = ws.alloc(3);
    expect(first % ALLOC_ALIGN_FLOATS).toBe(0);
    ws.f32()[first] = 42;
    const before = ws.f32();
    const big = ws.alloc(1 << 20);
    expect(big % ALLOC_ALIGN_FLOATS).toBe(0);
    expect(big).toBeGreaterThanOrEqual(first + 3);
    const after = ws.f32();
    expect(after === before).toBe(false);
    expect(after.length).toBeGreaterThanOrEqual(big + (1 << 20));
    expect(after[first]).toBe(42);
    ws.fill({ out: big, count: 1 << 20, value: 1 });
    expect(ws.sumSquares({ x: big, count: 1 << 20 })).toBe(1 << 20);
  });

  it('frees back to a mark', () => {
    const ws = KernelWorkspace.create({ simd, initialFloats: 64 });
    ws.alloc(10);
    const mark = ws.mark();
    const a = ws.alloc(5);
    ws.reset(mark);
    expect(ws.alloc(5)).toBe(a);
    ws.reset();
    expect(ws.allocatedFloats).toBe(0);
    expect(() => ws.reset(mark + 1000)).toThrow(/not a mark/);
  });

  it('says which argument is out of bounds', () => {
    const ws = KernelWorkspace.create({ simd, initialFloats: 64 });
    const x = ws.alloc(16);
    expect(() => ws.scale({ x, out: x, count: 17, alpha: 1 })).toThrow(/scale: x = \d+ with 17 floats lies outside/);
    expect(() => ws.exp({ x: 0, out: x, count: 1 })).toThrow(/exp: x = 0/);
    expect(() =>
      ws.biasActivation({ x, rows: 2, cols: 4, out: x, activation: 'swish' as 'silu' }),
    ).toThrow(/unknown activation "swish"/);
    expect(() => ws.alloc(-1)).toThrow(RangeError);
  });
});
