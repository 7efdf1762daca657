import type { MolecularStructure } from '../../../core/io/structure.ts';

/** One atom of a hand-written test structure. */
export interface TestAtom {
  name: string;
  element: string;
  residue?: [name: string, number: number, insertionCode?: string];
  chain?: string;
  xyz: [number, number, number];
}

/** A MolecularStructure from a short list of atoms (one frame), for tests and benchmarks. */
export function testStructure(atoms: TestAtom[], bonds: [number, number][] = []): MolecularStructure {
  return {
    title: 'test',
    atoms: {
      names: atoms.map((a) => a.name),
      elements: atoms.map((a) => a.element),
      residueNames: atoms.map((a) => a.residue?.[0] ?? ''),
      residueNumbers: atoms.map((a) => a.residue?.[1] ?? 0),
      insertionCodes: atoms.map((a) => a.residue?.[2] ?? ''),
      chainIds: atoms.map((a) => a.chain ?? ''),
      serials: atoms.map((_, i) => i + 1),
      hetero: atoms.map(() => false),
      occupancies: atoms.map(() => 1),
      bFactors: atoms.map(() => 0),
    },
    bonds,
    frames: [Float64Array.from(atoms.flatMap((a) => a.xyz))],
  };
}

/**
 * Two glycines of chain A (N, CA, C, O each; Cα 3.8 Å apart; 7 bonds by distance) and a lone
 * glycine Cα of chain B: small enough to check by hand, with bonds to infer, a trace, two chains.
 */
export function peptide(): MolecularStructure {
  return testStructure([
    { name: 'N', element: 'N', residue: ['GLY', 1], chain: 'A', xyz: [-1.2, 0.8, 0] },
    { name: 'CA', element: 'C', residue: ['GLY', 1], chain: 'A', xyz: [0, 0, 0] },
    { name: 'C', element: 'C', residue: ['GLY', 1], chain: 'A', xyz: [1.3, 0.8, 0] },
    { name: 'O', element: 'O', residue: ['GLY', 1], chain: 'A', xyz: [1.4, 2.0, 0] },
    { name: 'N', element: 'N', residue: ['GLY', 2], chain: 'A', xyz: [2.4, 0.1, 0] },
    { name: 'CA', element: 'C', residue: ['GLY', 2], chain: 'A', xyz: [3.8, 0, 0] },
    { name: 'C', element: 'C', residue: ['GLY', 2], chain: 'A', xyz: [4.5, 1.3, 0] },
    { name: 'O', element: 'O', residue: ['GLY', 2], chain: 'A', xyz: [4.0, 2.4, 0] },
    { name: 'CA', element: 'C', residue: ['GLY', 7, 'B'], chain: 'B', xyz: [7.0, 0, 0] },
  ]);
}

/** Backbone atoms of one residue of an ideal α-helix: [name, element, radius Å, phase rad, rise Å]. */
const HELIX_ATOMS: [string, string, number, number, number][] = [
  ['N', 'N', 1.55, -0.5, -0.6],
  ['CA', 'C', 2.3, 0, 0],
  ['C', 'C', 1.65, 0.6, 0.55],
  ['O', 'O', 1.95, 0.75, 1.7],
  ['CB', 'C', 3.3, -0.2, -0.4],
];

/** `chains` α-helices of `residues` residues each, side by side, bonded along each chain. */
export function syntheticProtein(chains = 10, residues = 200): MolecularStructure {
  const atoms: TestAtom[] = [];
  const bonds: [number, number][] = [];
  for (let c = 0; c < chains; c++) {
    const [ox, oy] = [15 * (c % 5), 15 * Math.floor(c / 5)];
    const chain = String.fromCharCode(65 + c);
    for (let r = 0; r < residues; r++) {
      const first = atoms.length;
      const turn = (r * 100 * Math.PI) / 180;
      for (const [name, element, radius, phase, rise] of HELIX_ATOMS) {
        const angle = turn + phase;
        atoms.push({ name, element, residue: ['ALA', r + 1], chain, xyz: [ox + radius * Math.cos(angle), oy + radius * Math.sin(angle), 1.5 * r + rise] });
      }
      bonds.push([first, first + 1], [first + 1, first + 2], [first + 2, first + 3], [first + 1, first + 4]);
      if (r + 1 < residues) bonds.push([first + 2, first + 5]);
    }
  }
  return testStructure(atoms, bonds);
}
