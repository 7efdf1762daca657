import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../nodes/registry.ts';
import { makeCatalog, type FieldDefinition } from './catalog.ts';
import { parseGraph } from './document.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, formatProblem, type GraphDocument, type GraphEdge, type GraphNode, type Problem } from './types.ts';
import { fileRefs } from './fileRefs.ts';
import { validateGraph } from './validate.ts';

const EXAMPLES_DIR = fileURLToPath(new URL('../../assets/examples/', import.meta.url));
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();

function loadExample(name: string): GraphDocument {
  const { doc, problems } = parseGraph(readFileSync(path.join(EXAMPLES_DIR, name), 'utf8'));
  if (!doc) throw new Error(`${name}: ${problems.map(formatProblem).join('; ')}`);
  return doc;
}

/**
 * A fresh copy of the Ornstein–Uhlenbeck example: nodes init (source.gaussian, mean [2]),
 * f (drift.expression with constants theta, mu), g (diffusion.constant), solve (euler_maruyama,
 * 300 steps, record 30); edges e1 init→initial, e2 f→drift, e3 g→diffusion.
 */
function ou(): GraphDocument {
  return loadExample('ornstein-uhlenbeck.json');
}

function node(doc: GraphDocument, id: string): GraphNode {
  const n = doc.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node '${id}'`);
  return n;
}

function params(doc: GraphDocument, id: string): NonNullable<GraphNode['params']> {
  const n = node(doc, id);
  n.params ??= {};
  return n.params;
}

function edge(doc: GraphDocument, id: string): GraphEdge {
  const e = doc.edges.find((x) => x.id === id);
  if (!e) throw new Error(`no edge '${id}'`);
  return e;
}

function link(id: string, from: string, fromPort: string, to: string, toPort: string): GraphEdge {
  return { id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}

function problemsOf(doc: GraphDocument, catalog = CATALOG): Problem[] {
  return validateGraph(doc, catalog).problems;
}

/** Validates and expects exactly one problem, which it returns. */
function onlyProblem(doc: GraphDocument, catalog = CATALOG): Problem {
  const problems = problemsOf(doc, catalog);
  expect(problems.map(formatProblem)).toHaveLength(1);
  return problems[0];
}

describe('the examples', () => {
  it('there are at least the six of the core and molecule issues', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(6);
  });

  it.each(EXAMPLES)('%s validates with zero problems (its files read next to it)', (name) => {
    const doc = loadExample(name);
    const files = new Map(fileRefs(doc, CATALOG).map((r) => [r.path, new Uint8Array(readFileSync(path.join(EXAMPLES_DIR, r.path)))]));
    const { problems, nodes } = validateGraph(doc, CATALOG, { files });
    expect(problems.map(formatProblem)).toEqual([]);
    const solvers = [...nodes.values()].filter((r) => r.def.role === 'solver');
    expect(solvers.length).toBeGreaterThan(0);
    for (const s of solvers) expect(s.inputs.has('initial') && s.inputs.has('drift')).toBe(true);
  });
});

describe('one test per kind of validation problem', () => {
  it('unknown node type, with a "did you mean"', () => {
    const doc = ou();
    node(doc, 'f').type = 'drift.lorenzz';
    const p = onlyProblem(doc);
    expect(p.nodeId).toBe('f');
    expect(p.message).toContain('"drift.lorenzz"');
    expect(p.message).toContain("did you mean 'drift.lorenz'?");
    expect(p.message).toContain("'sde-studio nodes'");
  });

  it('unknown param, with a "did you mean" and the list of params', () => {
    const doc = ou();
    params(doc, 'solve').particle = 10;
    const p = onlyProblem(doc);
    expect(p).toMatchObject({ nodeId: 'solve', param: 'particle' });
    expect(p.message).toContain("no param 'particle'");
    expect(p.message).toContain("did you mean 'particles'?");
    expect(p.message).toContain('t0, t1, steps, particles, seed, record');
  });

  it('missing required input', () => {
    const doc = ou();
    doc.edges = doc.edges.filter((e) => e.id !== 'e3');
    const p = onlyProblem(doc);
    expect(p).toMatchObject({ nodeId: 'solve', port: 'diffusion' });
    expect(p.edgeId).toBeUndefined();
    expect(p.message).toContain("input 'diffusion' (diffusion) is not connected");
    expect(p.message).toContain('connect a node that outputs diffusion');
  });

  it('port type mismatch: a drift output into the solver\'s diffusion input', () => {
    const doc = ou();
    edge(doc, 'e3').from.node = 'f';
    // The edge is drawn, so only its problem is reported, not also "diffusion is not connected".
    const p = onlyProblem(doc);
    expect(p).toMatchObject({ edgeId: 'e3', nodeId: 'solve', port: 'diffusion' });
    expect(p.message).toContain("'f'.out (drift)");
    expect(p.message).toContain("'solve'.diffusion (diffusion)");
    expect(p.message).toContain('connect a node that outputs diffusion');
  });

  it('cycle (needs a test catalog: the real one has no node with an input and an output of one type)', () => {
    const passThrough: FieldDefinition = {
      role: 'field', type: 'test.pass', title: 'Pass-through', doc: 'Returns its input drift.',
      inputs: [{ name: 'in', type: 'drift', required: true, doc: 'A drift.' }],
      outputs: [{ name: 'out', type: 'drift', doc: 'The same drift.' }],
      params: [],
      dimension: () => undefined,
      field: (_p, _b, x) => [...x],
    };
    const catalog = makeCatalog([...CATALOG.values(), passThrough]);
    const doc = ou();
    doc.nodes.push({ id: 'a', type: 'test.pass' }, { id: 'b', type: 'test.pass' }, { id: 'c', type: 'test.pass' });
    // a → b → c → a, and c also feeds the solver's drift instead of f.
    doc.edges.push(link('ab', 'a', 'out', 'b', 'in'), link('bc', 'b', 'out', 'c', 'in'), link('ca', 'c', 'out', 'a', 'in'));
    edge(doc, 'e2').from.node = 'c';
    doc.nodes = doc.nodes.filter((n) => n.id !== 'f');
    const p = onlyProblem(doc, catalog);
    expect(p.nodeId).toMatch(/^[abc]$/);
    const ring = ['a', 'b', 'c'];
    const start = ring.indexOf(p.nodeId ?? '');
    // Walking inputs backwards: each node is fed by the previous one in the ring.
    const expected = [0, 1, 2, 3].map((k) => ring[(start - k + 3) % 3]).join(' → ');
    expect(p.message).toContain(`cycle: ${expected}`);
    expect(p.message).toContain('remove one of these edges');

    // A node feeding itself is a cycle too.
    const self = ou();
    self.nodes.push({ id: 'loop', type: 'test.pass' });
    self.edges.push(link('self', 'loop', 'out', 'loop', 'in'));
    const q = onlyProblem(self, catalog);
    expect(q).toMatchObject({ nodeId: 'loop' });
    expect(q.message).toContain('cycle: loop → loop');
  });

  it('duplicate node id', () => {
    const doc = ou();
    doc.nodes.push({ id: 'g', type: 'diffusion.constant', params: { sigma: 1 } });
    const p = onlyProblem(doc);
    expect(p.nodeId).toBe('g');
    expect(p.message).toContain("duplicate node id 'g'");
    expect(p.message).toContain('give each node its own id');
  });

  it('duplicate edge id', () => {
    const doc = ou();
    // Same id, but a different, valid connection: only the id is wrong.
    doc.nodes.push({ id: 'extra', type: 'solver.euler_maruyama' });
    doc.edges.push(link('e2', 'init', 'out', 'extra', 'initial'), link('e5', 'f', 'out', 'extra', 'drift'), link('e6', 'g', 'out', 'extra', 'diffusion'));
    const p = onlyProblem(doc);
    expect(p.edgeId).toBe('e2');
    expect(p.message).toContain("duplicate edge id 'e2'");
    expect(p.message).toContain('give each edge its own id');
  });

  it('edge to a missing node', () => {
    const doc = ou();
    edge(doc, 'e2').from.node = 'drift1';
    const p = onlyProblem(doc);
    expect(p.edgeId).toBe('e2');
    expect(p.message).toContain("refers to node 'drift1', which does not exist");
    expect(p.message).toContain('remove the edge or add the node');
  });

  it('edge to a missing port (output side and input side)', () => {
    const doc = ou();
    edge(doc, 'e2').from.port = 'output';
    edge(doc, 'e3').to.port = 'noise';
    const problems = problemsOf(doc);
    expect(problems).toHaveLength(3);
    expect(problems).toContainEqual(expect.objectContaining({ edgeId: 'e2', nodeId: 'f', port: 'output', message: "'drift.expression' has no output port 'output'; its outputs are out" }));
    expect(problems).toContainEqual(expect.objectContaining({ edgeId: 'e3', nodeId: 'solve', port: 'noise', message: "'solver.euler_maruyama' has no input port 'noise'; its inputs are initial, drift, diffusion" }));
    // e3 never reached an input, so the diffusion input really is unconnected.
    expect(problems).toContainEqual(expect.objectContaining({ nodeId: 'solve', port: 'diffusion' }));
  });

  it('param out of range: negative std, particles 0', () => {
    const doc = ou();
    params(doc, 'init').std = -0.5;
    params(doc, 'solve').particles = 0;
    const problems = problemsOf(doc);
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual({ nodeId: 'init', param: 'std', message: '-0.5 is out of range: must be ≥ 0' });
    expect(problems).toContainEqual({ nodeId: 'solve', param: 'particles', message: '0 is out of range: must be ≥ 1 and ≤ 2147483647' });
  });

  it('param of the wrong type: a string for a number, a number for an expression list', () => {
    const doc = ou();
    params(doc, 'solve').steps = '300';
    params(doc, 'f').expr = 5;
    const problems = problemsOf(doc);
    expect(problems).toHaveLength(2);
    const steps = problems.find((p) => p.param === 'steps');
    expect(steps).toMatchObject({ nodeId: 'solve', message: 'must be a whole number, found "300"' });
    const expr = problems.find((p) => p.param === 'expr');
    expect(expr?.nodeId).toBe('f');
    expect(expr?.message).toContain('must be a list of expression strings');
    expect(expr?.message).toContain('like ["-x[0]"]');
    expect(expr?.message).toContain('found 5');
  });

  it('expression with an unknown name: param, item index and the span of the name', () => {
    const doc = ou();
    params(doc, 'init').mean = [1, 2];
    const text = 'x[0] - kapa*x[1]';
    params(doc, 'f').expr = ['-x[0]', text];
    params(doc, 'f').constants = { kappa: 0.5 };
    const p = onlyProblem(doc);
    expect(p).toMatchObject({ nodeId: 'f', param: 'expr', item: 1 });
    expect(p.span).toEqual({ start: 7, end: 11 });
    expect(text.slice(p.span?.start, p.span?.end)).toBe('kapa');
    expect(p.message).toContain("unknown name 'kapa'");
    expect(p.message).toContain("did you mean 'kappa'?");
    expect(formatProblem(p)).toMatch(/^node 'f', param 'expr'\[1\], characters 7-11: /);
  });

  it('record that does not divide steps, with a nearby divisor to use', () => {
    const doc = ou();
    params(doc, 'solve').record = 7;
    const p = onlyProblem(doc);
    expect(p).toMatchObject({ nodeId: 'solve', param: 'record' });
    expect(p.message).toContain('record (7) must divide steps (300)');
    expect(p.message).toContain('try 6');
  });

  it('t1 ≤ t0 (equal, and reversed)', () => {
    for (const [t0, t1] of [[1.5, 1.5], [2, 1]]) {
      const doc = ou();
      params(doc, 'solve').t0 = t0;
      params(doc, 'solve').t1 = t1;
      const p = onlyProblem(doc);
      expect(p).toMatchObject({ nodeId: 'solve', param: 't1' });
      expect(p.message).toBe(`t1 (${t1}) must be greater than t0 (${t0})`);
    }
  });

  it('state dimension of the source and the drift disagree', () => {
    const doc = ou();
    params(doc, 'init').mean = [2, 0];
    const p = onlyProblem(doc);
    expect(p).toMatchObject({ nodeId: 'solve', port: 'drift' });
    expect(p.message).toContain("'init' (initial) has 2 components");
    expect(p.message).toContain("'f' (drift) has 1");
    expect(p.message).toContain('make them the same length');
  });

  it('an input with two edges', () => {
    const doc = ou();
    doc.nodes.push({ id: 'f2', type: 'drift.ou', params: { theta: 1, mu: 0 } });
    doc.edges.push(link('e4', 'f2', 'out', 'solve', 'drift'));
    const p = onlyProblem(doc);
    expect(p).toMatchObject({ edgeId: 'e4', nodeId: 'solve', port: 'drift' });
    expect(p.message).toContain("already has an edge from 'f'");
    expect(p.message).toContain('remove one of them');
  });
});

describe('many problems at once', () => {
  it('reports every problem of a broken graph in one pass', () => {
    const doc: GraphDocument = {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name: 'broken',
      nodes: [
        // Solver A: typo in the drift type, out-of-range std, record not dividing steps.
        { id: 'srcA', type: 'source.gaussian', params: { mean: [0], std: -1 } },
        { id: 'driftA', type: 'drift.lorenzz' },
        { id: 'noiseA', type: 'diffusion.constant', params: { sigma: 0.1, sigmaa: 2 } },
        { id: 'solveA', type: 'solver.euler_maruyama', params: { steps: 100, record: 7, particles: 10 } },
        // Solver B: a bad expression, t1 < t0, and a dimension mismatch between source and diffusion.
        { id: 'srcB', type: 'source.point', params: { value: [0, 0] } },
        { id: 'driftB', type: 'drift.expression', params: { expr: ['-x[0]', '-y'] } },
        { id: 'noiseB', type: 'diffusion.constant', params: { sigma: [1, 1, 1] } },
        { id: 'solveB', type: 'solver.milstein', params: { t0: 1, t1: 0 } },
        { id: 'srcA', type: 'source.point' },
      ],
      edges: [
        link('a1', 'srcA', 'out', 'solveA', 'initial'),
        link('a2', 'driftA', 'out', 'solveA', 'drift'),
        link('a3', 'noiseA', 'out', 'solveA', 'diffusion'),
        link('b1', 'srcB', 'out', 'solveB', 'initial'),
        link('b2', 'driftB', 'out', 'solveB', 'drift'),
        link('b3', 'noiseB', 'out', 'solveB', 'diffusion'),
        link('a1', 'ghost', 'out', 'solveA', 'initial'),
        link('x1', 'srcB', 'samples', 'solveA', 'initial'),
      ],
    };
    const { problems } = validateGraph(doc, CATALOG);
    const expected: Partial<Problem>[] = [
      { nodeId: 'srcA', param: 'std' },
      { nodeId: 'driftA' },
      { nodeId: 'noiseA', param: 'sigmaa' },
      { nodeId: 'solveA', param: 'record' },
      { nodeId: 'driftB', param: 'expr', item: 1, span: { start: 1, end: 2 } },
      { nodeId: 'solveB', param: 't1' },
      { nodeId: 'srcA' }, // duplicate node id
      { edgeId: 'a1' }, // duplicate edge id
      { edgeId: 'a1' }, // refers to 'ghost'
      { edgeId: 'x1', nodeId: 'srcB', port: 'samples' },
      { nodeId: 'solveB', port: 'diffusion' }, // 2 components from srcB, 3 from noiseB
    ];
    const lines = problems.map(formatProblem);
    for (const e of expected) expect(problems, `missing ${JSON.stringify(e)} in\n${lines.join('\n')}`).toContainEqual(expect.objectContaining(e));
    expect(lines.find((l) => l.includes('duplicate node id'))).toContain("'srcA'");
    expect(lines.find((l) => l.includes('duplicate edge id'))).toContain("'a1'");
    expect(lines.find((l) => l.includes("'ghost'"))).toContain('does not exist');
    expect(lines.find((l) => l.includes('unknown node type'))).toContain("'drift.lorenz'");
    expect(problems).toHaveLength(expected.length);
  });
});
