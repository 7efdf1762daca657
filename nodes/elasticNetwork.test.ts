import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { NodeInputError } from '../core/graph/catalog.ts';
import { validateGraph } from '../core/graph/validate.ts';
import { idealAlphaHelix } from '../core/io/generate.ts';
import { selectAtoms } from '../core/io/selection.ts';
import type { MolecularStructure } from '../core/io/structure.ts';
import { anmHessian, buildElasticNetwork, countZeroModes, elasticNetworkDrift, elasticNetworkEnergy, findSprings } from './elasticNetwork.ts';
import { CATALOG } from './registry.ts';
import {
  analysisOutput, evaluateScalarIR, fakeContext, fieldFunction, fileStore, paramsOf, pearson, runStructureGraph,
  structureGraph, symmetricEigen,
} from './structureTesting.ts';

const PDB_DIR = path.join(fileURLToPath(new URL('..', import.meta.url)), '../shared/data/pdb');
const PDB_1A8O = path.join(PDB_DIR, '1A8O.pdb');
const HAVE_1A8O = existsSync(PDB_1A8O);
if (!HAVE_1A8O) console.warn(`skipping the ANM fluctuation test: ${PDB_1A8O} is missing (the shared PDB test data)`);

const helixCa = (): MolecularStructure => selectAtoms(idealAlphaHelix(24), 'ca');

/** A deterministic pseudo-random perturbation in [-amplitude, amplitude]. */
function perturbed(frame: Float64Array, amplitude: number): Float64Array {
  let state = 12345;
  return frame.map((v) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return v + amplitude * (2 * (state / 2 ** 31) - 1);
  });
}

describe('drift.elastic_network', () => {
  const s = helixCa();
  const params = paramsOf(elasticNetworkDrift, { cutoff: 12, spring_constant: 1.5, friction: 2 });
  const network = buildElasticNetwork(s, 12);
  const fn = fieldFunction(elasticNetworkDrift, params, 3 * network.atoms, fakeContext({}, network));

  test('springs join every pair closer than the cutoff, each once', () => {
    const x = s.frames[0];
    let brute = 0;
    for (let i = 0; i < 24; i++) for (let j = i + 1; j < 24; j++) if (Math.hypot(x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]) < 12) brute++;
    expect(network.springs.length).toBe(brute);
    expect(findSprings(x, 12)).toEqual(network.springs);
  });

  test('the drift is −∇U / friction (central differences of U)', () => {
    const x = perturbed(s.frames[0], 0.4);
    const f = evaluateScalarIR(fn, x);
    const h = 1e-5;
    let worst = 0;
    for (let k = 0; k < x.length; k++) {
      const up = Float64Array.from(x);
      const down = Float64Array.from(x);
      up[k] += h;
      down[k] -= h;
      const gradient = (elasticNetworkEnergy(network, up, 1.5) - elasticNetworkEnergy(network, down, 1.5)) / (2 * h);
      worst = Math.max(worst, Math.abs(f[k] + gradient / 2));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(Math.max(...f.map(Math.abs))).toBeGreaterThan(0.01);
  });

  test('the drift is zero at the reference and under rigid motions of it', () => {
    expect(Math.max(...evaluateScalarIR(fn, s.frames[0]).map(Math.abs))).toBeLessThan(1e-12);
    const [c, sn] = [Math.cos(0.7), Math.sin(0.7)];
    const moved = s.frames[0].map((_, k, x) => {
      const i = k - (k % 3);
      const [X, Y, Z] = [x[i], x[i + 1], x[i + 2]];
      return [c * X - sn * Y + 1, sn * X + c * Y - 2, Z + 3][k % 3];
    });
    expect(Math.max(...evaluateScalarIR(fn, moved).map(Math.abs))).toBeLessThan(1e-12);
  });

  test('a rigid network has exactly the 6 rigid-body zero modes', () => {
    expect(countZeroModes(anmHessian(network), 3 * network.atoms)).toBe(6);
  });

  test('refuses fewer than 3 atoms, a disconnected network and a floppy one, saying why', () => {
    const two = selectAtoms(idealAlphaHelix(2), 'ca');
    expect(() => buildElasticNetwork(two, 15)).toThrow(/at least 3 atoms.*has 2/);
    expect(() => buildElasticNetwork(s, 3)).toThrow(NodeInputError);
    expect(() => buildElasticNetwork(s, 3)).toThrow(/disconnected.*24 separate pieces/);
    // 5 Å joins only consecutive Cα (3.8 Å): a chain whose atoms have 1 or 2 springs.
    expect(() => buildElasticNetwork(s, 5)).toThrow(/not rigid.*24 atoms have fewer than 3 springs \(CA ALA A1, CA ALA A2, CA ALA A3, …\)/);
    // Two rigid tetrahedra joined by one spring: every atom has 3 springs, yet the pair can
    // turn and twist about that spring: 6 + 5 zero modes.
    const unit = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
    const hinge = { ...idealAlphaHelix(2), frames: [Float64Array.from([...unit, ...unit.map((v, k) => (k % 3 === 0 ? v + 2.2 : v))])] };
    expect(() => buildElasticNetwork(hinge, 1.45)).toThrow(/not rigid.*13 springs leave 11 zero modes, 5 more than the 6 rigid-body motions/);
    try {
      buildElasticNetwork(hinge, 1.45);
    } catch (e) {
      expect((e as NodeInputError).param).toBe('cutoff');
    }
  });

  test('a floppy cutoff in a graph is a problem on the node and its cutoff', () => {
    const doc = structureGraph({
      file: 'helix.pdb', source: { selection: 'ca' }, structureEdge: true,
      drift: { type: 'drift.elastic_network', params: { cutoff: 5 } },
      diffusion: { type: 'diffusion.constant', params: { sigma: 0.1 } },
      solver: { type: 'solver.euler_maruyama', params: { steps: 10, particles: 1 } },
    });
    const files = fileStore({ 'helix.pdb': readFileSync(new URL('../assets/examples/alpha-helix.pdb', import.meta.url), 'utf8') });
    const problems = validateGraph(doc, CATALOG, { files }).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ nodeId: 'f', param: 'cutoff' });
  });
});

describe.skipIf(!HAVE_1A8O)('ANM: Langevin fluctuations of 1A8O match the pseudo-inverse of the Hessian', () => {
  test('per-residue mean-square fluctuations correlate with kT · tr (H⁺)_ii (Pearson ≥ 0.9)', async () => {
    // kT = friction · σ² / 2 = 0.005 γ Å²: fluctuations of ~0.1 Å, deep in the harmonic regime.
    // With cutoff 15 Å the ANM spectrum of 1A8O's 70 Cα spans λ = 0.89 … 31 γ, so dt = 0.015
    // resolves the stiffest mode, and 8 particles × 1200 steps (t = 18, ~16 relaxation times of
    // the slowest mode; the first 6 of 61 frames dropped) give r ≈ 0.99 in ~5 s of CPU.
    const sigma = 0.1;
    const friction = 1;
    const doc = structureGraph({
      file: '1A8O.pdb', source: { selection: 'ca' }, structureEdge: true,
      drift: { type: 'drift.elastic_network', params: { cutoff: 15, spring_constant: 1, friction } },
      diffusion: { type: 'diffusion.constant', params: { sigma } },
      solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 18, steps: 1200, particles: 8, seed: 3, record: 60 } },
      analyses: { rmsf: { type: 'metric.rmsf', params: { skip: 6, atoms: 'all' } } },
    });
    const started = performance.now();
    const { plan, analyses } = await runStructureGraph(doc, { '1A8O.pdb': new Uint8Array(readFileSync(PDB_1A8O)) }, 2);
    const structure = plan.stages[0].structure as MolecularStructure;
    const rmsf = analysisOutput(analyses, 'rmsf').metrics?.rmsf as number[];
    const simulated = rmsf.map((r) => r * r);

    const network = buildElasticNetwork(structure, 15);
    const n = 3 * network.atoms;
    const { values, vectors } = symmetricEigen(anmHessian(network), n);
    expect(values[5]).toBeLessThan(1e-8);
    expect(values[6]).toBeGreaterThan(0.1);
    const kT = (friction * sigma * sigma) / 2;
    const predicted = Array.from({ length: network.atoms }, (_, i) => {
      let trace = 0;
      for (let k = 6; k < n; k++) for (let a = 0; a < 3; a++) trace += vectors[k][3 * i + a] ** 2 / values[k];
      return kT * trace;
    });
    const r = pearson(simulated, predicted);
    const scale = simulated.reduce((a, b) => a + b, 0) / predicted.reduce((a, b) => a + b, 0);
    console.log(`ANM 1A8O: ${network.atoms} Cα, ${network.springs.length} springs; Pearson r = ${r.toFixed(4)}, mean MSF simulated / predicted = ${scale.toFixed(3)}; ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(simulated).toHaveLength(network.atoms);
    expect(r).toBeGreaterThanOrEqual(0.9);
    // The temperature is right too, not only the shape of the profile.
    expect(scale).toBeGreaterThan(0.8);
    expect(scale).toBeLessThan(1.25);
  });
});
