import type { OdeMethod, SdeMethod, SolverMethod } from './method.ts';

/** Forward Euler. */
export const EULER: OdeMethod = {
  kind: 'ode', name: 'euler', order: 1, adaptive: false,
  tableau: { a: [[]], b: [1], c: [0] },
  summary: 'Explicit Euler: order 1, fixed step.',
};

/** Heun's method (explicit trapezoidal rule). */
export const HEUN: OdeMethod = {
  kind: 'ode', name: 'heun', order: 2, adaptive: false,
  tableau: { a: [[], [1]], b: [0.5, 0.5], c: [0, 1] },
  summary: "Heun's method (explicit trapezoid): order 2, fixed step.",
};

/** The classical fourth-order Runge–Kutta method. */
export const RK4: OdeMethod = {
  kind: 'ode', name: 'rk4', order: 4, adaptive: false,
  tableau: { a: [[], [0.5], [0, 0.5], [0, 0, 1]], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6], c: [0, 0.5, 0.5, 1] },
  summary: 'Classical Runge–Kutta: order 4, fixed step.',
};

/** Dormand–Prince 5(4), with the 4th-order embedded solution for error control. */
export const DOPRI5: OdeMethod = {
  kind: 'ode', name: 'dopri5', order: 5, adaptive: true,
  tableau: {
    a: [
      [],
      [1 / 5],
      [3 / 40, 9 / 40],
      [44 / 45, -56 / 15, 32 / 9],
      [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
      [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
      [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
    ],
    b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
    c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
    bEmbedded: [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40],
  },
  summary: 'Dormand–Prince 5(4): order 5, adaptive step from rtol / atol (error per particle, RMS norm).',
};

/** Euler–Maruyama. */
export const EULER_MARUYAMA: SdeMethod = {
  kind: 'sde', name: 'euler_maruyama', calculus: 'ito', strongOrder: 0.5, weakOrder: 1,
  A: [[]], B: [[]], alpha: [1], beta: [1], milstein: false,
  summary: 'Euler–Maruyama: Itô, strong order 0.5 (1.0 for additive noise), weak order 1, fixed step.',
};

/** Milstein for diagonal noise. */
export const MILSTEIN: SdeMethod = {
  kind: 'sde', name: 'milstein', calculus: 'ito', strongOrder: 1, weakOrder: 1,
  A: [[]], B: [[]], alpha: [1], beta: [1], milstein: true,
  summary: 'Milstein (diagonal noise, ∂g/∂x from the expression): Itô, strong order 1.0, weak order 1, fixed step.',
};

/** Stochastic Heun, the predictor–corrector trapezoid that converges to the Stratonovich solution. */
export const STOCHASTIC_HEUN: SdeMethod = {
  kind: 'sde', name: 'stochastic_heun', calculus: 'stratonovich', strongOrder: 1, weakOrder: 1,
  A: [[], [1]], B: [[], [1]], alpha: [0.5, 0.5], beta: [0.5, 0.5], milstein: false,
  summary: 'Stochastic Heun: Stratonovich, strong order 1.0 for diagonal (commutative) noise, 0.5 in general; weak order 1; fixed step.',
};

/** Every solver, so that tests run over all of them the day one is added. */
export const ALL_METHODS: readonly SolverMethod[] = [EULER, HEUN, RK4, DOPRI5, EULER_MARUYAMA, MILSTEIN, STOCHASTIC_HEUN];
