import type { IntegrateStage } from '../compile/plan.ts';
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

/**
 * Inlines a field (drift or diffusion) at state `at` and time `t`; returns its components. The
 * dialect's `inline` renders it when set (kernels of stages with networks, see networkFields.ts).
 */
export function evalField(d: Dialect, fn: IRFunction, at: readonly string[], t: string, prefix: string, lines: string[]): string[] {
  const r = d.inline ? d.inline(fn, { params: [at, [t]] }, prefix) : renderScalarFunction(fn, { params: [at, [t]] }, prefix, d);
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

/** How a Langevin corrector draws and sizes its steps (see core/solvers/predictorCorrector.ts). */
export interface CorrectorCode {
  steps: number;
  snr: number;
  /** Source of iteration c's normal for component j. */
  normal: (c: number, j: number) => string;
  /** Source of a state-independent step ε (annealed Langevin); omitted: ε from the norms. */
  fixedStep?: string;
}

/**
 * Langevin corrector iterations of a predictor–corrector step at state `xs` and time `t`:
 * x ← x + ε s + √(2ε) z, with ε = 2 (snr ‖z‖ / ‖s‖)² (norms over the particle's state; ε = 0 where
 * s = 0) or the given fixed step. Pushes the statements and returns the corrected state's names.
 */
export function langevinCorrector(d: Dialect, score: IRFunction, xs: readonly string[], t: string, code: CorrectorCode, lines: string[]): string[] {
  let cur = xs;
  for (let c = 0; c < code.steps; c++) {
    const s = evalField(d, score, cur, t, `lc${c}_s_`, lines);
    const zs = cur.map((_, j) => code.normal(c, j));
    let eps = code.fixedStep;
    if (eps === undefined) {
      lines.push(d.declare(`lc${c}_zz`, `(${zs.map((z) => `${z} * ${z}`).join(' + ')})`));
      lines.push(d.declare(`lc${c}_ss`, `(${s.map((v) => `${v} * ${v}`).join(' + ')})`));
      const ratio = `${d.number(2 * code.snr * code.snr)} * lc${c}_zz / lc${c}_ss`;
      lines.push(d.declare(`lc${c}_eps`, d.select(d.binary.lt(d.number(0), `lc${c}_ss`), ratio, d.number(0))));
      lines.push(d.declare(`lc${c}_amp`, d.unary.sqrt(`${d.number(2)} * lc${c}_eps`)));
      eps = `lc${c}_eps`;
    }
    const amp = code.fixedStep === undefined ? `lc${c}_amp` : 'lc_amp';
    if (code.fixedStep !== undefined && c === 0) lines.push(d.declare('lc_amp', d.unary.sqrt(`${d.number(2)} * ${eps}`)));
    cur = cur.map((x, j) => {
      lines.push(d.declare(`lc${c}_x${j}`, `${x} + ${eps} * ${s[j]} + ${amp} * ${zs[j]}`));
      return `lc${c}_x${j}`;
    });
  }
  return [...cur];
}

/**
 * One predictor–corrector step (see core/solvers/predictorCorrector.ts) from `xs` at time `t` with
 * step `dt` and Brownian increments `dWs`; the corrector's normals come from `normal(c, j)`. Pushes
 * the statements and returns the new state's expressions (shared by both backends).
 */
export function predictorCorrectorStep(d: Dialect, stage: IntegrateStage, xs: readonly string[], dWs: readonly string[], t: string, dt: string, normal: (c: number, j: number) => string, lines: string[]): string[] {
  const method = stage.method;
  const pc = method.kind === 'sde' ? method.predictorCorrector : undefined;
  if (method.kind !== 'sde' || !pc || !stage.diffusion) throw new Error(`solver '${stage.nodeId}': not a predictor–corrector stage`);
  const needsSchedule = pc.predictor === 'reverse_diffusion' || (pc.corrector === 'annealed_langevin' && pc.correctorSteps > 0);
  if (needsSchedule && !pc.schedule) throw new Error(`solver '${stage.nodeId}': ${pc.predictor === 'reverse_diffusion' ? 'the reverse_diffusion predictor' : 'the annealed Langevin corrector'} needs the forward SDE's schedule`);
  if ((pc.correctorSteps > 0 || pc.predictor === 'reverse_diffusion') && !stage.score) throw new Error(`solver '${stage.nodeId}': the predictor–corrector has no score`);
  // (τ, h) → [a, G², σ²], once per step.
  let sched: string[] = [];
  if (needsSchedule && pc.schedule) {
    const r = renderScalarFunction(pc.schedule, { params: [[t], [dt]] }, 'pcs_', d);
    lines.push(...r.lines);
    sched = r.outputs.flat();
  }
  let at: readonly string[] = xs;
  if (pc.correctorSteps > 0 && stage.score) {
    let fixedStep: string | undefined;
    if (pc.corrector === 'annealed_langevin') {
      lines.push(d.declare('lc_eps', `${d.number(2 * pc.snr * pc.snr)} * ${sched[2]}`));
      fixedStep = 'lc_eps';
    }
    at = langevinCorrector(d, stage.score, xs, t, { steps: pc.correctorSteps, snr: pc.snr, normal, fixedStep }, lines);
  }
  if (pc.predictor === 'euler_maruyama' || !stage.score) {
    return sdeStep(d, method, { drift: stage.drift, diffusion: stage.diffusion, diffusionDerivative: stage.diffusionDerivative }, at, dWs, t, dt, lines);
  }
  // Reverse diffusion: x ← x − (a − 1) x + G² s + G z, z = dW / √dt.
  const [a, g2] = sched;
  lines.push(d.declare('rd_amp', d.unary.sqrt(`${d.binary.max(g2, d.number(0))} / ${dt}`)));
  const s = evalField(d, stage.score, at, t, 'rds_', lines);
  return at.map((x, j) => `(${d.number(2)} - ${a}) * ${x} + ${g2} * ${s[j]} + rd_amp * ${dWs[j]}`);
}
