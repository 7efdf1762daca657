/**
 * The sample type every distributional metric takes: n points of dimension d, row-major.
 */

/**
 * An empirical sample: `n` points in ℝ^d stored row-major, point i at `data[i*d .. i*d+d-1]`.
 * Every point carries the same weight 1/n.
 *
 * @example
 * // three points in the plane: (0, 0), (1, 0), (0, 2)
 * const triangle: PointSet = { data: new Float64Array([0, 0, 1, 0, 0, 2]), n: 3, d: 2 };
 */
export interface PointSet {
  /** Coordinates, row-major: length exactly n·d, all finite. */
  readonly data: Float32Array | Float64Array;
  /** Number of points (≥ 1). */
  readonly n: number;
  /** Dimension of each point (≥ 1). */
  readonly d: number;
}

/**
 * Checks a point set and returns it unchanged: n and d positive integers, `data.length = n·d`,
 * every coordinate finite. Throws an Error that names the set (`name`), the point and the
 * coordinate at fault.
 */
export function validatePointSet(points: PointSet, name = 'points'): PointSet {
  const { data, n, d } = points;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${name}: n must be a positive integer (number of points), got ${n}`);
  }
  if (!Number.isInteger(d) || d < 1) {
    throw new Error(`${name}: d must be a positive integer (dimension of a point), got ${d}`);
  }
  if (data.length !== n * d) {
    throw new Error(
      `${name}: data has ${data.length} numbers but n·d = ${n}·${d} = ${n * d}; ` +
        'pass row-major coordinates, d numbers per point',
    );
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const point = Math.floor(k / d);
      throw new Error(
        `${name}: coordinate ${k % d} of point ${point} is ${data[k]}; ` +
          'metrics need finite coordinates, so drop or fix that point first',
      );
    }
  }
  return points;
}

/**
 * Builds and validates a point set from flat row-major coordinates. A plain array is copied into a
 * Float64Array; a typed array is used as is (not copied).
 */
export function makePointSet(
  data: Float32Array | Float64Array | readonly number[],
  n: number,
  d: number,
  name = 'points',
): PointSet {
  const stored = data instanceof Float32Array || data instanceof Float64Array ? data : Float64Array.from(data);
  return validatePointSet({ data: stored, n, d }, name);
}

/**
 * Builds and validates a point set from one array per point (all of the same length d).
 *
 * @example
 * pointSetFromRows([[0, 0], [1, 0], [0, 2]]); // n = 3, d = 2
 */
export function pointSetFromRows(rows: readonly (readonly number[])[], name = 'points'): PointSet {
  if (rows.length === 0) throw new Error(`${name}: no points given; a point set needs at least one point`);
  const d = rows[0].length;
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => {
    if (row.length !== d) {
      throw new Error(`${name}: point ${i} has ${row.length} coordinates but point 0 has ${d}; all points need the same dimension`);
    }
    data.set(row, i * d);
  });
  return validatePointSet({ data, n: rows.length, d }, name);
}

/** Throws unless both sets are valid and of the same dimension (what every two-sample metric needs). */
export function assertComparable(a: PointSet, b: PointSet): void {
  validatePointSet(a, 'a');
  validatePointSet(b, 'b');
  if (a.d !== b.d) {
    throw new Error(`a has dimension ${a.d} but b has dimension ${b.d}; compare samples of the same space`);
  }
}

/** Squared Euclidean distance between point i of `x` and point j of `y` (same dimension d). */
export function squaredDistance(x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number, d: number): number {
  let sum = 0;
  for (let k = 0; k < d; k++) {
    const diff = x[i * d + k] - y[j * d + k];
    sum += diff * diff;
  }
  return sum;
}
