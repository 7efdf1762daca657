import type { IRBuilder } from '../ir/builder.ts';
import type { MolecularStructure } from '../io/structure.ts';
import type { IRParam, ValueId } from '../ir/types.ts';
import type { SolverMethod } from '../solvers/method.ts';
import type { ParamValue, Problem } from './types.ts';

/** What flows along an edge. An edge may only join ports of the same type. */
export type PortType = 'distribution' | 'drift' | 'diffusion' | 'samples' | 'trajectory' | 'times'
  /** a molecular structure (topology and reference coordinates), e.g. for an elastic network */
  | 'structure'
  /** a score field s(x, t) = ∇ₓ log p_t(x), e.g. for a reverse-time SDE or a Langevin corrector */
  | 'score'
  /** a forward SDE's schedule (VP, sub-VP, VE), read by score nodes and losses with `ctx.input` */
  | 'sde'
  /** a trainable network definition (architecture and initial weights), e.g. from score.mlp */
  | 'network'
  /** a training objective over a network (what loss.* nodes output and train.* nodes minimise) */
  | 'loss';

/** An input or output of a node type. */
export interface PortSpec {
  name: string;
  type: PortType;
  /** Inputs only: the graph is invalid while this input is unconnected. */
  required?: boolean;
  doc: string;
}

/** The kinds of param a node can have; the editor picks a control per kind. */
export type ParamKind =
  | 'number' | 'integer' | 'boolean' | 'enum'
  /** a list of numbers, e.g. a mean vector */
  | 'vector'
  /** a number, or a list of numbers (one per component) */
  | 'number_or_vector'
  /** a list of vectors, e.g. the means of a mixture */
  | 'vector_list'
  /** one expression string per state component */
  | 'expressions'
  /** named numbers used inside expressions */
  | 'constants'
  /** a file path, relative to the graph file (see {@link ParamSpec.extensions}) */
  | 'file';

/** A param of a node type, with its default, range and documentation. */
export interface ParamSpec {
  name: string;
  kind: ParamKind;
  default: ParamValue;
  doc: string;
  min?: number;
  max?: number;
  /** `min` itself is not allowed (e.g. a standard deviation that must be > 0). */
  exclusiveMin?: boolean;
  options?: readonly string[];
  /** `file` params: the accepted extensions, lower case with the dot, e.g. `['.pdb', '.xyz']`. */
  extensions?: readonly string[];
  /**
   * `file` params: the file may be left out. The empty string `''` (also the default) means "no
   * file": it is valid, not loaded, and the node decides what to do without it.
   */
  optional?: boolean;
}

/** Resolved params: every declared param present (defaults filled in), already type-checked. */
export type Params = Readonly<Record<string, ParamValue>>;

/** Shared shape of all node definitions. */
interface NodeDefinitionBase {
  /** Stable id, e.g. `drift.ou`. Never changes once shipped. */
  type: string;
  title: string;
  /** What the node does, shown in the palette and in `nodes --json`. */
  doc: string;
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  params: readonly ParamSpec[];
  /** Checks beyond each param's kind and range (e.g. parsing expressions); params are resolved. */
  check?(params: Params): Omit<Problem, 'nodeId'>[];
  /**
   * Computes the node's static value once per compile, before lowering: e.g. the structure read
   * from a file param. Downstream nodes read it with `ctx.input(port)`. Throw a
   * {@link NodeInputError} to report a problem on this node (the graph then does not compile).
   */
  resolve?(params: Params, ctx: NodeContext): unknown;
}

/**
 * What a node may read besides its params while it is resolved or lowered.
 *
 * Example: `source.structure` reads `ctx.file(params.file)`, parses it and returns the structure
 * from `resolve`; `drift.elastic_network` gets that structure with `ctx.input('structure')`.
 */
export interface NodeContext {
  /** Bytes of the file a `file` param names, or undefined when the host has not loaded it. */
  file(path: string): Uint8Array | undefined;
  /** The resolved value of the node connected to input `port`, or undefined. */
  input(port: string): unknown;
  /** The node's own resolved value (what its `resolve` returned), or undefined. */
  readonly value: unknown;
  /**
   * Emits, into `b`, the field (drift or diffusion) of the node connected to input `port` at
   * state x and time t; undefined when the input is not connected. Lets combinators such as a
   * reverse-time SDE build on a forward SDE and a score.
   */
  field(port: string, b: IRBuilder, x: readonly ValueId[], t: ValueId): ValueId[] | undefined;
  /**
   * The state dimension of the source or field node on input `port` (its `dimension`), or
   * undefined when unconnected, not a source or field, or not known yet. (Optional so that test
   * doubles need not provide it; the compiler's contexts always do.)
   */
  dimension?(port: string): number | undefined;
  /**
   * Lowering only: binds tensors that this node's train stage produces (trained network weights)
   * as params of the function being built in `b`, and returns their values. The plan records which
   * train stage fills each one (see `IntegrateStage.weights`); asking twice in one builder returns
   * the same values.
   *
   * Example: train.adam's `score` output emits the network with `ctx.weights(b, mlpParams(spec))`.
   */
  weights?(b: IRBuilder, tensors: readonly IRParam[]): ValueId[];
}

/** A problem with a node's inputs found while resolving it (e.g. a malformed file). */
export class NodeInputError extends Error {
  /** `param` or `port` say where the problem is; a problem with a connection names the input port. */
  constructor(message: string, readonly param?: string, readonly port?: string) {
    super(message);
  }
}

/** Source of initial states: samples d numbers per particle from its random stream. */
export interface SourceDefinition extends NodeDefinitionBase {
  role: 'source';
  /** The state dimension the params imply; undefined while it depends on a file not yet loaded. */
  dimension(params: Params, ctx?: NodeContext): number | undefined;
  /** Emits the initial state of one particle; random draws come from `b.random`. */
  sample(params: Params, b: IRBuilder, dims: number, ctx: NodeContext): ValueId[];
  /**
   * The molecular structure the particles are (one particle = one whole structure), when the
   * source has one; views and exports use it to know what each group of 3 coordinates is.
   */
  structure?(params: Params, ctx: NodeContext): MolecularStructure | undefined;
}

/** A vector field of the state: drift f(x, t) or diagonal diffusion g(x, t). */
export interface FieldDefinition extends NodeDefinitionBase {
  role: 'field';
  /** The state dimension the params imply, or undefined when the node adapts to any. */
  dimension(params: Params, ctx?: NodeContext): number | undefined;
  /**
   * Emits the field's d components at state x and time t. `port` is the output port being
   * lowered, for nodes with several (e.g. a reverse-time SDE outputs a drift and a diffusion).
   */
  field(params: Params, b: IRBuilder, x: readonly ValueId[], t: ValueId, dims: number, ctx: NodeContext, port: string): ValueId[];
}

/** An integrator: the compiler turns it into an integration stage. */
export interface SolverDefinition extends NodeDefinitionBase {
  role: 'solver';
  method: SolverMethod;
}

/** One array a solver produced, as an analysis sees it (float32, row-major). */
export interface ResultArray {
  data: Float32Array;
  shape: number[];
}

/** What an analysis node receives: the arrays on its inputs and what is known about them. */
export interface AnalysisInput {
  /** Arrays by input port name (e.g. `trajectory`: [frames, particles, d]). */
  arrays: ReadonlyMap<string, ResultArray>;
  /** The recorded times of the solver feeding the node. */
  times?: Float32Array;
  /** The structure of that solver's source, when one particle is a molecular structure. */
  structure?: MolecularStructure;
}

/** A file an analysis produces (written next to the run's arrays by the CLI, offered by the app). */
export interface AnalysisFile {
  name: string;
  mime: string;
  text: string;
}

/** What an analysis produces: named metrics, files, and a one-line summary for people. */
export interface AnalysisOutput {
  /** Numbers (or per-residue / per-time lists of numbers) written into run.json. */
  metrics?: Record<string, number | number[] | string>;
  files?: AnalysisFile[];
  summary: string;
}

/** Runs on the host after the solvers: metrics (RMSD, W2, …) and exports (PDB, XYZ, …). */
export interface AnalysisDefinition extends NodeDefinitionBase {
  role: 'analysis';
  /** Throws {@link NodeInputError} when the input does not fit (e.g. no structure to export). */
  analyze(params: Params, input: AnalysisInput): AnalysisOutput;
}

/**
 * A node that only computes a static value from its params and inputs, read downstream with
 * `ctx.input`: e.g. a network architecture (score.mlp) or a training objective (loss.dsm). It
 * emits no IR of its own and becomes no stage.
 */
export interface ValueDefinition extends NodeDefinitionBase {
  role: 'value';
  resolve(params: Params, ctx: NodeContext): unknown;
}

/** Any node type of the catalog. */
export type NodeDefinition = SourceDefinition | FieldDefinition | SolverDefinition | AnalysisDefinition | ValueDefinition;

/** The set of node types an app build knows, by type id. */
export type Catalog = ReadonlyMap<string, NodeDefinition>;

/** Builds a catalog from definitions, refusing duplicate type ids. */
export function makeCatalog(definitions: readonly NodeDefinition[]): Catalog {
  const map = new Map<string, NodeDefinition>();
  for (const d of definitions) {
    if (map.has(d.type)) throw new Error(`catalog: node type '${d.type}' is defined twice`);
    map.set(d.type, d);
  }
  return map;
}
