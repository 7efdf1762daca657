/**
 * Copy and paste of nodes. The clipboard is a JSON payload in localStorage, so a second window of
 * the app (same origin) pastes what the first one copied; the 'storage' event tells the other
 * windows that the clipboard changed.
 */
import type { GraphDocument, GraphEdge, GraphNode } from '../../core/graph/types.ts';
import { addElements, uniqueEdgeId, uniqueNodeId, type Point } from './graphEdits.ts';

export const CLIPBOARD_KEY = 'sde-studio.clipboard';
const CLIPBOARD_FORMAT = 'sde-studio.clipboard';

/** What Copy puts on the clipboard: the nodes and the edges between them. */
export interface ClipboardPayload {
  format: typeof CLIPBOARD_FORMAT;
  version: 1;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The selected nodes and the edges that join two of them (edges to the outside are left behind). */
export function copySelection(doc: GraphDocument, nodeIds: Iterable<string>): ClipboardPayload | undefined {
  const ids = new Set(nodeIds);
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return undefined;
  const edges = doc.edges.filter((e) => ids.has(e.from?.node) && ids.has(e.to?.node));
  return structuredClone({ format: CLIPBOARD_FORMAT, version: 1, nodes, edges });
}

/**
 * Adds the payload's nodes to `doc` under fresh ids, moved by `offset` (or so that their top-left
 * corner lands on `at`). Returns the new document and the ids of the pasted nodes.
 */
export function pasteInto(doc: GraphDocument, payload: ClipboardPayload, placement: { offset: Point } | { at: Point }): { doc: GraphDocument; nodeIds: string[] } {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  for (const n of payload.nodes) {
    const id = uniqueNodeId(taken, n.id);
    taken.add(id);
    rename.set(n.id, id);
  }
  const origin = topLeft(payload.nodes);
  const shift = 'offset' in placement ? placement.offset : { x: placement.at.x - origin.x, y: placement.at.y - origin.y };
  const nodes = payload.nodes.map((n): GraphNode => {
    const p = n.position ?? origin;
    return { ...structuredClone(n), id: rename.get(n.id) as string, position: { x: Math.round(p.x + shift.x), y: Math.round(p.y + shift.y) } };
  });
  const edgeIds = new Set<string>();
  const edges = payload.edges.map((e): GraphEdge => {
    const id = uniqueEdgeId(doc, edgeIds);
    edgeIds.add(id);
    return { ...structuredClone(e), id, from: { ...e.from, node: rename.get(e.from.node) as string }, to: { ...e.to, node: rename.get(e.to.node) as string } };
  });
  return { doc: addElements(doc, nodes, edges), nodeIds: nodes.map((n) => n.id) };
}

/** Reads a payload back from text, or undefined when the text is not one. */
export function parseClipboard(text: string | null): ClipboardPayload | undefined {
  if (!text) return undefined;
  try {
    const data = JSON.parse(text) as Partial<ClipboardPayload>;
    if (data.format !== CLIPBOARD_FORMAT || !Array.isArray(data.nodes) || !Array.isArray(data.edges)) return undefined;
    if (!data.nodes.every((n) => typeof n?.id === 'string' && typeof n?.type === 'string')) return undefined;
    return data as ClipboardPayload;
  } catch {
    return undefined;
  }
}

/** The clipboard shared by every window of the app, kept in localStorage. */
export const sharedClipboard = {
  write(payload: ClipboardPayload): void {
    localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(payload));
  },
  read(): ClipboardPayload | undefined {
    return parseClipboard(localStorage.getItem(CLIPBOARD_KEY));
  },
  /** Calls `listener` when another window copies; returns the unsubscribe function. */
  onChange(listener: (payload: ClipboardPayload | undefined) => void): () => void {
    const handler = (e: StorageEvent) => {
      if (e.key === CLIPBOARD_KEY) listener(parseClipboard(e.newValue));
    };
    addEventListener('storage', handler);
    return () => removeEventListener('storage', handler);
  },
};

function topLeft(nodes: readonly GraphNode[]): Point {
  const placed = nodes.filter((n) => n.position);
  if (placed.length === 0) return { x: 0, y: 0 };
  return { x: Math.min(...placed.map((n) => n.position!.x)), y: Math.min(...placed.map((n) => n.position!.y)) };
}
