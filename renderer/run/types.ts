import type { TrainResult } from '../../core/backends/batched/training.ts';
import type { AnalysisResult } from '../../core/compile/runAnalyses.ts';
import type { GraphDocument, Problem } from '../../core/graph/types.ts';
import type { FileStore } from '../../core/graph/validate.ts';
import type { MolecularStructure } from '../../core/io/structure.ts';
import type { MlpSpec } from '../../core/nn/mlp.ts';
import type { BackendChoice } from './backendChoice.ts';

export type { BackendChoice } from './backendChoice.ts';
export type { AnalysisResult } from '../../core/compile/runAnalyses.ts';
export type { TrainResult } from '../../core/backends/batched/training.ts';

/**
 * The contract between the editor and the run service: the editor calls `start` / `cancel` and
 * reads the state (badges, progress bar, error on a node); the results panel reads `results`.
 */

/** Badge of a node during and after a run. */
export type NodeRunStatus = 'idle' | 'running' | 'done' | 'error';

/** Progress of the solver node being integrated. */
export interface RunProgress {
  nodeId: string;
  particlesDone: number;
  particles: number;
  /** Particle-steps done so far and per second. */
  particleSteps: number;
  rate: number;
  /** Seconds left at the current rate, or null before the first report. */
  etaSeconds: number | null;
  /** Which of the solver stages being run this is (0-based), and how many run this time. */
  stageIndex?: number;
  stageCount?: number;
}

/** The outputs of one solver node, as the views need them. */
export interface SolverResult {
  nodeId: string;
  dims: number;
  particles: number;
  /** [particles, dims] final states. */
  samples: Float32Array;
  /** [times.length, particles, dims] recorded states (one slot = final state when record is 0). */
  trajectory: Float32Array;
  times: Float32Array;
  wallSeconds: number;
  particleSteps: number;
  /** Seconds starting threads and compiling the kernel, before `wallSeconds`. */
  setupSeconds?: number;
  /** CPU threads the stage ran on. */
  threads?: number;
  /** Adaptive methods: accepted and rejected steps. */
  adaptive?: { accepted: number; rejected: number; maxStepsPerParticle: number };
  /** Hash of the subgraph that produced it (see subgraphKey.ts); views compare it to spot stale results. */
  key?: string;
  /** True when this run reused the result of an earlier run instead of integrating again. */
  reused?: boolean;
  /** The backend that computed it and why that one (a reused result keeps its own). */
  backend?: RunBackend;
  /**
   * `batched`: the stage ran on the batched CPU integrator (a trained network on the CPU, or an
   * imported onnxruntime model whatever the backend chosen; its `backend.reason` says why); such
   * results are cached apart from either backend's.
   */
  integrator?: 'batched';
  /**
   * When one particle is a molecular structure (the solver's source read a PDB or XYZ file): its
   * topology and reference frames; each particle's state is then 3 coordinates per atom.
   */
  structure?: MolecularStructure;
}

/**
 * A train node's outcome as the app keeps it: the core's TrainResult (weights, loss of every
 * iteration, the state to resume from when `result.aborted`) and what exporting its networks to
 * ONNX needs.
 */
export interface TrainingOutcome {
  nodeId: string;
  result: TrainResult;
  /** The network's architecture (exportTrainedOnnx needs it). */
  spec: MlpSpec;
  /** e.g. `loss.dsm (λ = σ², VP SDE)`, written into the .onnx doc string as the CLI does. */
  lossSummary: string;
  /** The train stage's seed. */
  seed: number;
  /** Hash of the train node's subgraph (see subgraphKey.ts); views compare it to spot stale results. */
  key?: string;
  /** True when this run reused the finished training of an earlier run. */
  reused?: boolean;
}

/** A training in progress, for the run bar and the live loss curve (at most ~10 updates a second). */
export interface TrainingLive {
  nodeId: string;
  /** Iterations done (1-based count, resumed parts included) out of `iterations`. */
  iteration: number;
  iterations: number;
  /** Batch loss of the latest iteration. */
  loss: number;
  itersPerSecond: number;
  /** Seconds left at the current rate, or null before the first report. */
  etaSeconds: number | null;
  /** Loss of every iteration so far (entry i is iteration i + 1), resumed parts included. */
  losses: Float64Array;
  /** Iterations that came from a cancelled run this one resumed (0 when it started afresh). */
  resumedFrom: number;
}

/**
 * An analysis node's output as the app keeps it: with the hash of the subgraph it was computed
 * from (see subgraphKey.ts), so views can tell when the graph changed since.
 */
export type ShownAnalysis = AnalysisResult & { key?: string };

/** The data files a run may read: bytes by path, and their content keys (for the results cache). */
export interface RunFiles {
  bytes: FileStore;
  hashes: ReadonlyMap<string, string>;
}

/** A backend that ran and why it was chosen, e.g. { name: 'cpu', reason: 'auto: no WebGPU adapter (…)' }. */
export interface RunBackend {
  name: string;
  reason: string;
}

/** A run's failure, placed on a node when the core names one. */
export interface RunError {
  nodeId?: string;
  message: string;
  /** Every compile problem (the message describes the first), with param and character range. */
  problems?: Problem[];
  /** A failed particle: its index and the step where its state became NaN / infinite. */
  particle?: number;
  step?: number;
  /**
   * The run failed for a reason of the WebGPU backend that the CPU backend does not share (the
   * device was lost, no adapter, a kernel the GPU refused): the app offers to rerun on the CPU.
   */
  retryOnCpu?: boolean;
  /** The WebGPU device was lost mid-run (a driver reset, a watchdog, the GPU went away). */
  deviceLost?: boolean;
}

/** What the last finished run did. */
export interface RunSummary {
  /** Seconds from start() to the last result, worker start and compile included. */
  wallSeconds: number;
  /** Particle-steps integrated this time (reused results count 0). */
  particleSteps: number;
  /** Solver nodes integrated this time, and those whose earlier results were reused. */
  ran: string[];
  reused: string[];
  /** Train nodes trained this time (resumed ones included), and those whose finished training was reused. */
  trained?: string[];
  reusedTrainings?: string[];
}

/** Reactive run state (Svelte 5 runes) plus its actions. */
export interface RunController {
  readonly running: boolean;
  readonly progress: RunProgress | null;
  readonly error: RunError | null;
  readonly nodeStatus: Readonly<Record<string, NodeRunStatus>>;
  /**
   * By solver node id: each solver's latest finished integration (or its cached result, `reused`).
   * A solver whose new run failed or was cancelled keeps its previous result; compare `key` with
   * the document's subgraph key to tell a stale one.
   */
  readonly results: Readonly<Record<string, SolverResult>>;
  /** Which backend the latest run uses and why, e.g. { name: 'cpu', reason: 'auto: no WebGPU adapter (…)' }. */
  readonly backend: RunBackend | null;
  /** The backend the user picked for runs (remembered across sessions). */
  readonly backendChoice: BackendChoice;
  /** The last run that finished, or null before one has. */
  readonly lastRun: RunSummary | null;
  /**
   * By analysis node id (metrics, exports): what the latest finished run computed, or why that
   * node failed. Kept when a later run fails or is cancelled.
   */
  readonly analyses: Readonly<Record<string, ShownAnalysis>>;
  /**
   * By train node id: the latest training (finished, cancelled part-way, or weights loaded from
   * its `weights` file). A cancelled one keeps the last and best weights trained so far, and the
   * next run of the unchanged node resumes it from its saved state.
   */
  readonly trainings: Readonly<Record<string, TrainingOutcome>>;
  /** The training in progress, or null when none is (the run is compiling or integrating). */
  readonly training: TrainingLive | null;
  /**
   * Compiles and runs `doc` in a Web Worker on `options.backend` (default: `backendChoice`), with
   * the data files its `file` params name; a run in progress is cancelled first.
   */
  start(doc: GraphDocument, options?: { backend?: BackendChoice; files?: RunFiles }): void;
  /** Picks the backend for later runs and remembers it. */
  setBackendChoice(choice: BackendChoice): void;
  /**
   * Stops the run within a second; results of the previous run stay, and a training stopped
   * part-way keeps what it trained (see `trainings`).
   */
  cancel(): void;
  /** Cancels any run and ends the worker (call when the app unmounts); `start` still works after. */
  dispose(): void;
}
