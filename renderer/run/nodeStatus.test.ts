import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../core/graph/types.ts';
import { dependentSolvers, nodeStatuses } from './nodeStatus.ts';

const doc: GraphDocument = {
  format: 'sde-studio.graph', version: 1,
  nodes: [{ id: 'src', type: 't' }, { id: 'fa', type: 't' }, { id: 'a', type: 't' }, { id: 'b', type: 't' }, { id: 'lonely', type: 't' }],
  edges: [
    { id: '1', from: { node: 'src', port: 'out' }, to: { node: 'a', port: 'initial' } },
    { id: '2', from: { node: 'src', port: 'out' }, to: { node: 'b', port: 'initial' } },
    { id: '3', from: { node: 'fa', port: 'out' }, to: { node: 'a', port: 'drift' } },
  ],
};

describe('node statuses', () => {
  const deps = dependentSolvers(doc, new Set(['a', 'b']));

  it('finds the solvers each node feeds', () => {
    expect([...(deps.get('src') ?? [])].sort()).toEqual(['a', 'b']);
    expect([...(deps.get('fa') ?? [])]).toEqual(['a']);
    expect([...(deps.get('a') ?? [])]).toEqual(['a']);
    expect(deps.get('lonely')?.size).toBe(0);
  });

  it('derives badges from the solvers', () => {
    const s = nodeStatuses(deps, { a: 'done', b: 'running' });
    expect(s).toEqual({ src: 'running', fa: 'done', a: 'done', b: 'running', lonely: 'idle' });
    expect(nodeStatuses(deps, { a: 'done', b: 'done' }).src).toBe('done');
    expect(nodeStatuses(deps, { a: 'idle', b: 'done' }, ['fa'])).toMatchObject({ fa: 'error', src: 'idle', b: 'done' });
  });
});
