/**
 * Edits of a graph document as pure functions: each returns a new document and leaves its input
 * untouched, sharing every node and edge it did not change. The undo history keeps the old values,
 * so an edit never needs an inverse. Key order inside objects is kept, so that untouched nodes
 * serialize to the same bytes.
 */
import type { Catalog, NodeDefinition } from '../../core/graph/catalog.ts';
import type { GraphDocument, GraphEdge, GraphNode, ParamValue, PortRef } from '../../core/graph/types.ts';

/** A point on the canvas, in flow coordinates. */
export interface Point {
  x: number;
  y: number;
}

/** A fresh node of type `def` with every param at its default (a file that says what it means). */
export function createNode(def: NodeDefinition, id: string, position: Point): GraphNode {
  const params: Record<string, ParamValue> = {};
  for (const p of def.params) params[p.name] = structuredClone(p.default) as ParamValue;
  return { id, type: def.type, params, position: roundPoint(position) };
}

/** Appends nodes and edges (ids must already be unique, see {@link uniqueNodeId}). */
export function addElements(doc: GraphDocument, nodes: readonly GraphNode[], edges: readonly GraphEdge[] = []): GraphDocument {
  if (nodes.length === 0 && edges.length === 0) return doc;
  return { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] };
}

/** Removes nodes (with every edge that touches them) and edges. */
export function removeElements(doc: GraphDocument, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): GraphDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const keepNode = (n: GraphNode) => !nodes.has(n.id);
  const keepEdge = (e: GraphEdge) => !edges.has(e.id) && !nodes.has(e.from?.node) && !nodes.has(e.to?.node);
  if (doc.nodes.every(keepNode) && doc.edges.every(keepEdge)) return doc;
  return { ...doc, nodes: doc.nodes.filter(keepNode), edges: doc.edges.filter(keepEdge) };
}

/** Moves nodes to new positions (rounded to whole pixels); nodes already there are left alone. */
export function moveNodes(doc: GraphDocument, positions: ReadonlyMap<string, Point>): GraphDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p) return n;
    const next = roundPoint(p);
    if (n.position && n.position.x === next.x && n.position.y === next.y) return n;
    changed = true;
    return { ...n, position: next };
  });
  return changed ? { ...doc, nodes } : doc;
}

/** Sets one param of one node; `undefined` removes it (the default then applies). */
export function setParam(doc: GraphDocument, nodeId: string, name: string, value: ParamValue | undefined): GraphDocument {
  return updateNode(doc, nodeId, (n) => {
    const params = { ...(n.params ?? {}) };
    if (value === undefined) {
      if (!(name in params)) return n;
      delete params[name];
    } else {
      if (sameValue(params[name], value)) return n;
      params[name] = value;
    }
    return { ...n, params };
  });
}

/** Gives a node a new id and points its edges at it. Refused (returns `doc`) when the id is taken or empty. */
export function renameNode(doc: GraphDocument, oldId: string, newId: string): GraphDocument {
  if (newId === oldId || newId === '' || doc.nodes.some((n) => n.id === newId)) return doc;
  const rename = (end: PortRef): PortRef => (end?.node === oldId ? { ...end, node: newId } : end);
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === oldId ? { ...n, id: newId } : n)),
    edges: doc.edges.map((e) => (e.from?.node === oldId || e.to?.node === oldId ? { ...e, from: rename(e.from), to: rename(e.to) } : e)),
  };
}

/** Sets the document's display name. */
export function renameDocument(doc: GraphDocument, name: string): GraphDocument {
  return doc.name === name ? doc : { ...doc, name };
}

/**
 * Connects an output to an input. An input takes one edge, so an edge already entering `to` is
 * replaced. Call {@link connectionRefusal} first: this function does not check port types.
 */
export function connect(doc: GraphDocument, from: PortRef, to: PortRef): GraphDocument {
  if (doc.edges.some((e) => sameEnd(e.from, from) && sameEnd(e.to, to))) return doc;
  const kept = doc.edges.filter((e) => !sameEnd(e.to, to));
  const edge: GraphEdge = { id: uniqueEdgeId(doc), from: { node: from.node, port: from.port }, to: { node: to.node, port: to.port } };
  return { ...doc, edges: [...kept, edge] };
}

/**
 * Why an edge from `from` to `to` may not be drawn, as a sentence for the user, or undefined when
 * it may. Checks the ports exist, their types agree and the edge would not close a cycle.
 */
export function connectionRefusal(doc: GraphDocument, catalog: Catalog, from: PortRef, to: PortRef): string | undefined {
  if (from.node === to.node) return 'a node cannot feed itself';
  const source = doc.nodes.find((n) => n.id === from.node);
  const target = doc.nodes.find((n) => n.id === to.node);
  const sourceDef = source && catalog.get(source.type);
  const targetDef = target && catalog.get(target.type);
  if (!sourceDef || !targetDef) return 'one of these nodes has an unknown type';
  const out = sourceDef.outputs.find((p) => p.name === from.port);
  const inp = targetDef.inputs.find((p) => p.name === to.port);
  if (!out) return `'${from.node}' has no output '${from.port}'`;
  if (!inp) return `'${to.node}' has no input '${to.port}'`;
  if (out.type !== inp.type) {
    return `${sourceDef.title} outputs ${out.type}, but ${targetDef.title}.${inp.name} takes ${inp.type}`;
  }
  if (reaches(doc, to.node, from.node)) return 'this edge would make a cycle; a graph must flow one way';
  return undefined;
}

/** True when `target` can be reached from `start` along edges. */
function reaches(doc: GraphDocument, start: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of doc.edges) if (e.from?.node === id) stack.push(e.to.node);
  }
  return false;
}

/** `base` itself when free, else `base2`, `base3`, … */
export function uniqueNodeId(taken: ReadonlySet<string> | GraphDocument, base: string): string {
  const ids = 'nodes' in taken ? new Set(taken.nodes.map((n) => n.id)) : taken;
  const clean = base.replace(/[^A-Za-z0-9_-]/g, '_') || 'node';
  if (!ids.has(clean)) return clean;
  const stem = clean.replace(/\d+$/, '') || clean;
  for (let i = 2; ; i++) if (!ids.has(`${stem}${i}`)) return `${stem}${i}`;
}

/** The first free `e<N>` after the highest one in use. */
export function uniqueEdgeId(doc: GraphDocument, extra: ReadonlySet<string> = new Set()): string {
  const ids = new Set([...doc.edges.map((e) => e.id), ...extra]);
  let n = doc.edges.length + 1;
  for (const id of ids) {
    const m = /^e(\d+)$/.exec(id);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  while (ids.has(`e${n}`)) n++;
  return `e${n}`;
}

/** The readable id a new node of this type gets before deduplication: `source.gaussian` → `gaussian`. */
export function baseIdFor(type: string): string {
  return type.split('.').at(-1) ?? type;
}

function updateNode(doc: GraphDocument, nodeId: string, update: (n: GraphNode) => GraphNode): GraphDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    if (n.id !== nodeId) return n;
    const next = update(n);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...doc, nodes } : doc;
}

function sameEnd(a: PortRef | undefined, b: PortRef): boolean {
  return a?.node === b.node && a?.port === b.port;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));
}

function roundPoint(p: Point): Point {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}
