/**
 * Test-only nodes for the run service: a source that reads a file (and has a structure), and
 * analyses (one that works, one that fails), on top of the app's catalog. The molecule nodes
 * build on the same mechanisms; these keep the run tests independent of them.
 */
import { makeCatalog, NodeInputError, type AnalysisDefinition, type Catalog, type SourceDefinition } from '../../core/graph/catalog.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import type { MolecularStructure } from '../../core/io/structure.ts';
import { CATALOG } from '../../nodes/registry.ts';

/** Starts every particle at the numbers in a text file (3 per atom), with a structure of that many atoms. */
const fileSource: SourceDefinition = {
  role: 'source', type: 'test.file_atoms', title: 'Atoms from file', doc: 'x y z per atom, separated by spaces.',
  inputs: [], outputs: [{ name: 'out', type: 'distribution', doc: '' }],
  params: [{ name: 'file', kind: 'file', default: 'atoms.txt', extensions: ['.txt'], doc: '' }],
  resolve: (p, ctx) => {
    const numbers = new TextDecoder().decode(ctx.file(p.file as string)).trim().split(/\s+/).map(Number);
    if (numbers.length % 3 !== 0 || numbers.some((v) => !Number.isFinite(v))) throw new NodeInputError(`'${p.file}' must hold x y z per atom`, 'file');
    return numbers;
  },
  dimension: (_p, ctx) => (ctx?.value as number[] | undefined)?.length,
  sample: (_p, b, _dims, ctx) => (ctx.value as number[]).map((v) => b.constant(v)),
  structure: (_p, ctx) => testStructure(ctx.value as number[]),
};

export function testStructure(coordinates: number[]): MolecularStructure {
  const n = coordinates.length / 3;
  const column = <T>(v: T) => Array.from({ length: n }, () => v);
  return {
    title: 'test', bonds: [], frames: [Float64Array.from(coordinates)],
    atoms: {
      names: column('CA'), elements: column('C'), residueNames: column('ALA'), residueNumbers: Array.from({ length: n }, (_, i) => i + 1),
      insertionCodes: column(''), chainIds: column('A'), serials: Array.from({ length: n }, (_, i) => i + 1), hetero: column(false),
      occupancies: column(1), bFactors: column(0),
    },
  };
}

/** Mean of the final samples, the mean per recorded frame, and a text file of the mean. */
const meanAnalysis: AnalysisDefinition = {
  role: 'analysis', type: 'test.mean', title: 'Mean', doc: '',
  inputs: [{ name: 'trajectory', type: 'trajectory', required: true, doc: '' }], outputs: [], params: [],
  analyze: (_p, input) => {
    const t = input.arrays.get('trajectory');
    if (!t) throw new NodeInputError('no trajectory');
    const [frames] = t.shape;
    const per = t.data.length / frames;
    const perFrame = Array.from({ length: frames }, (_, f) => t.data.subarray(f * per, (f + 1) * per).reduce((a, b) => a + b, 0) / per);
    const mean = perFrame[frames - 1];
    return {
      summary: `mean ${mean.toFixed(3)}${input.structure ? ` over ${input.structure.atoms.names.length} atoms` : ''}`,
      metrics: { mean, perFrame },
      files: [{ name: 'mean.txt', mime: 'text/plain', text: `${mean}\n` }],
    };
  },
};

const failingAnalysis: AnalysisDefinition = {
  role: 'analysis', type: 'test.fails', title: 'Fails', doc: '',
  inputs: [{ name: 'samples', type: 'samples', required: true, doc: '' }], outputs: [], params: [],
  analyze: () => { throw new NodeInputError('nothing to export: connect a structure'); },
};

/** The app's catalog plus the test nodes above. */
export const TEST_CATALOG: Catalog = makeCatalog([...CATALOG.values(), fileSource, meanAnalysis, failingAnalysis]);

/**
 * atoms.txt → OU solver (record frames) → mean (and → fails when `failing`). Solver id `solve`,
 * analyses `mean` and `broken`.
 */
export function analysisGraph(options: { record?: number; particles?: number; failing?: boolean; file?: string } = {}): GraphDocument {
  const nodes: GraphDocument['nodes'] = [
    { id: 'atoms', type: 'test.file_atoms', params: { file: options.file ?? 'atoms.txt' } },
    { id: 'f', type: 'drift.ou', params: { theta: 1, mu: 0 } },
    { id: 'g', type: 'diffusion.constant', params: { sigma: 0.1 } },
    { id: 'solve', type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps: 20, particles: options.particles ?? 50, seed: 1, record: options.record ?? 4 } },
    { id: 'mean', type: 'test.mean' },
  ];
  const edges: GraphDocument['edges'] = [
    { id: 'e1', from: { node: 'atoms', port: 'out' }, to: { node: 'solve', port: 'initial' } },
    { id: 'e2', from: { node: 'f', port: 'out' }, to: { node: 'solve', port: 'drift' } },
    { id: 'e3', from: { node: 'g', port: 'out' }, to: { node: 'solve', port: 'diffusion' } },
    { id: 'e4', from: { node: 'solve', port: 'trajectory' }, to: { node: 'mean', port: 'trajectory' } },
  ];
  if (options.failing) {
    nodes.push({ id: 'broken', type: 'test.fails' });
    edges.push({ id: 'e5', from: { node: 'solve', port: 'samples' }, to: { node: 'broken', port: 'samples' } });
  }
  return { format: 'sde-studio.graph', version: 1, name: 'analyses', nodes, edges };
}

/** Bytes of a text file. */
export const textBytes = (text: string): Uint8Array => new TextEncoder().encode(text);
