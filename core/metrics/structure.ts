/**
 * Structural metrics over atom coordinates (flat x, y, z per atom): superposition and RMSD,
 * RMSF over a trajectory, radius of gyration. The first two live in their own files and are
 * re-exported here, so `structure.ts` is the one import for structural analysis.
 */
import { atomCount, atomWeights, centroid, type Coordinates } from './coordinates.ts';

export type { Coordinates } from './coordinates.ts';
export { applyRigidMotion, kabsch, rmsdAfterSuperposition, superpose, type Superposition } from './superposition.ts';
export { rmsf, rmsfPerResidue, type ResidueValues } from './fluctuation.ts';

/**
 * Radius of gyration √(Σ m_k |x_k − c|² / Σ m_k) about the (mass-weighted) centroid c, in length
 * units. Masses default to 1 (the geometric radius of gyration). Exact for the given structure;
 * no estimator is involved. Examples: two atoms at distance L give L/2; the 8 corners of a cube of
 * side s give s√3/2; points spread evenly over a sphere of radius r give r.
 */
export function radiusOfGyration(coords: Coordinates, masses?: ArrayLike<number>): number {
  const atoms = atomCount(coords);
  const weights = atomWeights(masses, atoms, 'masses');
  const center = centroid(coords, weights);
  let sum = 0;
  let total = 0;
  for (let atom = 0; atom < atoms; atom++) {
    total += weights[atom];
    for (let k = 0; k < 3; k++) sum += weights[atom] * (coords[3 * atom + k] - center[k]) ** 2;
  }
  return Math.sqrt(sum / total);
}
