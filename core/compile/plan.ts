import type { Params } from '../graph/catalog.ts';
import type { IRFunction } from '../ir/types.ts';
import type { MolecularStructure } from '../io/structure.ts';
import type { AdamConfig } from '../nn/adam.ts';
import type { LossDefinition } from '../nn/losses.ts';
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
  /** (x, t) → the score s(x, t); predictor–corrector methods only (its Langevin corrector). */
  score?: IRFunction;
  /** Floating-point operations per particle-step, counted from the IR (for the work estimate). */
  flopsPerStep: number;
  /** When one particle is a molecular structure: its topology and reference coordinates. */
  structure?: MolecularStructure;
  /**
   * `reference`: not a solver of the graph but samples of a source node that a metric compares
   * against (zero drift, one step: the samples are the source's draws for that seed).
   */
  purpose?: 'solver' | 'reference';
  /**
   * Params of the fields (beyond x and t) that a train stage fills (or the plan holds, `fixed`):
   * the weights of a network inside the drift, diffusion or score. Such a stage runs after its
   * train stages, in the fused kernels with the weights in a buffer (core/backends/networkFields.ts),
   * or on the CPU on the batched integrator (core/backends/cpu/runtime.ts chooseNetworkIntegrator).
   */
  weights?: WeightBinding[];
  /** Params of the fields filled by running imported .onnx models (see {@link ExternalModel}). */
  externals?: ExternalModel[];
}

/** One field param bound to a trained tensor: any function of the stage with a param `name` reads it. */
export interface WeightBinding {
  /** The IR param's name, `<train node>/<tensor>`, e.g. `train/W1`. */
  name: string;
  /** The train stage (its node id) that produces the tensor. */
  train: string;
  /** Index of the tensor in that stage's weights (mlpParams order: W1, b1, W2, …). */
  tensor: number;
  /**
   * The tensor itself when no train stage fills it: weights read from a file at compile time
   * (score.onnx compiled into the IR). `train` is then the node that read them.
   */
  fixed?: Float32Array;
}

/**
 * A field param filled per particle by running an .onnx model on (x, t) with onnxruntime-web
 * (score.onnx with engine onnxruntime): before each evaluation of a function that reads the param
 * `name` ([d] per particle), the integrator runs the model on the block's states and time. Only
 * the batched integrator runs such stages.
 */
export interface ExternalModel {
  /** The IR param the model's output is bound to, `<node>/onnx`. */
  name: string;
  /** The node that imported the model. */
  nodeId: string;
  /** The .onnx file (its path relative to the graph, for messages) and its bytes. */
  path: string;
  bytes: Uint8Array;
  /** Input names of the state x ([N, d]) and time t ([N, 1] when `timeShape` is 'column', [N] when 'vector'), and the output's ([N, d]). */
  inputX: string;
  inputT: string;
  timeShape: 'column' | 'vector';
  output: string;
  dims: number;
}

/**
 * Train a network before the integrations (train.adam): draw a pool of data samples from a source
 * once (through the normal CPU stage path), then run Adam on the per-sample loss over batches of
 * that pool (core/nn/trainer.ts). Which weights the downstream fields read is `use`.
 */
export interface TrainStage {
  kind: 'train';
  /** The train node. */
  nodeId: string;
  /** The per-sample loss over the network (its IR, the MlpSpec, and where each input comes from). */
  loss: LossDefinition;
  /** One line naming the loss for plan printouts, e.g. `loss.dsm (λ = σ², VP SDE)`. */
  lossSummary: string;
  /**
   * The data pool: a one-step, zero-drift stage whose samples are `grid.particles` draws of the
   * data source (node id `<train node>#data`, seed `grid.seed`), run once before training.
   */
  data: IntegrateStage;
  /** The node id of the data source. */
  dataSource: string;
  /**
   * The second data pool of a two-data-set loss (loss.interpolant with its `source` input: the
   * x₀ samples), drawn once like `data` (node id `<train node>#source`, as many samples, its own
   * seed derived from the data seed). Absent for losses that read one data set.
   */
  sourceData?: IntegrateStage;
  /** The node id of the second data source (with `sourceData`). */
  sourceDataSource?: string;
  optimizer: AdamConfig;
  batch: number;
  iterations: number;
  /** Seed of the per-step draws (t, noise, batch indices). */
  seed: number;
  /** Initial weights (mlpParams order). */
  init: Float32Array[];
  /** The .onnx file `init` was read from when training starts from given weights (fine-tuning). */
  initFrom?: string;
  /** Weights loaded from the node's `weights` file: training is skipped and these are used. */
  pretrained?: { path: string; weights: Float32Array[] };
  /** Which weights the fields read: the last iterate, the best (smoothed loss), or the EMA. */
  use: 'last' | 'best' | 'ema';
  /** Floating-point operations of one iteration (forward and backward over the batch), estimated. */
  flopsPerIteration: number;
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
  /** Train stages, run first and in order (absent or empty when the graph trains nothing). */
  trainings?: TrainStage[];
  stages: IntegrateStage[];
  /** Metrics and exports, in graph order, after all integration stages. */
  analyses: AnalysisStage[];
  buffers: PlanBuffer[];
  /** Sum of all output buffers, in bytes (what --max-memory limits). */
  memoryBytes: number;
  /** Estimated floating-point operations for the whole run. */
  flops: number;
}
