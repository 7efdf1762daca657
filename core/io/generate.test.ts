import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BACKBONE_GEOMETRY, idealAlphaHelix, lennardJonesCluster13, lennardJonesEnergy } from './generate.ts';
import { readPdb } from './pdbRead.ts';
import { atomCount } from './structure.ts';
import { readXyz } from './xyz.ts';

const atom = (frame: Float64Array, i: number) => [frame[3 * i], frame[3 * i + 1], frame[3 * i + 2]];
const distance = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const angle = (a: number[], b: number[], c: number[]) => {
  const u = [0, 1, 2].map((k) => a[k] - b[k]);
  const v = [0, 1, 2].map((k) => c[k] - b[k]);
  return (Math.acos((u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (Math.hypot(...u) * Math.hypot(...v))) * 180) / Math.PI;
};

describe('idealAlphaHelix', () => {
  const helix = idealAlphaHelix(24);
  const x = helix.frames[0];

  test('backbone N, CA, C, O per residue, numbered from 1 in chain A', () => {
    expect(atomCount(helix)).toBe(96);
    expect(helix.atoms.names.slice(0, 8)).toEqual(['N', 'CA', 'C', 'O', 'N', 'CA', 'C', 'O']);
    expect(helix.atoms.elements.slice(0, 4)).toEqual(['N', 'C', 'C', 'O']);
    expect(helix.atoms.residueNumbers[95]).toBe(24);
    expect(new Set(helix.atoms.chainIds)).toEqual(new Set(['A']));
  });

  test('has the Engh & Huber bond lengths and angles', () => {
    const g = BACKBONE_GEOMETRY;
    for (let r = 0; r < 23; r++) {
      const [n, ca, c, o, next] = [0, 1, 2, 3, 4].map((k) => atom(x, 4 * r + k));
      expect(distance(n, ca)).toBeCloseTo(g.bondNCa, 9);
      expect(distance(ca, c)).toBeCloseTo(g.bondCaC, 9);
      expect(distance(c, o)).toBeCloseTo(g.bondCO, 9);
      expect(distance(c, next)).toBeCloseTo(g.bondCN, 9);
      expect(angle(n, ca, c)).toBeCloseTo(g.angleNCaC, 6);
      expect(angle(ca, c, next)).toBeCloseTo(g.angleCaCN, 6);
    }
  });

  test('is an α-helix along z: 3.6 residues per turn, 1.5 Å rise, Cα radius 2.3 Å', () => {
    const ca = Array.from({ length: 24 }, (_, r) => atom(x, 4 * r + 1));
    for (const [cx, cy] of ca) expect(Math.hypot(cx, cy)).toBeCloseTo(2.29, 2);
    for (let r = 0; r + 1 < 24; r++) {
      const rise = ca[r + 1][2] - ca[r][2];
      expect(rise).toBeCloseTo(1.54, 2);
      let twist = ((Math.atan2(ca[r + 1][1], ca[r + 1][0]) - Math.atan2(ca[r][1], ca[r][0])) * 180) / Math.PI;
      twist = ((twist % 360) + 360) % 360;
      expect(360 / twist).toBeGreaterThan(3.55);
      expect(360 / twist).toBeLessThan(3.7);
    }
    // i → i + 4 backbone hydrogen bond: O(i) to N(i + 4) at ~2.9–3.0 Å.
    for (let r = 0; r + 4 < 24; r++) {
      const d = distance(atom(x, 4 * r + 3), atom(x, 4 * (r + 4)));
      expect(d).toBeGreaterThan(2.7);
      expect(d).toBeLessThan(3.2);
    }
  });

  test('the example file is this helix', () => {
    const file = readPdb(readFileSync(new URL('../../assets/examples/alpha-helix.pdb', import.meta.url), 'utf8'));
    expect(file.atoms.names).toEqual(helix.atoms.names);
    file.frames[0].forEach((v, k) => expect(Math.abs(v - x[k])).toBeLessThanOrEqual(0.0005 + 1e-9));
  });
});

describe('lennardJonesCluster13', () => {
  test('is the I_h global minimum: energy −44.326801 ε, 12 equal bonds to the centre', () => {
    const cluster = lennardJonesCluster13();
    const x = cluster.frames[0];
    expect(lennardJonesEnergy(x)).toBeCloseTo(-44.326801, 6);
    const radii = Array.from({ length: 12 }, (_, i) => distance(atom(x, 0), atom(x, i + 1)));
    for (const r of radii) expect(r).toBeCloseTo(radii[0], 12);
    // A small stretch or squeeze raises the energy.
    for (const f of [0.99, 1.01]) expect(lennardJonesEnergy(x.map((v) => v * f))).toBeGreaterThan(-44.326801);
  });

  test('scales with σ, and the example file is the argon cluster', () => {
    const argon = lennardJonesCluster13({ sigma: 3.405 });
    expect(lennardJonesEnergy(argon.frames[0], 1, 3.405)).toBeCloseTo(-44.326801, 6);
    const file = readXyz(readFileSync(new URL('../../assets/examples/lj13.xyz', import.meta.url), 'utf8'));
    expect(file.atoms.elements).toEqual(Array(13).fill('Ar'));
    file.frames[0].forEach((v, k) => expect(Math.abs(v - argon.frames[0][k])).toBeLessThan(1e-6));
  });
});
