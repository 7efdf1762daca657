/**
 * The document as Svelte Flow nodes and edges. Rebuilt after every document change, reusing the
 * previous flow objects where nothing changed so Svelte Flow keeps their measurements and does not
 * redraw them (this is what keeps 300-node graphs smooth).
 */
import type { Edge, Node } from '@xyflow/svelte';
import type { Catalog } from '../../../core/graph/catalog.ts';
import type { GraphDocument, GraphNode } from '../../../core/graph/types.ts';
import { displayPositions } from '../../state/layout.ts';

/** Data of a canvas node: the document node it draws. */
export type FlowNodeData = { node: GraphNode };
export type FlowNode = Node<FlowNodeData, 'sde'>;
/** Data of a canvas edge: the type of what flows along it (for its colour). */
export type FlowEdgeData = { portType: string };
export type FlowEdge = Edge<FlowEdgeData>;

export function buildFlowNodes(doc: GraphDocument, catalog: Catalog, selected: ReadonlySet<string>, previous: readonly FlowNode[]): FlowNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  const positions = displayPositions(doc, catalog);
  const seen = new Set<string>();
  const result: FlowNode[] = [];
  for (const node of doc.nodes) {
    // Duplicate ids are a validation error; Svelte Flow cannot draw two nodes with one id.
    if (typeof node?.id !== 'string' || seen.has(node.id)) continue;
    seen.add(node.id);
    const prev = before.get(node.id);
    // A node being dragged keeps the position Svelte Flow gives it until the drag ends.
    const position = prev?.dragging ? prev.position : (positions.get(node.id) as { x: number; y: number });
    const isSelected = selected.has(node.id);
    if (prev && prev.data.node === node && !!prev.selected === isSelected && prev.position.x === position.x && prev.position.y === position.y) {
      result.push(prev);
      continue;
    }
    result.push({ ...prev, id: node.id, type: 'sde', position, data: { node }, selected: isSelected });
  }
  return result;
}

export function buildFlowEdges(doc: GraphDocument, catalog: Catalog, selected: ReadonlySet<string>, previous: readonly FlowEdge[]): FlowEdge[] {
  const before = new Map(previous.map((e) => [e.id, e]));
  const types = new Map(doc.nodes.map((n) => [n.id, n.type]));
  const result: FlowEdge[] = [];
  const seen = new Set<string>();
  for (const edge of doc.edges) {
    const from = edge?.from;
    const to = edge?.to;
    if (typeof edge?.id !== 'string' || seen.has(edge.id) || !from || !to || !types.has(from.node) || !types.has(to.node)) continue;
    seen.add(edge.id);
    const portType = catalog.get(types.get(from.node) as string)?.outputs.find((p) => p.name === from.port)?.type ?? 'other';
    const isSelected = selected.has(edge.id);
    const prev = before.get(edge.id);
    if (prev && prev.source === from.node && prev.sourceHandle === from.port && prev.target === to.node && prev.targetHandle === to.port
      && !!prev.selected === isSelected && prev.data?.portType === portType) {
      result.push(prev);
      continue;
    }
    result.push({
      id: edge.id,
      source: from.node,
      sourceHandle: from.port,
      target: to.node,
      targetHandle: to.port,
      selected: isSelected,
      data: { portType },
      class: `port-${portType}`,
      style: `--edge-color: var(--port-${portType}, var(--port-other))`,
    });
  }
  return result;
}
