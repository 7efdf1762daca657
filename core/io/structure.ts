/**
 * A molecular structure as SDE Studio carries it: coordinates of one or more frames (models) and
 * the topology that says what each particle is. Readers (PDB, XYZ) produce it, writers consume it,
 * the structure source node turns it into a state of dimension 3 × atoms, and the structure view
 * and exports use the topology to draw and label the atoms.
 *
 * Example: a two-atom structure (one frame)
 * `{ title: 'H2', atoms: { names: ['H1','H2'], elements: ['H','H'], residueNames: ['HOH','HOH'],
 *    residueNumbers: [1,1], insertionCodes: ['',''], chainIds: ['A','A'], serials: [1,2],
 *    hetero: [true,true], occupancies: [1,1], bFactors: [0,0] },
 *    bonds: [[0,1]], frames: [Float64Array.of(0,0,0, 0.74,0,0)] }`
 */
export interface MolecularStructure {
  /** Free text: the PDB TITLE, or the XYZ comment line of the first frame. */
  title: string;
  atoms: AtomTable;
  /** Bonds as pairs of atom indices (0-based, i < j), e.g. from PDB CONECT records; may be empty. */
  bonds: [number, number][];
  /** Coordinates in ångström, one Float64Array of length 3 × atoms per frame (x0, y0, z0, x1, …). */
  frames: Float64Array[];
  /** Per-frame comment (XYZ comment lines, or `MODEL n`); same length as frames when present. */
  frameLabels?: string[];
}

/** Per-atom columns, all of the same length (the number of atoms). */
export interface AtomTable {
  /** Atom names as in the file, trimmed, e.g. `CA`, `OG1`. XYZ: the element symbol. */
  names: string[];
  /** Element symbols, capitalised like `C`, `Fe`; from PDB columns 77–78 or inferred from the name. */
  elements: string[];
  /** Residue names, e.g. `ALA`; empty for XYZ. */
  residueNames: string[];
  /** Residue sequence numbers; 0 for XYZ. */
  residueNumbers: number[];
  /** Residue insertion codes (`''` when blank). */
  insertionCodes: string[];
  /** Chain identifiers (`''` when blank). */
  chainIds: string[];
  /** Atom serial numbers as in the file (1-based for XYZ). */
  serials: number[];
  /** True for HETATM records. */
  hetero: boolean[];
  /** Occupancy (1 when absent). */
  occupancies: number[];
  /** Temperature factor (0 when absent). */
  bFactors: number[];
}

/** Number of atoms of a structure. */
export function atomCount(s: MolecularStructure): number {
  return s.atoms.names.length;
}

/** A structure error: names the line (1-based) and what is wrong with it. */
export class StructureFormatError extends Error {
  constructor(readonly line: number, readonly detail: string, readonly file?: string) {
    super(`${file ? `${file}: ` : ''}line ${line}: ${detail}`);
  }
}

/**
 * Element symbols by atomic number minus one (`ELEMENT_SYMBOLS[5]` is `C`). Used to validate PDB
 * element columns, to read XYZ files that give atomic numbers, and to capitalise symbols.
 */
export const ELEMENT_SYMBOLS: readonly string[] = (
  'H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br ' +
  'Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho ' +
  'Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es ' +
  'Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og'
).split(' ');

/** The element symbol used for an atom whose element is not known (written as such, read back). */
export const UNKNOWN_ELEMENT = 'X';

// Upper-case spelling → canonical symbol; D (deuterium) and X (unknown) are accepted as symbols.
const SYMBOL_BY_UPPER = new Map<string, string>(
  [...ELEMENT_SYMBOLS, 'D', UNKNOWN_ELEMENT].map((symbol) => [symbol.toUpperCase(), symbol]),
);

/**
 * The canonical symbol for `text` in any letter case (`'FE'` → `'Fe'`, `'se'` → `'Se'`, `'D'` →
 * `'D'`, `'X'` → `'X'`), or undefined when it is not an element symbol.
 */
export function elementSymbol(text: string): string | undefined {
  return SYMBOL_BY_UPPER.get(text.toUpperCase());
}

// A plain decimal number: optional sign, digits with an optional point, optional exponent.
// Stricter than Number(), which also takes '', '0x1f', 'Infinity' and surrounding whitespace.
// Written so that no digit can be matched two ways, which keeps a failing match linear in the
// length of the text (`\d+\.?\d*` would be quadratic on a long run of digits ending in a letter).
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a decimal number written the way structure files write them (`-12.345`, `1.0e-3`);
 * undefined for anything else. The result may be ±Infinity for huge exponents: callers check.
 */
export function parseDecimal(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/**
 * Indices of the frames a writer should write: all of them by default, else the given ones, each
 * checked to be an integer frame index of `s`. Throws an Error naming a bad index.
 */
export function frameIndices(s: MolecularStructure, frames: number[] | 'all' = 'all'): number[] {
  if (frames === 'all') {
    if (s.frames.length === 0) throw new Error('the structure has no frames to write');
    return s.frames.map((_, k) => k);
  }
  if (frames.length === 0) throw new Error('no frames selected: options.frames is an empty list');
  for (const k of frames) {
    if (!Number.isInteger(k) || k < 0 || k >= s.frames.length) {
      throw new Error(
        `frame index ${k} is out of range: the structure has ${s.frames.length} frame(s), ` +
          `numbered 0 to ${s.frames.length - 1}`,
      );
    }
  }
  return frames;
}

/**
 * Checks that every atom column and every frame has the length the atom count says; throws an
 * Error naming the first column that does not. Writers call it before writing anything.
 */
export function checkStructureShape(s: MolecularStructure): void {
  const n = atomCount(s);
  for (const [column, values] of Object.entries(s.atoms) as [string, unknown[]][]) {
    if (values.length !== n) {
      throw new Error(`atoms.${column} has ${values.length} entries but atoms.names has ${n}`);
    }
  }
  s.frames.forEach((frame, k) => {
    if (frame.length !== 3 * n) {
      throw new Error(`frame ${k} has ${frame.length} coordinates, expected 3 × ${n} atoms = ${3 * n}`);
    }
  });
  for (const [i, j] of s.bonds) {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= n || j >= n || i === j) {
      throw new Error(`bond [${i}, ${j}] does not join two different atoms of the ${n} in the structure`);
    }
  }
}
