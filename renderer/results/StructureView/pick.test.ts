import { describe, expect, it } from 'vitest';
import { StructureModel } from './model.ts';
import { atomInfo, formatAtomInfo, pickBall } from './pick.ts';
import { peptide } from './testing.ts';
import { buildTopology } from './topology.ts';

const s = peptide();

describe('atomInfo', () => {
  it('describes an atom: name, element, residue with insertion code, chain, serial, coordinates', () => {
    const info = atomInfo(s, 8, [7, -0.5, 12.3456]);
    expect(info).toEqual({ name: 'CA', element: 'C', residue: 'GLY 7B', chain: 'B', serial: 9, position: '(7.000, −0.500, 12.346) Å' });
    expect(formatAtomInfo(info)).toBe('CA (C) · GLY 7B · chain B · serial 9 · (7.000, −0.500, 12.346) Å');
    expect(formatAtomInfo(atomInfo(s, 0, [0, 0, 0], 12))).toBe('N (N) · GLY 1 · chain A · serial 1 · (0.000, 0.000, 0.000) Å · particle 12');
  });

  it('uses a dash for what XYZ files do not have', () => {
    const xyz = peptide();
    xyz.atoms.residueNames.fill('');
    xyz.atoms.residueNumbers.fill(0);
    xyz.atoms.chainIds.fill('');
    const info = atomInfo(xyz, 3, [1, 2, 3]);
    expect([info.residue, info.chain]).toEqual(['—', '—']);
  });
});

describe('pickBall', () => {
  const model = new StructureModel(buildTopology(s), s.atoms.elements, 'ball-and-stick', 2);
  model.setCopy(0, s.frames[0], 0);
  model.setCopy(1, s.frames[0].map((v, i) => (i % 3 === 2 ? v - 10 : v)), 0);
  model.commit();

  it('finds the nearest ball along the ray, across copies', () => {
    // Looking down −z at atom 5 (3.8, 0, 0): copy 0 is in front of copy 1 (z = −10).
    expect(pickBall(model, [3.8, 0.1, 50], [0, 0, -1])).toMatchObject({ copy: 0, atom: 5 });
    expect(pickBall(model, [3.8, 0.1, 50], [0, 0, -1])!.distance).toBeCloseTo(50 - Math.sqrt(0.425 ** 2 - 0.01), 6);
    // From below, copy 1 comes first.
    expect(pickBall(model, [3.8, 0, -50], [0, 0, 1])).toMatchObject({ copy: 1, atom: 5 });
  });

  it('misses between atoms and behind the camera', () => {
    expect(pickBall(model, [2, -3, 50], [0, 0, -1])).toBeNull();
    expect(pickBall(model, [3.8, 0, 50], [0, 0, 1])).toBeNull();
  });
});
