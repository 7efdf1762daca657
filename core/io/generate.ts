/**
 * Structures built from geometry rather than read from a file, for examples and tests: an ideal
 * α-helix backbone and the 13-atom Lennard-Jones icosahedron.
 */
import type { AtomTable, MolecularStructure } from './structure.ts';

type Vec3 = [number, number, number];

/**
 * Backbone internal coordinates of Engh & Huber (Acta Cryst. A47, 392, 1991): bond lengths in Å,
 * bond angles in degrees.
 */
export const BACKBONE_GEOMETRY = {
  bondNCa: 1.458, bondCaC: 1.525, bondCN: 1.329, bondCO: 1.231,
  angleNCaC: 111.2, angleCaCN: 116.2, angleCNCa: 121.7, angleCaCO: 120.1,
} as const;

/**
 * Backbone dihedrals of the ideal right-handed α-helix, φ = −57.8°, ψ = −47.0° (Barlow &
 * Thornton, J. Mol. Biol. 201, 601, 1988), and a planar trans peptide, ω = 180°. With the
 * Engh & Huber geometry they give 3.64 residues per turn, a rise of 1.54 Å per residue and a Cα
 * radius of 2.29 Å: the textbook 3.6 residues, 1.5 Å and 2.3 Å.
 */
export const ALPHA_HELIX_DIHEDRALS = { phi: -57.8, psi: -47.0, omega: 180 } as const;

/** Options of {@link idealAlphaHelix}. */
export interface AlphaHelixOptions {
  /** Residue name of every residue (default `ALA`; only the backbone is built, no side chains). */
  residueName?: string;
  /** Chain id (default `A`). */
  chainId?: string;
  /** Number of the first residue (default 1). */
  firstResidue?: number;
  /** Title of the structure. */
  title?: string;
}

/**
 * An ideal α-helix of `residues` residues with backbone atoms N, CA, C, O (in that order per
 * residue). The chain is grown atom by atom from the internal coordinates above (the NeRF
 * construction: each atom from the three before it, a bond length, a bond angle and a dihedral;
 * O lies in the peptide plane, trans to the next N), then turned so that the helix axis is the z
 * axis, running from the N- to the C-terminus, and the atoms are centred on the origin.
 * No bonds are listed (readers and views infer backbone bonds from distances).
 */
export function idealAlphaHelix(residues: number, options: AlphaHelixOptions = {}): MolecularStructure {
  if (!Number.isInteger(residues) || residues < 1) throw new Error(`idealAlphaHelix: residues must be a whole number ≥ 1, got ${residues}`);
  const g = BACKBONE_GEOMETRY;
  const { phi, psi, omega } = ALPHA_HELIX_DIHEDRALS;
  // Three seed atoms of residue 0 (N, CA, C) in an arbitrary frame; the helix is turned afterwards.
  const n0: Vec3 = [0, 0, 0];
  const ca0: Vec3 = [g.bondNCa, 0, 0];
  const c0 = placeAtom([0, 1, 0], n0, ca0, g.bondCaC, g.angleNCaC, phi);
  const backbone: Vec3[][] = [];
  let [n, ca, c] = [n0, ca0, c0];
  for (let r = 0; r < residues; r++) {
    // O: in the peptide plane, dihedral N–CA–C–O = ψ + 180° (opposite the next N).
    const o = placeAtom(n, ca, c, g.bondCO, g.angleCaCO, psi + 180);
    backbone.push([n, ca, c, o]);
    const nextN = placeAtom(n, ca, c, g.bondCN, g.angleCaCN, psi);
    const nextCa = placeAtom(ca, c, nextN, g.bondNCa, g.angleCNCa, omega);
    const nextC = placeAtom(c, nextN, nextCa, g.bondCaC, g.angleNCaC, phi);
    [n, ca, c] = [nextN, nextCa, nextC];
  }
  const atoms = backbone.flat();
  const aligned = alignHelixAxis(atoms, extendedCa(n0, ca0, c0));
  const frame = new Float64Array(aligned.flat());
  const names = ['N', 'CA', 'C', 'O'];
  const first = options.firstResidue ?? 1;
  const count = 4 * residues;
  const table: AtomTable = {
    names: Array.from({ length: count }, (_, i) => names[i % 4]),
    elements: Array.from({ length: count }, (_, i) => names[i % 4][0]),
    residueNames: Array.from({ length: count }, () => options.residueName ?? 'ALA'),
    residueNumbers: Array.from({ length: count }, (_, i) => first + Math.floor(i / 4)),
    insertionCodes: Array.from({ length: count }, () => ''),
    chainIds: Array.from({ length: count }, () => options.chainId ?? 'A'),
    serials: Array.from({ length: count }, (_, i) => i + 1),
    hetero: Array.from({ length: count }, () => false),
    occupancies: Array.from({ length: count }, () => 1),
    bFactors: Array.from({ length: count }, () => 0),
  };
  return { title: options.title ?? `IDEAL ALPHA HELIX, ${residues} RESIDUES`, atoms: table, bonds: [], frames: [frame] };
}

/** Places atom D bonded to C with |CD| = `length`, angle B–C–D and dihedral A–B–C–D in degrees. */
function placeAtom(a: Vec3, b: Vec3, c: Vec3, length: number, angleDeg: number, dihedralDeg: number): Vec3 {
  const angle = (angleDeg * Math.PI) / 180;
  const dihedral = (dihedralDeg * Math.PI) / 180;
  const bc = unit(sub(c, b));
  const normal = unit(cross(sub(b, a), bc));
  const m = cross(normal, bc);
  const along = -length * Math.cos(angle);
  const up = length * Math.sin(angle) * Math.cos(dihedral);
  const side = length * Math.sin(angle) * Math.sin(dihedral);
  return [0, 1, 2].map((k) => c[k] + along * bc[k] + up * m[k] + side * normal[k]) as Vec3;
}

/**
 * Cα of residues 0 to 3 for the axis: consecutive Cα are related by one screw motion, so
 * the helix axis follows from any four of them. Built from the same seed as the helix.
 */
function extendedCa(n0: Vec3, ca0: Vec3, c0: Vec3): Vec3[] {
  const g = BACKBONE_GEOMETRY;
  const { phi, psi, omega } = ALPHA_HELIX_DIHEDRALS;
  const cas: Vec3[] = [ca0];
  let [n, ca, c] = [n0, ca0, c0];
  for (let r = 0; r < 3; r++) {
    const nextN = placeAtom(n, ca, c, g.bondCN, g.angleCaCN, psi);
    const nextCa = placeAtom(ca, c, nextN, g.bondNCa, g.angleCNCa, omega);
    const nextC = placeAtom(c, nextN, nextCa, g.bondCaC, g.angleNCaC, phi);
    cas.push(nextCa);
    [n, ca, c] = [nextN, nextCa, nextC];
  }
  return cas;
}

/**
 * Turns `atoms` so the helix axis through the Cα `cas` (four consecutive ones) is the z axis,
 * pointing along the chain, and centres them. The bisector of the two Cα–Cα bonds at a Cα points
 * at the axis, so the axis direction is the cross product of two consecutive bisectors.
 */
function alignHelixAxis(atoms: Vec3[], cas: Vec3[]): Vec3[] {
  const bisector = (i: number): Vec3 => add(sub(cas[i - 1], cas[i]), sub(cas[i + 1], cas[i]));
  let axis = unit(cross(bisector(1), bisector(2)));
  if (dot(axis, sub(cas[2], cas[1])) < 0) axis = scale(axis, -1);
  // An orthonormal frame (u, v, axis); u along the (perpendicular part of the) first bisector.
  const b = bisector(1);
  const u = unit(sub(b, scale(axis, dot(b, axis))));
  const v = cross(axis, u);
  const turned = atoms.map((p): Vec3 => [dot(p, u), dot(p, v), dot(p, axis)]);
  // The axis passes through Cα(1) + r · û, with r the helix radius: from the chord between
  // consecutive Cα (perpendicular part d⊥) and the twist θ, r = d⊥ / (2 sin(θ/2)).
  const twist = Math.acos(dot(unit(bisector(1)), unit(bisector(2))));
  const chord = sub(cas[2], cas[1]);
  const perpendicular = Math.hypot(...sub(chord, scale(axis, dot(chord, axis))));
  const radius = perpendicular / (2 * Math.sin(twist / 2));
  const onAxis = add(cas[1], scale(u, radius));
  const cx = dot(onAxis, u);
  const cy = dot(onAxis, v);
  const meanZ = turned.reduce((s, p) => s + p[2], 0) / turned.length;
  return turned.map(([x, y, z]) => [x - cx, y - cy, z - meanZ]);
}

/** The 12 vertices of a regular icosahedron with circumradius 1: cyclic permutations of (0, ±1, ±φ). */
function icosahedronVertices(): Vec3[] {
  const golden = (1 + Math.sqrt(5)) / 2;
  const norm = Math.hypot(1, golden);
  const out: Vec3[] = [];
  for (const s1 of [-1, 1]) {
    for (const s2 of [-1, 1]) {
      const a = s1 / norm;
      const b = (s2 * golden) / norm;
      out.push([0, a, b], [a, b, 0], [b, 0, a]);
    }
  }
  return out;
}

/** Lennard-Jones energy 4ε Σ_{i<j} [(σ/r)¹² − (σ/r)⁶] of a frame (no cutoff). */
export function lennardJonesEnergy(frame: ArrayLike<number>, epsilon = 1, sigma = 1): number {
  const n = frame.length / 3;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const r2 = (frame[3 * i] - frame[3 * j]) ** 2 + (frame[3 * i + 1] - frame[3 * j + 1]) ** 2 + (frame[3 * i + 2] - frame[3 * j + 2]) ** 2;
      const s6 = (sigma * sigma / r2) ** 3;
      energy += 4 * epsilon * (s6 * s6 - s6);
    }
  }
  return energy;
}

/** Options of {@link lennardJonesCluster13}. */
export interface LennardJonesClusterOptions {
  /** Length scale σ of the potential, in the units of the coordinates (default 1). */
  sigma?: number;
  /** Element of every atom (default `Ar`, for which σ = 3.405 Å). */
  element?: string;
}

/**
 * The global minimum of the 13-atom Lennard-Jones cluster: a centred regular icosahedron (point
 * group I_h), energy −44.326801 ε (Cambridge Cluster Database). Its only free parameter is the
 * size, so the circumradius R is where the energy of the icosahedron is stationary in R (closed
 * form below): R ≈ 1.0818 σ and the 30 vertex–vertex edges 1.0515 R ≈ 1.1375 σ, on
 * either side of the pair minimum 2^(1/6) σ ≈ 1.1225 σ (the centre bonds are compressed, the
 * shell stretched: the icosahedron cannot have both at the pair minimum).
 * Atom 0 is the centre.
 */
export function lennardJonesCluster13(options: LennardJonesClusterOptions = {}): MolecularStructure {
  const sigma = options.sigma ?? 1;
  const element = options.element ?? 'Ar';
  const vertices = icosahedronVertices();
  const frameFor = (radius: number) => new Float64Array([0, 0, 0, ...vertices.flatMap((v) => scale(v, radius))]);
  // Every pair distance is R · c_ij, so E(R) = 4 Σ [(c_ij R)⁻¹² − (c_ij R)⁻⁶] (σ = ε = 1) and
  // dE/dR = 0 gives R⁶ = 2 Σ c_ij⁻¹² / Σ c_ij⁻⁶.
  const unitFrame = frameFor(1);
  let sum12 = 0;
  let sum6 = 0;
  for (let i = 0; i < 13; i++) {
    for (let j = i + 1; j < 13; j++) {
      const c2 = (unitFrame[3 * i] - unitFrame[3 * j]) ** 2 + (unitFrame[3 * i + 1] - unitFrame[3 * j + 1]) ** 2 + (unitFrame[3 * i + 2] - unitFrame[3 * j + 2]) ** 2;
      sum12 += c2 ** -6;
      sum6 += c2 ** -3;
    }
  }
  const frame = frameFor(((2 * sum12) / sum6) ** (1 / 6) * sigma);
  const n = 13;
  const table: AtomTable = {
    names: Array.from({ length: n }, () => element.toUpperCase()),
    elements: Array.from({ length: n }, () => element),
    residueNames: Array.from({ length: n }, () => ''),
    residueNumbers: Array.from({ length: n }, () => 0),
    insertionCodes: Array.from({ length: n }, () => ''),
    chainIds: Array.from({ length: n }, () => ''),
    serials: Array.from({ length: n }, (_, i) => i + 1),
    hetero: Array.from({ length: n }, () => true),
    occupancies: Array.from({ length: n }, () => 1),
    bFactors: Array.from({ length: n }, () => 0),
  };
  return { title: `LJ13 icosahedron (sigma = ${sigma})`, atoms: table, bonds: [], frames: [frame] };
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: Vec3): Vec3 => scale(a, 1 / Math.hypot(a[0], a[1], a[2]));
