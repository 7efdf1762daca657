import type { IntegrateStage } from '../../compile/plan.ts';
import { interpretIR } from '../../ir/interpret.ts';
import type { OdeMethod, SdeMethod } from '../../solvers/method.ts';
import type { BatchedField } from './fields.ts';
import type { StageNoise } from './noise.ts';

/** The fields of a stage, each evaluated over a block of particles. */
export interface StepFields {
  drift: BatchedField;
  diffusion?: BatchedField;
  diffusionDerivative?: BatchedField;
  score?: BatchedField;
}

/**
 * Bytes of Brownian increments and corrector normals held at once for a block of particles: runs
 * of base intervals are sized to fit, and integrate.ts bounds the block so that one base does.
 */
export const NOISE_BUDGET_BYTES = 32 * 2 ** 20;

/**
 * One step of the stage's method for `n` particles (p0 … p0 + n − 1) whose states are `x`
 * ([n, d], updated in place): returns `step(s)`, to be called for s = 0, 1, …, steps − 1 in order.
 * The arithmetic is that of stepCode.ts (rkStages + rkCombine, sdeStep, predictorCorrectorStep)
 * with each field evaluated for all n particles at once. A step is asynchronous because a field
 * may run an imported model (onnxruntime); fields without one are awaited only when they return
 * a promise, so their steps cost one microtask more than a plain call.
 */
export function stepMethod(stage: IntegrateStage, fields: StepFields, x: Float64Array, p0: number, n: number, noise?: StageNoise): (s: number) => Promise<void> {
  const method = stage.method;
  if (method.kind === 'ode') return odeStepper(stage, method, fields, x, n);
  if (!noise) throw new Error(`solver '${stage.nodeId}': an SDE stage needs its noise`);
  return sdeStepper(stage, method, fields, x, p0, n, noise);
}

function odeStepper(stage: IntegrateStage, method: OdeMethod, fields: StepFields, x: Float64Array, n: number): (s: number) => Promise<void> {
  const { t0, t1, steps } = stage.grid;
  const DT = (t1 - t0) / steps;
  const { a, b, c } = method.tableau;
  const size = n * stage.dims;
  const ks = a.map(() => new Float64Array(x.length));
  const y = new Float64Array(x.length);
  return async (s) => {
    const t = t0 + s * DT;
    for (let i = 0; i < a.length; i++) {
      const row = a[i];
      let at = x;
      if (row.some((v) => v !== 0)) {
        for (let e = 0; e < size; e++) {
          let v = x[e];
          for (let k = 0; k < i; k++) if (row[k] !== 0) v += DT * row[k] * ks[k][e];
          y[e] = v;
        }
        at = y;
      }
      const pending = fields.drift.evaluate(at, n, c[i] === 0 ? t : t + c[i] * DT, ks[i]);
      if (pending) await pending;
    }
    for (let e = 0; e < size; e++) {
      let sum = 0;
      for (let i = 0; i < b.length; i++) if (b[i] !== 0) sum += b[i] * ks[i][e];
      x[e] = x[e] + DT * sum;
    }
  };
}

function sdeStepper(stage: IntegrateStage, method: SdeMethod, fields: StepFields, x: Float64Array, p0: number, n: number, noise: StageNoise): (s: number) => Promise<void> {
  const { t0, t1, steps } = stage.grid;
  const D = stage.dims;
  const DT = (t1 - t0) / steps;
  const size = n * D;
  const { diffusion } = fields;
  if (!diffusion) throw new Error(`SDE solver ${method.name} needs a diffusion`);
  const pc = method.predictorCorrector;
  const C = pc?.correctorSteps ?? 0;
  const perBase = 8 * noise.leaves * size * (1 + C);
  const basesPerBlock = Math.max(1, Math.min(noise.baseIntervals, Math.floor(NOISE_BUDGET_BYTES / perBase)));
  const blockSteps = basesPerBlock * noise.leaves;
  const dw = new Float64Array(blockSteps * size);
  const cz = new Float64Array(C > 0 ? blockSteps * size * C : 0);
  const fs = method.alpha.map(() => new Float64Array(x.length));
  const gs = method.alpha.map(() => new Float64Array(x.length));
  const h = new Float64Array(x.length);
  const dg = new Float64Array(method.milstein ? x.length : 0);
  const cur = new Float64Array(x.length);
  const sc = new Float64Array(x.length);
  let blockStart = 0;
  let blockEnd = 0;

  /** sdeStep: the table's stages from `base` at time t with increments of step k of the block; writes x. */
  const tableStep = async (base: Float64Array, t: number, k: number) => {
    const o = k * size;
    for (let i = 0; i < method.alpha.length; i++) {
      const A = method.A[i];
      const Bi = method.B[i];
      const cI = A.reduce((acc, v) => acc + v, 0);
      let at = base;
      if (A.some((v) => v !== 0) || Bi.some((v) => v !== 0)) {
        for (let e = 0; e < size; e++) {
          let v = base[e];
          for (let m = 0; m < i; m++) if (A[m] !== 0) v += DT * A[m] * fs[m][e];
          for (let m = 0; m < i; m++) if (Bi[m] !== 0) v += dw[o + e] * Bi[m] * gs[m][e];
          h[e] = v;
        }
        at = h;
      }
      const ti = cI === 0 ? t : t + cI * DT;
      const drift = fields.drift.evaluate(at, n, ti, fs[i]);
      if (drift) await drift;
      const g = diffusion.evaluate(at, n, ti, gs[i]);
      if (g) await g;
    }
    if (method.milstein) {
      if (!fields.diffusionDerivative) throw new Error('Milstein needs the diffusion derivative');
      const dgdx = fields.diffusionDerivative.evaluate(base, n, t, dg);
      if (dgdx) await dgdx;
    }
    for (let e = 0; e < size; e++) {
      let f = 0;
      let g = 0;
      for (let i = 0; i < method.alpha.length; i++) {
        if (method.alpha[i] !== 0) f += method.alpha[i] * fs[i][e];
        if (method.beta[i] !== 0) g += method.beta[i] * gs[i][e];
      }
      const dW = dw[o + e];
      const milstein = method.milstein ? 0.5 * gs[0][e] * dg[e] * (dW * dW - DT) : 0;
      x[e] = base[e] + DT * f + dW * g + milstein;
    }
  };

  return async (s) => {
    if (s >= blockEnd) {
      const b0 = s / noise.leaves;
      const nb = Math.min(basesPerBlock, noise.baseIntervals - b0);
      noise.increments(p0, n, b0, nb, dw);
      if (C > 0) noise.correctorNormals(p0, n, s, nb * noise.leaves, cz);
      [blockStart, blockEnd] = [s, s + nb * noise.leaves];
    }
    const k = s - blockStart;
    const t = t0 + s * DT;
    if (!pc) {
      await tableStep(x, t, k);
      return;
    }
    if (!fields.score && (C > 0 || pc.predictor === 'reverse_diffusion')) throw new Error(`solver '${stage.nodeId}': the predictor–corrector has no score`);
    // (τ, h) → [a, G², σ²] of the forward SDE, once per step.
    const sched = pc.schedule ? interpretIR(pc.schedule, [t, DT]).map((v) => v[0]) : [];
    cur.set(x.subarray(0, size));
    for (let c = 0; c < C; c++) {
      const scored = fields.score?.evaluate(cur, n, t, sc);
      if (scored) await scored;
      for (let i = 0; i < n; i++) {
        const zo = (k * n + i) * C * D + c * D;
        let eps: number;
        if (pc.corrector === 'annealed_langevin') {
          eps = 2 * pc.snr * pc.snr * sched[2];
        } else {
          let zz = 0;
          let ss = 0;
          for (let j = 0; j < D; j++) { zz += cz[zo + j] ** 2; ss += sc[i * D + j] ** 2; }
          eps = ss > 0 ? (2 * pc.snr * pc.snr * zz) / ss : 0;
        }
        const amp = Math.sqrt(2 * eps);
        for (let j = 0; j < D; j++) cur[i * D + j] = cur[i * D + j] + eps * sc[i * D + j] + amp * cz[zo + j];
      }
    }
    if (pc.predictor === 'euler_maruyama' || !fields.score) {
      await tableStep(cur, t, k);
      return;
    }
    // Reverse diffusion: x ← (2 − a) x + G² s + √(G²/dt) dW.
    const [a, g2] = sched;
    const amp = Math.sqrt(Math.max(g2, 0) / DT);
    const scored = fields.score.evaluate(cur, n, t, sc);
    if (scored) await scored;
    for (let e = 0; e < size; e++) x[e] = (2 - a) * cur[e] + g2 * sc[e] + amp * dw[k * size + e];
  };
}
