import { symmetricEigen } from '../../../core/metrics/symmetricEigen.ts';
import type { RigidTransform } from './model.ts';

/**
 * Least-squares rigid superposition of frames onto one reference, for the per-frame path. The
 * same fit as core/metrics `kabsch` (Horn's quaternion method: the top eigenvector of a 4×4
 * matrix of the cross-covariance; never a reflection), which the tests check it against, but
 * shaped for playback: the reference's centroid is computed once, the frame is read in place from
 * the trajectory (no copy, no per-atom allocation; `fit` returns the same transform object each
 * time, overwritten), and a frame with non-finite coordinates (a diverged particle) gives a NaN
 * transform instead of throwing, so one bad particle does not stop the view.
 */
export class Superposer {
  readonly atoms: number;
  /** The transform of the last `fit`: fitted = R·x + t, R row-major. */
  readonly transform: RigidTransform & { rotation: Float64Array; translation: Float64Array };
  /** RMSD of the last fitted frame from the reference, Å. */
  rmsd = 0;
  private readonly centred: Float64Array;
  private readonly refCentroid = new Float64Array(3);
  private refSquares = 0;

  constructor(reference: ArrayLike<number>) {
    this.atoms = Math.floor(reference.length / 3);
    const n = this.atoms;
    this.centred = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) this.refCentroid[k] += reference[3 * i + k] / n;
    for (let i = 0; i < 3 * n; i++) {
      this.centred[i] = reference[i] - this.refCentroid[i % 3];
      this.refSquares += this.centred[i] ** 2;
    }
    this.transform = { rotation: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), translation: new Float64Array(3) };
  }

  /** Fits the frame at `source[offset … offset + 3·atoms)` onto the reference. */
  fit(source: ArrayLike<number>, offset: number): RigidTransform {
    const n = this.atoms;
    let cx = 0, cy = 0, cz = 0;
    for (let i = 0; i < n; i++) {
      cx += source[offset + 3 * i];
      cy += source[offset + 3 * i + 1];
      cz += source[offset + 3 * i + 2];
    }
    cx /= n; cy /= n; cz /= n;
    // Cross-covariance S_ab = Σ (m − m̄)_a (r − r̄)_b, and Σ |m − m̄|².
    let sxx = 0, sxy = 0, sxz = 0, syx = 0, syy = 0, syz = 0, szx = 0, szy = 0, szz = 0, mobileSquares = 0;
    const r = this.centred;
    for (let i = 0; i < n; i++) {
      const o = offset + 3 * i;
      const x = source[o] - cx, y = source[o + 1] - cy, z = source[o + 2] - cz;
      const rx = r[3 * i], ry = r[3 * i + 1], rz = r[3 * i + 2];
      sxx += x * rx; sxy += x * ry; sxz += x * rz;
      syx += y * rx; syy += y * ry; syz += y * rz;
      szx += z * rx; szy += z * ry; szz += z * rz;
      mobileSquares += x * x + y * y + z * z;
    }
    const { values, vectors } = symmetricEigen([
      sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
      syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
      szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
      sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
    ], 4);
    const norm = Math.hypot(vectors[0], vectors[1], vectors[2], vectors[3]);
    const w = vectors[0] / norm, qx = vectors[1] / norm, qy = vectors[2] / norm, qz = vectors[3] / norm;
    const R = this.transform.rotation;
    R[0] = w * w + qx * qx - qy * qy - qz * qz; R[1] = 2 * (qx * qy - w * qz); R[2] = 2 * (qx * qz + w * qy);
    R[3] = 2 * (qx * qy + w * qz); R[4] = w * w - qx * qx + qy * qy - qz * qz; R[5] = 2 * (qy * qz - w * qx);
    R[6] = 2 * (qx * qz - w * qy); R[7] = 2 * (qy * qz + w * qx); R[8] = w * w - qx * qx - qy * qy + qz * qz;
    const c = this.refCentroid;
    const t = this.transform.translation;
    t[0] = c[0] - (R[0] * cx + R[1] * cy + R[2] * cz);
    t[1] = c[1] - (R[3] * cx + R[4] * cy + R[5] * cz);
    t[2] = c[2] - (R[6] * cx + R[7] * cy + R[8] * cz);
    this.rmsd = Math.sqrt(Math.max(0, (mobileSquares + this.refSquares - 2 * values[0]) / n));
    return this.transform;
  }
}
