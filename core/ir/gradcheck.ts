import { gradient } from './gradient.ts';
import { interpretIR, type InterpreterInput, type RandomDraws } from './interpret.ts';
import { validateIR } from './validate.ts';
import type { IRFunction } from './types.ts';

/** Options of the finite-difference checks. */
export interface GradCheckOptions {
  /** Output to differentiate (default 0). */
  output?: number;
  /** Relative step of the central differences (default 1e-5: truncation ~h², rounding ~ε/h, both ≪ 1e-6). */
  step?: number;
  /** Draws for the function's random ops (held fixed, so the function is deterministic). */
  random?: RandomDraws;
}

/** What a gradient check found: the reverse-mode and finite-difference gradients and their distance. */
export interface GradCheckResult {
  analytic: Float64Array[];
  numeric: Float64Array[];
  /** ‖analytic − numeric‖₂ / ‖numeric‖₂ over all params (the absolute error where the gradient is 0). */
  relativeError: number;
}

function asArray(input: InterpreterInput): Float64Array {
  return typeof input === 'number' ? Float64Array.of(input) : Float64Array.from(input);
}

/**
 * Central finite differences of output `output` of `fn` with respect to the params `wrt`,
 * in float64 through the reference interpreter.
 */
export function finiteDifferenceGradient(fn: IRFunction, inputs: readonly InterpreterInput[], wrt: readonly number[], options: GradCheckOptions = {}): Float64Array[] {
  const h = options.step ?? 1e-5;
  const point = inputs.map(asArray);
  const value = () => interpretIR(fn, point, options.random)[options.output ?? 0][0];
  return wrt.map((p) => {
    const x = point[p];
    const grad = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const x0 = x[k];
      const dx = h * Math.max(1, Math.abs(x0));
      x[k] = x0 + dx;
      const plus = value();
      x[k] = x0 - dx;
      const minus = value();
      x[k] = x0;
      grad[k] = (plus - minus) / (2 * dx);
    }
    return grad;
  });
}

/**
 * Reverse-mode gradient (the `gradient` pass, validated, run by the interpreter) against central
 * finite differences at one point.
 */
export function checkGradient(fn: IRFunction, inputs: readonly InterpreterInput[], wrt: readonly number[], options: GradCheckOptions = {}): GradCheckResult {
  const g = gradient(fn, wrt, { output: options.output });
  const problems = validateIR(g);
  if (problems.length > 0) throw new Error(`gradient of ${fn.name} is not valid IR: ${problems.join('; ')}`);
  const analytic = interpretIR(g, inputs, options.random).slice(1);
  const numeric = finiteDifferenceGradient(fn, inputs, wrt, options);
  let diff = 0;
  let norm = 0;
  analytic.forEach((a, i) => a.forEach((v, k) => {
    diff += (v - numeric[i][k]) ** 2;
    norm += numeric[i][k] ** 2;
  }));
  return { analytic, numeric, relativeError: norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff) };
}
