import { NodeInputError, type Catalog, type NodeContext, type NodeDefinition, type Params, type PortSpec } from './catalog.ts';
import { closest, resolveParams } from './params.ts';
import type { GraphDocument, GraphEdge, GraphNode, Problem } from './types.ts';

/** A node whose type is known and whose params resolved, with its incoming edges by input port. */
export interface ResolvedNode {
  node: GraphNode;
  def: NodeDefinition;
  params: Params;
  inputs: Map<string, string>;
  /** For each connected input port, the output port of the node it comes from. */
  sourcePorts: Map<string, string>;
  /** What the definition's `resolve` returned (e.g. a parsed structure); undefined without one. */
  value?: unknown;
}

/** Files a graph's `file` params name, by the path as written in the param. */
export type FileStore = ReadonlyMap<string, Uint8Array>;

/** Inputs of validation besides the document and the catalog. */
export interface ValidateOptions {
  /** The bytes of the files named by `file` params; a named file missing here is a problem. */
  files?: FileStore;
}

/** Everything validation learned: problems, and the resolved nodes for the compiler. */
export interface Validation {
  problems: Problem[];
  nodes: Map<string, ResolvedNode>;
}

/**
 * Validates a document against a catalog and reports every problem at once: duplicate ids,
 * unknown types and params, bad values, dangling or mistyped edges, missing inputs, cycles,
 * node-specific checks (expressions) and state dimensions that do not agree.
 */
export function validateGraph(doc: GraphDocument, catalog: Catalog, options: ValidateOptions = {}): Validation {
  const problems: Problem[] = [];
  const nodes = new Map<string, ResolvedNode>();
  const ids = new Set<string>();
  // Nodes whose params had problems: bad values were replaced by defaults, so the state dimension
  // they imply is not trusted.
  const unsure = new Set<string>();
  for (const [i, node] of doc.nodes.entries()) {
    if (typeof node !== 'object' || node === null || typeof node.id !== 'string' || node.id === '') {
      problems.push({ message: `nodes[${i}] needs a non-empty string "id"` });
      continue;
    }
    if (ids.has(node.id)) {
      problems.push({ nodeId: node.id, message: `duplicate node id '${node.id}'; give each node its own id` });
      continue;
    }
    ids.add(node.id);
    const def = catalog.get(node.type);
    if (!def) {
      const hint = typeof node.type === 'string' ? closest(node.type, [...catalog.keys()]) : undefined;
      problems.push({ nodeId: node.id, message: `unknown node type ${JSON.stringify(node.type)}${hint ? ` — did you mean '${hint}'?` : ''}; run 'sde-studio nodes' to list the types` });
      continue;
    }
    const { params, problems: paramProblems } = resolveParams(def, node.params);
    problems.push(...paramProblems.map((p) => ({ ...p, nodeId: node.id })));
    const checkProblems = paramProblems.length === 0 && def.check ? def.check(params) : [];
    problems.push(...checkProblems.map((p) => ({ ...p, nodeId: node.id })));
    if (paramProblems.length > 0 || checkProblems.length > 0) unsure.add(node.id);
    nodes.set(node.id, { node, def, params, inputs: new Map(), sourcePorts: new Map() });
  }
  // Inputs that a rejected edge points at: that edge's problem already says what to fix, so the
  // input is not also reported as unconnected.
  const wired = new Set<string>();
  problems.push(...checkEdges(doc.edges, ids, nodes, wired));
  for (const r of nodes.values()) {
    for (const port of r.def.inputs) {
      if (port.required && !r.inputs.has(port.name) && !wired.has(inputKey(r.node.id, port.name))) {
        problems.push({ nodeId: r.node.id, port: port.name, message: `input '${port.name}' (${port.type}) is not connected; connect a node that outputs ${port.type}` });
      }
    }
  }
  const cycles = findCycles(nodes);
  problems.push(...cycles);
  if (cycles.length === 0) problems.push(...resolveValues(nodes, unsure, options.files ?? new Map()));
  // Dimensions are checked even when there are other problems, so that all come at once; only
  // the nodes whose params are in doubt are left out.
  problems.push(...checkDimensions(nodes, unsure));
  return { problems, nodes };
}

function inputKey(nodeId: string, port: string): string {
  return JSON.stringify([nodeId, port]);
}

function checkEdges(edges: readonly GraphEdge[], ids: ReadonlySet<string>, nodes: Map<string, ResolvedNode>, wired: Set<string>): Problem[] {
  const problems: Problem[] = [];
  const edgeIds = new Set<string>();
  for (const [i, edge] of edges.entries()) {
    if (typeof edge !== 'object' || edge === null || typeof edge.id !== 'string' || edge.id === '') {
      problems.push({ message: `edges[${i}] needs a non-empty string "id"` });
      continue;
    }
    if (edgeIds.has(edge.id)) problems.push({ edgeId: edge.id, message: `duplicate edge id '${edge.id}'; give each edge its own id` });
    edgeIds.add(edge.id);
    const ends = [edge.from, edge.to];
    if (!ends.every((e) => typeof e === 'object' && e !== null && typeof e.node === 'string' && typeof e.port === 'string')) {
      problems.push({ edgeId: edge.id, message: 'an edge needs "from" and "to", each { "node": id, "port": name }' });
      continue;
    }
    const missing = ends.filter((e) => !ids.has(e.node));
    for (const e of missing) problems.push({ edgeId: edge.id, message: `edge '${edge.id}' refers to node '${e.node}', which does not exist; remove the edge or add the node` });
    const from = nodes.get(edge.from.node);
    const to = nodes.get(edge.to.node);
    if (to && findPort(to.def.inputs, edge.to.port)) wired.add(inputKey(to.node.id, edge.to.port));
    if (!from || !to) continue;
    const out = findPort(from.def.outputs, edge.from.port);
    const inp = findPort(to.def.inputs, edge.to.port);
    if (!out) problems.push(portProblem(edge, from, edge.from.port, 'output'));
    if (!inp) problems.push(portProblem(edge, to, edge.to.port, 'input'));
    if (!out || !inp) continue;
    if (out.type !== inp.type) {
      problems.push({ edgeId: edge.id, nodeId: to.node.id, port: inp.name, message: `cannot connect '${from.node.id}'.${out.name} (${out.type}) to '${to.node.id}'.${inp.name} (${inp.type}): port types differ; connect a node that outputs ${inp.type} to this input` });
      continue;
    }
    if (to.inputs.has(inp.name)) {
      problems.push({ edgeId: edge.id, nodeId: to.node.id, port: inp.name, message: `input '${inp.name}' already has an edge from '${to.inputs.get(inp.name)}'; an input takes one edge, so remove one of them` });
      continue;
    }
    to.inputs.set(inp.name, from.node.id);
    to.sourcePorts.set(inp.name, out.name);
  }
  return problems;
}

function findPort(ports: readonly PortSpec[], name: string): PortSpec | undefined {
  return ports.find((p) => p.name === name);
}

function portProblem(edge: GraphEdge, r: ResolvedNode, port: string, side: 'input' | 'output'): Problem {
  const names = (side === 'input' ? r.def.inputs : r.def.outputs).map((p) => p.name);
  return { edgeId: edge.id, nodeId: r.node.id, port, message: `'${r.def.type}' has no ${side} port '${port}'; its ${side}s are ${names.join(', ') || '(none)'}` };
}

/** Reports each cycle once, naming the nodes on it. */
function findCycles(nodes: Map<string, ResolvedNode>): Problem[] {
  const state = new Map<string, 'open' | 'done'>();
  const problems: Problem[] = [];
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      const cycle = path.slice(path.indexOf(id));
      problems.push({ nodeId: id, message: `cycle: ${[...cycle, id].join(' → ')}; a graph must flow one way, remove one of these edges` });
      return;
    }
    state.set(id, 'open');
    for (const src of nodes.get(id)?.inputs.values() ?? []) visit(src, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of nodes.keys()) visit(id, []);
  return problems;
}

/** The state dimension of each solver's inputs must agree (inputs from `unsure` nodes are skipped). */
function checkDimensions(nodes: Map<string, ResolvedNode>, unsure: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const r of nodes.values()) {
    if (r.def.role !== 'solver') continue;
    const dims: { port: string; node: string; d: number }[] = [];
    for (const [port, src] of r.inputs) {
      const s = nodes.get(src);
      if (!s || (s.def.role !== 'source' && s.def.role !== 'field') || unsure.has(src)) continue;
      const d = s.def.dimension(s.params, staticContext(s, nodes, new Map()));
      if (d !== undefined) dims.push({ port, node: src, d });
    }
    const first = dims[0];
    for (const other of dims.slice(1)) {
      if (other.d !== first.d) {
        problems.push({ nodeId: r.node.id, port: other.port, message: `state dimensions disagree: '${first.node}' (${first.port}) has ${first.d} components but '${other.node}' (${other.port}) has ${other.d}; make them the same length` });
      }
    }
  }
  return problems;
}

/**
 * Calls each node's `resolve` once, inputs first, so that files are read and parsed before any
 * lowering. Nodes whose params are in doubt, and nodes fed by a node that failed, are skipped
 * (their problem is already reported upstream).
 */
function resolveValues(nodes: Map<string, ResolvedNode>, unsure: Set<string>, files: FileStore): Problem[] {
  const problems: Problem[] = [];
  const done = new Set<string>();
  const visit = (r: ResolvedNode): void => {
    if (done.has(r.node.id)) return;
    done.add(r.node.id);
    for (const src of r.inputs.values()) {
      const s = nodes.get(src);
      if (s) visit(s);
    }
    if ([...r.inputs.values()].some((src) => unsure.has(src))) unsure.add(r.node.id);
    // An unconnected required input is reported already; resolving without it would only add a
    // second message about the same missing edge.
    if (r.def.inputs.some((port) => port.required && !r.inputs.has(port.name))) unsure.add(r.node.id);
    if (!r.def.resolve || unsure.has(r.node.id)) return;
    for (const spec of r.def.params) {
      if (spec.kind !== 'file') continue;
      const path = r.params[spec.name] as string;
      if (path === '' && spec.optional) continue;
      if (!files.has(path)) {
        problems.push({ nodeId: r.node.id, param: spec.name, message: `file '${path}' is not available; it is read relative to the graph file, so check the path or choose the file again` });
        unsure.add(r.node.id);
      }
    }
    if (unsure.has(r.node.id)) return;
    try {
      r.value = r.def.resolve(r.params, staticContext(r, nodes, files));
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      const where = e instanceof NodeInputError ? { ...(e.param ? { param: e.param } : {}), ...(e.port ? { port: e.port } : {}) } : {};
      problems.push({ nodeId: r.node.id, ...where, message: e.message });
      unsure.add(r.node.id);
    }
  };
  for (const r of nodes.values()) visit(r);
  return problems;
}

/** The context of a node outside lowering: files and inputs' values, but no IR to emit into. */
export function staticContext(r: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, files: FileStore): NodeContext {
  return {
    file: (path) => files.get(path),
    input: (port) => nodes.get(r.inputs.get(port) ?? '')?.value,
    value: r.value,
    field: () => { throw new Error(`node '${r.node.id}': fields can only be emitted while lowering`); },
    dimension: (port) => inputDimension(r, port, nodes, files),
    weights: () => { throw new Error(`node '${r.node.id}': weights can only be bound while lowering`); },
  };
}

/** The `dimension` of the source or field node on input `port` of `r` (see NodeContext.dimension). */
function inputDimension(r: ResolvedNode, port: string, nodes: ReadonlyMap<string, ResolvedNode>, files: FileStore): number | undefined {
  const s = nodes.get(r.inputs.get(port) ?? '');
  if (!s || (s.def.role !== 'source' && s.def.role !== 'field')) return undefined;
  return s.def.dimension(s.params, staticContext(s, nodes, files));
}
