import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readPdb } from '../core/io/pdbRead.ts';
import { readXyz } from '../core/io/xyz.ts';
import { runGraph, solverGraph } from './testing.ts';
import { runAnalyses } from '../core/compile/runAnalyses.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import { CATALOG } from './registry.ts';
import { analysisOutput, runStructureGraph, structureGraph } from './structureTesting.ts';

const HELIX = readFileSync(new URL('../assets/examples/alpha-helix.pdb', import.meta.url), 'utf8');
const RECORD = 10;
const PARTICLES = 3;
const ATOMS = 24;

/** The Cα helix under an elastic network, recorded 10 times, with every export. */
async function helixRun() {
  const doc = structureGraph({
    file: 'helix.pdb', source: { selection: 'ca' }, structureEdge: true,
    drift: { type: 'drift.elastic_network', params: {} },
    diffusion: { type: 'diffusion.constant', params: { sigma: 0.3 } },
    solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 2, steps: 200, particles: PARTICLES, seed: 4, record: RECORD } },
    analyses: {
      pdb: { type: 'export.pdb', params: { particle: 1 } },
      ensemble: { type: 'export.pdb', params: { particle: -1 } },
      xyz: { type: 'export.xyz', params: {} },
      missing: { type: 'export.pdb', params: { particle: PARTICLES } },
    },
  });
  return runStructureGraph(doc, { 'helix.pdb': HELIX });
}

describe('export.pdb and export.xyz', async () => {
  const { results, analyses } = await helixRun();
  const [r] = results;
  const at = (frame: number, particle: number, k: number) => r.trajectory[(frame * PARTICLES + particle) * 3 * ATOMS + k];

  test('export.pdb writes one MODEL per recorded time, which reads back as the trajectory', () => {
    const out = analysisOutput(analyses, 'pdb');
    const [file] = out.files ?? [];
    expect(file.name).toBe('trajectory.pdb');
    expect(file.text.match(/^MODEL /gm)).toHaveLength(RECORD + 1);
    expect(out.metrics?.models).toBe(RECORD + 1);
    const back = readPdb(file.text);
    expect(back.frames).toHaveLength(RECORD + 1);
    expect(back.atoms.names).toEqual(Array(ATOMS).fill('CA'));
    expect(back.atoms.residueNumbers).toEqual(Array.from({ length: ATOMS }, (_, i) => i + 1));
    back.frames.forEach((frame, f) => frame.forEach((v, k) => expect(Math.abs(v - at(f, 1, k))).toBeLessThanOrEqual(5e-4 + 1e-6)));
    expect(out.summary).toMatch(/11 models of 24 atoms.*particle 1/);
  });

  test('particle -1 writes every particle at the final time', () => {
    const [file] = analysisOutput(analyses, 'ensemble').files ?? [];
    expect(file.name).toBe('ensemble.pdb');
    const back = readPdb(file.text);
    expect(back.frames).toHaveLength(PARTICLES);
    back.frames.forEach((frame, p) => frame.forEach((v, k) => expect(Math.abs(v - r.samples[p * 3 * ATOMS + k])).toBeLessThanOrEqual(5e-4 + 1e-6)));
  });

  test('export.xyz writes one frame per recorded time, with the time on the comment line', () => {
    const [file] = analysisOutput(analyses, 'xyz').files ?? [];
    expect(file.name).toBe('trajectory.xyz');
    const back = readXyz(file.text);
    expect(back.frames).toHaveLength(RECORD + 1);
    expect(file.text.split('\n')[1]).toBe('particle 0, t = 0');
    expect(file.text).toContain('particle 0, t = 2\n');
    back.frames.forEach((frame, f) => frame.forEach((v, k) => expect(Math.abs(v - at(f, 0, k))).toBeLessThan(1e-5)));
  });

  test('a particle out of range fails that export only, saying which particles exist', () => {
    const missing = analyses.find((a) => a.nodeId === 'missing');
    expect(missing?.ok).toBe(false);
    expect(missing && !missing.ok && missing.error).toMatch(/particle 3 does not exist.*3 particles \(0 to 2\).*-1/);
    expect(analyses.filter((a) => a.ok)).toHaveLength(3);
  });

  test('without a structure the export asks for a source.structure', async () => {
    const doc = solverGraph({
      source: { type: 'source.point', params: { value: [0, 0, 0] } },
      drift: { type: 'drift.double_well', params: { a: 0 } },
      solver: { type: 'solver.euler', params: { steps: 2, particles: 1, record: 1 } },
    });
    doc.nodes.push({ id: 'pdb', type: 'export.pdb', params: {} });
    doc.edges.push({ id: 'e9', from: { node: 'solve', port: 'trajectory' }, to: { node: 'pdb', port: 'trajectory' } });
    const compiled = compileGraph(doc, CATALOG);
    if (!compiled.ok) throw new Error('did not compile');
    const [a] = runAnalyses(compiled.plan, await runGraph(doc), CATALOG);
    expect(a.ok).toBe(false);
    expect(!a.ok && a.error).toMatch(/connect a source\.structure/);
  });
});
