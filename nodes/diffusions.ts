import type { FieldDefinition } from '../core/graph/catalog.ts';
import { checkExpressions, expressionParams, lowerExpressions } from './expressionField.ts';
import { DIFFUSION_OUT, lengthOf, perComponent } from './ports.ts';

/** Additive noise. */
export const constantDiffusion: FieldDefinition = {
  role: 'field', type: 'diffusion.constant', title: 'Constant diffusion',
  doc: 'Additive noise g = sigma (diagonal): dX_j = … + sigma_j dW_j.',
  inputs: [], outputs: [DIFFUSION_OUT],
  params: [{ name: 'sigma', kind: 'number_or_vector', default: 1, min: 0, doc: 'Noise amplitude: one number for all components, or one per component.' }],
  dimension: (p) => lengthOf(p.sigma),
  field: (p, b, x) => perComponent(p.sigma, x.length).map((s) => b.constant(s)),
};

/** Diagonal multiplicative noise from expressions. */
export const expressionDiffusion: FieldDefinition = {
  role: 'field', type: 'diffusion.expression', title: 'Diffusion (expression)',
  doc: 'Diagonal diffusion g_j(x, t), one expression per state component (e.g. "0.2*x[0]" for geometric Brownian motion). Milstein differentiates it symbolically.',
  inputs: [], outputs: [DIFFUSION_OUT],
  params: expressionParams(['1'], 'One expression per state component; their number is the state dimension.'),
  check: checkExpressions,
  dimension: (p) => (p.expr as string[]).length,
  field: (p, b, x, t) => lowerExpressions(p, b, x, t),
};

export const DIFFUSIONS = [constantDiffusion, expressionDiffusion];
