import type { IRFunction } from '../ir/types.ts';
import type { OdeMethod, SdeMethod } from '../solvers/method.ts';
import { renderScalarFunction, type Dialect } from './renderScalar.ts';

/**
 * The arithmetic of one step of a solver, as statements of any dialect. Both backends build their
 * kernels from these, so a method table means the same thing on the CPU and the GPU; only the loop
 * scaffolding, the random numbers and the stores differ per backend.
 */

/** `w * expr` as source, dropping a weight of 1 (weights come from the method tables). */
function weighted(d: Dialect, w: number, expr: string): string {
  return w === 1 ? expr : `${d.number(w)} * ${expr}`;
}

/** Sum of weighted terms with zero weights left out. */
export function weightedSum(d: Dialect, weights: readonly number[], terms: readonly string[]): string {
  return weights.map((w, i) => (w === 0 ? '' : weighted(d, w, terms[i]))).filter(Boolean).join(' + ');
}

/** Inlines a field (drift or diffusion) at state `at` and time `t`; returns its components. */
export function evalField(d: Dialect, fn: IRFunction, at: readonly string[], t: string, prefix: string, lines: string[]): string[] {
  const r = renderScalarFunction(fn, { params: [at, [t]] }, prefix, d);
  lines.push(...r.lines);
  return r.outputs.flat();
}

/**
 * Explicit Runge–Kutta stages of a step of size `dt` from state `xs` at time `t`: pushes the
 * statements and returns k_i (the drift at each stage).
 */
export function rkStages(d: Dialect, method: OdeMethod, drift: IRFunction, xs: readonly string[], t: string, dt: string, prefix: string, lines: string[]): string[][] {
  const { a, c } = method.tableau;
  const ks: string[][] = [];
  for (let i = 0; i < a.length; i++) {
    const at = xs.map((x, j) => {
      const terms = a[i].map((aij, k) => (aij === 0 ? '' : ` + ${dt} * ${weighted(d, aij, ks[k][j])}`)).join('');
      if (!terms) return x;
      lines.push(d.declare(`${prefix}y${i}_${j}`, `(${x}${terms})`));
      return `${prefix}y${i}_${j}`;
    });
    const tStage = c[i] === 0 ? t : `(${t} + ${d.number(c[i])} * ${dt})`;
    ks.push(evalField(d, drift, at, tStage, `${prefix}k${i}_`, lines));
  }
  return ks;
}

/** x + dt Σ w_i k_i, per component. */
export function rkCombine(d: Dialect, xs: readonly string[], ks: readonly string[][], weights: readonly number[], dt: string): string[] {
  return xs.map((x, j) => `${x} + ${dt} * (${weightedSum(d, weights, ks.map((k) => k[j]))})`);
}

/** The fields an SDE step evaluates. */
export interface SdeFields {
  drift: IRFunction;
  diffusion: IRFunction;
  /** ∂g_i/∂x_i, for Milstein. */
  diffusionDerivative?: IRFunction;
}

/**
 * One stochastic Runge–Kutta step (see SdeMethod) from `xs` at time `t` with step `dt` and
 * Wiener increments `dWs`: pushes the statements and returns the new state's expressions.
 */
export function sdeStep(d: Dialect, method: SdeMethod, fields: SdeFields, xs: readonly string[], dWs: readonly string[], t: string, dt: string, lines: string[]): string[] {
  const fs: string[][] = [];
  const gs: string[][] = [];
  method.alpha.forEach((_, i) => {
    const cI = method.A[i].reduce((acc, v) => acc + v, 0);
    const at = xs.map((x, j) => {
      const df = method.A[i].map((a, k) => (a === 0 ? '' : ` + ${dt} * ${weighted(d, a, fs[k][j])}`)).join('');
      const dg = method.B[i].map((bb, k) => (bb === 0 ? '' : ` + ${dWs[j]} * ${weighted(d, bb, gs[k][j])}`)).join('');
      if (!df && !dg) return x;
      lines.push(d.declare(`h${i}_${j}`, `${x}${df}${dg}`));
      return `h${i}_${j}`;
    });
    const tStage = cI === 0 ? t : `(${t} + ${d.number(cI)} * ${dt})`;
    fs.push(evalField(d, fields.drift, at, tStage, `f${i}_`, lines));
    gs.push(evalField(d, fields.diffusion, at, tStage, `g${i}_`, lines));
  });
  let milstein: string[] = [];
  if (method.milstein) {
    if (!fields.diffusionDerivative) throw new Error('Milstein needs the diffusion derivative');
    const dg = evalField(d, fields.diffusionDerivative, xs, t, 'dg_', lines);
    milstein = dg.map((v, j) => ` + ${d.number(0.5)} * ${gs[0][j]} * ${v} * (${dWs[j]} * ${dWs[j]} - ${dt})`);
  }
  return xs.map((x, j) => {
    const drift = weightedSum(d, method.alpha, fs.map((f) => f[j]));
    const noise = weightedSum(d, method.beta, gs.map((g) => g[j]));
    return `${x} + ${dt} * (${drift}) + ${dWs[j]} * (${noise})${milstein[j] ?? ''}`;
  });
}

/**
 * An embedded Runge–Kutta pair's candidate and error estimate: declares `n_j` (the higher-order
 * solution) and `err` (RMS of the error scaled by ATOL + RTOL·max(|x|, |n|)).
 */
export function embeddedStep(d: Dialect, method: OdeMethod, drift: IRFunction, xs: readonly string[], t: string, h: string, lines: string[]): void {
  const emb = method.tableau.bEmbedded;
  if (!emb) throw new Error(`adaptive method ${method.name} has no embedded weights`);
  const ks = rkStages(d, method, drift, xs, t, h, 'a_', lines);
  const high = rkCombine(d, xs, ks, method.tableau.b, h);
  const low = rkCombine(d, xs, ks, emb, h);
  high.forEach((e, j) => lines.push(d.declare(`n${j}`, e)));
  low.forEach((e, j) => lines.push(d.declare(`e${j}`, `n${j} - (${e})`)));
  const scaled = xs.map((x, j) => {
    const r = `(e${j} / (ATOL + RTOL * ${d.binary.max(d.unary.abs(x), d.unary.abs(`n${j}`))}))`;
    return `${r} * ${r}`;
  });
  lines.push(d.declare('err', d.unary.sqrt(`(${scaled.join(' + ')}) / ${d.number(xs.length)}`)));
}
