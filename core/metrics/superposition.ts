/**
 * Optimal rigid superposition of one structure onto another (the Kabsch problem), solved with
 * Horn's unit-quaternion method (J. Opt. Soc. Am. A 4, 1987): the best rotation is the quaternion
 * eigenvector of the largest eigenvalue of a symmetric 4 × 4 matrix built from the weighted
 * cross-covariance. A unit quaternion always encodes a proper rotation (det = +1), so unlike the
 * bare SVD formula no reflection can come out, and no determinant sign correction is needed.
 */
import { atomCount, atomWeights, centroid, type Coordinates } from './coordinates.ts';
import { symmetricEigen } from './symmetricEigen.ts';

/** The rigid motion x ↦ R x + t that best maps `mobile` onto `reference`, and the fit it achieves. */
export interface Superposition {
  /** Proper rotation R, 3 × 3 row-major (orthogonal, det = +1). */
  readonly rotation: Float64Array;
  /** Translation t (length units), applied after the rotation. */
  readonly translation: Float64Array;
  /** √(Σ w_k |R x_k + t − y_k|² / Σ w_k) after the fit (length units). */
  readonly rmsd: number;
}

/** Rotation matrix (row-major) of the unit quaternion (q0; q1, q2, q3). */
function quaternionToRotation(q0: number, q1: number, q2: number, q3: number): Float64Array {
  return Float64Array.of(
    q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3, 2 * (q1 * q2 - q0 * q3), 2 * (q1 * q3 + q0 * q2),
    2 * (q1 * q2 + q0 * q3), q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3, 2 * (q2 * q3 - q0 * q1),
    2 * (q1 * q3 - q0 * q2), 2 * (q2 * q3 + q0 * q1), q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3,
  );
}

/** R x + t for every atom (a new Float64Array). */
export function applyRigidMotion(coords: Coordinates, rotation: Float64Array, translation: Float64Array): Float64Array {
  const out = new Float64Array(coords.length);
  for (let atom = 0; atom < coords.length / 3; atom++) {
    const [x, y, z] = [coords[3 * atom], coords[3 * atom + 1], coords[3 * atom + 2]];
    for (let k = 0; k < 3; k++) {
      out[3 * atom + k] = rotation[3 * k] * x + rotation[3 * k + 1] * y + rotation[3 * k + 2] * z + translation[k];
    }
  }
  return out;
}

/**
 * Weighted least-squares superposition of `mobile` onto `reference` (same atoms, same order):
 * minimises Σ w_k |R x_k + t − y_k|² over proper rotations R and translations t. Weights default
 * to 1 (pass masses for a mass-weighted fit). The rmsd is recomputed from the moved coordinates
 * rather than from the eigenvalue, so a perfect fit reports ~1e−15 instead of √(rounding) ~ 1e−8.
 * When the fit is not unique (fewer than 3 atoms, or all atoms on a line) one of the optimal
 * rotations is returned.
 */
export function kabsch(mobile: Coordinates, reference: Coordinates, weights?: ArrayLike<number>): Superposition {
  const atoms = atomCount(mobile, 'mobile');
  if (atomCount(reference, 'reference') !== atoms) {
    throw new Error(`kabsch: mobile has ${atoms} atoms but reference has ${reference.length / 3}; superpose the same atoms`);
  }
  const w = atomWeights(weights, atoms);
  const cm = centroid(mobile, w);
  const cr = centroid(reference, w);
  // S[a][b] = Σ w (x_a − cm_a)(y_b − cr_b): cross-covariance of mobile (x) and reference (y).
  const s = new Float64Array(9);
  for (let atom = 0; atom < atoms; atom++) {
    for (let a = 0; a < 3; a++) {
      const xa = w[atom] * (mobile[3 * atom + a] - cm[a]);
      for (let b = 0; b < 3; b++) s[3 * a + b] += xa * (reference[3 * atom + b] - cr[b]);
    }
  }
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = s;
  // Horn's N: q^T N q = Σ w y·(R(q) x) for unit q, so the best q is N's top eigenvector.
  const horn = [
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  ];
  const { vectors } = symmetricEigen(horn, 4);
  const norm = Math.hypot(vectors[0], vectors[1], vectors[2], vectors[3]);
  const rotation = quaternionToRotation(vectors[0] / norm, vectors[1] / norm, vectors[2] / norm, vectors[3] / norm);
  const rotatedCentroid = applyRigidMotion(cm, rotation, new Float64Array(3));
  const translation = Float64Array.from({ length: 3 }, (_, k) => cr[k] - rotatedCentroid[k]);
  const moved = applyRigidMotion(mobile, rotation, translation);
  let sum = 0;
  let total = 0;
  for (let atom = 0; atom < atoms; atom++) {
    total += w[atom];
    for (let k = 0; k < 3; k++) sum += w[atom] * (moved[3 * atom + k] - reference[3 * atom + k]) ** 2;
  }
  return { rotation, translation, rmsd: Math.sqrt(sum / total) };
}

/** RMSD between two structures after optimal superposition (length units); see {@link kabsch}. */
export function rmsdAfterSuperposition(mobile: Coordinates, reference: Coordinates, weights?: ArrayLike<number>): number {
  return kabsch(mobile, reference, weights).rmsd;
}

/** A copy of `mobile` moved onto `reference` by the optimal rigid motion of {@link kabsch}. */
export function superpose(mobile: Coordinates, reference: Coordinates, weights?: ArrayLike<number>): Float64Array {
  const { rotation, translation } = kabsch(mobile, reference, weights);
  return applyRigidMotion(mobile, rotation, translation);
}
