import { frameOffset, type RecordedStates } from './frames.ts';
import { Superposer } from './superpose.ts';

/** Options of {@link atomRmsf}. */
export interface RmsfOptions {
  /** Superpose each frame on the reference first (default true), so that rigid motion counts for nothing. */
  superpose?: boolean;
}

/**
 * Root-mean-square fluctuation of each atom, in Å, over every recorded slot of the given particles
 * (all their conformations pooled): RMSF_a = √(mean over frames of |x_a − x̄_a|²), where x̄_a is
 * the atom's mean position and each frame is first Kabsch-superposed on `reference` (3 × atoms
 * coordinates, e.g. the structure's first frame). Frames with non-finite coordinates (a diverged
 * particle) are left out.
 *
 * The same quantity as core/metrics `rmsf(frames, reference)` (the tests check it), computed in
 * one streaming pass over the trajectory instead of on a list of superposed copies, so memory
 * stays at a few arrays of the atom count for any number of frames (64 particles × 500 slots of a
 * 5,000-atom protein would be 3.8 GB of copies). Deviations are accumulated from the reference's
 * positions rather than from the origin, so the one-pass variance does not lose digits to large
 * coordinates.
 */
export function atomRmsf(
  r: RecordedStates,
  particles: readonly number[],
  reference: ArrayLike<number>,
  options: RmsfOptions = {},
): Float64Array {
  const n = Math.floor(r.dims / 3);
  const superposer = options.superpose === false ? null : new Superposer(reference);
  const sum = new Float64Array(3 * n);
  const squares = new Float64Array(n);
  const x = r.trajectory;
  let frames = 0;
  for (let slot = 0; slot < r.times.length; slot++) {
    for (const p of particles) {
      const o = frameOffset(r, p, slot);
      if (!allFinite(x, o, 3 * n)) continue;
      const t = superposer?.fit(x, o);
      const R = t?.rotation;
      const T = t?.translation;
      for (let a = 0; a < n; a++) {
        const px = x[o + 3 * a], py = x[o + 3 * a + 1], pz = x[o + 3 * a + 2];
        let dx = px, dy = py, dz = pz;
        if (R && T) {
          dx = R[0] * px + R[1] * py + R[2] * pz + T[0];
          dy = R[3] * px + R[4] * py + R[5] * pz + T[1];
          dz = R[6] * px + R[7] * py + R[8] * pz + T[2];
        }
        dx -= reference[3 * a];
        dy -= reference[3 * a + 1];
        dz -= reference[3 * a + 2];
        sum[3 * a] += dx;
        sum[3 * a + 1] += dy;
        sum[3 * a + 2] += dz;
        squares[a] += dx * dx + dy * dy + dz * dz;
      }
      frames++;
    }
  }
  const out = new Float64Array(n);
  if (frames === 0) return out;
  for (let a = 0; a < n; a++) {
    const mx = sum[3 * a] / frames, my = sum[3 * a + 1] / frames, mz = sum[3 * a + 2] / frames;
    out[a] = Math.sqrt(Math.max(0, squares[a] / frames - (mx * mx + my * my + mz * mz)));
  }
  return out;
}

function allFinite(x: ArrayLike<number>, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}
