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
}

export type SolverMethod = OdeMethod | SdeMethod;

/** Number of stages of a method. */
export function stageCount(method: SolverMethod): number {
  return method.kind === 'ode' ? method.tableau.b.length : method.alpha.length;
}
