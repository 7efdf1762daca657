import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { validateGraph } from '../core/graph/validate.ts';
import { CATALOG } from './registry.ts';
import { structureSource } from './structureSource.ts';
import { compileWithFiles, fileStore, runStructureGraph, structureGraph } from './structureTesting.ts';

const HELIX = readFileSync(new URL('../assets/examples/alpha-helix.pdb', import.meta.url), 'utf8');
const LJ13 = readFileSync(new URL('../assets/examples/lj13.xyz', import.meta.url), 'utf8');

/** A graph that only integrates the structure (zero drift, no noise): the source is all there is to see. */
function sourceGraph(file: string, source: Record<string, string | number | boolean> = {}, particles = 4) {
  return structureGraph({
    file, source,
    drift: { type: 'drift.double_well', params: { a: 0 } },
    solver: { type: 'solver.euler', params: { t0: 0, t1: 1, steps: 1, particles, record: 1 } },
  });
}

function problems(doc: ReturnType<typeof sourceGraph>, files: Record<string, string | Uint8Array>) {
  return validateGraph(doc, CATALOG, { files: fileStore(files) }).problems;
}

describe('source.structure', () => {
  test('a missing file is a problem on param file', () => {
    const found = problems(sourceGraph('nowhere.pdb'), {}).filter((p) => p.nodeId === 'init');
    expect(found).toHaveLength(1);
    expect(found[0].param).toBe('file');
    expect(found[0].message).toMatch(/nowhere\.pdb/);
  });

  test('a garbled PDB is a problem naming the file and the line', () => {
    const garbled = `TITLE     BROKEN\nATOM      1  CA  ALA A   1      1x.000   2.000   3.000  1.00  0.00           C\nEND\n`;
    const [p] = problems(sourceGraph('broken.pdb'), { 'broken.pdb': garbled }).filter((q) => q.nodeId === 'init');
    expect(p.param).toBe('file');
    expect(p.message).toMatch(/broken\.pdb/);
    expect(p.message).toMatch(/line 2/);
  });

  test('a garbled XYZ is a problem naming the line', () => {
    const [p] = problems(sourceGraph('bad.xyz'), { 'bad.xyz': '2\ncomment\nAr 0 0 0\nAr 1 zero 0\n' }).filter((q) => q.nodeId === 'init');
    expect(p.param).toBe('file');
    expect(p.message).toMatch(/line 4/);
  });

  test('a binary file is refused with a clear message', () => {
    const [p] = problems(sourceGraph('image.pdb'), { 'image.pdb': Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 1, 2) }).filter((q) => q.nodeId === 'init');
    expect(p.param).toBe('file');
    expect(p.message).toMatch(/binary/);
  });

  test('selection ca keeps one atom per residue, and the dimension is 3 × atoms', () => {
    const counts: Record<string, number> = {};
    for (const selection of ['all', 'heavy', 'ca']) {
      const plan = compileWithFiles(sourceGraph('helix.pdb', { selection }), { 'helix.pdb': HELIX });
      const s = plan.stages[0].structure;
      counts[selection] = s?.atoms.names.length ?? 0;
      expect(plan.stages[0].dims).toBe(3 * counts[selection]);
    }
    expect(counts).toEqual({ all: 96, heavy: 96, ca: 24 });
    const ctx = { file: () => undefined, input: () => undefined, value: undefined, field: () => undefined };
    expect(structureSource.dimension({}, ctx)).toBeUndefined();
  });

  test('chain_index past the last chain, and a frame the file does not have, are problems on those params', () => {
    const chain = problems(sourceGraph('helix.pdb', { chain_index: 2 }), { 'helix.pdb': HELIX }).find((p) => p.nodeId === 'init');
    expect(chain?.param).toBe('chain_index');
    expect(chain?.message).toMatch(/1 chain \(A\)/);
    const frame = problems(sourceGraph('helix.pdb', { frame: 3 }), { 'helix.pdb': HELIX }).find((p) => p.nodeId === 'init');
    expect(frame?.param).toBe('frame');
    const ca = problems(sourceGraph('lj13.xyz', { selection: 'ca' }), { 'lj13.xyz': LJ13 }).find((p) => p.nodeId === 'init');
    expect(ca?.param).toBe('selection');
  });

  test('particles start at the centred structure, and jitter spreads them by its standard deviation', async () => {
    const exact = await runStructureGraph(sourceGraph('lj13.xyz', {}, 3), { 'lj13.xyz': LJ13 });
    const s = exact.plan.stages[0].structure;
    const [r] = exact.results;
    for (let p = 0; p < 3; p++) for (let k = 0; k < 39; k++) expect(r.trajectory[p * 39 + k]).toBeCloseTo(s?.frames[0][k] ?? NaN, 5);
    const jitter = 0.2;
    const jittered = await runStructureGraph(sourceGraph('lj13.xyz', { jitter }, 200), { 'lj13.xyz': LJ13 });
    const [q] = jittered.results;
    let sum = 0;
    let sum2 = 0;
    for (let p = 0; p < 200; p++) {
      for (let k = 0; k < 39; k++) {
        const d = q.trajectory[p * 39 + k] - (s?.frames[0][k] ?? NaN);
        sum += d;
        sum2 += d * d;
      }
    }
    const n = 200 * 39;
    expect(Math.abs(sum / n)).toBeLessThan(4 * jitter / Math.sqrt(n));
    expect(Math.sqrt(sum2 / n)).toBeGreaterThan(0.95 * jitter);
    expect(Math.sqrt(sum2 / n)).toBeLessThan(1.05 * jitter);
  });
});
