import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../../core/graph/document.ts';
import { CATALOG } from '../../../nodes/registry.ts';
import { setParam } from '../../state/graphEdits.ts';
import { buildFlowEdges, buildFlowNodes } from './flowModel.ts';

const doc = parseGraph(readFileSync(new URL('../../../assets/examples/stochastic-lorenz.json', import.meta.url), 'utf8')).doc!;

describe('flow model', () => {
  it('draws every node and edge with its port type', () => {
    const nodes = buildFlowNodes(doc, CATALOG, new Set(['solve']), []);
    expect(nodes.map((n) => [n.id, n.selected])).toEqual([['init', false], ['lorenz', false], ['noise', false], ['solve', true]]);
    const edges = buildFlowEdges(doc, CATALOG, new Set(), []);
    expect(edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle, e.data?.portType])).toEqual([
      ['init', 'out', 'solve', 'initial', 'distribution'],
      ['lorenz', 'out', 'solve', 'drift', 'drift'],
      ['noise', 'out', 'solve', 'diffusion', 'diffusion'],
    ]);
  });

  it('reuses the flow objects of nodes that did not change', () => {
    const before = buildFlowNodes(doc, CATALOG, new Set(), []).map((n) => ({ ...n, measured: { width: 232, height: 100 } }));
    const next = setParam(doc, 'solve', 'particles', 10);
    const after = buildFlowNodes(next, CATALOG, new Set(), before);
    expect(after[0]).toBe(before[0]);
    expect(after[3]).not.toBe(before[3]);
    expect(after[3].measured).toEqual({ width: 232, height: 100 });
  });

  it('keeps the position of a node being dragged', () => {
    const before = buildFlowNodes(doc, CATALOG, new Set(), []);
    before[0] = { ...before[0], dragging: true, position: { x: 999, y: 999 } };
    const after = buildFlowNodes(setParam(doc, 'init', 'std', 1), CATALOG, new Set(), before);
    expect(after[0].position).toEqual({ x: 999, y: 999 });
  });

  it('skips edges to missing nodes and duplicate ids', () => {
    const broken = { ...doc, edges: [...doc.edges, { id: 'x', from: { node: 'nope', port: 'out' }, to: { node: 'solve', port: 'initial' } }, doc.edges[0]] };
    expect(buildFlowEdges(broken, CATALOG, new Set(), [])).toHaveLength(3);
  });
});
