import { inferBonds } from '../../../core/io/selection.ts';
import { atomCount, type MolecularStructure } from '../../../core/io/structure.ts';
import type { Representation } from './model.ts';

/**
 * What the structure view draws besides coordinates, worked out once per structure: the bond
 * list, the backbone trace, and the residue and chain each atom belongs to. Frames only move atoms,
 * so all of this stays fixed while a trajectory plays.
 */
export interface StructureTopology {
  atoms: number;
  /** Bonds as pairs of atom indices: bond k joins bonds[2k] and bonds[2k + 1]. */
  bonds: Uint32Array;
  /** Atoms the backbone trace runs through (Cα of amino acids, P of nucleotides), in file order. */
  traceAtoms: Uint32Array;
  /** Trace segments as pairs of atom indices, like `bonds`. */
  traceLinks: Uint32Array;
  /**
   * True for a bare backbone trace, e.g. a Cα-only selection or a coarse-grained model: no bonds
   * among the atoms, and consecutive residues of a chain have trace atoms (see `isBackboneTrace`).
   */
  backboneOnly: boolean;
  /**
   * Pseudo-bonds of a backbone trace, drawn as sticks in ball-and-stick: consecutive Cα (or P) of
   * a chain whose residue numbers are consecutive or that lie close (see `backboneLinks`). Empty
   * unless `backboneOnly`, where they are also the trace's segments (`traceLinks`).
   */
  pseudoBonds: Uint32Array;
  /** Per atom: index of its residue (0, 1, … in file order; a change of chain, number, insertion code or name starts one). */
  residueIndex: Uint32Array;
  residueCount: number;
  /** Per atom: index into `chainIds` (chains numbered in order of first appearance). */
  chainIndex: Uint32Array;
  chainIds: string[];
}

/** Longest Cα–Cα distance still drawn as a trace segment (3.8 Å trans, 2.9 Å cis; more is a gap). */
const CA_LINK_MAX = 4.5;
/** Longest P–P distance drawn (about 6–7 Å along a nucleic-acid strand). */
const P_LINK_MAX = 8;
/**
 * Pseudo-bonds of a Cα trace join Cα of consecutive residue numbers, or closer than this (3.8 Å
 * trans, 2.9 Å cis, with room for coordinate error; a residue renumbered past a gap stays apart).
 */
export const CA_PSEUDO_BOND_MAX = 4.2;
/** Structures with more atoms than this open in the trace representation, where the backbone reads better. */
const TRACE_BY_DEFAULT_ATOMS = 5000;

/**
 * The topology of `s`. Bonds: the structure's own (PDB CONECT records), plus bonds by distance on
 * the reference frame (inferBonds) between atoms that no listed bond mentions, because PDB files
 * list CONECT records for ligands only; with no listed bonds, that is inferBonds alone.
 */
export function buildTopology(s: MolecularStructure): StructureTopology {
  const n = atomCount(s);
  const { residueIndex, residueCount, chainIndex, chainIds } = residuesAndChains(s);
  const { traceAtoms, traceLinks } = backboneTrace(s, chainIndex, residueIndex);
  const bonds = bondPairs(s);
  const links = backboneLinks(s, traceAtoms, chainIndex, residueIndex);
  const backboneOnly = isBackboneTrace(bonds, links);
  return {
    atoms: n, bonds, residueIndex, residueCount, chainIndex, chainIds, traceAtoms,
    traceLinks: backboneOnly ? links : traceLinks,
    backboneOnly,
    pseudoBonds: backboneOnly ? links : new Uint32Array(0),
  };
}

/**
 * Whether a structure is a bare backbone trace (Cα or P atoms with nothing between them), given its
 * `bonds` (listed and inferred, from bondPairs) and its `links` along the chains (backboneLinks):
 * there are no bonds among its atoms, and consecutive residues of a chain have trace atoms (at
 * least one link). That covers a Cα-only (or P-only) model, and one that also carries atoms no
 * bond reaches, such as water or ions; the file's own bond list is part of `bonds`, so it is empty
 * too. A full-atom structure always has bonds (1–1.5 Å apart), a Cα trace none (3.8 Å).
 */
export function isBackboneTrace(bonds: Uint32Array, links: Uint32Array): boolean {
  return bonds.length === 0 && links.length > 0;
}

/**
 * The representation a structure opens in: the Cα trace for a bare backbone trace (balls alone
 * would show no chain) and for big structures (over 5000 atoms), else ball-and-stick.
 */
export function defaultRepresentation(t: StructureTopology): Representation {
  if (t.traceLinks.length === 0) return 'ball-and-stick';
  return t.backboneOnly || t.atoms > TRACE_BY_DEFAULT_ATOMS ? 'trace' : 'ball-and-stick';
}

/** What a trace runs through, for labels: 'Cα', 'P', or 'backbone' for a mix. */
export function traceName(s: MolecularStructure, t: StructureTopology): string {
  const names = new Set(Array.from(t.traceAtoms, (i) => s.atoms.names[i]));
  return names.size === 1 ? (names.has('CA') ? 'Cα' : 'P') : 'backbone';
}

/** Pairs of atoms joined by sticks in ball-and-stick: the bonds, then the pseudo-bonds of a trace. */
export function stickPairs(t: StructureTopology): Uint32Array {
  if (t.pseudoBonds.length === 0) return t.bonds;
  const out = new Uint32Array(t.bonds.length + t.pseudoBonds.length);
  out.set(t.bonds);
  out.set(t.pseudoBonds, t.bonds.length);
  return out;
}

function bondPairs(s: MolecularStructure): Uint32Array {
  const listed = new Uint8Array(atomCount(s));
  for (const [i, j] of s.bonds) listed[i] = listed[j] = 1;
  const inferred = s.frames.length > 0 && listed.indexOf(0) >= 0 ? inferBonds(s, 0) : [];
  const pairs: number[] = [];
  for (const [i, j] of s.bonds) pairs.push(i, j);
  for (const [i, j] of inferred) if (!listed[i] && !listed[j]) pairs.push(i, j);
  return Uint32Array.from(pairs);
}

function residuesAndChains(s: MolecularStructure) {
  const a = s.atoms;
  const n = atomCount(s);
  const residueIndex = new Uint32Array(n);
  const chainIndex = new Uint32Array(n);
  const chains = new Map<string, number>();
  let residue = -1;
  for (let i = 0; i < n; i++) {
    const newResidue = i === 0 || a.chainIds[i] !== a.chainIds[i - 1] || a.residueNumbers[i] !== a.residueNumbers[i - 1] ||
      a.insertionCodes[i] !== a.insertionCodes[i - 1] || a.residueNames[i] !== a.residueNames[i - 1];
    if (newResidue) residue++;
    residueIndex[i] = residue;
    let c = chains.get(a.chainIds[i]);
    if (c === undefined) chains.set(a.chainIds[i], (c = chains.size));
    chainIndex[i] = c;
  }
  return { residueIndex, residueCount: residue + 1, chainIndex, chainIds: [...chains.keys()] };
}

/** Cα (name CA, element C) and nucleotide P atoms, linked along each chain where close enough in frame 0. */
function backboneTrace(s: MolecularStructure, chainIndex: Uint32Array, residueIndex: Uint32Array) {
  const a = s.atoms;
  const atoms: number[] = [];
  const kind: number[] = [];
  for (let i = 0; i < a.names.length; i++) {
    if (a.names[i] === 'CA' && a.elements[i] === 'C') (atoms.push(i), kind.push(0));
    else if (a.names[i] === 'P' && a.elements[i] === 'P' && !a.hetero[i]) (atoms.push(i), kind.push(1));
  }
  const xyz = s.frames[0];
  const links: number[] = [];
  for (let k = 1; k < atoms.length; k++) {
    const i = atoms[k - 1];
    const j = atoms[k];
    if (kind[k] !== kind[k - 1] || chainIndex[i] !== chainIndex[j] || residueIndex[i] === residueIndex[j] || !xyz) continue;
    const d = Math.hypot(xyz[3 * j] - xyz[3 * i], xyz[3 * j + 1] - xyz[3 * i + 1], xyz[3 * j + 2] - xyz[3 * i + 2]);
    if (d <= (kind[k] === 0 ? CA_LINK_MAX : P_LINK_MAX)) links.push(i, j);
  }
  return { traceAtoms: Uint32Array.from(atoms), traceLinks: Uint32Array.from(links) };
}

/**
 * Links between consecutive trace atoms (in file order) of the same kind, chain and not the same
 * residue, where the residue numbers are consecutive or the atoms lie close in frame 0 (Cα–Cα
 * under CA_PSEUDO_BOND_MAX, P–P under P_LINK_MAX).
 */
function backboneLinks(s: MolecularStructure, traceAtoms: Uint32Array, chainIndex: Uint32Array, residueIndex: Uint32Array): Uint32Array {
  const a = s.atoms;
  const xyz = s.frames[0];
  const links: number[] = [];
  for (let k = 1; k < traceAtoms.length; k++) {
    const i = traceAtoms[k - 1];
    const j = traceAtoms[k];
    if (a.names[i] !== a.names[j] || chainIndex[i] !== chainIndex[j] || residueIndex[i] === residueIndex[j]) continue;
    const consecutive = a.residueNumbers[j] - a.residueNumbers[i] === 1;
    const d = xyz ? Math.hypot(xyz[3 * j] - xyz[3 * i], xyz[3 * j + 1] - xyz[3 * i + 1], xyz[3 * j + 2] - xyz[3 * i + 2]) : Infinity;
    if (consecutive || d < (a.names[i] === 'CA' ? CA_PSEUDO_BOND_MAX : P_LINK_MAX)) links.push(i, j);
  }
  return Uint32Array.from(links);
}
