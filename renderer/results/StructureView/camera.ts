import { symmetricEigen } from '../../../core/metrics/symmetricEigen.ts';

/**
 * How to show a structure: turn it by `rotation` (3×3 row-major, rows = the screen's right, up and
 * towards-the-viewer axes in structure coordinates) about `center`, then look at it from
 * `distance` along +z with +y up.
 */
export interface CameraFit {
  center: [number, number, number];
  rotation: [number, number, number, number, number, number, number, number, number];
  /** Distance from the camera to the centre, Å. */
  distance: number;
  /** Half the extent of the atoms along the view direction (plus the margin), Å, for the near and far planes. */
  halfDepth: number;
}

/**
 * A camera that shows the atoms at `positions` (x0 y0 z0 x1 …; non-finite ones ignored) broadside
 * on: the longest principal axis of the atoms runs across the screen, the shortest along the view
 * direction, and the distance makes the extents along the screen's axes (plus `margin` Å for the
 * balls) fit a view of vertical field `fovDegrees` and width/height `aspect`. A helix lies across
 * the screen instead of pointing at the user.
 */
export function fitCamera(positions: ArrayLike<number>, fovDegrees: number, aspect: number, margin = 2): CameraFit | null {
  const n = Math.floor(positions.length / 3);
  const c = [0, 0, 0];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = positions[3 * i + 2];
    if (!Number.isFinite(x + y + z)) continue;
    c[0] += x; c[1] += y; c[2] += z;
    count++;
  }
  if (count === 0) return null;
  for (let k = 0; k < 3; k++) c[k] /= count;
  const cov = new Float64Array(9);
  for (let i = 0; i < n; i++) {
    const d = [positions[3 * i] - c[0], positions[3 * i + 1] - c[1], positions[3 * i + 2] - c[2]];
    if (!Number.isFinite(d[0] + d[1] + d[2])) continue;
    for (let r = 0; r < 3; r++) for (let s = 0; s < 3; s++) cov[3 * r + s] += d[r] * d[s];
  }
  // Principal axes, largest spread first.
  const { vectors } = symmetricEigen(cov, 3);
  const axis = (k: number): [number, number, number] => [vectors[3 * k], vectors[3 * k + 1], vectors[3 * k + 2]];
  const right = axis(0);
  const up = axis(1);
  // Towards the camera: right × up, so the view is not mirrored.
  const back: [number, number, number] = [right[1] * up[2] - right[2] * up[1], right[2] * up[0] - right[0] * up[2], right[0] * up[1] - right[1] * up[0]];
  const half = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const d = [positions[3 * i] - c[0], positions[3 * i + 1] - c[1], positions[3 * i + 2] - c[2]];
    if (!Number.isFinite(d[0] + d[1] + d[2])) continue;
    [right, up, back].forEach((a, k) => (half[k] = Math.max(half[k], Math.abs(d[0] * a[0] + d[1] * a[1] + d[2] * a[2]))));
  }
  const tanV = Math.tan((fovDegrees * Math.PI) / 360);
  const halfDepth = half[2] + margin;
  // The nearest atoms are halfDepth closer than the target, so they must fit at that distance.
  const distance = Math.max((half[0] + margin) / (tanV * aspect), (half[1] + margin) / tanV) + halfDepth;
  return { center: [c[0], c[1], c[2]], rotation: [...right, ...up, ...back], distance, halfDepth };
}
