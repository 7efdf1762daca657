/** One ensemble's summary from a benchmark run. */
export interface Ensemble {
  name: string;
  seconds: number;
  mean: number[];
  variance: number[];
}

/**
 * Checks that ensembles from independent random streams agree: means within 5 standard errors of
 * their difference, variances within 5 standard errors (normal approximation, sd(s²) ≈ s² √(2/(n−1))).
 */
export function lorenzAgreement(ensembles: readonly Ensemble[], n: number): { ok: boolean; lines: string[] } {
  const [ref, ...others] = ensembles;
  const lines: string[] = [];
  let ok = true;
  for (const e of others) {
    for (let j = 0; j < ref.mean.length; j++) {
      const seMean = Math.sqrt((ref.variance[j] + e.variance[j]) / n);
      const seVar = Math.sqrt(2 / (n - 1)) * Math.hypot(ref.variance[j], e.variance[j]);
      const dm = Math.abs(ref.mean[j] - e.mean[j]) / seMean;
      const dv = Math.abs(ref.variance[j] - e.variance[j]) / seVar;
      ok &&= dm < 5 && dv < 5;
      lines.push(`x${j}: mean ${ref.mean[j].toFixed(4)} vs ${e.mean[j].toFixed(4)} (${dm.toFixed(1)} SE), variance ${ref.variance[j].toFixed(4)} vs ${e.variance[j].toFixed(4)} (${dv.toFixed(1)} SE) [${e.name}]`);
    }
  }
  return { ok, lines };
}
