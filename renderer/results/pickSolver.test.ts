import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../core/graph/types.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { pickSolver } from './pickSolver.ts';

const doc: GraphDocument = {
  format: 'sde-studio.graph', version: 1,
  nodes: [
    { id: 'init', type: 'source.gaussian' }, { id: 'fa', type: 'drift.ou' }, { id: 'fb', type: 'drift.ou' },
    { id: 'a', type: 'solver.euler' }, { id: 'b', type: 'solver.euler' }, { id: 'lonely', type: 'drift.ou' },
  ],
  edges: [
    { id: '1', from: { node: 'init', port: 'out' }, to: { node: 'a', port: 'initial' } },
    { id: '2', from: { node: 'init', port: 'out' }, to: { node: 'b', port: 'initial' } },
    { id: '3', from: { node: 'fa', port: 'out' }, to: { node: 'a', port: 'drift' } },
    { id: '4', from: { node: 'fb', port: 'out' }, to: { node: 'b', port: 'drift' } },
  ],
};

describe('pickSolver', () => {
  it('follows the selection', () => {
    expect(pickSolver(doc, CATALOG, 'b', new Set())).toBe('b');
    expect(pickSolver(doc, CATALOG, 'fb', new Set())).toBe('b');
    expect(pickSolver(doc, CATALOG, 'init', new Set())).toBe('a');
  });

  it('falls back to a solver with results, then the first solver', () => {
    expect(pickSolver(doc, CATALOG, 'lonely', new Set(['b']))).toBe('b');
    expect(pickSolver(doc, CATALOG, null, new Set())).toBe('a');
    expect(pickSolver({ ...doc, nodes: doc.nodes.slice(0, 3) }, CATALOG, null, new Set())).toBeNull();
  });
});
