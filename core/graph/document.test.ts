import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../nodes/registry.ts';
import { checkEnvelope, parseGraph, serializeGraph } from './document.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type Problem } from './types.ts';
import { validateGraph } from './validate.ts';

const EXAMPLES_DIR = fileURLToPath(new URL('../../assets/examples/', import.meta.url));
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();

function readExample(name: string): string {
  return readFileSync(path.join(EXAMPLES_DIR, name), 'utf8');
}

/** Parses text that must load; fails the test with the problems otherwise. */
function load(text: string): GraphDocument {
  const { doc, problems } = parseGraph(text);
  expect(problems).toEqual([]);
  if (!doc) throw new Error('parseGraph returned no document');
  return doc;
}

/** A small valid graph, as a plain object, for building variations. */
function smallGraph(): Record<string, unknown> {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'small',
    nodes: [
      { id: 'init', type: 'source.point', params: { value: [1] } },
      { id: 'f', type: 'drift.expression', params: { expr: ['-x[0]'] } },
      { id: 'g', type: 'diffusion.constant', params: { sigma: 0.5 } },
      { id: 'solve', type: 'solver.euler_maruyama', params: { steps: 10, particles: 4 } },
    ],
    edges: [
      { id: 'e1', from: { node: 'init', port: 'out' }, to: { node: 'solve', port: 'initial' } },
      { id: 'e2', from: { node: 'f', port: 'out' }, to: { node: 'solve', port: 'drift' } },
      { id: 'e3', from: { node: 'g', port: 'out' }, to: { node: 'solve', port: 'diffusion' } },
    ],
  };
}

/** The problems of a document that must fail to load, with no document returned. */
function envelopeProblems(text: string): Problem[] {
  const { doc, problems } = parseGraph(text);
  expect(doc).toBeUndefined();
  expect(problems.length).toBeGreaterThan(0);
  return problems;
}

describe('round trip of the example graphs', () => {
  it('finds the examples of every feature area', () => {
    // The gallery grows with the catalog; these must stay (the app and the docs point at them).
    expect(EXAMPLES).toEqual(expect.arrayContaining([
      'double-well-langevin.json',
      'geometric-brownian-motion.json',
      'ornstein-uhlenbeck.json',
      'stochastic-lorenz.json',
      'protein-elastic-network.json',
      'lennard-jones-13.json',
    ]));
  });

  // The examples must be stored in the canonical form serializeGraph writes, so that opening and
  // saving one in the app changes no byte of it.
  it.each(EXAMPLES)('%s: save(load(file)) is the file, byte for byte', (name) => {
    const text = readExample(name);
    expect(serializeGraph(load(text))).toBe(text);
  });

  it.each(EXAMPLES)('%s: save → load → save is byte-identical', (name) => {
    const saved = serializeGraph(load(readExample(name)));
    const again = serializeGraph(load(saved));
    expect(again).toBe(saved);
    expect(JSON.parse(again)).toEqual(JSON.parse(readExample(name)));
  });
});

describe('unknown fields', () => {
  const extras = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'extras',
    metadata: { author: 'ada', tags: ['ou', 'demo'], nested: { deep: [1, { x: null }] } },
    nodes: [
      { id: 'init', type: 'source.point', params: { value: [1] }, color: 'red', position: { x: 1.5, y: -2 }, notes: { pinned: true } },
      { id: 'f', type: 'drift.expression', collapsed: false, params: { expr: ['-x[0]'] } },
      { id: 'g', type: 'diffusion.constant', params: { sigma: 0.5 } },
      { id: 'solve', type: 'solver.euler_maruyama', params: { steps: 10, particles: 4 }, 'x-plugin': [1, 2, 3] },
    ],
    edges: [
      { id: 'e1', from: { node: 'init', port: 'out', handle: 'h1' }, to: { node: 'solve', port: 'initial' }, style: 'dashed' },
      { id: 'e2', from: { node: 'f', port: 'out' }, to: { node: 'solve', port: 'drift' }, label: 'drift', animated: true },
      { id: 'e3', from: { node: 'g', port: 'out' }, to: { node: 'solve', port: 'diffusion' } },
    ],
    zoom: 1.25,
  };
  const text = serializeGraph(extras as unknown as GraphDocument);

  it('keeps unknown fields at the top level, on nodes, on edges and on edge ends, in order', () => {
    const doc = load(text);
    expect(doc.metadata).toEqual(extras.metadata);
    expect(doc.zoom).toBe(1.25);
    expect(doc.nodes[0].color).toBe('red');
    expect(doc.nodes[0].notes).toEqual({ pinned: true });
    expect(doc.nodes[1].collapsed).toBe(false);
    expect(doc.nodes[3]['x-plugin']).toEqual([1, 2, 3]);
    expect(doc.edges[0].style).toBe('dashed');
    expect(doc.edges[1].label).toBe('drift');
    expect((doc.edges[0].from as unknown as Record<string, unknown>).handle).toBe('h1');
    expect(serializeGraph(doc)).toBe(text);
    // Key order is part of the bytes: 'metadata' stays between 'name' and 'nodes'.
    expect(Object.keys(doc)).toEqual(['format', 'version', 'name', 'metadata', 'nodes', 'edges', 'zoom']);
    expect(Object.keys(doc.nodes[1])).toEqual(['id', 'type', 'collapsed', 'params']);
  });

  it('treats extra fields on nodes, edges and the document as valid', () => {
    expect(validateGraph(load(text), CATALOG).problems).toEqual([]);
  });

  it('keeps an unknown param through a round trip, but validation names it', () => {
    const g = smallGraph();
    const nodes = g.nodes as { params: Record<string, unknown> }[];
    nodes[2].params.sigmaa = 0.3;
    const withUnknown = serializeGraph(g as unknown as GraphDocument);
    const doc = load(withUnknown);
    expect(doc.nodes[2].params).toEqual({ sigma: 0.5, sigmaa: 0.3 });
    expect(serializeGraph(doc)).toBe(withUnknown);
    const { problems } = validateGraph(doc, CATALOG);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ nodeId: 'g', param: 'sigmaa' });
    expect(problems[0].message).toContain("did you mean 'sigma'");
  });

  it('does not add defaults, positions or anything else on save', () => {
    const text = serializeGraph(smallGraph() as unknown as GraphDocument);
    const doc = load(text);
    validateGraph(doc, CATALOG);
    expect(serializeGraph(doc)).toBe(text);
    expect(doc.nodes[3].params).toEqual({ steps: 10, particles: 4 });
    expect(doc.nodes[0].position).toBeUndefined();
  });

  it('writes two-space indented JSON with one final newline', () => {
    const text = serializeGraph(smallGraph() as unknown as GraphDocument);
    expect(text.startsWith('{\n  "format": "sde-studio.graph",\n  "version": 1,\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });
});

describe('bad envelopes', () => {
  const valid = smallGraph();
  const variant = (change: (g: Record<string, unknown>) => void): string => {
    const g = structuredClone(valid);
    change(g);
    return JSON.stringify(g);
  };

  it('loads the valid baseline', () => {
    expect(parseGraph(JSON.stringify(valid)).problems).toEqual([]);
  });

  it('text that is not JSON', () => {
    const [p] = envelopeProblems('{ "format": "sde-studio.graph", "version": 1, "nodes": [] "edges": [] }');
    expect(p.message).toMatch(/not valid JSON/);
    expect(p.message).toMatch(/missing comma or quote/);
  });

  it('an empty file', () => {
    expect(envelopeProblems('')[0].message).toMatch(/not valid JSON/);
  });

  it('a JSON array', () => {
    const [p] = envelopeProblems('[{"id": "a"}]');
    expect(p.message).toMatch(/one JSON object/);
    expect(p.message).toContain('"format"');
  });

  it.each(['null', '42', '"graph"'])('a JSON scalar: %s', (text) => {
    expect(envelopeProblems(text)[0].message).toMatch(/one JSON object/);
  });

  it('a wrong format', () => {
    const problems = envelopeProblems(variant((g) => { g.format = 'some-other-app'; }));
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('"format" must be "sde-studio.graph"');
    expect(problems[0].message).toContain('"some-other-app"');
  });

  it('a missing format', () => {
    const problems = envelopeProblems(variant((g) => { delete g.format; }));
    expect(problems[0].message).toContain('"format" must be "sde-studio.graph", found nothing');
  });

  it('a newer version says to update the app', () => {
    const problems = envelopeProblems(variant((g) => { g.version = GRAPH_VERSION + 1; }));
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain(`format version ${GRAPH_VERSION + 1}`);
    expect(problems[0].message).toMatch(/newer than this app reads/);
    expect(problems[0].message).toMatch(/update SDE Studio/);
  });

  it.each([[0], ['1'], [null]])('an invalid version: %j', (version) => {
    const problems = envelopeProblems(variant((g) => { g.version = version; }));
    expect(problems[0].message).toContain(`"version" must be ${GRAPH_VERSION}`);
  });

  it('missing nodes', () => {
    const problems = envelopeProblems(variant((g) => { delete g.nodes; }));
    expect(problems.map((p) => p.message)).toEqual(['"nodes" must be a list of nodes']);
  });

  it('missing edges says to use [] when there are none', () => {
    const problems = envelopeProblems(variant((g) => { delete g.edges; }));
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('"edges" must be a list');
    expect(problems[0].message).toContain('use []');
  });

  it('nodes that are an object instead of a list', () => {
    const problems = envelopeProblems(variant((g) => { g.nodes = { init: {} }; }));
    expect(problems[0].message).toContain('"nodes" must be a list');
  });

  it('a name that is not a string', () => {
    const problems = envelopeProblems(variant((g) => { g.name = 7; }));
    expect(problems[0].message).toContain('"name" must be a string');
  });

  it('reports every envelope problem at once', () => {
    const problems = envelopeProblems('{"format": "x", "version": 99, "name": 1}');
    expect(problems).toHaveLength(5);
  });

  it('checkEnvelope accepts the parsed value directly', () => {
    expect(checkEnvelope(structuredClone(valid)).problems).toEqual([]);
    expect(checkEnvelope(undefined).doc).toBeUndefined();
  });

  it('problems of the envelope are not tied to a node or edge', () => {
    for (const p of envelopeProblems('{"format": "x", "version": 99}')) {
      expect(p.nodeId).toBeUndefined();
      expect(p.edgeId).toBeUndefined();
    }
  });
});
