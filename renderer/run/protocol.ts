import type { GraphDocument } from '../../core/graph/types.ts';
import type { BackendChoice } from './backendChoice.ts';
import type { RunBackend, RunError, SolverResult } from './types.ts';

/**
 * Messages between the run controller (page) and the run worker (runWorker.ts). Every message
 * carries the id of the run it belongs to; the controller ignores replies of older runs.
 */
export type RunRequest =
  /**
   * Compile `doc` and integrate every solver node except those in `skip` (reused from the cache),
   * on `backend` (default 'auto'; the worker decides what `auto` means from the adapter it finds),
   * on at most `threads` CPU threads when given (the worker's own choice otherwise).
   */
  | { kind: 'run'; runId: number; doc: GraphDocument; skip: string[]; threads?: number; backend?: BackendChoice }
  /** Stop run `runId` after the chunk in flight; the worker answers `cancelled`. */
  | { kind: 'cancel'; runId: number };

/** One solver stage the worker is about to integrate. */
export interface PlannedStage {
  nodeId: string;
  particles: number;
  /** Fixed steps, or 0 for adaptive methods. */
  steps: number;
}

export type RunReply =
  /** Compiled; these stages will run, in this order, on this backend (`threads` CPU threads; 1 on WebGPU). */
  | { kind: 'started'; runId: number; backend: RunBackend; threads: number; stages: PlannedStage[] }
  /** Progress of stage `stageIndex`; `elapsedSeconds` since that stage started. */
  | { kind: 'progress'; runId: number; stageIndex: number; nodeId: string; particlesDone: number; particles: number; particleSteps: number; elapsedSeconds: number }
  /** One stage finished; its arrays were transferred, not copied. */
  | { kind: 'stage'; runId: number; stageIndex: number; result: SolverResult }
  | { kind: 'done'; runId: number }
  | { kind: 'failed'; runId: number; error: RunError }
  | { kind: 'cancelled'; runId: number };

/** The minimal Worker surface the controller uses (a real Worker, or a fake in tests). */
export interface WorkerLike {
  postMessage(message: RunRequest): void;
  terminate(): void;
  onmessage: ((event: { data: RunReply }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}
