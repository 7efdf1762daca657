import type { FieldDefinition } from '../core/graph/catalog.ts';
import { checkExpressions, expressionParams, lowerExpressions } from './expressionField.ts';
import { DRIFT_OUT, lengthOf, perComponent } from './ports.ts';

/** A drift written as one expression per component. */
export const expressionDrift: FieldDefinition = {
  role: 'field', type: 'drift.expression', title: 'Drift (expression)',
  doc: 'Drift f(x, t) given as one expression per state component, using x[i], t, constants, + - * / ^ and sin cos tan exp log sqrt tanh sigmoid abs min max pow.',
  inputs: [], outputs: [DRIFT_OUT],
  params: expressionParams(['-x[0]'], 'One expression per state component; their number is the state dimension.'),
  check: checkExpressions,
  dimension: (p) => (p.expr as string[]).length,
  field: (p, b, x, t) => lowerExpressions(p, b, x, t),
};

/** Ornstein–Uhlenbeck mean reversion. */
export const ouDrift: FieldDefinition = {
  role: 'field', type: 'drift.ou', title: 'Ornstein–Uhlenbeck drift',
  doc: 'Mean reversion f(x) = theta · (mu − x), componentwise. With constant diffusion sigma the stationary law is N(mu, sigma²/(2 theta)).',
  inputs: [], outputs: [DRIFT_OUT],
  params: [
    { name: 'theta', kind: 'number_or_vector', default: 1, min: 0, doc: 'Rate of mean reversion (one, or one per component).' },
    { name: 'mu', kind: 'number_or_vector', default: 0, doc: 'Long-run mean (one, or one per component).' },
  ],
  check: (p) => {
    const a = lengthOf(p.theta);
    const m = lengthOf(p.mu);
    return a !== undefined && m !== undefined && a !== m ? [{ param: 'mu', message: `mu has ${m} entries but theta has ${a}` }] : [];
  },
  dimension: (p) => lengthOf(p.mu) ?? lengthOf(p.theta),
  field: (p, b, x) => {
    const theta = perComponent(p.theta, x.length);
    const mu = perComponent(p.mu, x.length);
    return x.map((xj, j) => b.mul(b.constant(theta[j]), b.sub(b.constant(mu[j]), xj)));
  },
};

/** The Lorenz-63 system. */
export const lorenzDrift: FieldDefinition = {
  role: 'field', type: 'drift.lorenz', title: 'Lorenz-63 drift',
  doc: 'Lorenz-63: f = (sigma (y − x), x (rho − z) − y, x y − beta z). State dimension 3; chaotic for the classic sigma 10, rho 28, beta 8/3.',
  inputs: [], outputs: [DRIFT_OUT],
  params: [
    { name: 'sigma', kind: 'number', default: 10, doc: 'Prandtl number σ.' },
    { name: 'rho', kind: 'number', default: 28, doc: 'Rayleigh number ρ.' },
    { name: 'beta', kind: 'number', default: 8 / 3, doc: 'Geometric factor β.' },
  ],
  dimension: () => 3,
  field: (p, b, x) => {
    const [X, Y, Z] = x;
    const c = (name: string) => b.constant(p[name] as number);
    return [
      b.mul(c('sigma'), b.sub(Y, X)),
      b.sub(b.mul(X, b.sub(c('rho'), Z)), Y),
      b.sub(b.mul(X, Y), b.mul(c('beta'), Z)),
    ];
  },
};

/** Gradient drift of the double-well potential V(x) = a (x² − 1)², componentwise. */
export const doubleWellDrift: FieldDefinition = {
  role: 'field', type: 'drift.double_well', title: 'Double-well drift',
  doc: 'Overdamped Langevin drift f = −V′(x) = −4a x (x² − 1) of the double well V(x) = a (x² − 1)², per component; minima at ±1, barrier height a.',
  inputs: [], outputs: [DRIFT_OUT],
  params: [{ name: 'a', kind: 'number', default: 0.25, min: 0, doc: 'Barrier height a (0.25 gives f = x − x³).' }],
  dimension: () => undefined,
  field: (p, b, x) => x.map((xj) => b.mul(b.constant(-4 * (p.a as number)), b.mul(xj, b.sub(b.mul(xj, xj), b.constant(1))))),
};

export const DRIFTS = [expressionDrift, ouDrift, lorenzDrift, doubleWellDrift];
