/**
 * The exact phase of Jonker–Volgenant: for each row left free by the initialisation, a shortest
 * augmenting path in reduced costs c[i][j] − v[j] (Dijkstra over columns), then potential updates
 * that keep every reduced cost of an assigned pair minimal in its row.
 */

/** Assigns each free row by a shortest augmenting path in reduced costs, updating v. */
export function augmentAlongShortestPaths(
  cost: Float64Array, n: number, freeCount: number, freeRows: Int32Array, x: Int32Array, y: Int32Array, v: Float64Array,
): void {
  const pred = new Int32Array(n);
  const cols = new Int32Array(n);
  const dist = new Float64Array(n);
  for (let f = 0; f < freeCount; f++) {
    const start = freeRows[f];
    let j = findPath(cost, n, start, y, v, pred, cols, dist);
    let i = -1;
    while (i !== start) {
      i = pred[j];
      y[j] = i;
      const previous = x[i];
      x[i] = j;
      j = previous;
    }
  }
}

/**
 * Dijkstra from row `start` over columns. cols is split into READY [0, lo), SCAN [lo, hi) (at the
 * current minimum distance) and TODO [hi, n). Returns the free column that ends the path.
 */
function findPath(
  cost: Float64Array, n: number, start: number, y: Int32Array, v: Float64Array,
  pred: Int32Array, cols: Int32Array, dist: Float64Array,
): number {
  for (let j = 0; j < n; j++) {
    cols[j] = j;
    pred[j] = start;
    dist[j] = cost[start * n + j] - v[j];
  }
  let lo = 0;
  let hi = 0;
  let ready = 0;
  let finalColumn = -1;
  while (finalColumn < 0) {
    if (lo === hi) {
      // Move every TODO column at the minimum distance into SCAN.
      ready = lo;
      hi = lo + 1;
      let minDist = dist[cols[lo]];
      for (let k = hi; k < n; k++) {
        const j = cols[k];
        if (dist[j] <= minDist) {
          if (dist[j] < minDist) {
            hi = lo;
            minDist = dist[j];
          }
          cols[k] = cols[hi];
          cols[hi++] = j;
        }
      }
      for (let k = lo; k < hi; k++) if (y[cols[k]] < 0) finalColumn = cols[k];
    }
    if (finalColumn >= 0) break;
    // Scan: relax TODO columns through the rows matched to SCAN columns.
    while (lo !== hi && finalColumn < 0) {
      const jScan = cols[lo++];
      const i = y[jScan];
      const minDist = dist[jScan];
      const row = i * n;
      const h = cost[row + jScan] - v[jScan] - minDist;
      for (let k = hi; k < n; k++) {
        const j = cols[k];
        const reduced = cost[row + j] - v[j] - h;
        if (reduced < dist[j]) {
          dist[j] = reduced;
          pred[j] = i;
          if (reduced === minDist) {
            if (y[j] < 0) {
              finalColumn = j;
              break;
            }
            cols[k] = cols[hi];
            cols[hi++] = j;
          }
        }
      }
    }
  }
  // Update potentials of READY columns so reduced costs stay non-negative.
  const minDist = dist[finalColumn];
  for (let k = 0; k < ready; k++) {
    const j = cols[k];
    v[j] += dist[j] - minDist;
  }
  return finalColumn;
}
