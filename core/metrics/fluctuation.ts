/**
 * Root-mean-square fluctuation (RMSF) of atoms over a trajectory, after removing rigid motion.
 */
import { atomCount, type Coordinates } from './coordinates.ts';
import { superpose } from './superposition.ts';

/**
 * Per-atom RMSF over frames (length units): every frame is first superposed (unweighted Kabsch)
 * onto `reference` (default: frame 0), then for each atom k
 *
 *     RMSF_k = √( (1/F) Σ_f |x_{f,k} − x̄_k|² ),   x̄_k = (1/F) Σ_f x_{f,k},
 *
 * the fluctuation about the mean superposed structure (as GROMACS gmx rmsf and MDAnalysis do).
 * Estimator bias: divisor F, not F − 1, so for independent frames E[RMSF_k²] = (1 − 1/F)·3σ_k²
 * when atom k jitters isotropically with standard deviation σ_k per coordinate; the fit also
 * absorbs about 6 of the 3N degrees of freedom (3 translations, 3 rotations), lowering the total
 * by a further factor ≈ (1 − 2/N).
 */
export function rmsf(frames: readonly Coordinates[], reference?: Coordinates): Float64Array {
  if (frames.length === 0) throw new Error('rmsf: no frames; pass at least one structure');
  const atoms = atomCount(frames[0], 'frame 0');
  frames.forEach((frame, f) => {
    if (atomCount(frame, `frame ${f}`) !== atoms) throw new Error(`rmsf: frame ${f} has ${frame.length / 3} atoms but frame 0 has ${atoms}`);
  });
  const target = reference ?? frames[0];
  if (atomCount(target, 'reference') !== atoms) throw new Error(`rmsf: reference has ${target.length / 3} atoms but the frames have ${atoms}`);
  const fitted = frames.map((frame) => superpose(frame, target));
  const mean = new Float64Array(3 * atoms);
  for (const frame of fitted) for (let k = 0; k < mean.length; k++) mean[k] += frame[k] / frames.length;
  const result = new Float64Array(atoms);
  for (const frame of fitted) {
    for (let atom = 0; atom < atoms; atom++) {
      for (let k = 3 * atom; k < 3 * atom + 3; k++) result[atom] += (frame[k] - mean[k]) ** 2;
    }
  }
  return result.map((sum) => Math.sqrt(sum / frames.length));
}

/** Per-residue values: the keys in first-seen order and the mean over each key's atoms. */
export interface ResidueValues {
  readonly keys: string[];
  readonly values: Float64Array;
}

/**
 * Averages per-atom RMSF over residues: atoms with the same key (e.g. "A:42" for chain A, residue
 * 42) form one residue; keys come out in first-seen order. The value is the arithmetic mean of the
 * atoms' RMSF (not the root of their mean square, which is ≥ it).
 */
export function rmsfPerResidue(rmsfPerAtom: ArrayLike<number>, residueKey: readonly string[]): ResidueValues {
  if (residueKey.length !== rmsfPerAtom.length) {
    throw new Error(`rmsfPerResidue: ${rmsfPerAtom.length} atom values but ${residueKey.length} residue keys; pass one key per atom`);
  }
  const index = new Map<string, number>();
  const sums: number[] = [];
  const counts: number[] = [];
  residueKey.forEach((key, atom) => {
    let slot = index.get(key);
    if (slot === undefined) {
      slot = sums.length;
      index.set(key, slot);
      sums.push(0);
      counts.push(0);
    }
    sums[slot] += rmsfPerAtom[atom];
    counts[slot] += 1;
  });
  return { keys: [...index.keys()], values: Float64Array.from(sums, (sum, slot) => sum / counts[slot]) };
}
