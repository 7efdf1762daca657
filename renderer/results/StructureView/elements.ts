/**
 * Per-element drawing constants: CPK-like colours (Jmol's table, the one most viewers start from)
 * and van der Waals radii (Bondi 1964, with Alvarez 2013 for the ions and metals Bondi lacks).
 */

/** Jmol's CPK colours, sRGB hex, for the elements of biomolecules, common ions and halogens. */
const CPK_HEX: Readonly<Record<string, number>> = {
  H: 0xffffff, D: 0xffffc0, He: 0xd9ffff, Li: 0xcc80ff, B: 0xffb5b5, C: 0x909090, N: 0x3050f8,
  O: 0xff0d0d, F: 0x90e050, Na: 0xab5cf2, Mg: 0x8aff00, Al: 0xbfa6a6, Si: 0xf0c8a0, P: 0xff8000,
  S: 0xffff30, Cl: 0x1ff01f, K: 0x8f40d4, Ca: 0x3dff00, Mn: 0x9c7ac7, Fe: 0xe06633, Co: 0xf090a0,
  Ni: 0x50d050, Cu: 0xc88033, Zn: 0x7d80b0, Se: 0xffa100, Br: 0xa62929, I: 0x940094,
};
/** Elements the table does not list (and `X`, unknown): a pink no real element uses. */
const OTHER_HEX = 0xff1493;

/** Van der Waals radii in ångström. */
const VDW_RADII: Readonly<Record<string, number>> = {
  H: 1.2, D: 1.2, He: 1.4, Li: 1.82, B: 1.92, C: 1.7, N: 1.55, O: 1.52, F: 1.47, Na: 2.27, Mg: 1.73,
  Al: 1.84, Si: 2.1, P: 1.8, S: 1.8, Cl: 1.75, K: 2.75, Ca: 2.31, Mn: 2.0, Fe: 2.0, Co: 2.0, Ni: 1.63,
  Cu: 1.4, Zn: 1.39, Se: 1.9, Br: 1.85, I: 1.98,
};
/** Radius for an element the table does not list: about a carbon. */
const OTHER_RADIUS = 1.7;

/** The CPK colour of an element symbol (`'C'`, `'Fe'`) as sRGB components in [0, 1]. */
export function elementColor(symbol: string): [number, number, number] {
  const hex = CPK_HEX[symbol] ?? OTHER_HEX;
  return [((hex >> 16) & 255) / 255, ((hex >> 8) & 255) / 255, (hex & 255) / 255];
}

/** The van der Waals radius of an element symbol, in ångström. */
export function vdwRadius(symbol: string): number {
  return VDW_RADII[symbol] ?? OTHER_RADIUS;
}

/** sRGB component → linear, the space three.js expects instance colours in. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}
