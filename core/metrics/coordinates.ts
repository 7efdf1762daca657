/**
 * Atom coordinates as flat arrays (x0, y0, z0, x1, y1, z1, …) and the checks every structural
 * metric runs on them.
 */

/** Coordinates of N atoms, length 3N, in length units of the caller's choice (usually Å or nm). */
export type Coordinates = Float64Array | Float32Array;

/** Checks length (a positive multiple of 3) and finiteness; returns the atom count N. */
export function atomCount(coords: Coordinates, name = 'coordinates'): number {
  if (coords.length === 0 || coords.length % 3 !== 0) {
    throw new Error(`${name}: length ${coords.length} is not a positive multiple of 3; pass x, y, z for each atom`);
  }
  for (let k = 0; k < coords.length; k++) {
    if (!Number.isFinite(coords[k])) {
      throw new Error(`${name}: ${'xyz'[k % 3]} of atom ${Math.floor(k / 3)} is ${coords[k]}; coordinates must be finite`);
    }
  }
  return coords.length / 3;
}

/** Checks weights (masses): N finite non-negative numbers with a positive sum; returns them (default all 1). */
export function atomWeights(weights: ArrayLike<number> | undefined, atoms: number, name = 'weights'): Float64Array {
  if (weights === undefined) return new Float64Array(atoms).fill(1);
  if (weights.length !== atoms) throw new Error(`${name}: got ${weights.length} values for ${atoms} atoms; pass one per atom`);
  const result = Float64Array.from(weights);
  const bad = result.findIndex((value) => !(value >= 0 && Number.isFinite(value)));
  if (bad >= 0) throw new Error(`${name}: value ${bad} is ${result[bad]}; weights must be finite and ≥ 0`);
  if (!(result.reduce((sum, value) => sum + value, 0) > 0)) throw new Error(`${name}: all zero; at least one atom needs a positive weight`);
  return result;
}

/** Weighted centroid Σ w_k x_k / Σ w_k (3 numbers). */
export function centroid(coords: Coordinates, weights: Float64Array): Float64Array {
  const center = new Float64Array(3);
  let total = 0;
  for (let atom = 0; atom < weights.length; atom++) {
    total += weights[atom];
    for (let k = 0; k < 3; k++) center[k] += weights[atom] * coords[3 * atom + k];
  }
  for (let k = 0; k < 3; k++) center[k] /= total;
  return center;
}
