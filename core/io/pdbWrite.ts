/**
 * Writes a MolecularStructure as a PDB file (fixed columns, v3.3) that readPdb, and other
 * programs, read back to the same coordinates (to 0.001 Å) and topology.
 *
 * Layout: TITLE (wrapped onto continuation lines), then per frame the ATOM/HETATM records with a
 * TER after each change of chain and after the last atom; MODEL n / ENDMDL around each frame only
 * when more than one frame is written; CONECT records for the bonds (each atom lists all its
 * partners, four per line, as the PDB does); END.
 *
 * A value that does not fit its columns (a coordinate outside −999.999…9999.999, a five-letter
 * atom name, a residue number past 9999) is an Error naming the atom and frame: writing it anyway
 * would shift the columns and corrupt the file. Serials are the structure's own when they are
 * distinct integers from 1 to 99999, else the atoms are renumbered from 1 (TER records then take
 * a number of their own, as in the PDB).
 */
import { atomCount, checkStructureShape, frameIndices, UNKNOWN_ELEMENT, type MolecularStructure } from './structure.ts';

/** Options of {@link writePdb}. */
export interface PdbWriteOptions {
  /** Frame indices (0-based) to write, or `all` (default). More than one → MODEL records. */
  frames?: number[] | 'all';
  /** TITLE text; default: the structure's title. */
  title?: string;
}

const RECORD_WIDTH = 80;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** Writes `s` as PDB text. Throws an Error (naming the atom and frame) for values that do not fit. */
export function writePdb(s: MolecularStructure, options: PdbWriteOptions = {}): string {
  checkStructureShape(s);
  const frames = frameIndices(s, options.frames);
  const n = atomCount(s);
  const { serials, terSerials } = numbering(s);
  const prefixes: string[] = []; // columns 1–30 of each atom
  const suffixes: string[] = []; // columns 55–80
  const ters: (string | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    prefixes.push(atomPrefix(s, i, serials[i]));
    suffixes.push(atomSuffix(s, i));
    const last = i === n - 1 || s.atoms.chainIds[i + 1] !== s.atoms.chainIds[i];
    ters.push(last ? terRecord(s, i, terSerials[i]) : undefined);
  }

  const out: string[] = titleRecords(options.title ?? s.title);
  const models = frames.length > 1;
  frames.forEach((k, written) => {
    if (models) out.push(pad(`MODEL     ${String(written + 1).padStart(4)}`));
    const xyz = s.frames[k];
    for (let i = 0; i < n; i++) {
      let coordinates = '';
      for (let axis = 0; axis < 3; axis++) coordinates += coordinate(s, xyz[3 * i + axis], i, axis, k);
      out.push(prefixes[i] + coordinates + suffixes[i]);
      const ter = ters[i];
      if (ter) out.push(ter);
    }
    if (models) out.push(pad('ENDMDL'));
  });
  out.push(...conectRecords(s, serials), pad('END'));
  return `${out.join('\n')}\n`;
}

const pad = (line: string): string => line.padEnd(RECORD_WIDTH);

function describe(s: MolecularStructure, i: number): string {
  const a = s.atoms;
  const residue = `${a.residueNames[i]} ${a.chainIds[i]}${a.residueNumbers[i]}${a.insertionCodes[i]}`.trim();
  return `atom ${i} (${a.names[i]}${residue ? ` ${residue}` : ''})`;
}

/** Formats a text field of at most `width` printable ASCII characters, or throws. */
function field(s: MolecularStructure, i: number, what: string, value: string, width: number, columns: string): string {
  if (value.length > width || !PRINTABLE.test(value)) {
    throw new Error(
      `cannot write PDB: ${describe(s, i)} has ${what} '${value}', which does not fit columns ${columns} ` +
        `(at most ${width} printable ASCII character${width > 1 ? 's' : ''})`,
    );
  }
  return value;
}

/** A number with `digits` decimals in `width` columns, or throws. */
function fixed(s: MolecularStructure, i: number, what: string, value: number, digits: number, width: number, columns: string): string {
  const text = Number.isFinite(value) ? value.toFixed(digits) : String(value);
  if (!Number.isFinite(value) || text.length > width) {
    throw new Error(`cannot write PDB: ${describe(s, i)} has ${what} ${value}, which does not fit columns ${columns}`);
  }
  return text.padStart(width);
}

function coordinate(s: MolecularStructure, value: number, i: number, axis: number, frame: number): string {
  const text = value.toFixed(3);
  if (!Number.isFinite(value) || text.length > 8) {
    throw new Error(
      `cannot write PDB: ${describe(s, i)} in frame ${frame} has ${'xyz'[axis]} = ${value}, which does not fit ` +
        'the 8-column coordinate field (−999.999 to 9999.999 Å); centre or scale the coordinates, or export XYZ',
    );
  }
  return text.padStart(8);
}

/**
 * Atom name in columns 13–16: four-character names fill them; names of two-letter elements start in
 * column 13 (`FE  `, `CA  ` calcium); others start in column 14 (` CA ` Cα), the PDB convention
 * that lets readers tell calcium from Cα without the element column.
 */
function nameField(s: MolecularStructure, i: number): string {
  const name = field(s, i, 'atom name', s.atoms.names[i], 4, '13–16');
  const element = s.atoms.elements[i];
  if (name.length === 4) return name;
  if (element.length === 2 && name.toUpperCase().startsWith(element.toUpperCase())) return name.padEnd(4);
  return ` ${name}`.padEnd(4);
}

function atomPrefix(s: MolecularStructure, i: number, serial: number): string {
  const a = s.atoms;
  const resSeq = a.residueNumbers[i];
  if (!Number.isInteger(resSeq) || resSeq < -999 || resSeq > 9999) {
    throw new Error(`cannot write PDB: ${describe(s, i)} has residue number ${resSeq}, which does not fit columns 23–26 (−999 to 9999)`);
  }
  return (
    (a.hetero[i] ? 'HETATM' : 'ATOM  ') +
    String(serial).padStart(5) +
    ' ' +
    nameField(s, i) +
    ' ' + // altLoc: one location per atom is kept
    field(s, i, 'residue name', a.residueNames[i], 3, '18–20').padStart(3) +
    ' ' +
    field(s, i, 'chain id', a.chainIds[i], 1, '22').padEnd(1) +
    String(resSeq).padStart(4) +
    field(s, i, 'insertion code', a.insertionCodes[i], 1, '27').padEnd(1) +
    '   '
  );
}

function atomSuffix(s: MolecularStructure, i: number): string {
  const a = s.atoms;
  const element = a.elements[i] === '' ? UNKNOWN_ELEMENT : a.elements[i];
  if (!/^[A-Za-z]{1,2}$/.test(element)) {
    throw new Error(`cannot write PDB: ${describe(s, i)} has element '${element}', which is not one or two letters (columns 77–78)`);
  }
  return (
    fixed(s, i, 'occupancy', a.occupancies[i], 2, 6, '55–60') +
    fixed(s, i, 'temperature factor', a.bFactors[i], 2, 6, '61–66') +
    ' '.repeat(10) +
    element.toUpperCase().padStart(2) +
    '  '
  );
}

function terRecord(s: MolecularStructure, i: number, serial: number | undefined): string {
  const a = s.atoms;
  return pad(
    'TER   ' +
      (serial === undefined ? '' : String(serial)).padStart(5) +
      '      ' +
      a.residueNames[i].padStart(3) +
      ' ' +
      a.chainIds[i].padEnd(1) +
      String(a.residueNumbers[i]).padStart(4) +
      a.insertionCodes[i].padEnd(1),
  );
}

/**
 * Serials for the atoms and for the TER after atom i (undefined: TER without a serial). The
 * structure's serials are kept when they are distinct integers 1…99999.
 */
function numbering(s: MolecularStructure): { serials: number[]; terSerials: (number | undefined)[] } {
  const n = atomCount(s);
  const own = s.atoms.serials;
  const used = new Set(own);
  const keep = used.size === n && own.every((serial) => Number.isInteger(serial) && serial >= 1 && serial <= 99999);
  if (!keep && n > 99999) {
    throw new Error(`cannot write PDB: ${n} atoms do not fit the 5-column serial field (at most 99999); export XYZ instead`);
  }
  const chainEnds = (i: number): boolean => i === n - 1 || s.atoms.chainIds[i + 1] !== s.atoms.chainIds[i];
  const serials: number[] = [];
  const terSerials: (number | undefined)[] = [];
  let next = 1;
  for (let i = 0; i < n; i++) {
    if (keep) {
      serials.push(own[i]);
      const ter = own[i] + 1;
      terSerials.push(ter <= 99999 && !used.has(ter) ? ter : undefined);
    } else {
      serials.push(next++);
      terSerials.push(chainEnds(i) && next <= 99999 ? next++ : undefined);
    }
  }
  return { serials, terSerials };
}

/** TITLE, wrapped at word boundaries: 70 columns on the first line, 69 on continuations. */
function titleRecords(title: string): string[] {
  const words = title.replace(/[^\x20-\x7e]/g, ' ').split(' ').filter((word) => word !== '');
  const lines: string[] = [];
  let current = '';
  const width = (): number => (lines.length === 0 ? 70 : 69);
  for (let word of words) {
    while (word.length > width()) {
      // A word longer than a line (rare): split it hard.
      if (current) lines.push(current);
      current = '';
      lines.push(word.slice(0, width()));
      word = word.slice(width());
    }
    if (!current) current = word;
    else if (current.length + 1 + word.length <= width()) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  return lines.map((text, k) => pad(k === 0 ? `TITLE     ${text}` : `TITLE   ${String(k + 1).padStart(2)} ${text}`));
}

/** CONECT records: each bonded atom lists its partners, four per record. */
function conectRecords(s: MolecularStructure, serials: number[]): string[] {
  const partners = new Map<number, number[]>();
  for (const [i, j] of s.bonds) {
    for (const [from, to] of [[i, j], [j, i]]) {
      const list = partners.get(from);
      if (list) list.push(to);
      else partners.set(from, [to]);
    }
  }
  const out: string[] = [];
  for (const from of [...partners.keys()].sort((a, b) => a - b)) {
    const list = [...new Set(partners.get(from))].sort((a, b) => a - b);
    for (let k = 0; k < list.length; k += 4) {
      const fields = list.slice(k, k + 4).map((to) => String(serials[to]).padStart(5));
      out.push(pad(`CONECT${String(serials[from]).padStart(5)}${fields.join('')}`));
    }
  }
  return out;
}
