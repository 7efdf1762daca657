/**
 * Helpers for the kernels' tests and benchmark: a seeded generator (failures reproduce without
 * Math.random) and workspace fillers.
 */
import type { KernelWorkspace } from './workspace.ts';

/** Uniform floats in [lo, hi) from a seeded xorshift32 stream. */
export function seededUniform(seed: number): (lo?: number, hi?: number) => number {
  let state = seed >>> 0 || 1;
  return (lo = -1, hi = 1) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return lo + ((hi - lo) * state) / 4294967296;
  };
}

/** Allocates `count` floats in `ws` and fills them from `next`; returns the offset. */
export function allocFilled(ws: KernelWorkspace, count: number, next: () => number): number {
  const offset = ws.alloc(count);
  const view = ws.f32();
  for (let i = 0; i < count; i++) view[offset + i] = next();
  return offset;
}

/** The floats at [offset, offset + count) as a plain array (a copy). */
export function read(ws: KernelWorkspace, offset: number, count: number): number[] {
  return Array.from(ws.f32().subarray(offset, offset + count));
}
