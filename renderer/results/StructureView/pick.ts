import type { MolecularStructure } from '../../../core/io/structure.ts';
import type { StructureModel } from './model.ts';

/** A ball under the pointer: which copy (ensemble member) and atom, and how far along the ray. */
export interface BallHit {
  copy: number;
  atom: number;
  distance: number;
}

/**
 * The nearest ball of `model` that the ray origin + t·direction (t > 0, direction of unit length)
 * meets, or null. Tests each ball as the sphere it is drawn as, against the current positions:
 * exact for the spheres and linear in the atoms (a raycast against the instanced triangles would
 * test ~300 triangles per atom).
 */
export function pickBall(model: StructureModel, origin: ArrayLike<number>, direction: ArrayLike<number>): BallHit | null {
  const [ox, oy, oz] = [origin[0], origin[1], origin[2]];
  const [dx, dy, dz] = [direction[0], direction[1], direction[2]];
  const p = model.positions;
  const balls = model.ballAtoms.length;
  let best: BallHit | null = null;
  for (let c = 0; c < model.copies; c++) {
    for (let k = 0; k < balls; k++) {
      const atom = model.ballAtoms[k];
      const i = 3 * (c * model.atoms + atom);
      const cx = p[i] - ox, cy = p[i + 1] - oy, cz = p[i + 2] - oz;
      const along = cx * dx + cy * dy + cz * dz;
      const r = model.ballRadii[k];
      const miss = cx * cx + cy * cy + cz * cz - along * along - r * r;
      if (miss > 0) continue;
      const half = Math.sqrt(-miss);
      const t = along - half > 0 ? along - half : along + half;
      if (t > 0 && (!best || t < best.distance)) best = { copy: c, atom, distance: t };
    }
  }
  return best;
}

/** What the picked-atom panel shows, as text. */
export interface AtomInfo {
  /** Atom name, e.g. `CA`. */
  name: string;
  element: string;
  /** Residue name, number and insertion code, e.g. `ALA 12A`; `—` without residues (XYZ). */
  residue: string;
  /** Chain id, `—` when blank. */
  chain: string;
  serial: number;
  /** Coordinates in Å with three decimals, e.g. `(1.250, −0.500, 12.000) Å`. */
  position: string;
  /** The particle the atom belongs to, when several are shown. */
  particle?: number;
}

/** The description of atom `atom` of `s` at coordinates `xyz` (Å). */
export function atomInfo(s: MolecularStructure, atom: number, xyz: ArrayLike<number>, particle?: number): AtomInfo {
  const a = s.atoms;
  const hasResidue = a.residueNames[atom] !== '' || a.residueNumbers[atom] !== 0;
  const coordinate = (v: number) => v.toFixed(3).replace('-', '−');
  return {
    name: a.names[atom],
    element: a.elements[atom],
    residue: hasResidue ? `${a.residueNames[atom]} ${a.residueNumbers[atom]}${a.insertionCodes[atom]}`.trim() : '—',
    chain: a.chainIds[atom] || '—',
    serial: a.serials[atom],
    position: `(${coordinate(xyz[0])}, ${coordinate(xyz[1])}, ${coordinate(xyz[2])}) Å`,
    ...(particle === undefined ? {} : { particle }),
  };
}

/** One line for a tooltip or a test: `CA (C) · ALA 12A · chain B · serial 123 · (1.250, −0.500, 12.000) Å`. */
export function formatAtomInfo(info: AtomInfo): string {
  const parts = [`${info.name} (${info.element})`, info.residue, `chain ${info.chain}`, `serial ${info.serial}`, info.position];
  if (info.particle !== undefined) parts.push(`particle ${info.particle}`);
  return parts.join(' · ');
}
