/**
 * The graph document, format version 1 (see DESIGN.md). Objects keep every field they were loaded
 * with, known or not, so that saving writes back exactly what was read.
 */

export const GRAPH_FORMAT = 'sde-studio.graph';
export const GRAPH_VERSION = 1;

/** A param value as it appears in JSON. */
export type ParamValue = number | string | boolean | readonly ParamValue[] | { readonly [key: string]: ParamValue };

/** One end of an edge: a node id and one of its port names. */
export interface PortRef {
  node: string;
  port: string;
}

/** A node of the graph. Example: `{ "id": "g", "type": "diffusion.constant", "params": { "sigma": 0.4 } }`. */
export interface GraphNode {
  id: string;
  type: string;
  params?: Record<string, ParamValue>;
  position?: { x: number; y: number };
  [extra: string]: unknown;
}

/** A directed connection from an output port to an input port. */
export interface GraphEdge {
  id: string;
  from: PortRef;
  to: PortRef;
  [extra: string]: unknown;
}

/** The whole document. */
export interface GraphDocument {
  format: typeof GRAPH_FORMAT;
  version: number;
  name?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  [extra: string]: unknown;
}

/**
 * One problem found in a document, located as precisely as possible. `span` is a character range
 * into the param's text (for expressions, `item` says which string of the list).
 */
export interface Problem {
  message: string;
  nodeId?: string;
  edgeId?: string;
  port?: string;
  param?: string;
  item?: number;
  span?: { start: number; end: number };
}

/** Renders a problem as one line: `node 'f', param 'expr'[0]: …`. */
export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.nodeId !== undefined) where.push(`node '${p.nodeId}'`);
  if (p.edgeId !== undefined) where.push(`edge '${p.edgeId}'`);
  if (p.port !== undefined) where.push(`port '${p.port}'`);
  if (p.param !== undefined) where.push(`param '${p.param}'${p.item !== undefined ? `[${p.item}]` : ''}`);
  if (p.span) where.push(`characters ${p.span.start}-${p.span.end}`);
  return where.length ? `${where.join(', ')}: ${p.message}` : p.message;
}
