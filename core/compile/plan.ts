import type { Params } from '../graph/catalog.ts';
import type { IRFunction } from '../ir/types.ts';
import type { MolecularStructure } from '../io/structure.ts';
import type { SolverMethod } from '../solvers/method.ts';

/** Time grid and ensemble size of one integration. */
export interface IntegrationGrid {
  t0: number;
  t1: number;
  /** Fixed-step methods: number of steps. Adaptive methods: unused (0). */
  steps: number;
  /** Number of saved intervals: 0 = final state only, K = K + 1 evenly spaced time points. */
  record: number;
  particles: number;
  seed: number;
}

/** Step-size control of adaptive methods. */
export interface Tolerances {
  rtol: number;
  atol: number;
  maxSteps: number;
}

/**
 * Integrate an ensemble: sample each particle's initial state, then run the whole trajectory of
 * that particle in one fused loop (one kernel call per block of particles).
 */
export interface IntegrateStage {
  kind: 'integrate';
  /** The solver node this stage comes from. */
  nodeId: string;
  method: SolverMethod;
  dims: number;
  grid: IntegrationGrid;
  tolerances?: Tolerances;
  /** () → initial state, drawing from the init stream. */
  init: IRFunction;
  /** (x, t) → f(x, t). */
  drift: IRFunction;
  /** (x, t) → diagonal of g(x, t); SDE methods only. */
  diffusion?: IRFunction;
  /** (x, t) → ∂g_i/∂x_i; Milstein only. */
  diffusionDerivative?: IRFunction;
  /** Floating-point operations per particle-step, counted from the IR (for the work estimate). */
  flopsPerStep: number;
  /** When one particle is a molecular structure: its topology and reference coordinates. */
  structure?: MolecularStructure;
  /**
   * `reference`: not a solver of the graph but samples of a source node that a metric compares
   * against (zero drift, one step: the samples are the source's draws for that seed).
   */
  purpose?: 'solver' | 'reference';
}

/** Where an analysis input comes from: an output of an integration stage. */
export interface AnalysisSource {
  /** The analysis node's input port. */
  port: string;
  /** The integration stage that produced the array (a solver node id, or a reference stage's id). */
  stage: string;
  output: 'samples' | 'trajectory' | 'times';
}

/**
 * Run a metric or an export on the host once the integrations are done (its definition's
 * `analyze`, looked up in the catalog by `type`).
 */
export interface AnalysisStage {
  kind: 'analysis';
  nodeId: string;
  type: string;
  params: Params;
  sources: AnalysisSource[];
}

/** A buffer the plan produces, as written to disk: `<nodeId>.<port>.npy`. */
export interface PlanBuffer {
  nodeId: string;
  port: 'samples' | 'trajectory' | 'times';
  shape: number[];
  dtype: 'float32';
  bytes: number;
}

/** The compiled form of a graph: ordered stages, their outputs and cost estimates. */
export interface Plan {
  graphName: string;
  stages: IntegrateStage[];
  /** Metrics and exports, in graph order, after all integration stages. */
  analyses: AnalysisStage[];
  buffers: PlanBuffer[];
  /** Sum of all output buffers, in bytes (what --max-memory limits). */
  memoryBytes: number;
  /** Estimated floating-point operations for the whole run. */
  flops: number;
}
