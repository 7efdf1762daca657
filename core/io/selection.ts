/**
 * Operations on a MolecularStructure that the structure source node and the structure view need:
 * picking atoms (all, heavy atoms, Cα trace, one chain), centring the frames, and guessing bonds
 * from distances when a file has no CONECT records.
 */
import { atomCount, type AtomTable, type MolecularStructure } from './structure.ts';

/** Which atoms to keep: every atom, the non-hydrogens, the Cα atoms, or one chain by its id. */
export type AtomSelection = 'all' | 'heavy' | 'ca' | { chain: string };

const describeSelection = (selection: AtomSelection): string =>
  typeof selection === 'string' ? `'${selection}'` : `chain '${selection.chain}'`;

/**
 * The atoms of `s` that `selection` picks, with their frames, and the bonds among them (renumbered).
 *
 * - `heavy`: element is not H or D.
 * - `ca`: atoms named CA with element C in amino-acid residues: every ATOM residue, and HETATM
 *   residues that have the backbone atoms N, CA and C (modified residues such as selenomethionine,
 *   MSE, which the PDB files as HETATM in the middle of a chain); ligands and calcium are left out.
 * - `{ chain }`: the atoms whose chain id is `chain` (`''` for a blank chain id).
 *
 * Throws an Error when the chain does not exist (listing those that do) or nothing is selected.
 */
export function selectAtoms(s: MolecularStructure, selection: AtomSelection): MolecularStructure {
  const a = s.atoms;
  const n = atomCount(s);
  let keep: (i: number) => boolean;
  if (selection === 'all') keep = () => true;
  else if (selection === 'heavy') keep = (i) => a.elements[i] !== 'H' && a.elements[i] !== 'D';
  else if (selection === 'ca') {
    const aminoHetero = heteroAminoAcids(a);
    const residueKey = (i: number): string => `${a.chainIds[i]}\0${a.residueNumbers[i]}\0${a.insertionCodes[i]}\0${a.residueNames[i]}`;
    keep = (i) => a.names[i] === 'CA' && a.elements[i] === 'C' && (!a.hetero[i] || aminoHetero.has(residueKey(i)));
  } else {
    const chain = selection.chain;
    if (!a.chainIds.includes(chain)) {
      const available = [...new Set(a.chainIds)].map((id) => `'${id}'`).join(', ');
      throw new Error(`chain '${chain}' is not in the structure; its chains are ${available}`);
    }
    keep = (i) => a.chainIds[i] === chain;
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) kept.push(i);
  if (kept.length === 0) throw new Error(`the selection ${describeSelection(selection)} matches none of the ${n} atoms`);
  return subset(s, kept);
}

/** Residues (chain, number, insertion code, name) of HETATM atoms that have N, CA and C. */
function heteroAminoAcids(a: AtomTable): Set<string> {
  const backbone = new Map<string, Set<string>>();
  a.names.forEach((name, i) => {
    if (!a.hetero[i] || (name !== 'N' && name !== 'CA' && name !== 'C')) return;
    const key = `${a.chainIds[i]}\0${a.residueNumbers[i]}\0${a.insertionCodes[i]}\0${a.residueNames[i]}`;
    const names = backbone.get(key) ?? new Set<string>();
    names.add(name);
    backbone.set(key, names);
  });
  return new Set([...backbone].filter(([, names]) => names.size === 3).map(([key]) => key));
}

/** The structure restricted to atoms `kept` (increasing indices), bonds renumbered. */
function subset(s: MolecularStructure, kept: number[]): MolecularStructure {
  const newIndex = new Int32Array(atomCount(s)).fill(-1);
  kept.forEach((old, i) => (newIndex[old] = i));
  const pick = <T>(column: T[]): T[] => kept.map((i) => column[i]);
  const a = s.atoms;
  const result: MolecularStructure = {
    title: s.title,
    atoms: {
      names: pick(a.names),
      elements: pick(a.elements),
      residueNames: pick(a.residueNames),
      residueNumbers: pick(a.residueNumbers),
      insertionCodes: pick(a.insertionCodes),
      chainIds: pick(a.chainIds),
      serials: pick(a.serials),
      hetero: pick(a.hetero),
      occupancies: pick(a.occupancies),
      bFactors: pick(a.bFactors),
    },
    bonds: s.bonds
      .filter(([i, j]) => newIndex[i] >= 0 && newIndex[j] >= 0)
      .map(([i, j]): [number, number] => [newIndex[i], newIndex[j]]),
    frames: s.frames.map((frame) => {
      const xyz = new Float64Array(3 * kept.length);
      kept.forEach((old, i) => xyz.set(frame.subarray(3 * old, 3 * old + 3), 3 * i));
      return xyz;
    }),
  };
  if (s.frameLabels) result.frameLabels = [...s.frameLabels];
  return result;
}

/**
 * A copy of `s` with every frame translated by the same vector, minus the centroid of frame 0, so
 * frame 0 is centred on the origin and the motion between frames is kept.
 */
export function centreFrames(s: MolecularStructure): MolecularStructure {
  const n = atomCount(s);
  const centroid = [0, 0, 0];
  const first = s.frames[0];
  if (first && n > 0) {
    for (let i = 0; i < n; i++) for (let axis = 0; axis < 3; axis++) centroid[axis] += first[3 * i + axis];
    for (let axis = 0; axis < 3; axis++) centroid[axis] /= n;
  }
  return {
    ...s,
    frames: s.frames.map((frame) => frame.map((value, k) => value - centroid[k % 3])),
  };
}

/**
 * Covalent radii in ångström (Cordero et al., Dalton Trans. 2008, 2832; sp3 carbon, low-spin
 * metals) for the elements of biomolecules, common ions and halogens.
 */
export const COVALENT_RADII: Readonly<Record<string, number>> = {
  H: 0.31, D: 0.31, B: 0.84, C: 0.76, N: 0.71, O: 0.66, F: 0.57, Si: 1.11, P: 1.07, S: 1.05, Cl: 1.02,
  Se: 1.2, Br: 1.2, I: 1.39, Li: 1.28, Na: 1.66, K: 2.03, Mg: 1.41, Ca: 1.76, Mn: 1.39, Fe: 1.32,
  Co: 1.26, Ni: 1.24, Cu: 1.32, Zn: 1.22,
};
/** Radius for an element the table does not list. */
const DEFAULT_RADIUS = 0.8;
/** Tolerance added to the sum of radii, as in Jmol and VMD-style distance bonding. */
export const BOND_TOLERANCE = 0.45;
/** Closer than this, two atoms are an overlap (e.g. two alternate locations), not a bond. */
const MIN_BOND_DISTANCE = 0.4;
/** Largest cell number per axis: (2^17)^3 cells keep the cell key below 2^53. */
const MAX_CELL = 2 ** 17;

/**
 * Bonds of frame `frame` by distance: atoms i < j are bonded when
 * 0.4 Å < d < r_i + r_j + 0.45 Å with r the covalent radii. Atoms are binned in a grid of cells as
 * wide as the longest possible bond, so each atom is compared only with the 27 cells around it:
 * linear time for ordinary densities. Atoms with non-finite coordinates are skipped.
 */
export function inferBonds(s: MolecularStructure, frame = 0): [number, number][] {
  const n = atomCount(s);
  const xyz = s.frames[frame];
  if (!xyz) throw new Error(`frame ${frame} does not exist: the structure has ${s.frames.length} frame(s)`);
  const radii = s.atoms.elements.map((element) => COVALENT_RADII[element] ?? DEFAULT_RADIUS);
  // Cells as wide as the longest bond these elements can make.
  let largest = 0;
  for (const r of radii) largest = Math.max(largest, r);
  const cell = 2 * largest + BOND_TOLERANCE;

  const min = [Infinity, Infinity, Infinity];
  const finite: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(xyz[3 * i]) && Number.isFinite(xyz[3 * i + 1]) && Number.isFinite(xyz[3 * i + 2]))) continue;
    finite.push(i);
    for (let axis = 0; axis < 3; axis++) min[axis] = Math.min(min[axis], xyz[3 * i + axis]);
  }
  // Cell numbers are clamped to MAX_CELL so the key below stays an exact integer. Clamping is
  // monotone, so atoms in neighbouring cells stay in neighbouring cells and no bond is lost; only
  // absurd spreads (hundreds of kilometres) put many far-apart atoms in one cell.
  const cellOf = (i: number, axis: number): number => Math.min(MAX_CELL, Math.floor((xyz[3 * i + axis] - min[axis]) / cell));
  const side = MAX_CELL + 1;
  const grid = new Map<number, number[]>();
  const cells = new Float64Array(3 * n);
  for (const i of finite) {
    for (let axis = 0; axis < 3; axis++) cells[3 * i + axis] = cellOf(i, axis);
    const key = cells[3 * i] + side * (cells[3 * i + 1] + side * cells[3 * i + 2]);
    const bucket = grid.get(key);
    if (bucket) bucket.push(i);
    else grid.set(key, [i]);
  }

  const bonds: [number, number][] = [];
  const minimum2 = MIN_BOND_DISTANCE * MIN_BOND_DISTANCE;
  for (const i of finite) {
    const cx = cells[3 * i];
    const cy = cells[3 * i + 1];
    const cz = cells[3 * i + 2];
    for (let x = Math.max(0, cx - 1); x <= Math.min(MAX_CELL, cx + 1); x++) {
      for (let y = Math.max(0, cy - 1); y <= Math.min(MAX_CELL, cy + 1); y++) {
        for (let z = Math.max(0, cz - 1); z <= Math.min(MAX_CELL, cz + 1); z++) {
          const bucket = grid.get(x + side * (y + side * z));
          if (!bucket) continue;
          for (const j of bucket) {
            if (j <= i) continue;
            const dx = xyz[3 * j] - xyz[3 * i];
            const dy = xyz[3 * j + 1] - xyz[3 * i + 1];
            const dz = xyz[3 * j + 2] - xyz[3 * i + 2];
            const d2 = dx * dx + dy * dy + dz * dz;
            const limit = radii[i] + radii[j] + BOND_TOLERANCE;
            if (d2 < limit * limit && d2 > minimum2) bonds.push([i, j]);
          }
        }
      }
    }
  }
  return bonds.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}
