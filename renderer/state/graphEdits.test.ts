import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGraph, serializeGraph } from '../../core/graph/document.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import { validateGraph } from '../../core/graph/validate.ts';
import { CATALOG } from '../../nodes/registry.ts';
import * as edits from './graphEdits.ts';
import { History } from './history.ts';

function example(name: string): { text: string; doc: GraphDocument } {
  const text = readFileSync(new URL(`../../assets/examples/${name}.json`, import.meta.url), 'utf8');
  const { doc } = parseGraph(text);
  if (!doc) throw new Error(`cannot parse ${name}`);
  return { text, doc };
}

describe('graph edits', () => {
  it('undoing every kind of edit gives back the file byte for byte', () => {
    const { text, doc } = example('stochastic-lorenz');
    const frozen = structuredClone(doc);
    const h = new History(doc);
    const apply = (next: GraphDocument) => h.push(next, 'edit');
    apply(edits.setParam(h.present, 'solve', 'particles', 500));
    apply(edits.setParam(h.present, 'init', 'mean', [0, 0, 0]));
    apply(edits.moveNodes(h.present, new Map([['init', { x: 10.4, y: -20.6 }]])));
    const gaussian = CATALOG.get('source.gaussian');
    if (!gaussian) throw new Error('catalog has no source.gaussian');
    apply(edits.addElements(h.present, [edits.createNode(gaussian, edits.uniqueNodeId(h.present, 'gaussian'), { x: 5, y: 5 })]));
    apply(edits.connect(h.present, { node: 'gaussian', port: 'out' }, { node: 'solve', port: 'initial' }));
    apply(edits.renameNode(h.present, 'noise', 'sigma_noise'));
    apply(edits.removeElements(h.present, ['lorenz']));
    apply(edits.renameDocument(h.present, 'Changed'));
    expect(serializeGraph(h.present)).not.toBe(text);
    while (h.undo());
    expect(h.present).toBe(doc);
    expect(serializeGraph(h.present)).toBe(text);
    // The edits never mutated the document they started from.
    expect(doc).toEqual(frozen);
  });

  it('creates nodes with every param at its default, which validate', () => {
    const def = CATALOG.get('solver.euler_maruyama');
    if (!def) throw new Error('no solver');
    const node = edits.createNode(def, 'solve', { x: 0.4, y: 1.6 });
    expect(Object.keys(node.params ?? {})).toEqual(def.params.map((p) => p.name));
    expect(node.position).toEqual({ x: 0, y: 2 });
  });

  it('connect replaces the edge already entering an input and gets a fresh id', () => {
    const { doc } = example('ornstein-uhlenbeck');
    const withSecond = edits.addElements(doc, [{ id: 'init2', type: 'source.point', params: { value: [1] } }]);
    const next = edits.connect(withSecond, { node: 'init2', port: 'out' }, { node: 'solve', port: 'initial' });
    const into = next.edges.filter((e) => e.to.node === 'solve' && e.to.port === 'initial');
    expect(into).toHaveLength(1);
    expect(into[0].from.node).toBe('init2');
    expect(doc.edges.map((e) => e.id)).not.toContain(into[0].id);
    expect(validateGraph(next, CATALOG).problems).toEqual([]);
  });

  it('refuses mismatched port types, self-loops and cycles with a reason', () => {
    const { doc } = example('ornstein-uhlenbeck');
    const reason = edits.connectionRefusal(doc, CATALOG, { node: 'init', port: 'out' }, { node: 'solve', port: 'drift' });
    expect(reason).toMatch(/outputs distribution.*takes drift/);
    expect(edits.connectionRefusal(doc, CATALOG, { node: 'solve', port: 'samples' }, { node: 'solve', port: 'initial' })).toMatch(/itself/);
    expect(edits.connectionRefusal(doc, CATALOG, { node: 'f', port: 'out' }, { node: 'solve', port: 'drift' })).toBeUndefined();
  });

  it('removing a node removes its edges', () => {
    const { doc } = example('ornstein-uhlenbeck');
    const next = edits.removeElements(doc, ['solve']);
    expect(next.edges).toEqual([]);
    expect(next.nodes.map((n) => n.id)).not.toContain('solve');
  });

  it('setParam with undefined removes the param, and no-op edits return the same document', () => {
    const { doc } = example('ornstein-uhlenbeck');
    expect(edits.setParam(doc, 'g', 'sigma', 0.4)).toBe(doc);
    expect(edits.moveNodes(doc, new Map())).toBe(doc);
    const next = edits.setParam(doc, 'g', 'sigma', undefined);
    expect(next.nodes.find((n) => n.id === 'g')?.params).toEqual({});
  });

  it('renameNode refuses a taken id and follows edges otherwise', () => {
    const { doc } = example('ornstein-uhlenbeck');
    expect(edits.renameNode(doc, 'f', 'g')).toBe(doc);
    const next = edits.renameNode(doc, 'f', 'drift');
    expect(next.edges.some((e) => e.from.node === 'drift')).toBe(true);
  });

  it('makes readable unique ids', () => {
    const { doc } = example('ornstein-uhlenbeck');
    expect(edits.uniqueNodeId(doc, 'gaussian')).toBe('gaussian');
    expect(edits.uniqueNodeId(doc, 'init')).toBe('init2');
    expect(edits.uniqueNodeId(new Set(['a', 'a2']), 'a')).toBe('a3');
    expect(edits.uniqueEdgeId(doc)).toBe('e4');
    expect(edits.baseIdFor('drift.ou')).toBe('ou');
  });
});
