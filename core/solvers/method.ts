import type { IRFunction } from '../ir/types.ts';

/**
 * Solvers as data (as in diffrax): an ODE method is a Butcher tableau fed to one Runge–Kutta
 * stepper; an SDE method is a stochastic Runge–Kutta table (diagonal noise, one Wiener increment
 * per component and step) fed to one SDE stepper. Adding a method means adding a table.
 */

/** Explicit Runge–Kutta coefficients: stage i uses a[i][j] for j < i; nodes c; weights b. */
export interface ButcherTableau {
  readonly a: readonly (readonly number[])[];
  readonly b: readonly number[];
  readonly c: readonly number[];
  /** Weights of the embedded lower-order solution, for adaptive step control. */
  readonly bEmbedded?: readonly number[];
}

/** An ODE method. Ignores the diffusion input. */
export interface OdeMethod {
  readonly kind: 'ode';
  readonly name: string;
  /** Global order of accuracy. */
  readonly order: number;
  /** Adaptive methods choose their own steps from `rtol` / `atol`. */
  readonly adaptive: boolean;
  readonly tableau: ButcherTableau;
  /** One line for docs: order, fixed or adaptive. */
  readonly summary: string;
}

/**
 * An SDE method for dX = f dt + g ∘ dW with diagonal g. Stage i:
 *   H_i = X + dt Σ_j A[i][j] f(H_j) + ΔW ⊙ Σ_j B[i][j] g(H_j),
 * then X' = X + dt Σ_i α_i f(H_i) + ΔW ⊙ Σ_i β_i g(H_i)
 *           (+ ½ g ∂g/∂x (ΔW² − dt) when `milstein`).
 */
export interface SdeMethod {
  readonly kind: 'sde';
  readonly name: string;
  /** Which stochastic integral the method converges to. */
  readonly calculus: 'ito' | 'stratonovich';
  readonly strongOrder: number;
  readonly weakOrder: number;
  readonly A: readonly (readonly number[])[];
  readonly B: readonly (readonly number[])[];
  readonly alpha: readonly number[];
  readonly beta: readonly number[];
  /** Adds the Milstein term, which needs ∂g_i/∂x_i (taken symbolically from the IR). */
  readonly milstein: boolean;
  readonly summary: string;
  /**
   * Predictor–corrector sampling of a reverse-time SDE (see predictorCorrector.ts): Langevin
   * corrector steps with the score before each step, and the predictor (this table, or the
   * reverse-diffusion step). Absent for plain SDE methods.
   */
  readonly predictorCorrector?: PredictorCorrector;
}

/**
 * The settings of a predictor–corrector method (score_sde's PC sampler), per solver node: they
 * come from its params, so the method object is built when the node is resolved.
 */
export interface PredictorCorrector {
  /** 'euler_maruyama': the method's table on the reverse SDE; 'reverse_diffusion': see predictorCorrector.ts. */
  readonly predictor: 'euler_maruyama' | 'reverse_diffusion';
  /**
   * 'langevin': step ε = 2 (r ‖z‖ / ‖s‖)², norms over the particle; 'annealed_langevin': ε = 2 (r σ_t)²
   * with σ_t of the forward SDE (score_sde's AnnealedLangevinDynamics).
   */
  readonly corrector: 'langevin' | 'annealed_langevin';
  /** Langevin corrector iterations per step (0: predictor only). */
  readonly correctorSteps: number;
  /** Target signal-to-noise ratio r of the corrector. */
  readonly snr: number;
  /**
   * reverse_diffusion and annealed_langevin only: (τ, h) → [a, G², σ²] of the forward SDE at
   * t = T − τ: its exact step from t − h to t is x ↦ a x + G z, and σ² its perturbation variance.
   */
  readonly schedule?: IRFunction;
}

export type SolverMethod = OdeMethod | SdeMethod;

/** Number of stages of a method. */
export function stageCount(method: SolverMethod): number {
  return method.kind === 'ode' ? method.tableau.b.length : method.alpha.length;
}
