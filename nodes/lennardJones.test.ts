import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { validateGraph } from '../core/graph/validate.ts';
import { lennardJonesCluster13 } from '../core/io/generate.ts';
import { atomCount } from '../core/io/structure.ts';
import { lennardJonesDrift, lennardJonesParams, lennardJonesPotential } from './lennardJones.ts';
import { CATALOG } from './registry.ts';
import { evaluateScalarIR, fakeContext, fieldFunction, fileStore, paramsOf, runStructureGraph, structureGraph } from './structureTesting.ts';

const LJ13 = readFileSync(new URL('../assets/examples/lj13.xyz', import.meta.url), 'utf8');

/** Central differences of U at x. */
function numericGradient(u: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  return x.map((_, k) => {
    const up = Float64Array.from(x);
    const down = Float64Array.from(x);
    up[k] += h;
    down[k] -= h;
    return (u(up) - u(down)) / (2 * h);
  });
}

function perturbed(frame: Float64Array, amplitude: number): Float64Array {
  let state = 777;
  return frame.map((v) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return v + amplitude * (2 * (state / 2 ** 31) - 1);
  });
}

describe('drift.lennard_jones', () => {
  const sigma = 3.405;
  const cluster = lennardJonesCluster13({ sigma });

  for (const confineTo of ['centroid', 'origin']) {
    test(`the drift is −∇U / friction (confinement to the ${confineTo})`, () => {
      const params = paramsOf(lennardJonesDrift, { epsilon: 1.3, sigma, cutoff: 1.6, confinement: 0.5, confine_to: confineTo, friction: 2 });
      const fn = fieldFunction(lennardJonesDrift, params, 39, fakeContext());
      // Shifted off the origin and jostled, so that some pairs cross the 1.6 σ cutoff.
      const x = perturbed(cluster.frames[0].map((v, k) => v + [1, -2, 0.5][k % 3]), 0.3);
      const f = evaluateScalarIR(fn, x);
      const gradient = numericGradient((y) => lennardJonesPotential(y, lennardJonesParams(params)), x);
      const scale = Math.max(...gradient.map(Math.abs));
      f.forEach((fk, k) => expect(Math.abs(fk + gradient[k] / 2)).toBeLessThan(1e-6 * scale));
    });
  }

  test('the LJ13 icosahedron is a minimum: energy −44.3268 ε and no force', () => {
    const free = paramsOf(lennardJonesDrift, { sigma, confinement: 0, cutoff: 10 });
    expect(lennardJonesPotential(cluster.frames[0], lennardJonesParams(free))).toBeCloseTo(-44.326801, 5);
    const f = evaluateScalarIR(fieldFunction(lennardJonesDrift, free, 39, fakeContext()), cluster.frames[0]);
    expect(Math.max(...f.map(Math.abs))).toBeLessThan(1e-9);
    // With the default cutoff (2.5 σ: every pair of LJ13 is inside) and weak confinement, forces
    // stay tiny next to the pair force scale 24 ε / σ ≈ 7 ε/Å.
    const defaults = paramsOf(lennardJonesDrift, { sigma });
    const g = evaluateScalarIR(fieldFunction(lennardJonesDrift, defaults, 39, fakeContext()), cluster.frames[0]);
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(0.05);
  });

  test('the atom count comes from the structure input, else any multiple of 3', () => {
    expect(lennardJonesDrift.dimension({}, fakeContext({ structure: cluster }))).toBe(3 * atomCount(cluster));
    expect(lennardJonesDrift.dimension({}, fakeContext())).toBeUndefined();
    const params = paramsOf(lennardJonesDrift, {});
    expect(() => fieldFunction(lennardJonesDrift, params, 7, fakeContext())).toThrow(/7 components.*not 3 × a number of atoms/);
  });

  test('a warm cluster stays bound over a short run', async () => {
    // kT = friction · σ² / 2 = 0.2 ε: a solid cluster (LJ13 melts near 0.3 ε).
    const doc = structureGraph({
      file: 'lj13.xyz', source: { jitter: 0.05 }, structureEdge: true,
      drift: { type: 'drift.lennard_jones', params: { sigma } },
      diffusion: { type: 'diffusion.constant', params: { sigma: Math.sqrt(0.4) } },
      solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 10, steps: 2000, particles: 8, seed: 1 } },
    });
    const { results } = await runStructureGraph(doc, { 'lj13.xyz': LJ13 });
    const x = results[0].samples;
    for (let p = 0; p < 8; p++) {
      const atoms = Array.from({ length: 13 }, (_, i) => [0, 1, 2].map((a) => x[p * 39 + 3 * i + a]));
      const centroid = [0, 1, 2].map((a) => atoms.reduce((s, r) => s + r[a], 0) / 13);
      const farthest = Math.max(...atoms.map((r) => Math.hypot(r[0] - centroid[0], r[1] - centroid[1], r[2] - centroid[2])));
      // The shell sits at 1.08 σ; an evaporated atom would be several σ out.
      expect(farthest).toBeLessThan(1.6 * sigma);
    }
  });

  test('the example graph validates with its file', () => {
    const example = JSON.parse(readFileSync(new URL('../assets/examples/lennard-jones-13.json', import.meta.url), 'utf8'));
    expect(validateGraph(example, CATALOG, { files: fileStore({ 'lj13.xyz': LJ13 }) }).problems).toEqual([]);
  });
});
