/**
 * Predictor–corrector samplers for reverse-time SDEs (Song et al. 2021, Algorithms 2–3; score_sde's
 * `pc_sampler`). Every step, at reversed time τ:
 *
 * 1. Corrector (`correctorSteps` times): Langevin MCMC towards p_{T−τ} with the score s,
 *    x ← x + ε s + √(2ε) z, z ~ N(0, I), with a step set by the target signal-to-noise ratio r:
 *    - 'langevin': ε = 2 (r ‖z‖ / ‖s‖)². score_sde averages the norms over the batch, which makes ε
 *      the same for every particle; a fused per-particle kernel has no batch, so the norms are over
 *      the particle's own state (ε = 0 where s = 0). That ε depends on the state, so the chain no
 *      longer leaves p invariant: where ‖s‖ ≈ 0 (modes, saddles) ε explodes and throws particles
 *      far out, where the tiny ε there keeps them. In few dimensions this ruins the samples (on a
 *      2-d N(0, I) target E x² reaches the tens after 500 iterations, and keeps growing), and the
 *      bias shrinks slowly with the dimension (+15 % variance at d = 32). Kept because it is
 *      score_sde's formula (and needs no schedule); not the default.
 *    - 'annealed_langevin' (default): ε = 2 (r σ_t)² with σ_t the forward perturbation std at t = T − τ
 *      (score_sde's AnnealedLangevinDynamics): the same scale as score_sde's batch average for
 *      near-Gaussian marginals (‖s‖ ≈ √d / σ_t, ‖z‖ ≈ √d), independent of the state, so each
 *      iteration is an unadjusted Langevin step with O(ε) bias. Needs the forward schedule.
 *    score_sde also scales ε by α_i = 1 − β_i for VP, a factor 1 − O(dt) left out here.
 * 2. Predictor from τ to τ + dt:
 *    - 'euler_maruyama': the method's Euler–Maruyama table on the connected reverse drift and
 *      diffusion (score_sde's EulerMaruyamaPredictor);
 *    - 'reverse_diffusion': score_sde's ReverseDiffusionPredictor, x ← x − f_i + G_i² s + G_i z,
 *      where the forward step t − dt → t (t = T − τ) is x ↦ a x + G_i z, f_i = (a − 1) x, taken from
 *      the exact perturbation kernel: a = α(t)/α(t − dt), G_i² = σ_t² − a² σ_{t−dt}². For VE this is
 *      score_sde's SMLD discretisation exactly; for VP it is DDPM's with β_i = 1 − a² (= β(t) dt to
 *      first order); score_sde uses plain Euler–Maruyama for sub-VP. Needs the forward schedule, whose
 *      closed forms (core/sde/schedulesIR.ts `emitTransition`) avoid the float32 cancellation of
 *      σ_t² − a² σ²_{t−dt} for small steps.
 *
 * Promises: the predictor is Itô, weak order 1, fixed step (strong order 1 for the additive noise of
 * these SDEs); the corrector only moves particles towards the current marginal and adds no order.
 * Random numbers: the predictor's Brownian increments are those of solver.euler_maruyama with the
 * same seed and steps (the Brownian tree of core/rng/brownian.ts); the corrector draws from its own
 * stream, STREAM_CORRECTOR (layout in core/rng/streams.ts), so adding corrector steps leaves them
 * unchanged. Same streams on the CPU and WebGPU backends.
 */
import { philox4x32_10 } from '../rng/philox.ts';
import { boxMuller4 } from '../rng/normal.ts';
import { STREAM_CORRECTOR } from '../rng/streams.ts';
import type { PredictorCorrector, SdeMethod } from './method.ts';
import { EULER_MARUYAMA } from './tableaux.ts';

/** score_sde's default signal-to-noise ratio for VP / sub-VP (configs use 0.16 for VE as well, 0.075 for some). */
export const DEFAULT_SNR = 0.16;

/** The predictor–corrector method with the given settings (the predictor table is Euler–Maruyama). */
export function predictorCorrectorMethod(settings: PredictorCorrector): SdeMethod {
  const predictor = settings.predictor === 'reverse_diffusion' ? 'reverse diffusion (exact forward transition reversed)' : 'Euler–Maruyama';
  return {
    ...EULER_MARUYAMA,
    name: 'predictor_corrector',
    summary: `Predictor–corrector (score_sde): ${settings.correctorSteps} ${settings.corrector.replace('_', ' ')} corrector step(s) per step with snr ${settings.snr}, `
      + `then one ${predictor} predictor step; Itô, weak order 1, fixed step.`,
    predictorCorrector: settings,
  };
}

/** The node's defaults: Euler–Maruyama predictor, one annealed Langevin corrector step, snr 0.16. */
export const PREDICTOR_CORRECTOR: SdeMethod = predictorCorrectorMethod({ predictor: 'euler_maruyama', corrector: 'annealed_langevin', correctorSteps: 1, snr: DEFAULT_SNR });

/**
 * The corrector's normals of one particle and step, reference implementation of the layout:
 * draw k (= c · d + j for corrector iteration c, component j) is lane k & 3 of Box–Muller of Philox
 * counter [particle, step, k >> 2, 0] under key [seed, STREAM_CORRECTOR].
 */
export function correctorNormals(seed: number, particle: number, step: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let block = 0; 4 * block < count; block++) {
    const z = boxMuller4(philox4x32_10([particle, step, block, 0], [seed >>> 0, STREAM_CORRECTOR]));
    for (let lane = 0; lane < 4 && 4 * block + lane < count; lane++) out[4 * block + lane] = z[lane];
  }
  return out;
}
