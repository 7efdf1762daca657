/**
 * Per-mode statistics of samples of a well-separated Gaussian mixture, for tests of samplers: each
 * point goes to its nearest mean, then the modes' weights, means and variances are compared with
 * another sample's in standard errors. Unlike a W2 between two 2-d samples, whose floor (≈ 0.2 for
 * 1,000–2,000 points) comes from the random share of points per mode, these have known standard
 * errors, so a wrong score or schedule shows as many standard errors even at 2,000 points.
 */

/** Weights, means and (per-coordinate, pooled) variances of the modes of a sample. */
export interface ModeStats {
  n: number;
  counts: number[];
  means: number[][];
  variances: number[];
}

/** Assigns each point of `samples` ([n, d], row-major) to the nearest of `means` and summarises each mode. */
export function modeStats(samples: ArrayLike<number>, means: readonly (readonly number[])[]): ModeStats {
  const d = means[0].length;
  const n = samples.length / d;
  const counts = means.map(() => 0);
  const sums = means.map(() => new Array<number>(d).fill(0));
  const squares = means.map(() => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    means.forEach((m, k) => {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (samples[i * d + j] - m[j]) ** 2;
      if (dist < bestDistance) { bestDistance = dist; best = k; }
    });
    counts[best]++;
    for (let j = 0; j < d; j++) {
      sums[best][j] += samples[i * d + j];
      squares[best][j] += samples[i * d + j] ** 2;
    }
  }
  const modeMeans = sums.map((s, k) => s.map((v) => v / counts[k]));
  const variances = squares.map((sq, k) => sq.reduce((acc, v, j) => acc + (v - counts[k] * modeMeans[k][j] ** 2), 0) / (d * (counts[k] - 1)));
  return { n, counts, means: modeMeans, variances };
}

/** The largest differences between two samples' modes, in standard errors (z-scores). */
export interface ModeGap {
  weights: number;
  means: number;
  variances: number;
}

/** Compares the modes of `a` with those of `b` (e.g. a large exact sample): largest z-scores. */
export function modeGap(a: ModeStats, b: ModeStats): ModeGap {
  const gap = { weights: 0, means: 0, variances: 0 };
  a.counts.forEach((count, k) => {
    const p = b.counts[k] / b.n;
    gap.weights = Math.max(gap.weights, Math.abs(count / a.n - p) / Math.sqrt(p * (1 - p) * (1 / a.n + 1 / b.n)));
    const v = b.variances[k];
    a.means[k].forEach((m, j) => {
      gap.means = Math.max(gap.means, Math.abs(m - b.means[k][j]) / Math.sqrt(v * (1 / count + 1 / b.counts[k])));
    });
    // Variance pooled over d coordinates: its relative standard error is √(2 / (d (n − 1))) per sample.
    const d = a.means[k].length;
    gap.variances = Math.max(gap.variances, Math.abs(a.variances[k] - v) / (v * Math.sqrt(2 / (d * (count - 1)) + 2 / (d * (b.counts[k] - 1)))));
  });
  return gap;
}
