/// <reference types="@webgpu/types" />
import type { IntegrateStage, Plan } from '../../compile/plan.ts';
import { runPlanCpu, type CpuRunOptions, type StageResult } from '../cpu/runtime.ts';
import { bindingTensor, type TrainedWeights } from '../weights.ts';
import { integrateBatched, type BatchedStageResult } from './integrate.ts';
import { runTrainStage, type TrainProgress, type TrainResult } from './training.ts';

/**
 * Runs whole plans, train stages included: what the CLI calls and what the app's run worker should
 * call for graphs that train. Order: the train stages (each draws its data pool, then trains or
 * loads its `weights` file), then the integration stages in plan order: those whose fields run an
 * imported model with onnxruntime (IntegrateStage.externals) on the batched CPU integrator, all
 * others on `runPlain` (the CPU backend by default, or the backend the user chose), stages whose
 * fields read a trained network included: they get the trained tensors in their weight bindings
 * (`fixed`), which the fused kernels read. The WebGPU backend runs them in its kernel; the CPU
 * backend runs them on its kernel or the batched integrator, whichever is faster for the stage
 * (see core/backends/cpu/runtime.ts chooseNetworkIntegrator), and says why on the result.
 */

/** Options of {@link runPlan}: the CPU backend's, plus training hooks and the backend for stages without networks. */
export interface RunPlanOptions extends CpuRunOptions {
  /** Runs stages without networks; default the CPU backend (`runPlanCpu`). */
  runPlain?: (plan: Plan, options: CpuRunOptions) => Promise<StageResult[]>;
  onTrainProgress?: (p: TrainProgress) => void;
  /** Train on this WebGPU device instead of the CPU (see TrainRunOptions.device). */
  trainDevice?: GPUDevice;
  /** Iterations between training progress reports (default 100). */
  trainProgressEvery?: number;
  /**
   * Results of earlier runs of the same (unchanged) train stages, by node id: a finished one is
   * reused without training, a cancelled one is resumed where it stopped.
   */
  previous?: ReadonlyMap<string, TrainResult>;
}

/** What {@link runPlan} produced. */
export interface PlanRunResult {
  trainings: TrainResult[];
  /** One per integration stage, in plan order (all of them unless cancelled). */
  results: (StageResult | BatchedStageResult)[];
  /** The signal stopped the run: trainings may be partial (resumable), results incomplete. */
  cancelled: boolean;
}

/** Runs the plan's train stages in order; stops at the first one cancelled. */
export async function runTrainings(plan: Plan, options: RunPlanOptions = {}): Promise<{ trainings: TrainResult[]; cancelled: boolean }> {
  const trainings: TrainResult[] = [];
  for (const stage of plan.trainings ?? []) {
    const earlier = options.previous?.get(stage.nodeId);
    if (earlier && !earlier.aborted && earlier.iterations >= stage.iterations) {
      trainings.push(earlier);
      continue;
    }
    const result = await runTrainStage(stage, {
      signal: options.signal, onProgress: options.onTrainProgress, progressEvery: options.trainProgressEvery,
      ...(options.trainDevice ? { device: options.trainDevice } : {}),
      ...(earlier?.aborted ? { resume: earlier } : {}),
    });
    trainings.push(result);
    if (result.aborted) return { trainings, cancelled: true };
  }
  return { trainings, cancelled: false };
}

/** Whether a stage result comes from the batched integrator (it then says why it ran there). */
export function isBatchedResult(r: StageResult): r is BatchedStageResult {
  return (r as Partial<BatchedStageResult>).integrator === 'batched';
}

/** Whether a stage runs imported models (and so runs on the batched integrator whatever the backend). */
export function needsBatched(stage: IntegrateStage): boolean {
  return (stage.externals?.length ?? 0) > 0;
}

/** The stage with each trained tensor it reads filled into its binding (`fixed`), for `runPlain`. */
export function withTrainedWeights(stage: IntegrateStage, weightsOf: TrainedWeights): IntegrateStage {
  if (!stage.weights?.length) return stage;
  return { ...stage, weights: stage.weights.map((b) => ({ ...b, fixed: bindingTensor(b, weightsOf) })) };
}

/**
 * Runs the plan's integration stages with the given trained weights, in plan order: stages with
 * imported models on the batched integrator, consecutive others together on `runPlain`.
 */
export async function runIntegrations(plan: Plan, trainings: readonly TrainResult[], options: RunPlanOptions = {}): Promise<(StageResult | BatchedStageResult)[]> {
  const weightsOf = (train: string): readonly Float32Array[] => {
    const t = trainings.find((r) => r.nodeId === train);
    if (!t) throw new Error(`train stage '${train}' has not run`);
    return t.weights;
  };
  const runPlain = options.runPlain ?? runPlanCpu;
  const results: (StageResult | BatchedStageResult)[] = [];
  for (let i = 0; i < plan.stages.length;) {
    const stage = plan.stages[i];
    if (needsBatched(stage)) {
      results.push(await integrateBatched(stage, weightsOf, { signal: options.signal, onProgress: options.onProgress }));
      i++;
      continue;
    }
    let j = i;
    while (j < plan.stages.length && !needsBatched(plan.stages[j])) j++;
    results.push(...await runPlain({ ...plan, stages: plan.stages.slice(i, j).map((s) => withTrainedWeights(s, weightsOf)) }, options));
    i = j;
  }
  return results;
}

/** Trains, then integrates (see the module comment). Cancelling resolves with `cancelled`, never rejects for it. */
export async function runPlan(plan: Plan, options: RunPlanOptions = {}): Promise<PlanRunResult> {
  const { trainings, cancelled } = await runTrainings(plan, options);
  if (cancelled) return { trainings, results: [], cancelled };
  try {
    return { trainings, results: await runIntegrations(plan, trainings, options), cancelled: false };
  } catch (e) {
    if (options.signal?.aborted) return { trainings, results: [], cancelled: true };
    throw e;
  }
}
