import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPdb } from '../../../core/io/pdbRead.ts';
import { selectAtoms } from '../../../core/io/selection.ts';
import { readXyz } from '../../../core/io/xyz.ts';
import { StructureModel } from './model.ts';
import { peptide, syntheticProtein, testStructure, type TestAtom } from './testing.ts';
import { buildTopology, CA_PSEUDO_BOND_MAX, defaultRepresentation, stickPairs, traceName } from './topology.ts';

const pairs = (a: Uint32Array) => Array.from({ length: a.length / 2 }, (_, k) => [a[2 * k], a[2 * k + 1]]);

describe('buildTopology', () => {
  it('infers bonds by distance when the structure lists none', () => {
    const t = buildTopology(peptide());
    expect(pairs(t.bonds)).toEqual([[0, 1], [1, 2], [2, 3], [2, 4], [4, 5], [5, 6], [6, 7]]);
  });

  it('keeps listed bonds and infers only among atoms no listed bond mentions (PDB CONECT covers ligands only)', () => {
    const s = peptide();
    s.bonds = [[6, 7], [7, 8]]; // a made-up listed bond 7–8 joins the lone Cα
    const t = buildTopology(s);
    expect(pairs(t.bonds)).toEqual([[6, 7], [7, 8], [0, 1], [1, 2], [2, 3], [2, 4], [4, 5]]);
  });

  it('traces Cα atoms along each chain, numbers residues and chains in file order', () => {
    const t = buildTopology(peptide());
    expect(Array.from(t.traceAtoms)).toEqual([1, 5, 8]);
    expect(pairs(t.traceLinks)).toEqual([[1, 5]]); // 5 → 8 changes chain
    expect(Array.from(t.residueIndex)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2]);
    expect(t.residueCount).toBe(3);
    expect(Array.from(t.chainIndex)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(t.chainIds).toEqual(['A', 'B']);
  });

  it('breaks the trace where consecutive Cα are too far apart (a gap in the chain)', () => {
    const s = peptide();
    s.atoms.chainIds[8] = 'A';
    expect(pairs(buildTopology(s).traceLinks)).toEqual([[1, 5], [5, 8]]); // 3.2 Å apart
    s.frames[0][3 * 8] = 12; // 8.2 Å: a gap
    expect(pairs(buildTopology(s).traceLinks)).toEqual([[1, 5]]);
  });
});

/** Cα atoms of chain A along x, `spacing` Å apart, numbered from `numbers` (one residue each). */
function caChain(numbers: number[], spacing = 3.8, chain = 'A'): TestAtom[] {
  return numbers.map((n, k) => ({ name: 'CA', element: 'C', residue: ['ALA', n], chain, xyz: [spacing * k, 0, 0] }));
}

/** Keeps only the atoms named CA (what source.structure's selection 'ca' does). */
function onlyCa(s: ReturnType<typeof syntheticProtein>) {
  const keep = s.atoms.names.flatMap((name, i) => (name === 'CA' ? [i] : []));
  return testStructure(keep.map((i) => ({
    name: 'CA', element: 'C', residue: [s.atoms.residueNames[i], s.atoms.residueNumbers[i]], chain: s.atoms.chainIds[i],
    xyz: [s.frames[0][3 * i], s.frames[0][3 * i + 1], s.frames[0][3 * i + 2]],
  })));
}

describe('backbone traces (Cα-only models)', () => {
  it('a Cα-only helix has no bonds: it is a trace, opens as the Cα trace, and ball-and-stick joins consecutive Cα by pseudo-bonds', () => {
    const s = onlyCa(syntheticProtein(1, 24));
    const t = buildTopology(s);
    expect(t.bonds.length).toBe(0);
    expect(t.backboneOnly).toBe(true);
    expect(pairs(t.pseudoBonds)).toEqual(Array.from({ length: 23 }, (_, k) => [k, k + 1]));
    expect(pairs(t.traceLinks)).toEqual(pairs(t.pseudoBonds));
    expect(defaultRepresentation(t)).toBe('trace');
    expect(traceName(s, t)).toBe('Cα');
    const model = new StructureModel(t, s.atoms.elements, 'ball-and-stick');
    expect(Array.from(model.stickPairs)).toEqual(Array.from(t.pseudoBonds));
    expect(model.sticks?.count).toBe(2 * 23);
    expect(new StructureModel(t, s.atoms.elements, 'spacefill').sticks).toBeNull();
  });

  it('a full-atom structure is not a trace: real bonds, no pseudo-bonds, ball-and-stick by default', () => {
    for (const s of [peptide(), syntheticProtein(1, 24)]) {
      const t = buildTopology(s);
      expect(t.backboneOnly).toBe(false);
      expect(t.pseudoBonds.length).toBe(0);
      expect(stickPairs(t)).toBe(t.bonds);
      expect(defaultRepresentation(t)).toBe('ball-and-stick');
    }
  });

  it('links consecutive residue numbers at any distance, other neighbours only under 4.2 Å, never across chains', () => {
    const atoms = caChain([1, 2, 3, 5, 9, 10]);
    atoms[2].xyz = [2 * 3.8 + 0.5, 6, 0]; // 2 → 3: consecutive numbers, 6.9 Å apart: linked
    atoms[3].xyz = [atoms[2].xyz[0] + CA_PSEUDO_BOND_MAX - 0.1, 6, 0]; // 3 → 5: a gap in the numbering, but 4.1 Å: linked
    atoms[4].xyz = [atoms[3].xyz[0] + CA_PSEUDO_BOND_MAX + 0.1, 6, 0]; // 5 → 9: 4.3 Å: a gap
    atoms[5].xyz = [atoms[4].xyz[0] + 3.8, 6, 0]; // 9 → 10
    const other = caChain([11, 12], 3.8, 'B').map((a) => ({ ...a, xyz: [a.xyz[0] + atoms[5].xyz[0] + 3.8, 6, 0] as [number, number, number] }));
    const t = buildTopology(testStructure([...atoms, ...other]));
    expect(t.backboneOnly).toBe(true);
    expect(pairs(t.pseudoBonds)).toEqual([[0, 1], [1, 2], [2, 3], [4, 5], [6, 7]]); // 5 → 6 changes chain
  });

  it('a Cα model with water (no bonds listed or inferred) is a trace; the water stays unlinked', () => {
    const water: TestAtom = { name: 'O', element: 'O', residue: ['HOH', 101], chain: 'A', xyz: [0, 8, 0] };
    const t = buildTopology(testStructure([...caChain([1, 2, 3]), water]));
    expect(t.backboneOnly).toBe(true);
    expect(pairs(t.pseudoBonds)).toEqual([[0, 1], [1, 2]]);
    expect(defaultRepresentation(t)).toBe('trace');
  });

  it('a P-only nucleic-acid trace links consecutive phosphates (up to 8 Å apart)', () => {
    const s = testStructure([1, 2, 3].map((n, k) => ({ name: 'P', element: 'P', residue: ['DA', n], chain: 'A', xyz: [6.5 * k, 0, 0] })));
    const t = buildTopology(s);
    expect(t.backboneOnly).toBe(true);
    expect(pairs(t.pseudoBonds)).toEqual([[0, 1], [1, 2]]);
    expect(traceName(s, t)).toBe('P');
  });

  it('is not a trace when nothing links (lone Cα, or Cα of different chains), nor when the atoms are bonded', () => {
    expect(buildTopology(testStructure(caChain([1]))).backboneOnly).toBe(false);
    const apart = buildTopology(testStructure([...caChain([1]), ...caChain([2], 3.8, 'B').map((a) => ({ ...a, xyz: [3.8, 0, 0] as [number, number, number] }))]));
    expect(apart.backboneOnly).toBe(false);
    expect(defaultRepresentation(apart)).toBe('ball-and-stick');
    const listed = buildTopology(testStructure(caChain([1, 2, 3]), [[0, 1]]));
    expect(listed.backboneOnly).toBe(false);
    expect(listed.pseudoBonds.length).toBe(0);
  });

  it('the examples: the α-helix with selection ca is a Cα trace of 23 pseudo-bonds; the whole helix and the LJ13 cluster are not', () => {
    const example = (name: string) => readFileSync(new URL(`../../../assets/examples/${name}`, import.meta.url), 'utf8');
    const helix = readPdb(example('alpha-helix.pdb'));
    const ca = buildTopology(selectAtoms(helix, 'ca'));
    expect(ca.atoms).toBe(24);
    expect(ca.backboneOnly).toBe(true);
    expect(pairs(ca.pseudoBonds)).toEqual(Array.from({ length: 23 }, (_, k) => [k, k + 1]));
    expect(defaultRepresentation(ca)).toBe('trace');
    expect(defaultRepresentation(buildTopology(helix))).toBe('ball-and-stick');
    const lj = buildTopology(readXyz(example('lj13.xyz')));
    expect(lj.backboneOnly).toBe(false);
    expect(lj.pseudoBonds.length).toBe(0);
    expect(defaultRepresentation(lj)).toBe('ball-and-stick');
  });

  it('big full-atom structures (over 5000 atoms) still open as the trace', () => {
    const t = buildTopology(syntheticProtein(6, 200)); // 6000 atoms
    expect(t.backboneOnly).toBe(false);
    expect(defaultRepresentation(t)).toBe('trace');
  });
});
