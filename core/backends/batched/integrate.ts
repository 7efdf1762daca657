/**
 * The batched integrator: runs an integration stage block by block of particles, evaluating each
 * field for the whole block at once with the training executor (so a 128-wide network is a few
 * GEMMs per step instead of a scalar loop per particle), then applying the method's update in
 * tight loops. On the CPU it runs stages whose fields contain networks faster than the fused
 * kernel's per-particle loops (see chooseNetworkIntegrator), and it is the only integrator that
 * runs imported onnxruntime models; any other fixed-step stage runs too, which the tests use to
 * check it against the fused CPU kernel.
 *
 * Same mathematics and random numbers as the fused kernel: the same tables (rkStages / sdeStep /
 * predictorCorrectorStep of stepCode.ts, here as loops), the same initial states, Brownian
 * increments and corrector normals (see noise.ts), the same time grid and recorded frames.
 * Precision: states and updates are float64 like the kernel, but fields are evaluated in float32
 * (the executor's memory), so results agree with the kernel to float32 rounding per step, not bit
 * for bit. Adaptive methods (dopri5) are not supported.
 *
 * Imported models (IntegrateStage.externals, score.onnx with engine onnxruntime) are opened once
 * per stage with onnxruntime-web and run on each block before the fields that read them.
 */
import type { IntegrateStage } from '../../compile/plan.ts';
import { interpretIR } from '../../ir/interpret.ts';
import type { IRFunction } from '../../ir/types.ts';
import { KernelWorkspace } from '../../nn/kernels/workspace.ts';
import { normalsAt, STREAM_INIT, uniformsAt } from '../../rng/streams.ts';
import { failure, type Progress, type StageResult } from '../cpu/runtime.ts';
import { openFieldModel, type FieldModelRunner } from '../../onnx/fieldRunner.ts';
import { BatchedField, type TrainedWeights } from './fields.ts';
import { StageNoise } from './noise.ts';
import { NOISE_BUDGET_BYTES, stepMethod, type StepFields } from './steps.ts';

/** Options of {@link integrateBatched}. */
export interface BatchedRunOptions {
  /** Particles evaluated together (default 1024): larger blocks make better GEMMs, smaller ones report progress sooner. */
  block?: number;
  onProgress?: (p: Progress) => void;
  /** Aborting stops the run within one step (~tens of ms); the promise then rejects with 'run cancelled'. */
  signal?: AbortSignal;
}

/** A StageResult of the batched integrator, with why the stage ran there. */
export interface BatchedStageResult extends StageResult {
  integrator: 'batched';
  reason: string;
}

/** Initial state of particle p: the init IR at the init stream's draws (as the kernel's initCode). */
function initialState(init: IRFunction, seed: number, p: number): Float64Array {
  const count = (op: string) => init.nodes.reduce((m, n) => (n.op === op ? Math.max(m, (n.index ?? 0) + 1) : m), 0);
  const normal = normalsAt(seed, STREAM_INIT, p, 0, 0, count('random_normal'));
  const uniform = uniformsAt(seed, STREAM_INIT, p, 0, 1, count('random_uniform'));
  return Float64Array.from(interpretIR(init, [], { normal, uniform }).flatMap((v) => [...v]));
}

/**
 * Integrates `stage` with fields evaluated over blocks of particles; `weightsOf` gives the trained
 * tensors of each train stage the fields read (see IntegrateStage.weights). Throws a RunFailure
 * naming the lowest particle whose state became non-finite, like the CPU backend.
 */
export async function integrateBatched(stage: IntegrateStage, weightsOf: TrainedWeights, options: BatchedRunOptions = {}): Promise<BatchedStageResult> {
  const { method, dims: D, grid } = stage;
  if (method.kind === 'ode' && method.adaptive) throw new Error(`solver '${stage.nodeId}': the batched integrator has no adaptive methods (${method.name}); use a fixed-step solver`);
  const setupStarted = performance.now();
  const N = grid.particles;
  const noise = method.kind === 'sde' ? new StageNoise(grid.seed, grid.steps, D, grid.t0, grid.t1, method.predictorCorrector?.correctorSteps ?? 0) : undefined;
  // One base interval's noise for the whole block must fit the budget (deep Brownian trees: smaller blocks).
  const noiseLimit = noise ? Math.max(1, Math.floor(NOISE_BUDGET_BYTES / (8 * noise.leaves * D * (1 + noise.correctorSteps)))) : Infinity;
  const B = Math.max(1, Math.min(N, options.block ?? 1024, noiseLimit));
  const models = new Map<string, FieldModelRunner>();
  try {
    for (const model of stage.externals ?? []) models.set(model.name, await openFieldModel(model));
    return await integrateBlocks(stage, weightsOf, options, noise, B, models, setupStarted);
  } finally {
    for (const runner of models.values()) await runner.release();
  }
}

async function integrateBlocks(
  stage: IntegrateStage, weightsOf: TrainedWeights, options: BatchedRunOptions, noise: StageNoise | undefined, B: number,
  models: ReadonlyMap<string, FieldModelRunner>, setupStarted: number,
): Promise<BatchedStageResult> {
  const { dims: D, grid } = stage;
  const N = grid.particles;
  const kernels = KernelWorkspace.create();
  const field = (fn: IRFunction | undefined) => {
    if (!fn) return undefined;
    const f = new BatchedField(fn, B, kernels, models);
    f.bindWeights(stage.weights ?? [], weightsOf);
    return f;
  };
  const fields: StepFields = { drift: field(stage.drift) as BatchedField, diffusion: field(stage.diffusion), diffusionDerivative: field(stage.diffusionDerivative), score: field(stage.score) };
  const started = performance.now();
  const samples = new Float32Array(N * D);
  const trajectory = grid.record > 0 ? new Float32Array((grid.record + 1) * N * D) : null;
  const recordEvery = grid.record > 0 ? grid.steps / grid.record : 0;
  const x = new Float64Array(B * D);
  const failedStep = new Int32Array(B);
  let lastYield = performance.now();
  for (let p0 = 0; p0 < N; p0 += B) {
    if (options.signal?.aborted) throw new Error('run cancelled');
    const n = Math.min(B, N - p0);
    for (let i = 0; i < n; i++) x.set(initialState(stage.init, grid.seed, p0 + i), i * D);
    const store = (slot: number) => {
      if (!trajectory) return;
      const o = (slot * N + p0) * D;
      for (let k = 0; k < n * D; k++) trajectory[o + k] = x[k];
    };
    store(0);
    failedStep.fill(-1);
    const stepper = stepMethod(stage, fields, x, p0, n, noise);
    for (let s = 0; s < grid.steps; s++) {
      await stepper(s);
      for (let i = 0; i < n; i++) {
        if (failedStep[i] >= 0) continue;
        let sum = 0;
        for (let j = 0; j < D; j++) sum += x[i * D + j] - x[i * D + j];
        if (sum !== 0 || Number.isNaN(sum)) failedStep[i] = s;
      }
      if (recordEvery > 0 && (s + 1) % recordEvery === 0) store((s + 1) / recordEvery);
      if (performance.now() - lastYield > 50) {
        await new Promise((r) => setTimeout(r, 0));
        lastYield = performance.now();
        if (options.signal?.aborted) throw new Error('run cancelled');
      }
    }
    const failed = failedStep.subarray(0, n).findIndex((v) => v >= 0);
    if (failed >= 0) throw failure(stage, { failedParticle: p0 + failed, failedStep: failedStep[failed], reason: 0 });
    for (let k = 0; k < n * D; k++) samples[p0 * D + k] = x[k];
    options.onProgress?.({ nodeId: stage.nodeId, particlesDone: p0 + n, particles: N, particleSteps: (p0 + n) * grid.steps });
  }
  const times = new Float32Array(grid.record + 1);
  for (let k = 0; k <= grid.record; k++) times[k] = grid.record === 0 || k === grid.record ? grid.t1 : grid.t0 + ((grid.t1 - grid.t0) * k) / grid.record;
  return {
    nodeId: stage.nodeId, dims: D, samples, trajectory: trajectory ?? samples.slice(), times,
    wallSeconds: (performance.now() - started) / 1000, setupSeconds: (started - setupStarted) / 1000,
    particleSteps: N * grid.steps, threads: 1, integrator: 'batched',
    reason: stage.externals?.length ? 'its fields run an imported ONNX model (onnxruntime-web), which only the batched CPU integrator does'
      : stage.weights?.length ? 'its fields contain a network, which the batched integrator runs as float32 GEMMs over blocks of particles' : 'requested',
  };
}
