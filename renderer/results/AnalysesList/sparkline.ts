/**
 * A tiny line chart of a list of numbers as an SVG path, for per-frame and per-residue metrics
 * (RMSD over time, RMSF per residue) in the results panel's metrics list.
 */

/** The path `d` of values drawn left to right in a width × height box (y up); non-finite values break the line. */
export function sparklinePath(values: readonly number[], width: number, height: number, pad = 1): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '';
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi === lo) {
    // A constant: a flat line through the middle.
    lo -= 1;
    hi += 1;
  }
  const n = values.length;
  const x = (i: number) => (n === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1));
  const y = (v: number) => height - pad - ((v - lo) * (height - 2 * pad)) / (hi - lo);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${round(x(i))} ${round(y(v))}`;
    pen = true;
  });
  return d;
}

/** Smallest, largest and mean of the finite values (NaN each when there is none). */
export function summarize(values: readonly number[]): { min: number; max: number; mean: number } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { min: NaN, max: NaN, mean: NaN };
  return { min: Math.min(...finite), max: Math.max(...finite), mean: finite.reduce((a, b) => a + b, 0) / finite.length };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
