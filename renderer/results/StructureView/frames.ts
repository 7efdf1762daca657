import { atomCount, type MolecularStructure } from '../../../core/io/structure.ts';

/**
 * The parts of a SolverResult (renderer/run/types.ts) the structure view reads: states recorded
 * as [times.length, particles, dims]. Declared here rather than picked from SolverResult so that
 * this code, and the benchmark that runs it in Node, does not pull in the renderer's DOM types.
 */
export interface RecordedStates {
  particles: number;
  dims: number;
  times: Float32Array;
  trajectory: Float32Array;
}

/**
 * Index in `result.trajectory` of the first coordinate of particle `particle` at recorded slot
 * `slot`. One particle is one whole structure: its atom a's coordinate k (x, y, z) is at
 * `frameOffset(r, p, s) + 3a + k`.
 *
 * Example: 2 particles of 4 atoms (dims 12), particle 1 at slot 2 → (2·2 + 1)·12 = 60.
 */
export function frameOffset(r: Pick<RecordedStates, 'particles' | 'dims'>, particle: number, slot: number): number {
  return (slot * r.particles + particle) * r.dims;
}

/** Why `r` cannot be drawn as copies of `s` (its state is not 3 × atoms wide), or undefined when it can. */
export function shapeProblem(r: Pick<RecordedStates, 'dims'>, s: MolecularStructure): string | undefined {
  const n = atomCount(s);
  if (n === 0) return 'The structure has no atoms.';
  if (s.frames.length === 0) return 'The structure has no coordinates.';
  if (r.dims !== 3 * n) {
    return `The solver's state has ${r.dims} components, but the structure's ${n} atoms need 3 × ${n} = ${3 * n}.`;
  }
  return undefined;
}

/** The particles overlaid for an ensemble of `count`: `first` alone for 1, else `count` spread evenly over all particles. */
export function shownParticles(particles: number, count: number, first = 0): number[] {
  const m = Math.max(1, Math.min(particles, Math.floor(count)));
  if (m === 1) return [Math.max(0, Math.min(particles - 1, first))];
  return Array.from({ length: m }, (_, k) => Math.floor((k * particles) / m));
}
