/**
 * Where a node is drawn when the file gives no position (positions are optional in the format):
 * sources and fields in a first column, solvers in a second, like the example graphs. The result
 * is only for display; the document gets a position when the user moves the node.
 */
import type { Catalog } from '../../core/graph/catalog.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import type { Point } from './graphEdits.ts';

export const COLUMN_WIDTH = 320;
export const ROW_HEIGHT = 140;

/** A position for every node: its own when it has one, else the next free slot of its column. */
export function displayPositions(doc: GraphDocument, catalog: Catalog): Map<string, Point> {
  const positions = new Map<string, Point>();
  const placed = doc.nodes.filter((n) => isPoint(n.position));
  const bottom = placed.length ? Math.max(...placed.map((n) => (n.position as Point).y)) + ROW_HEIGHT : 0;
  const rows = [0, 0];
  for (const n of doc.nodes) {
    if (isPoint(n.position)) {
      positions.set(n.id, n.position);
      continue;
    }
    const column = catalog.get(n.type)?.role === 'solver' ? 1 : 0;
    positions.set(n.id, { x: column * COLUMN_WIDTH, y: bottom + rows[column]++ * ROW_HEIGHT });
  }
  return positions;
}

function isPoint(p: unknown): p is Point {
  return typeof p === 'object' && p !== null && Number.isFinite((p as Point).x) && Number.isFinite((p as Point).y);
}
