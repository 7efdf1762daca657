import { describe, expect, it } from 'vitest';
import { runPlanCpu } from '../backends/cpu/runtime.ts';
import {
  makeCatalog, NodeInputError, type AnalysisDefinition, type FieldDefinition, type SourceDefinition,
} from '../graph/catalog.ts';
import { fileRefs } from '../graph/fileRefs.ts';
import type { GraphDocument } from '../graph/types.ts';
import { validateGraph } from '../graph/validate.ts';
import { EULER } from '../solvers/tableaux.ts';
import { compileGraph } from './compileGraph.ts';
import { runAnalyses } from './runAnalyses.ts';

// A test-only catalog exercising the mechanisms that molecule and score nodes build on: a source
// that reads a file, a field that inlines another field, and analyses (one with a reference).

const fileSource: SourceDefinition = {
  role: 'source', type: 'test.file_point', title: 'Point from file', doc: 'Starts at the numbers in a text file.',
  inputs: [], outputs: [{ name: 'out', type: 'distribution', doc: '' }, { name: 'structure', type: 'structure', doc: '' }],
  params: [{ name: 'file', kind: 'file', default: 'point.txt', extensions: ['.txt'], doc: 'Numbers separated by spaces.' }],
  resolve: (p, ctx) => {
    const bytes = ctx.file(p.file as string);
    const numbers = new TextDecoder().decode(bytes).trim().split(/\s+/).map(Number);
    if (numbers.some((v) => !Number.isFinite(v))) throw new NodeInputError(`'${p.file}' holds something that is not a number`, 'file');
    return numbers;
  },
  dimension: (_p, ctx) => (ctx?.value as number[] | undefined)?.length,
  sample: (_p, b, _dims, ctx) => (ctx.value as number[]).map((v) => b.constant(v)),
};

const gaussian: SourceDefinition = {
  role: 'source', type: 'test.normal', title: 'Normal', doc: 'N(m, 1) in d = 1.',
  inputs: [], outputs: [{ name: 'out', type: 'distribution', doc: '' }],
  params: [{ name: 'mean', kind: 'number', default: 0, doc: '' }],
  dimension: () => 1,
  sample: (p, b) => [b.add(b.constant(p.mean as number), b.random('normal', 0))],
};

const constantDrift: FieldDefinition = {
  role: 'field', type: 'test.constant', title: 'Constant', doc: 'f = c; its diffusion port gives 2c.',
  inputs: [], outputs: [{ name: 'out', type: 'drift', doc: '' }, { name: 'diffusion', type: 'diffusion', doc: '' }],
  params: [{ name: 'c', kind: 'number', default: 1, doc: '' }],
  dimension: () => undefined,
  field: (p, b, x, _t, _d, _ctx, port) => x.map(() => b.constant((port === 'diffusion' ? 2 : 1) * (p.c as number))),
};

const doubled: FieldDefinition = {
  role: 'field', type: 'test.double', title: 'Twice', doc: 'Twice the field on its input.',
  inputs: [{ name: 'in', type: 'drift', required: true, doc: '' }], outputs: [{ name: 'out', type: 'drift', doc: '' }],
  params: [],
  dimension: () => undefined,
  field: (_p, b, x, t, _d, ctx) => (ctx.field('in', b, x, t) ?? []).map((v) => b.mul(b.constant(2), v)),
};

const meanMetric: AnalysisDefinition = {
  role: 'analysis', type: 'test.mean_gap', title: 'Mean gap', doc: 'Mean of samples minus mean of the reference.',
  inputs: [{ name: 'samples', type: 'samples', required: true, doc: '' }, { name: 'reference', type: 'distribution', doc: '' }],
  outputs: [],
  params: [
    { name: 'reference_samples', kind: 'integer', default: 4000, min: 1, doc: '' },
    { name: 'reference_seed', kind: 'integer', default: 3, min: 0, doc: '' },
  ],
  analyze: (_p, input) => {
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const samples = input.arrays.get('samples');
    const reference = input.arrays.get('reference');
    if (!samples) throw new NodeInputError('no samples');
    const gap = mean(samples.data) - (reference ? mean(reference.data) : 0);
    return { metrics: { gap, referenceCount: reference?.shape[0] ?? 0 }, summary: `gap ${gap}`, files: [{ name: 'gap.txt', mime: 'text/plain', text: String(gap) }] };
  },
};

const failing: AnalysisDefinition = {
  role: 'analysis', type: 'test.fails', title: 'Fails', doc: 'Always refuses.',
  inputs: [{ name: 'samples', type: 'samples', required: true, doc: '' }], outputs: [], params: [],
  analyze: () => { throw new NodeInputError('nothing to export: connect a structure'); },
};

const euler = {
  role: 'solver' as const, type: 'test.euler', title: 'Euler', doc: '', method: EULER,
  inputs: [
    { name: 'initial', type: 'distribution' as const, required: true, doc: '' },
    { name: 'drift', type: 'drift' as const, required: true, doc: '' },
  ],
  outputs: [{ name: 'samples', type: 'samples' as const, doc: '' }],
  params: [
    { name: 't0', kind: 'number' as const, default: 0, doc: '' }, { name: 't1', kind: 'number' as const, default: 1, doc: '' },
    { name: 'steps', kind: 'integer' as const, default: 4, doc: '' }, { name: 'record', kind: 'integer' as const, default: 0, doc: '' },
    { name: 'particles', kind: 'integer' as const, default: 3, doc: '' }, { name: 'seed', kind: 'integer' as const, default: 0, doc: '' },
  ],
};

const CATALOG = makeCatalog([fileSource, gaussian, constantDrift, doubled, meanMetric, failing, euler]);

function graph(extra: Partial<GraphDocument> = {}): GraphDocument {
  return {
    format: 'sde-studio.graph', version: 1, name: 'analysis test',
    nodes: [
      { id: 'src', type: 'test.file_point', params: { file: 'data/p.txt' } },
      { id: 'c', type: 'test.constant', params: { c: 0.5 } },
      { id: 'twice', type: 'test.double' },
      { id: 'solve', type: 'test.euler' },
      { id: 'ref', type: 'test.normal', params: { mean: 1 } },
      { id: 'gap', type: 'test.mean_gap' },
    ],
    edges: [
      { id: 'e1', from: { node: 'src', port: 'out' }, to: { node: 'solve', port: 'initial' } },
      { id: 'e2', from: { node: 'c', port: 'out' }, to: { node: 'twice', port: 'in' } },
      { id: 'e3', from: { node: 'twice', port: 'out' }, to: { node: 'solve', port: 'drift' } },
      { id: 'e4', from: { node: 'solve', port: 'samples' }, to: { node: 'gap', port: 'samples' } },
      { id: 'e5', from: { node: 'ref', port: 'out' }, to: { node: 'gap', port: 'reference' } },
    ],
    ...extra,
  };
}

const files = new Map([['data/p.txt', new TextEncoder().encode('1 2')]]);

describe('file params, node context and analyses', () => {
  it('lists the files a graph needs', () => {
    expect(fileRefs(graph(), CATALOG)).toEqual([{ nodeId: 'src', param: 'file', path: 'data/p.txt' }]);
  });

  it('reports a missing file on its node and param, and a bad one with the node message', () => {
    const missing = validateGraph(graph(), CATALOG).problems;
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ nodeId: 'src', param: 'file' });
    expect(missing[0].message).toContain("file 'data/p.txt' is not available");
    const bad = validateGraph(graph(), CATALOG, { files: new Map([['data/p.txt', new TextEncoder().encode('1 x')]]) }).problems;
    expect(bad).toEqual([{ nodeId: 'src', param: 'file', message: "'data/p.txt' holds something that is not a number" }]);
  });

  it('refuses a file param with the wrong extension', () => {
    const doc = graph();
    doc.nodes[0].params = { file: 'p.csv' };
    const problems = validateGraph(doc, CATALOG, { files }).problems;
    expect(problems[0]).toMatchObject({ nodeId: 'src', param: 'file' });
    expect(problems[0].message).toContain('is not a .txt file');
  });

  it('takes the state dimension from the resolved file and inlines upstream fields', async () => {
    const compiled = compileGraph(graph(), CATALOG, { files });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const [solve, reference] = compiled.plan.stages;
    expect(solve.dims).toBe(2);
    expect(reference).toMatchObject({ nodeId: 'ref', purpose: 'reference', grid: { particles: 4000, seed: 3 } });
    const results = await runPlanCpu(compiled.plan, { threads: 1 });
    // x(1) = x(0) + 2 · 0.5 · 1
    expect([...results[0].samples.slice(0, 2)]).toEqual([2, 3]);
    const [gap] = runAnalyses(compiled.plan, results, CATALOG);
    expect(gap.ok).toBe(true);
    if (!gap.ok) return;
    expect(gap.metrics?.referenceCount).toBe(4000);
    // samples' mean 2.5 minus N(1, 1)'s sample mean (4000 draws: SE 0.016)
    expect(Math.abs((gap.metrics?.gap as number) - 1.5)).toBeLessThan(0.07);
    expect(gap.files?.[0].name).toBe('gap.txt');
  });

  it('a field node with two output ports lowers the port it is wired from', () => {
    const doc = graph();
    doc.edges[1] = { id: 'e2', from: { node: 'c', port: 'diffusion' }, to: { node: 'twice', port: 'in' } };
    const compiled = compileGraph(doc, CATALOG, { files });
    expect(compiled.ok).toBe(false); // a diffusion cannot feed a drift input
    if (compiled.ok) return;
    expect(compiled.problems[0].message).toContain('port types differ');
  });

  it('a failing analysis is reported and the others still run', async () => {
    const doc = graph();
    doc.nodes.push({ id: 'bad', type: 'test.fails' });
    doc.edges.push({ id: 'e6', from: { node: 'solve', port: 'samples' }, to: { node: 'bad', port: 'samples' } });
    const compiled = compileGraph(doc, CATALOG, { files });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const results = await runPlanCpu(compiled.plan, { threads: 1 });
    const out = runAnalyses(compiled.plan, results, CATALOG);
    expect(out.map((a) => a.ok)).toEqual([true, false]);
    expect(out[1]).toMatchObject({ nodeId: 'bad', error: 'nothing to export: connect a structure' });
  });

  it('two metrics sharing a source and sample count share one reference stage', () => {
    const doc = graph();
    doc.nodes.push({ id: 'gap2', type: 'test.mean_gap' });
    doc.edges.push(
      { id: 'e7', from: { node: 'solve', port: 'samples' }, to: { node: 'gap2', port: 'samples' } },
      { id: 'e8', from: { node: 'ref', port: 'out' }, to: { node: 'gap2', port: 'reference' } },
    );
    const compiled = compileGraph(doc, CATALOG, { files });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    expect(compiled.plan.stages.map((s) => s.nodeId)).toEqual(['solve', 'ref']);
    expect(compiled.plan.analyses.map((a) => a.sources.map((s) => s.stage))).toEqual([['solve', 'ref'], ['solve', 'ref']]);
  });
});
