/**
 * Eigen-decomposition of a small real symmetric matrix by the cyclic Jacobi method: plane
 * rotations that zero one off-diagonal entry at a time. Slow for big matrices (O(n³) per sweep)
 * but simple, and accurate to a few ulp of the matrix norm in both values and vectors, which is
 * what Horn's 4 × 4 superposition problem needs.
 */

/** Eigenvalues in descending order and the matching unit eigenvectors. */
export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /** Eigenvectors as rows: vector i is vectors[i*n .. i*n+n−1], for values[i]. */
  readonly vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of the symmetric n × n matrix `matrix` (row-major; only the
 * symmetric part is used). Stops when the off-diagonal mass is below (1e−17 × Frobenius norm)² or
 * after 100 sweeps (quadratic convergence makes 5–10 the usual count).
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  if (matrix.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries for ${n} × ${n}, got ${matrix.length}`);
  const a = new Float64Array(n * n);
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) a[p * n + q] = 0.5 * (matrix[p * n + q] + matrix[q * n + p]);
  const v = new Float64Array(n * n);
  for (let p = 0; p < n; p++) v[p * n + p] = 1;
  const norm2 = a.reduce((sum, value) => sum + value * value, 0);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q] ** 2;
    if (off <= 1e-34 * norm2 || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // Rotation J (c on the diagonal at p, q; s at [p][q], −s at [q][p]) with (JᵀAJ)[p][q] = 0.
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  // Columns of v are the eigenvectors; hand them out as rows, sorted by eigenvalue (stable).
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((column, row) => {
    for (let k = 0; k < n; k++) vectors[row * n + k] = v[k * n + column];
  });
  return { values, vectors };
}
