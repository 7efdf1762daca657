import type { IRBuilder } from '../ir/builder.ts';
import type { ValueId } from '../ir/types.ts';
import type { SolverMethod } from '../solvers/method.ts';
import type { ParamValue, Problem } from './types.ts';

/** What flows along an edge. An edge may only join ports of the same type. */
export type PortType = 'distribution' | 'drift' | 'diffusion' | 'samples' | 'trajectory' | 'times';

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
  | 'constants';

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
}

/** Source of initial states: samples d numbers per particle from its random stream. */
export interface SourceDefinition extends NodeDefinitionBase {
  role: 'source';
  /** The state dimension the params imply. */
  dimension(params: Params): number;
  /** Emits the initial state of one particle; random draws come from `b.random`. */
  sample(params: Params, b: IRBuilder, dims: number): ValueId[];
}

/** A vector field of the state: drift f(x, t) or diagonal diffusion g(x, t). */
export interface FieldDefinition extends NodeDefinitionBase {
  role: 'field';
  /** The state dimension the params imply, or undefined when the node adapts to any. */
  dimension(params: Params): number | undefined;
  /** Emits the field's d components at state x and time t. */
  field(params: Params, b: IRBuilder, x: readonly ValueId[], t: ValueId, dims: number): ValueId[];
}

/** An integrator: the compiler turns it into an integration stage. */
export interface SolverDefinition extends NodeDefinitionBase {
  role: 'solver';
  method: SolverMethod;
}

/** Any node type of the catalog. */
export type NodeDefinition = SourceDefinition | FieldDefinition | SolverDefinition;

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
