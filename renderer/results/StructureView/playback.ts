import { frameOffset, type RecordedStates } from './frames.ts';
import type { StructureModel } from './model.ts';
import type { Superposer } from './superpose.ts';

/**
 * Puts recorded slot `slot` of each shown particle on the model (particle `particles[c]` on copy
 * c), each superposed on the reference when `superposer` is given, and writes the instance
 * matrices. This is the whole per-frame cost of playing a trajectory (besides drawing); it
 * allocates nothing.
 */
export function showSlot(
  model: StructureModel,
  r: RecordedStates,
  slot: number,
  particles: readonly number[],
  superposer: Superposer | null,
): void {
  const copies = Math.min(model.copies, particles.length);
  for (let c = 0; c < copies; c++) {
    const o = frameOffset(r, particles[c], slot);
    model.setCopy(c, r.trajectory, o, superposer ? superposer.fit(r.trajectory, o) : undefined);
  }
  model.commit();
}
