import type { TrainResult } from '../../core/backends/batched/training.ts';
import type { AnalysisResult, StageArrays } from '../../core/compile/runAnalyses.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import type { BackendChoice } from './backendChoice.ts';
import type { RunBackend, RunError, SolverResult, TrainingOutcome } from './types.ts';

/**
 * Messages between the run controller (page) and the run worker (runWorker.ts). Every message
 * carries the id of the run it belongs to; the controller ignores replies of older runs.
 */
export type RunRequest =
  /**
   * Compile `doc` and integrate every solver node except those in `skip` (reused from the cache),
   * on `backend` (default 'auto'; the worker decides what `auto` means from the adapter it finds),
   * on at most `threads` CPU threads when given (the worker's own choice otherwise). `files` are
   * the bytes of the data files the document names (copies, transferred); `reused` the arrays of
   * skipped solvers that an analysis node reads (copies from the page's cache). `trainings` are
   * earlier results of train nodes whose subgraph did not change: a finished one is reused, a
   * cancelled one resumed from its saved state (core's runTrainings `previous`).
   */
  | { kind: 'run'; runId: number; doc: GraphDocument; skip: string[]; threads?: number; backend?: BackendChoice; files?: [string, Uint8Array][]; reused?: StageArrays[]; trainings?: TrainResult[] }
  /** Stop run `runId` after the chunk in flight; the worker answers `cancelled`. */
  | { kind: 'cancel'; runId: number };

/** One solver stage the worker is about to integrate. */
export interface PlannedStage {
  nodeId: string;
  particles: number;
  /** Fixed steps, or 0 for adaptive methods. */
  steps: number;
}

/** One train stage of the run (all of them run before the solver stages, in this order). */
export interface PlannedTraining {
  nodeId: string;
  /** Target iterations. */
  iterations: number;
  /** Iterations already done by the earlier result it continues or reuses (0: from scratch). */
  done: number;
  /** Finished earlier (reused as is) or loaded from the node's `weights` file: nothing to train. */
  skipped: boolean;
}

/** A train stage's outcome as the worker sends it (the page adds the cache key). */
export type TrainedNetwork = Omit<TrainingOutcome, 'key'>;

export type RunReply =
  /**
   * Compiled; these train stages, then these solver stages, will run in this order, on this
   * backend (`threads` CPU threads; 1 on WebGPU). Train stages always run on the CPU.
   */
  | { kind: 'started'; runId: number; backend: RunBackend; threads: number; stages: PlannedStage[]; trainings?: PlannedTraining[] }
  /**
   * Progress of train stage `nodeId`: iteration `iteration` of `iterations`; `losses` are the
   * batch losses of iterations `from + 1 … from + losses.length` not sent before.
   */
  | { kind: 'train-progress'; runId: number; nodeId: string; iteration: number; iterations: number; loss: number; itersPerSecond: number; from: number; losses: Float64Array }
  /** A train stage finished, was reused, or was cancelled part-way (`training.result.aborted`). */
  | { kind: 'training'; runId: number; training: TrainedNetwork }
  /** Progress of stage `stageIndex`; `elapsedSeconds` since that stage started. */
  | { kind: 'progress'; runId: number; stageIndex: number; nodeId: string; particlesDone: number; particles: number; particleSteps: number; elapsedSeconds: number }
  /** One stage finished; its arrays were transferred, not copied. */
  | { kind: 'stage'; runId: number; stageIndex: number; result: SolverResult }
  /** Every analysis node (metric, export) ran after the stages: its output or its error. */
  | { kind: 'analyses'; runId: number; results: AnalysisResult[] }
  | { kind: 'done'; runId: number }
  | { kind: 'failed'; runId: number; error: RunError }
  | { kind: 'cancelled'; runId: number };

/** The minimal Worker surface the controller uses (a real Worker, or a fake in tests). */
export interface WorkerLike {
  postMessage(message: RunRequest, transfer?: ArrayBuffer[]): void;
  terminate(): void;
  onmessage: ((event: { data: RunReply }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}
