import type { Params, ParamSpec, PortSpec, SolverDefinition } from '../core/graph/catalog.ts';
import type { Problem } from '../core/graph/types.ts';
import type { SolverMethod } from '../core/solvers/method.ts';
import { ALL_METHODS } from '../core/solvers/tableaux.ts';

/** Outputs of every solver node: final samples, trajectory and saved times. */
export const OUTPUTS: PortSpec[] = [
  { name: 'samples', type: 'samples', doc: 'Final states, shape [particles, d].' },
  { name: 'trajectory', type: 'trajectory', doc: 'States at the record + 1 saved times, shape [record + 1, particles, d].' },
  { name: 'times', type: 'times', doc: 'The saved times, shape [record + 1].' },
];

/** The `initial` input of every solver. */
export const INITIAL: PortSpec = { name: 'initial', type: 'distribution', required: true, doc: 'Where the particles start.' };
/** The `drift` input of every solver. */
export const DRIFT: PortSpec = { name: 'drift', type: 'drift', required: true, doc: 'The drift f(x, t).' };
/** The `diffusion` input of SDE solvers. */
export const DIFFUSION: PortSpec = { name: 'diffusion', type: 'diffusion', required: true, doc: 'The diagonal diffusion g(x, t).' };

/** Time-span params of every solver. */
export const COMMON: ParamSpec[] = [
  { name: 't0', kind: 'number', default: 0, doc: 'Start time.' },
  { name: 't1', kind: 'number', default: 1, doc: 'End time (greater than t0).' },
];
/** Ensemble params of every solver: particles, seed, record. */
export const ENSEMBLE: ParamSpec[] = [
  { name: 'particles', kind: 'integer', default: 1000, min: 1, max: 2 ** 31 - 1, doc: 'Number of independent particles (trajectories).' },
  { name: 'seed', kind: 'integer', default: 0, min: 0, max: 2 ** 32 - 1, doc: 'Random seed: the same seed gives the same Brownian paths on every backend and thread count.' },
  { name: 'record', kind: 'integer', default: 0, min: 0, max: 100000, doc: 'Saved intervals: 0 keeps only the final state, K keeps K + 1 evenly spaced time points.' },
];
/** The step count of fixed-step solvers. */
export const STEPS: ParamSpec = { name: 'steps', kind: 'integer', default: 100, min: 1, max: 2 ** 31 - 1, doc: 'Number of equal time steps.' };
const TOLERANCES: ParamSpec[] = [
  { name: 'rtol', kind: 'number', default: 1e-6, min: 0, exclusiveMin: true, doc: 'Relative error tolerance per step.' },
  { name: 'atol', kind: 'number', default: 1e-9, min: 0, exclusiveMin: true, doc: 'Absolute error tolerance per step.' },
  { name: 'max_steps', kind: 'integer', default: 100000, min: 1, doc: 'Give up on a particle after this many attempted steps.' },
];

/** Problems with a solver's time grid: t1 > t0, and record dividing steps (fixed-step methods). */
export function checkGrid(p: Params, adaptive: boolean): Omit<Problem, 'nodeId'>[] {
  const problems: Omit<Problem, 'nodeId'>[] = [];
  if (!((p.t1 as number) > (p.t0 as number))) problems.push({ param: 't1', message: `t1 (${p.t1}) must be greater than t0 (${p.t0})` });
  const record = p.record as number;
  if (!adaptive && record > 0 && (p.steps as number) % record !== 0) {
    problems.push({ param: 'record', message: `record (${record}) must divide steps (${p.steps}) so that saved times fall on steps; try ${divisorNear(p.steps as number, record)}` });
  }
  return problems;
}

function divisorNear(n: number, k: number): number {
  for (let d = 0; d < k; d++) {
    if (k - d >= 1 && n % (k - d) === 0) return k - d;
    if (n % (k + d) === 0) return k + d;
  }
  return 1;
}

const TITLES: Record<string, string> = {
  euler: 'Euler', heun: 'Heun', rk4: 'RK4', dopri5: 'Dopri5 (adaptive)',
  euler_maruyama: 'Euler–Maruyama', milstein: 'Milstein', stochastic_heun: 'Stochastic Heun',
};

function solverNode(method: SolverMethod): SolverDefinition {
  const sde = method.kind === 'sde';
  const adaptive = method.kind === 'ode' && method.adaptive;
  return {
    role: 'solver', type: `solver.${method.name}`,
    title: TITLES[method.name] ?? method.name,
    doc: `${method.summary}${sde ? '' : ' An ODE solver: a connected diffusion is not allowed.'}`,
    inputs: sde ? [INITIAL, DRIFT, DIFFUSION] : [INITIAL, DRIFT],
    outputs: OUTPUTS,
    params: [...COMMON, ...(adaptive ? TOLERANCES : [STEPS]), ...ENSEMBLE],
    check: (p) => checkGrid(p, adaptive),
    method,
  };
}

export const SOLVERS: SolverDefinition[] = ALL_METHODS.map(solverNode);
