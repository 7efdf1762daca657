import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT, runCli } from '../core/cli/main.ts';
import { CATALOG } from './registry.ts';

const EXAMPLES = path.join(fileURLToPath(new URL('..', import.meta.url)), 'assets', 'examples');

/** The fields of run.json these tests read. */
interface RunReport {
  analyses: { node: string; type: string; summary?: string; error?: string; metrics?: Record<string, number | number[] | string>; files?: string[] }[];
  outputs: string[];
}

let tmp = '';
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'sde-structure-cli-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

async function runExample(name: string): Promise<{ code: number; out: string; err: string; dir: string; report: RunReport }> {
  const dir = path.join(tmp, name);
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['run', path.join(EXAMPLES, `${name}.json`), '--out', dir, '--threads', '2'], CATALOG, { out: (t) => out.push(t), err: (t) => err.push(t) });
  const report = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as RunReport;
  return { code, out: out.join('\n'), err: err.join('\n'), dir, report };
}

describe('structure examples through the CLI', () => {
  test('protein-elastic-network: PDB trajectory, RMSD and RMSF in run.json', async () => {
    const { code, out, err, dir, report } = await runExample('protein-elastic-network');
    expect(err).not.toMatch(/error|failed/i);
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/rmsd: RMSD to the reference after superposition: 0\.000 Å at t = 0/);
    const byNode = new Map(report.analyses.map((a) => [a.node, a]));
    expect([...byNode.keys()].sort()).toEqual(['pdb', 'rmsd', 'rmsf']);
    const rmsd = byNode.get('rmsd')?.metrics;
    expect(rmsd?.rmsd).toHaveLength(101);
    expect(rmsd?.final_mean).toBeGreaterThan(0);
    const rmsf = byNode.get('rmsf')?.metrics;
    expect(rmsf?.rmsf).toHaveLength(24);
    expect(rmsf?.residue_numbers).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    // The free ends of the helix fluctuate more than its middle.
    const values = rmsf?.rmsf as number[];
    expect(values[0]).toBeGreaterThan(values[12]);
    expect(byNode.get('pdb')?.files).toEqual(['pdb.trajectory.pdb']);
    expect(await readdir(dir)).toContain('pdb.trajectory.pdb');
    const pdb = await readFile(path.join(dir, 'pdb.trajectory.pdb'), 'utf8');
    expect(pdb.match(/^MODEL /gm)).toHaveLength(101);
    expect(report.outputs).toContain('pdb.trajectory.pdb');
  });

  test('lennard-jones-13: XYZ trajectory and radius of gyration in run.json', async () => {
    const { code, dir, report } = await runExample('lennard-jones-13');
    expect(code).toBe(EXIT.ok);
    const rg = report.analyses.find((a) => a.node === 'rg')?.metrics;
    const values = rg?.rg as number[];
    expect(values).toHaveLength(101);
    // The icosahedron's Rg is 1.08 σ · √(12/13) ≈ 3.54 Å; warm, it stays a compact cluster.
    expect(values[0]).toBeCloseTo(3.54, 1);
    expect(Math.max(...values)).toBeLessThan(4.5);
    const xyz = await readFile(path.join(dir, 'xyz.trajectory.xyz'), 'utf8');
    expect(xyz.split('\n').filter((l) => l.trim() === '13')).toHaveLength(101);
  });
});
