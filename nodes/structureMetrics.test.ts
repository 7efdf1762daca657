import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { AnalysisInput } from '../core/graph/catalog.ts';
import { idealAlphaHelix } from '../core/io/generate.ts';
import { selectAtoms } from '../core/io/selection.ts';
import type { MolecularStructure } from '../core/io/structure.ts';
import { paramsOf } from './structureTesting.ts';
import { radiusOfGyrationMetric, rmsdMetric, rmsfMetric } from './structureMetrics.ts';
import { analysisOutput, runStructureGraph, structureGraph } from './structureTesting.ts';

const HELIX = readFileSync(new URL('../assets/examples/alpha-helix.pdb', import.meta.url), 'utf8');
const helix = idealAlphaHelix(8);

/** Rotation by `angle` about the unit axis, then translation. */
function rigidMove(frame: Float64Array, axis: number[], angle: number, shift: number[]): Float64Array {
  const [x, y, z] = axis;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const r = [
    [c + x * x * (1 - c), x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
    [y * x * (1 - c) + z * s, c + y * y * (1 - c), y * z * (1 - c) - x * s],
    [z * x * (1 - c) - y * s, z * y * (1 - c) + x * s, c + z * z * (1 - c)],
  ];
  return frame.map((_, k) => {
    const i = k - (k % 3);
    const a = k % 3;
    return r[a][0] * frame[i] + r[a][1] * frame[i + 1] + r[a][2] * frame[i + 2] + shift[a];
  });
}

/** Analysis input with frames[f][p] as the trajectory. */
function input(structure: MolecularStructure | undefined, frames: Float64Array[][]): AnalysisInput {
  const particles = frames[0].length;
  const dims = frames[0][0].length;
  const data = new Float32Array(frames.length * particles * dims);
  frames.forEach((row, f) => row.forEach((x, p) => data.set(x, (f * particles + p) * dims)));
  return {
    arrays: new Map([['trajectory', { data, shape: [frames.length, particles, dims] }]]),
    times: Float32Array.from(frames, (_, f) => 0.5 * f),
    structure,
  };
}

describe('structure metrics on rigid motions', () => {
  const reference = helix.frames[0];
  const moved = [
    [reference, rigidMove(reference, [0, 0, 1], 0.3, [1, 2, 3])],
    [rigidMove(reference, [0.6, 0.8, 0], 2.0, [-5, 0, 1]), rigidMove(reference, [0, 1, 0], -1.1, [0, 0, 10])],
  ];

  test('RMSD after superposition is 0 for rotated and shifted copies of the reference', () => {
    const out = rmsdMetric.analyze(paramsOf(rmsdMetric, {}), input(helix, moved));
    for (const v of out.metrics?.rmsd as number[]) expect(v).toBeLessThan(1e-4);
    expect(out.metrics?.times).toEqual([0, 0.5]);
    const plain = rmsdMetric.analyze(paramsOf(rmsdMetric, { superpose: false }), input(helix, moved));
    expect((plain.metrics?.rmsd as number[])[1]).toBeGreaterThan(1);
  });

  test('RMSF is 0 for rigid motions, one value per residue', () => {
    const out = rmsfMetric.analyze(paramsOf(rmsfMetric, {}), input(helix, moved));
    const rmsf = out.metrics?.rmsf as number[];
    expect(rmsf).toHaveLength(8);
    expect(out.metrics?.residue_numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const v of rmsf) expect(v).toBeLessThan(1e-4);
  });

  test('radius of gyration of the reference, unchanged by rigid motions', () => {
    const n = reference.length / 3;
    const centre = [0, 1, 2].map((a) => reference.filter((_, k) => k % 3 === a).reduce((s, v) => s + v, 0) / n);
    const expected = Math.sqrt(reference.reduce((s, v, k) => s + (v - centre[k % 3]) ** 2, 0) / n);
    const out = radiusOfGyrationMetric.analyze({}, input(helix, moved));
    for (const v of out.metrics?.rg as number[]) expect(v).toBeCloseTo(expected, 4);
  });
});

describe('structure metrics', () => {
  test('RMSF: one atom that moves shows up at its residue', () => {
    const reference = helix.frames[0];
    const frames = [-1, 1, -1, 1].map((sign) => {
      const x = Float64Array.from(reference);
      x[3 * 13] += 0.5 * sign; // atom 13 = CA of residue 4
      return [x];
    });
    const out = rmsfMetric.analyze(paramsOf(rmsfMetric, { atoms: 'ca' }), input(helix, frames));
    const rmsf = out.metrics?.rmsf as number[];
    const worst = rmsf.indexOf(Math.max(...rmsf));
    expect(worst).toBe(3);
    // Superposition takes up a little of the motion: 0.5 Å of a single atom stays ≳ 0.4 Å.
    expect(rmsf[3]).toBeGreaterThan(0.4);
    expect(out.summary).toMatch(/residue ALA A4/);
  });

  test('skip must leave frames, and every metric needs a structure', () => {
    const frames = [[helix.frames[0]], [helix.frames[0]]];
    expect(() => rmsfMetric.analyze(paramsOf(rmsfMetric, { skip: 2 }), input(helix, frames))).toThrow(/skip \(2\) leaves no frames/);
    for (const metric of [rmsdMetric, rmsfMetric, radiusOfGyrationMetric]) {
      expect(() => metric.analyze(paramsOf(metric, {}), input(undefined, frames))).toThrow(/connect a source\.structure/);
    }
    const ca = selectAtoms(helix, 'ca');
    expect(() => rmsdMetric.analyze(paramsOf(rmsdMetric, {}), input(ca, frames))).toThrow(/96 components per particle but the structure has 8 atoms/);
  });

  test('in a run: RMSD is 0 at t0 for an unjittered start and grows under noise', async () => {
    const doc = structureGraph({
      file: 'helix.pdb', source: { selection: 'ca' }, structureEdge: true,
      drift: { type: 'drift.elastic_network', params: {} },
      diffusion: { type: 'diffusion.constant', params: { sigma: 0.3 } },
      solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 5, steps: 500, particles: 4, seed: 2, record: 10 } },
      analyses: {
        rmsd: { type: 'metric.rmsd', params: {} },
        rmsf: { type: 'metric.rmsf', params: { skip: 2, atoms: 'ca' } },
        rg: { type: 'metric.radius_of_gyration', params: {} },
      },
    });
    const { analyses } = await runStructureGraph(doc, { 'helix.pdb': HELIX });
    const rmsd = analysisOutput(analyses, 'rmsd');
    const values = rmsd.metrics?.rmsd as number[];
    expect(values).toHaveLength(11);
    expect(values[0]).toBeLessThan(1e-5);
    expect(values[10]).toBeGreaterThan(0.05);
    expect(rmsd.metrics?.final).toHaveLength(4);
    expect(rmsd.summary).toMatch(/^RMSD to the reference after superposition: 0\.000 Å at t = 0 → \d+\.\d{3} Å at t = 5 \(mean of 4 particles\)$/);
    expect(analysisOutput(analyses, 'rmsf').metrics?.rmsf).toHaveLength(24);
    expect((analysisOutput(analyses, 'rg').metrics?.rg as number[])[0]).toBeGreaterThan(5);
  });
});
