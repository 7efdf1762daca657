import type { GraphDocument } from '../../core/graph/types.ts';
import type { NodeRunStatus } from './types.ts';

/**
 * For every node, the solver nodes it feeds, directly or through other nodes (a solver lists
 * itself). A source shared by two solvers lists both.
 */
export function dependentSolvers(doc: GraphDocument, solverIds: ReadonlySet<string>): Map<string, Set<string>> {
  const outgoing = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (!e?.from || !e.to) continue;
    const list = outgoing.get(e.from.node) ?? [];
    list.push(e.to.node);
    outgoing.set(e.from.node, list);
  }
  const result = new Map<string, Set<string>>();
  for (const n of doc.nodes) {
    if (!n) continue;
    const found = new Set<string>();
    const seen = new Set<string>();
    const stack = [n.id];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      if (solverIds.has(id)) found.add(id);
      stack.push(...(outgoing.get(id) ?? []));
    }
    result.set(n.id, found);
  }
  return result;
}

/**
 * Badges for every node from the solvers' states: a node feeding a running solver is running;
 * one whose solvers all finished is done; nodes named in `errors` show the error.
 */
export function nodeStatuses(
  dependents: ReadonlyMap<string, ReadonlySet<string>>,
  solverStatus: Readonly<Record<string, NodeRunStatus>>,
  errors: Iterable<string> = [],
): Record<string, NodeRunStatus> {
  const out: Record<string, NodeRunStatus> = {};
  for (const [id, solvers] of dependents) {
    const states = [...solvers].map((s) => solverStatus[s] ?? 'idle');
    out[id] = states.includes('running') ? 'running'
      : states.length > 0 && states.every((s) => s === 'done') ? 'done'
      : 'idle';
  }
  for (const id of errors) out[id] = 'error';
  return out;
}
