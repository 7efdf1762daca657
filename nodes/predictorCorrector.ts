import { NodeInputError, type NodeContext, type Params, type SolverDefinition } from '../core/graph/catalog.ts';
import { IRBuilder } from '../core/ir/builder.ts';
import { SCALAR, type IRFunction } from '../core/ir/types.ts';
import { validateIR } from '../core/ir/validate.ts';
import { emitPerturbation, emitTransition } from '../core/sde/schedulesIR.ts';
import type { PredictorCorrector, SdeMethod } from '../core/solvers/method.ts';
import { DEFAULT_SNR, PREDICTOR_CORRECTOR, predictorCorrectorMethod } from '../core/solvers/predictorCorrector.ts';
import { isReverseProcess } from './processes.ts';
import { checkGrid, COMMON, DIFFUSION, DRIFT, ENSEMBLE, INITIAL, OUTPUTS, STEPS } from './solvers.ts';

/**
 * (τ, h) → [a, G², σ²] of the forward SDE behind the process.reverse_sde on input `score` (or else
 * `drift`) at t = T − τ (see PredictorCorrector.schedule), for the reverse-diffusion predictor and
 * the annealed Langevin corrector; a NodeInputError naming `param` when neither comes from one.
 */
function forwardSchedule(ctx: NodeContext, param: string, what: string): IRFunction {
  const info = [ctx.input('score'), ctx.input('drift')].find((v) => isReverseProcess(v) && v.forward);
  if (!isReverseProcess(info) || !info.forward) {
    throw new NodeInputError(`${what} needs the forward SDE's schedule: connect 'score' (or 'drift') from process.reverse_sde `
      + `whose drift comes from drift.vp, drift.subvp or drift.ve, or choose another ${param}`, param);
  }
  const b = new IRBuilder('forward_schedule', [{ name: 'tau', type: SCALAR }, { name: 'h', type: SCALAR }]);
  const t = b.sub(b.constant(info.T), b.param(0));
  const { a, g2 } = emitTransition(b, info.forward, t, b.param(1));
  const fn = b.build([a, g2, emitPerturbation(b, info.forward, t).variance]);
  const bad = validateIR(fn);
  if (bad.length > 0) throw new Error(`internal error building the forward schedule: ${bad.join('; ')}`);
  return fn;
}

function settingsOf(p: Params, ctx: NodeContext): PredictorCorrector {
  const predictor = p.predictor === 'reverse_diffusion' ? 'reverse_diffusion' : 'euler_maruyama';
  const corrector = p.corrector === 'langevin' ? 'langevin' : 'annealed_langevin';
  const correctorSteps = p.corrector_steps as number;
  const schedule = predictor === 'reverse_diffusion' ? forwardSchedule(ctx, 'predictor', 'the reverse_diffusion predictor')
    : corrector === 'annealed_langevin' && correctorSteps > 0 ? forwardSchedule(ctx, 'corrector', 'the annealed_langevin corrector') : undefined;
  return { predictor, corrector, correctorSteps, snr: p.snr as number, ...(schedule ? { schedule } : {}) };
}

/** Predictor–corrector sampler of a reverse-time SDE (score_sde's PC sampler). */
export const predictorCorrectorSolver: SolverDefinition = {
  role: 'solver', type: 'solver.predictor_corrector', title: 'Predictor–corrector',
  doc: 'Predictor–corrector sampling (Song et al. 2021): each step runs corrector_steps Langevin steps with the score, '
    + 'x ← x + ε s + √(2ε) z (ε: see corrector), then one predictor step: Euler–Maruyama on drift and '
    + 'diffusion, or reverse_diffusion (the forward SDE\'s exact one-step transition reversed, as score_sde\'s ReverseDiffusionPredictor; '
    + 'needs drift from process.reverse_sde fed by drift.vp / subvp / ve). Connect drift, diffusion and score from one process.reverse_sde '
    + '(all in the reversed clock) and run t0 = 0 to t1 = T − ε from the prior. Itô, weak order 1, fixed step; the Brownian increments are '
    + 'those of solver.euler_maruyama with the same seed, the corrector draws from a stream of its own.',
  inputs: [INITIAL, DRIFT, DIFFUSION, { name: 'score', type: 'score', required: true, doc: 'The score for the corrector, in the solver\'s clock (the score output of process.reverse_sde).' }],
  outputs: OUTPUTS,
  params: [
    ...COMMON, STEPS,
    { name: 'corrector_steps', kind: 'integer', default: 1, min: 0, max: 20, doc: 'Langevin corrector steps per step (0: predictor only).' },
    {
      name: 'corrector', kind: 'enum', default: 'annealed_langevin', options: ['annealed_langevin', 'langevin'],
      doc: 'annealed_langevin: ε = 2 (snr σ_t)² with σ_t of the forward SDE (score_sde\'s AnnealedLangevinDynamics; needs score from process.reverse_sde fed by drift.vp / subvp / ve). '
        + 'langevin: ε = 2 (snr ‖z‖/‖s‖)² with norms over the particle (score_sde\'s formula without its batch average): ε then depends on the state and the chain '
        + 'does not sample the target in low dimensions (2-d N(0, I): E x² in the tens after 500 steps), biased in high ones (+15 % variance in 32-d); use it only for scores without a schedule.',
    },
    { name: 'snr', kind: 'number', default: DEFAULT_SNR, min: 0, exclusiveMin: true, doc: 'Target signal-to-noise ratio r of the corrector (score_sde: 0.16 for VP / sub-VP; 0.16 or 0.075 for VE).' },
    { name: 'predictor', kind: 'enum', default: 'euler_maruyama', options: ['euler_maruyama', 'reverse_diffusion'], doc: 'Predictor step: Euler–Maruyama on the reverse SDE, or the reversed exact forward transition (reverse diffusion).' },
    ...ENSEMBLE,
  ],
  check: (p) => checkGrid(p, false),
  resolve: (p, ctx): SdeMethod => predictorCorrectorMethod(settingsOf(p, ctx)),
  method: PREDICTOR_CORRECTOR,
};

export const PREDICTOR_CORRECTOR_SOLVERS = [predictorCorrectorSolver];
