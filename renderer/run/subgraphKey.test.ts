import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../core/graph/types.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { canonicalJson, hashBytes, hashText, serializeSubgraph, solverKeys } from './subgraphKey.ts';
import { analysisGraph, TEST_CATALOG, textBytes } from './testing.ts';

/** Two solvers: a shared source, each with its own drift and diffusion. */
function twoSolvers(): GraphDocument {
  const solver = { t0: 0, t1: 1, steps: 10, particles: 100, seed: 1, record: 0 };
  return {
    format: 'sde-studio.graph', version: 1, name: 'two',
    nodes: [
      { id: 'init', type: 'source.gaussian', params: { mean: [0], std: 1 }, position: { x: 0, y: 0 } },
      { id: 'fa', type: 'drift.ou', params: { theta: 1, mu: 0 } },
      { id: 'fb', type: 'drift.ou', params: { theta: 2, mu: 0 } },
      { id: 'g', type: 'diffusion.constant', params: { sigma: 0.5 } },
      { id: 'a', type: 'solver.euler_maruyama', params: { ...solver } },
      { id: 'b', type: 'solver.euler_maruyama', params: { ...solver } },
    ],
    edges: [
      { id: 'e1', from: { node: 'init', port: 'out' }, to: { node: 'a', port: 'initial' } },
      { id: 'e2', from: { node: 'fa', port: 'out' }, to: { node: 'a', port: 'drift' } },
      { id: 'e3', from: { node: 'g', port: 'out' }, to: { node: 'a', port: 'diffusion' } },
      { id: 'e4', from: { node: 'init', port: 'out' }, to: { node: 'b', port: 'initial' } },
      { id: 'e5', from: { node: 'fb', port: 'out' }, to: { node: 'b', port: 'drift' } },
      { id: 'e6', from: { node: 'g', port: 'out' }, to: { node: 'b', port: 'diffusion' } },
    ],
  };
}

const keyOf = (doc: GraphDocument, id: string) => solverKeys(doc, CATALOG).find((k) => k.nodeId === id)?.key;

describe('hashText', () => {
  it('is 64-bit FNV-1a', () => {
    expect(hashText('')).toBe('cbf29ce484222325');
    expect(hashText('a')).toBe('af63dc4c8601ec8c');
    expect(hashText('foobar')).toBe('85944171f73967e8');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":1,"z":0}]},"b":1}');
  });
});

describe('solverKeys', () => {
  it('lists only solver nodes', () => {
    expect(solverKeys(twoSolvers(), CATALOG).map((k) => k.nodeId)).toEqual(['a', 'b']);
  });

  it('changes only for the solver whose upstream changed', () => {
    const before = twoSolvers();
    const after = twoSolvers();
    (after.nodes[1].params as Record<string, number>).theta = 1.5; // fa feeds only a
    expect(keyOf(after, 'a')).not.toBe(keyOf(before, 'a'));
    expect(keyOf(after, 'b')).toBe(keyOf(before, 'b'));
  });

  it('changes for both when a shared node changes', () => {
    const after = twoSolvers();
    (after.nodes[3].params as Record<string, number>).sigma = 0.6;
    expect(keyOf(after, 'a')).not.toBe(keyOf(twoSolvers(), 'a'));
    expect(keyOf(after, 'b')).not.toBe(keyOf(twoSolvers(), 'b'));
  });

  it('changes with the solver own params, type and wiring', () => {
    const base = keyOf(twoSolvers(), 'a');
    const steps = twoSolvers();
    (steps.nodes[4].params as Record<string, number>).steps = 20;
    expect(keyOf(steps, 'a')).not.toBe(base);
    const method = twoSolvers();
    method.nodes[4].type = 'solver.milstein';
    expect(keyOf(method, 'a')).not.toBe(base);
    const rewired = twoSolvers();
    rewired.edges[1] = { id: 'e2', from: { node: 'fb', port: 'out' }, to: { node: 'a', port: 'drift' } };
    expect(keyOf(rewired, 'a')).toBe(keyOf(twoSolvers(), 'b'));
  });

  it('ignores positions, ids, unknown fields, key order and params left at their defaults', () => {
    const base = keyOf(twoSolvers(), 'a');
    const moved = twoSolvers();
    moved.nodes[0].position = { x: 500, y: 20 };
    moved.nodes[1].label = 'my drift';
    expect(keyOf(moved, 'a')).toBe(base);
    const renamed = twoSolvers();
    renamed.nodes[1].id = 'drift_a';
    renamed.edges[1].from.node = 'drift_a';
    expect(keyOf(renamed, 'a')).toBe(base);
    const reordered = twoSolvers();
    reordered.nodes[1].params = { mu: 0, theta: 1 };
    expect(keyOf(reordered, 'a')).toBe(base);
    const explicitDefaults = twoSolvers();
    const ou = CATALOG.get('drift.ou');
    const defaults = Object.fromEntries((ou?.params ?? []).map((p) => [p.name, p.default]));
    explicitDefaults.nodes[1].params = { ...defaults, theta: 1, mu: 0 };
    const sparse = twoSolvers();
    sparse.nodes[1].params = { theta: 1, mu: 0 };
    expect(keyOf(explicitDefaults, 'a')).toBe(keyOf(sparse, 'a'));
  });

  it('survives cycles and dangling edges', () => {
    const doc = twoSolvers();
    doc.edges.push({ id: 'loop', from: { node: 'a', port: 'samples' }, to: { node: 'init', port: 'x' } });
    doc.edges.push({ id: 'dangling', from: { node: 'nowhere', port: 'out' }, to: { node: 'a', port: 'extra' } });
    expect(serializeSubgraph(doc, 'a', CATALOG)).toContain('"cycle":"a"');
    expect(serializeSubgraph(doc, 'a', CATALOG)).toContain('"missing":"nowhere"');
  });
});

describe('data files in the key', () => {
  it('hashBytes is FNV-1a over the bytes, with the length in front', () => {
    expect(hashBytes(new Uint8Array())).toBe('0:cbf29ce484222325');
    expect(hashBytes(new TextEncoder().encode('foobar'))).toBe(`6:${hashText('foobar')}`);
  });

  it('a file param stands for the bytes of its file, so other bytes under the same name change the key', () => {
    const doc = analysisGraph();
    const key = (text: string | undefined) => solverKeys(doc, TEST_CATALOG, new Map(text === undefined ? [] : [['atoms.txt', hashBytes(textBytes(text))]]))[0].key;
    expect(key('0 0 0')).toBe(key('0 0 0'));
    expect(key('0 0 0')).not.toBe(key('1 0 0'));
    expect(key(undefined)).not.toBe(key('0 0 0'));
  });
});
