import type { Catalog } from '../../core/graph/catalog.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import { dependentSolvers } from '../run/nodeStatus.ts';

/** The solver nodes of a document, in document order. */
export function solverIds(doc: GraphDocument, catalog: Catalog): string[] {
  return doc.nodes.filter((n) => n && catalog.get(n.type)?.role === 'solver').map((n) => n.id);
}

/**
 * Which solver the results panel shows: the selected one; else the first solver the selected
 * node feeds (select a drift, see its trajectories); else the first solver that has results;
 * else the first solver; null when there is none.
 */
export function pickSolver(doc: GraphDocument, catalog: Catalog, selectedNodeId: string | null, withResults: ReadonlySet<string>): string | null {
  const solvers = solverIds(doc, catalog);
  if (selectedNodeId !== null) {
    if (solvers.includes(selectedNodeId)) return selectedNodeId;
    const fed = dependentSolvers(doc, new Set(solvers)).get(selectedNodeId);
    const first = solvers.find((s) => fed?.has(s));
    if (first !== undefined) return first;
  }
  return solvers.find((s) => withResults.has(s)) ?? solvers[0] ?? null;
}
