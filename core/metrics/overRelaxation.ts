/**
 * Chooses the over-relaxation factor ω of Sinkhorn iterations (Thibault et al. 2017; Lehmann et
 * al. 2021: each potential moves ω × its Sinkhorn step, ω ∈ [1, 2)) from the observed decay of
 * the marginal error, using the theory of successive over-relaxation for linear iterations.
 *
 * For an iteration whose plain (ω = 1) contraction rate is θ, Young's relation links the rate λ
 * observed with factor ω to θ: (λ + ω − 1)² = λ ω² θ, and the best factor is
 * ω* = 2 / (1 + √(1 − θ)), giving rate ω* − 1. Sinkhorn is only asymptotically linear and its
 * rate creeps up as the potentials settle, so θ is re-estimated every few steps and ω only grows;
 * if the error blows up or stops improving, ω drops back to 1 for good (plain Sinkhorn always converges).
 */

/** Steps per rate estimate, and plain steps before the first (the first few are transient). */
const WINDOW = 3;
const PLAIN_STEPS = 5;
/** Upper bound on ω: closer to 2 the iteration becomes fragile. */
const MAX_OMEGA = 1.9;
/** Largest raise of ω per estimate: early estimates undershoot the asymptotic rate, so climb gradually. */
const MAX_STEP_UP = 0.3;

/** Tracks the marginal error and proposes ω for the next iteration. */
export class OverRelaxation {
  /** The factor to use for the next iteration (starts at 1). */
  omega = 1;
  private readonly errors: number[] = [];
  private disabled = false;
  /** Index into errors of the last change of ω (the error then is the bar to beat). */
  private changedAt = 0;

  /** Records the marginal error measured during the iteration just done. */
  observe(error: number): void {
    this.errors.push(error);
    if (this.disabled) return;
    const latest = this.errors.length - 1;
    const bar = this.errors[this.changedAt];
    const since = latest - this.changedAt;
    // Over-relaxation makes the error non-monotone for a few steps after ω changes; give up only on
    // a blow-up or when two windows bring no net progress.
    if (this.omega > 1 && (!(error < 10 * bar) || (since >= 2 * WINDOW && error > bar))) {
      this.omega = 1;
      this.disabled = true;
      return;
    }
    if (since < WINDOW || latest < PLAIN_STEPS) return;
    // Estimate only from a window of steady decay (no transient left from the last change).
    for (let k = latest - WINDOW + 1; k <= latest; k++) if (!(this.errors[k] < this.errors[k - 1])) return;
    const rate = Math.pow(error / this.errors[latest - WINDOW], 1 / WINDOW);
    if (!(rate > 0 && rate < 1)) return;
    const w = this.omega;
    const plainRate = Math.min(0.999, (rate + w - 1) ** 2 / (rate * w * w));
    const best = Math.min(MAX_OMEGA, 2 / (1 + Math.sqrt(1 - plainRate)));
    if (best > w + 0.02) {
      this.omega = Math.min(best, w + MAX_STEP_UP);
      this.changedAt = latest;
    }
  }
}
