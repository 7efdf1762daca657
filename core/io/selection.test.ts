/** selectAtoms, centreFrames and inferBonds on made-up and real structures. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPdb } from './pdbRead.ts';
import { centreFrames, COVALENT_RADII, BOND_TOLERANCE, inferBonds, selectAtoms } from './selection.ts';
import type { MolecularStructure } from './structure.ts';
import { readXyz } from './xyz.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = path.resolve(repoRoot, '../shared/data/pdb');
const haveData = existsSync(dataDir);
if (!haveData) console.warn(`selection.test.ts: skipping the real-file tests, ${dataDir} does not exist`);
const load = (name: string): string => readFileSync(path.join(dataDir, name), 'utf8');

const WATER = readXyz(['3', 'water', 'O 0.0 0.0 0.1173', 'H 0.0 0.7572 -0.4692', 'H 0.0 -0.7572 -0.4692'].join('\n'));

/** Every pair compared: the O(n²) answer inferBonds must agree with. */
function bruteForceBonds(s: MolecularStructure, frame = 0): [number, number][] {
  const xyz = s.frames[frame];
  const r = s.atoms.elements.map((e) => COVALENT_RADII[e] ?? 0.8);
  const bonds: [number, number][] = [];
  for (let i = 0; i < r.length; i++) {
    for (let j = i + 1; j < r.length; j++) {
      const d = Math.hypot(xyz[3 * j] - xyz[3 * i], xyz[3 * j + 1] - xyz[3 * i + 1], xyz[3 * j + 2] - xyz[3 * i + 2]);
      if (d > 0.4 && d < r[i] + r[j] + BOND_TOLERANCE) bonds.push([i, j]);
    }
  }
  return bonds;
}

/** Copies of `s` side by side, `spacing` Å apart along x (to make big test structures). */
function tile(s: MolecularStructure, copies: number, spacing: number): MolecularStructure {
  const n = s.atoms.names.length;
  const frame = new Float64Array(3 * n * copies);
  for (let c = 0; c < copies; c++) {
    for (let k = 0; k < 3 * n; k++) frame[3 * n * c + k] = s.frames[0][k] + (k % 3 === 0 ? c * spacing : 0);
  }
  const repeat = <T>(column: T[]): T[] => Array.from({ length: copies }, () => column).flat();
  const a = s.atoms;
  return {
    title: s.title,
    atoms: {
      names: repeat(a.names),
      elements: repeat(a.elements),
      residueNames: repeat(a.residueNames),
      residueNumbers: repeat(a.residueNumbers),
      insertionCodes: repeat(a.insertionCodes),
      chainIds: repeat(a.chainIds),
      serials: repeat(a.serials),
      hetero: repeat(a.hetero),
      occupancies: repeat(a.occupancies),
      bFactors: repeat(a.bFactors),
    },
    bonds: [],
    frames: [frame],
  };
}

describe('selectAtoms', () => {
  it('heavy drops H and D, keeps frames and labels', () => {
    const s = structuredClone(WATER);
    s.atoms.elements[2] = 'D';
    s.frames.push(s.frames[0].map((v) => v * 2));
    s.frameLabels = ['a', 'b'];
    const heavy = selectAtoms(s, 'heavy');
    expect(heavy.atoms.names).toEqual(['O']);
    expect(heavy.frames.map((f) => Array.from(f))).toEqual([
      [0, 0, 0.1173],
      [0, 0, 0.2346],
    ]);
    expect(heavy.frameLabels).toEqual(['a', 'b']);
    expect(selectAtoms(s, 'all')).toEqual(s);
  });

  it('keeps the bonds among kept atoms, renumbered', () => {
    const s = structuredClone(WATER);
    s.atoms.chainIds = ['A', 'B', 'B'];
    s.bonds = [
      [0, 1],
      [0, 2],
      [1, 2],
    ];
    expect(selectAtoms(s, { chain: 'B' }).bonds).toEqual([[0, 1]]);
    expect(selectAtoms(s, 'heavy').bonds).toEqual([]);
  });

  it('says which chains exist when the chain does not, and when nothing is selected', () => {
    const s = structuredClone(WATER);
    s.atoms.chainIds = ['A', 'B', ''];
    expect(() => selectAtoms(s, { chain: 'Z' })).toThrow("chain 'Z' is not in the structure; its chains are 'A', 'B', ''");
    expect(() => selectAtoms(WATER, 'ca')).toThrow("the selection 'ca' matches none of the 3 atoms");
  });

  it('ca leaves out calcium and ligand atoms named CA', () => {
    const s = structuredClone(WATER);
    s.atoms.names = ['CA', 'CA', 'CA'];
    s.atoms.elements = ['C', 'Ca', 'C'];
    s.atoms.hetero = [false, true, true];
    s.atoms.residueNames = ['ALA', 'CA', 'LIG'];
    expect(selectAtoms(s, 'ca').atoms.residueNames).toEqual(['ALA']);
  });
});

describe.skipIf(!haveData)('selectAtoms on the real files', () => {
  it('2BEG: heavy atoms, one chain of five, Cα trace', () => {
    const s = readPdb(load('2BEG.pdb'));
    expect(selectAtoms(s, 'heavy').atoms.names.length).toBe(s.atoms.elements.filter((e) => e !== 'H').length);
    const chainC = selectAtoms(s, { chain: 'C' });
    expect(new Set(chainC.atoms.chainIds)).toEqual(new Set(['C']));
    expect(chainC.atoms.names.length).toBe(s.atoms.chainIds.filter((c) => c === 'C').length);
    // Residues 17–42 in each of five chains.
    expect(selectAtoms(s, 'ca').atoms.names.length).toBe(5 * 26);
    expect(() => selectAtoms(s, { chain: 'F' })).toThrow("its chains are 'A', 'B', 'C', 'D', 'E'");
  });

  it('1A8O: the Cα trace includes the selenomethionines (MSE, HETATM in the chain) but no water', () => {
    const s = readPdb(load('1A8O.pdb'));
    const ca = selectAtoms(s, 'ca');
    const residues = ca.atoms.residueNumbers;
    expect(ca.atoms.residueNames.filter((r) => r === 'MSE')).toHaveLength(4);
    expect(ca.atoms.residueNames).not.toContain('HOH');
    // One Cα per amino-acid residue of the chain: 151 … 220 without gaps.
    expect(residues).toEqual(Array.from({ length: 70 }, (_, k) => 151 + k));
  });
});

describe('centreFrames', () => {
  it('moves the centroid of frame 0 to the origin and every frame by the same vector', () => {
    const s = structuredClone(WATER);
    s.frames[0] = s.frames[0].map((v, k) => v + [10, -20, 30][k % 3]);
    s.frames.push(s.frames[0].map((v, k) => v + (k === 0 ? 1 : 0)));
    const c = centreFrames(s);
    const centroid = [0, 1, 2].map((axis) => (c.frames[0][axis] + c.frames[0][3 + axis] + c.frames[0][6 + axis]) / 3);
    for (const v of centroid) expect(v).toBeCloseTo(0, 12);
    c.frames[1].forEach((v, k) => expect(v - c.frames[0][k]).toBeCloseTo(s.frames[1][k] - s.frames[0][k], 12));
    expect(s.frames[0][0]).toBe(10); // the input is not changed
  });
});

describe('inferBonds', () => {
  it('bonds the two O–H of water, not H–H', () => {
    expect(inferBonds(WATER)).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });

  it('refuses a frame that does not exist', () => {
    expect(() => inferBonds(WATER, 1)).toThrow('frame 1 does not exist: the structure has 1 frame(s)');
  });

  it('skips atoms with non-finite coordinates and copes with absurd spreads', () => {
    const s = structuredClone(WATER);
    s.frames[0][3] = NaN;
    expect(inferBonds(s)).toEqual([[0, 2]]);
    s.frames[0][3] = 1e300;
    s.frames[0][6] = -1e300;
    expect(inferBonds(s)).toEqual([]);
  });

  it.skipIf(!haveData)('1A8O: finds every CONECT bond (MSE, peptide links, the disulfide) and agrees with comparing every pair', () => {
    const s = readPdb(load('1A8O.pdb'));
    const inferred = inferBonds(s);
    const keys = new Set(inferred.map(([i, j]) => `${i}-${j}`));
    for (const [i, j] of s.bonds) expect(keys.has(`${i}-${j}`), `${i}-${j}`).toBe(true);
    expect(inferred).toEqual(bruteForceBonds(s));
  });

  it.skipIf(!haveData)('2BEG with hydrogens: same bonds as comparing every pair', () => {
    const s = readPdb(load('2BEG.pdb'));
    const inferred = inferBonds(s);
    expect(inferred).toEqual(bruteForceBonds(s));
    // A protein with hydrogens has about one bond per atom.
    expect(inferred.length / s.atoms.names.length).toBeGreaterThan(0.95);
  });

  it.skipIf(!haveData)('is fast on 11,000 atoms (a spatial grid, not every pair)', () => {
    const one = readPdb(load('2BEG.pdb'));
    const big = tile(one, 6, 100);
    const start = performance.now();
    const bonds = inferBonds(big);
    const elapsed = performance.now() - start;
    expect(bonds.length).toBe(6 * inferBonds(one).length);
    console.info(`inferBonds: ${big.atoms.names.length} atoms in ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(2000);
  });
});
