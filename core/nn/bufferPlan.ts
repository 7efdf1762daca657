import type { BufferRef } from './regionCode.ts';
import type { StepOp } from './stepOps.ts';

/**
 * A value's buffer. `planned` buffers get their offset from {@link assignBuffers} once every step
 * is known (offset −1 until then); the others (weights, inputs, constants) are placed already.
 */
export interface StepBuffer extends BufferRef {
  planned: boolean;
}

/**
 * One step of a batched program before memory is assigned: what it reads and writes, and what it
 * computes. The CPU closure (stepOps.ts `cpuStep`) and the WebGPU kernels (core/nn/webgpu) are
 * both built from `ops`, so the two backends run one description.
 */
export interface PlannedStep {
  label: string;
  reads: readonly StepBuffer[];
  writes: readonly StepBuffer[];
  /** Called after assignment, so the operations carry the final offsets (and generated code bakes them in). */
  ops: () => StepOp[];
}

/**
 * Places the planned buffers so that buffers whose lifetimes do not overlap share memory: a
 * buffer lives from the step that writes it to the last step that reads it (`keep` live to the
 * end). A training step then touches a few activation-sized buffers instead of one per IR value,
 * which keeps the working set in cache. A step never gets a buffer freed by itself, so no
 * kernel's output aliases its input. Returns the floats allocated.
 */
export function assignBuffers(steps: readonly PlannedStep[], keep: readonly StepBuffer[], alloc: (floats: number) => number): number {
  const lastRead = new Map<StepBuffer, number>();
  steps.forEach((s, k) => {
    for (const r of s.reads) if (r.planned) lastRead.set(r, k);
  });
  for (const r of keep) if (r.planned) lastRead.set(r, steps.length);
  const free = new Map<number, number[]>();
  let total = 0;
  const release = new Map<number, StepBuffer[]>();
  steps.forEach((s, k) => {
    for (const w of s.writes) {
      if (!w.planned || w.offset >= 0) continue;
      const floats = w.rows * w.size;
      const reused = free.get(floats)?.pop();
      if (reused === undefined) total += floats;
      w.offset = reused ?? alloc(floats);
      // Written but never read (a kernel's optional output we asked for anyway): free after this step.
      const end = lastRead.get(w) ?? k;
      release.set(end, [...(release.get(end) ?? []), w]);
    }
    for (const r of release.get(k) ?? []) {
      const floats = r.rows * r.size;
      free.set(floats, [...(free.get(floats) ?? []), r.offset]);
    }
  });
  return total;
}
