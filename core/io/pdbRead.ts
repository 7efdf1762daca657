/**
 * Reads Protein Data Bank files (fixed-column format, v3.3) into a MolecularStructure.
 *
 * Records read: ATOM / HETATM (atoms), MODEL / ENDMDL (one frame per model; every model must list
 * the same atoms in the same order, unless `models` says to keep the first or the common atoms),
 * TITLE (continuation lines joined with a space), CONECT
 * (bonds), END (stops reading). TER and every other record type are ignored. Only the columns of
 * the standard are read (serial 7–11, name 13–16, altLoc 17, resName 18–20, chainID 22, resSeq
 * 23–26, iCode 27, x y z 31–54, occupancy 55–60, tempFactor 61–66, element 77–78).
 *
 * Policies, chosen so that a misread file fails loudly instead of loading wrong:
 * - Bad coordinates, occupancies or temperature factors, lines truncated before column 54, models
 *   that differ, MODEL/ENDMDL out of order, binary data and files without atoms are a
 *   StructureFormatError naming the line. Nothing else is ever thrown, and the work is linear in
 *   the length of the text.
 * - CONECT entries whose serial no atom has (or that several atoms share) are skipped with a
 *   warning, not an error: real files do this (1A8O in the test data refers to atoms 1–9, which it
 *   numbers 10, 20, …), and the atoms are still right. Pass `onWarning` to see them.
 * - Serials that are neither decimal nor hybrid-36 (e.g. `*****` past 99,999 atoms) continue the
 *   previous serial; residue numbers may be hybrid-36 too; a blank residue number reads as 0.
 * - A MODEL left open at the end of the text is an error (the file was probably cut short) unless
 *   an END record closed the file.
 */
import {
  elementSymbol,
  parseDecimal,
  StructureFormatError,
  UNKNOWN_ELEMENT,
  type AtomTable,
  type MolecularStructure,
} from './structure.ts';

/** A problem the reader worked around (the structure is still returned). */
export interface StructureWarning {
  /** 1-based line number. */
  line: number;
  /** What was wrong and what the reader did about it. */
  detail: string;
  file?: string;
}

/** Options of {@link readPdb}. */
export interface PdbReadOptions {
  /** File name used in error messages. */
  file?: string;
  /**
   * Which alternate location to keep for an atom given more than once (same chain, residue
   * number, insertion code and name, at least one with an altLoc letter):
   * `highest_occupancy` (default; ties keep the first), `first`, or `all` (keep every one).
   */
  altLoc?: 'highest_occupancy' | 'first' | 'all';
  /**
   * Models whose atoms differ (1LCD in the test data has the same DNA and protein in its three
   * models but different waters): `same` (default) refuses them with an error naming the line,
   * `first` reads model 1 only, `common` keeps the atoms found in every model (with a warning
   * saying how many were left out).
   */
  models?: 'same' | 'first' | 'common';
  /** Called for each problem that was skipped rather than refused (e.g. a CONECT to no atom). */
  onWarning?: (warning: StructureWarning) => void;
}

/** One ATOM/HETATM line, parsed. */
interface AtomRecord {
  line: number;
  /** Serial as in the file, or the previous one plus 1 when the field could not be read. */
  serial: number;
  /** False when the serial field could not be read: CONECT records cannot refer to such an atom. */
  serialRead: boolean;
  name: string;
  altLoc: string;
  resName: string;
  chainId: string;
  resSeq: number;
  iCode: string;
  x: number;
  y: number;
  z: number;
  occupancy: number;
  bFactor: number;
  element: string;
  hetero: boolean;
}

/** The atoms between MODEL and ENDMDL (or of the whole file when it has no MODEL records). */
interface Model {
  label: string | undefined;
  /** Line of the MODEL record (1 for the implicit model), and of its ENDMDL when closed. */
  startLine: number;
  endLine: number;
  records: AtomRecord[];
}

// Control characters other than tab, CR and LF: a sign that the file is not text.
const BINARY = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** Reads a PDB file. Throws StructureFormatError (naming the line) and nothing else. */
export function readPdb(text: string, options: PdbReadOptions = {}): MolecularStructure {
  const { file } = options;
  const fail = (line: number, detail: string): never => {
    throw new StructureFormatError(line, detail, file);
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);

  const models: Model[] = [];
  const implicit: Model = { label: undefined, startLine: 1, endLine: lines.length, records: [] };
  let open: Model | undefined;
  let lastEndmdl = 0;
  let sawEnd = false;
  const titleParts: string[] = [];
  const conects: { line: number; text: string }[] = [];
  let previousSerial = 0;

  for (let index = 0; index < lines.length && !sawEnd; index++) {
    const text = lines[index];
    const n = index + 1;
    const binary = BINARY.exec(text);
    if (binary) {
      const code = binary[0].charCodeAt(0).toString(16).padStart(2, '0');
      fail(n, `byte 0x${code} at column ${binary.index + 1} is not text; is this a PDB file?`);
    }
    const record = text.slice(0, 6).trimEnd();
    switch (record) {
      case 'ATOM':
      case 'HETATM': {
        const atom = parseAtom(text, n, record === 'HETATM', previousSerial, fail);
        previousSerial = atom.serial;
        if (open) open.records.push(atom);
        else if (models.length === 0) implicit.records.push(atom);
        else fail(n, `${record} record after ENDMDL (line ${lastEndmdl}) is outside any MODEL`);
        break;
      }
      case 'MODEL':
        if (open) fail(n, `MODEL inside the model opened at line ${open.startLine}; ENDMDL is missing`);
        if (implicit.records.length > 0) {
          fail(n, `MODEL after atom records that belong to no model (from line ${implicit.records[0].line})`);
        }
        open = { label: `MODEL ${text.slice(10, 14).trim() || models.length + 1}`, startLine: n, endLine: n, records: [] };
        break;
      case 'ENDMDL':
        if (!open) fail(n, 'ENDMDL without a matching MODEL record');
        else {
          open.endLine = n;
          models.push(open);
          open = undefined;
          lastEndmdl = n;
        }
        break;
      case 'TITLE': {
        const part = text.slice(10, 80).trim();
        if (part) titleParts.push(part);
        break;
      }
      case 'CONECT':
        conects.push({ line: n, text });
        break;
      case 'END':
        sawEnd = true;
        break;
      default:
        break; // TER, REMARK, HEADER, CRYST1, …: not needed for coordinates and topology
    }
  }
  if (open) {
    if (!sawEnd) fail(open.startLine, 'MODEL has no ENDMDL before the end of the file; is the file truncated?');
    open.endLine = lines.length;
    models.push(open);
  }
  if (models.length === 0) models.push(implicit);

  const warn = (line: number, detail: string): void => options.onWarning?.({ line, detail, file });
  const altLoc = options.altLoc ?? 'highest_occupancy';
  const used = options.models === 'first' ? models.slice(0, 1) : models;
  const resolved = used.map((model) => resolveAltLocs(model.records, altLoc));
  if (resolved.every((r) => r.kept.length === 0)) fail(1, 'no ATOM or HETATM records; is this a PDB file?');

  // perModel[m][i]: the record of final atom i in model m; indexOfKept: model-1 kept index → final.
  let perModel: AtomRecord[][];
  let indexOfKept: Int32Array;
  if (options.models === 'common' && used.length > 1) {
    ({ perModel, indexOfKept } = commonAtoms(resolved.map((r) => r.kept)));
    const dropped = resolved[0].kept.length - perModel[0].length;
    if (perModel[0].length === 0) fail(used[1].startLine, 'the models have no atom in common');
    if (dropped > 0) warn(used[0].startLine, `${dropped} atom(s) of model 1 are missing from another model and were left out`);
  } else {
    perModel = resolved.map((r) => r.kept);
    indexOfKept = Int32Array.from(perModel[0], (_, i) => i);
    for (let m = 1; m < used.length; m++) checkSameAtoms(perModel[0], used[0], perModel[m], used[m], m, fail);
  }
  const indexOfRecord = Int32Array.from(resolved[0].keptIndexOf, (k) => indexOfKept[k]);
  const structure: MolecularStructure = {
    title: titleParts.join(' '),
    atoms: atomTable(perModel[0]),
    bonds: readBonds(conects, used[0].records, indexOfRecord, perModel[0].length, fail, warn),
    frames: perModel.map(coordinates),
  };
  if (used[0] !== implicit) structure.frameLabels = used.map((model) => model.label ?? '');
  return structure;
}

/**
 * The atoms found in every model (same chain, residue, insertion code, name, residue name and
 * record type; the k-th repeat of an identical atom matches the k-th), in model-1 order.
 */
function commonAtoms(models: AtomRecord[][]): { perModel: AtomRecord[][]; indexOfKept: Int32Array } {
  const keyed = models.map((atoms) => {
    const seen = new Map<string, number>();
    return atoms.map((a) => {
      const base = `${a.chainId}\0${a.resSeq}\0${a.iCode}\0${a.name}\0${a.resName}\0${a.hetero}`;
      const repeat = seen.get(base) ?? 0;
      seen.set(base, repeat + 1);
      return `${base}\0${repeat}`;
    });
  });
  const lookups = models.map((atoms, m) => new Map(keyed[m].map((key, i) => [key, atoms[i]])));
  const perModel: AtomRecord[][] = models.map(() => []);
  const indexOfKept = new Int32Array(models[0].length).fill(-1);
  keyed[0].forEach((key, i) => {
    if (!lookups.every((lookup) => lookup.has(key))) return;
    indexOfKept[i] = perModel[0].length;
    lookups.forEach((lookup, m) => perModel[m].push(lookup.get(key) as AtomRecord));
  });
  return { perModel, indexOfKept };
}

type Fail = (line: number, detail: string) => never;

/** Parses the fixed columns of one ATOM/HETATM line. */
function parseAtom(text: string, n: number, hetero: boolean, previousSerial: number, fail: Fail): AtomRecord {
  if (text.length < 54) {
    fail(n, `${hetero ? 'HETATM' : 'ATOM'} record is truncated: it has ${text.length} characters but the coordinates need columns 31–54`);
  }
  const number = (label: string, from: number, to: number, fallback: number): number => {
    const field = text.slice(from - 1, to).trim();
    if (field === '') {
      if (Number.isNaN(fallback)) fail(n, `${label} in columns ${from}–${to} is blank`);
      return fallback;
    }
    const value = parseDecimal(field);
    if (value === undefined) fail(n, `${label} '${field}' in columns ${from}–${to} is not a number`);
    else if (!Number.isFinite(value)) fail(n, `${label} '${field}' in columns ${from}–${to} is not finite`);
    return value as number;
  };
  const serial = parseInteger(text.slice(6, 11).trim(), 5);
  const resSeqField = text.slice(22, 26).trim();
  const resSeq = resSeqField === '' ? 0 : parseInteger(resSeqField, 4);
  if (resSeq === undefined) fail(n, `residue number '${resSeqField}' in columns 23–26 is not an integer`);
  const rawName = text.slice(12, 16).padEnd(4);
  return {
    line: n,
    serial: serial ?? previousSerial + 1,
    serialRead: serial !== undefined,
    name: rawName.trim(),
    altLoc: (text[16] ?? ' ').trim(),
    resName: text.slice(17, 20).trim(),
    chainId: (text[21] ?? ' ').trim(),
    resSeq: resSeq as number,
    iCode: (text[26] ?? ' ').trim(),
    x: number('x coordinate', 31, 38, NaN),
    y: number('y coordinate', 39, 46, NaN),
    z: number('z coordinate', 47, 54, NaN),
    occupancy: number('occupancy', 55, 60, 1),
    bFactor: number('temperature factor', 61, 66, 0),
    element: elementSymbol(text.slice(76, 78).trim()) ?? elementFromName(rawName),
    hetero,
  };
}

/**
 * Decimal integer, or hybrid-36 (the extension used past 99,999 atoms / 9,999 residues: `A0000`
 * is 100000 in a 5-column field); undefined otherwise.
 */
function parseInteger(field: string, width: number): number | undefined {
  if (/^[+-]?\d+$/.test(field)) return Number(field);
  if (field.length !== width) return undefined;
  const big = 36 ** (width - 1);
  if (/^[A-Z][0-9A-Z]*$/.test(field)) return parseInt(field, 36) - 10 * big + 10 ** width;
  if (/^[a-z][0-9a-z]*$/.test(field)) return parseInt(field, 36) + 16 * big + 10 ** width;
  return undefined;
}

/**
 * The element of an atom from its 4-column name field, by the PDB convention: two-letter elements
 * are left-justified in column 13 (`FE  `, `CA  ` calcium, `SE  `), one-letter elements start in
 * column 14 (` CA ` Cα carbon), and a name that fills column 13 with H followed by more than one
 * character is a hydrogen (`HG21`, `HD11`, `HO5'`), not mercury or holmium. Leading digits are
 * skipped (`1HB ` → H). Unknown → `X`.
 */
export function elementFromName(field: string): string {
  const name = field.padEnd(4);
  if (/[A-Za-z]/.test(name[0])) {
    const trimmed = name.trim();
    const two = /^[A-Za-z]{2}/.test(name) ? elementSymbol(name.slice(0, 2)) : undefined;
    const hydrogenName = (name[0] === 'H' || name[0] === 'h') && trimmed.length > 2;
    if (two && two.length === 2 && !hydrogenName) return two;
    return elementSymbol(name[0]) ?? UNKNOWN_ELEMENT;
  }
  const letter = /^[\s\d]*([A-Za-z])/.exec(name);
  return (letter && elementSymbol(letter[1])) || UNKNOWN_ELEMENT;
}

/**
 * Keeps one alternate location per atom. `keptIndexOf[r]` is the index in `kept` of record r, or of
 * the record that replaced it, so CONECTs that name a dropped alternate still find the atom.
 */
function resolveAltLocs(records: AtomRecord[], mode: PdbReadOptions['altLoc']): { kept: AtomRecord[]; keptIndexOf: Int32Array } {
  const winner = Int32Array.from(records, (_, r) => r);
  if (mode !== 'all') {
    const groups = new Map<string, number[]>();
    records.forEach((atom, r) => {
      // NUL cannot occur in a name (binary lines are refused), so it separates fields safely.
      const key = `${atom.chainId}\0${atom.resSeq}\0${atom.iCode}\0${atom.name}`;
      const group = groups.get(key);
      if (group) group.push(r);
      else groups.set(key, [r]);
    });
    for (const group of groups.values()) {
      if (group.length < 2 || !group.some((r) => records[r].altLoc !== '')) continue;
      let best = group[0];
      if (mode !== 'first') for (const r of group) if (records[r].occupancy > records[best].occupancy) best = r;
      for (const r of group) winner[r] = best;
    }
  }
  const kept: AtomRecord[] = [];
  const keptIndexOf = new Int32Array(records.length);
  records.forEach((atom, r) => {
    if (winner[r] === r) {
      keptIndexOf[r] = kept.length;
      kept.push(atom);
    }
  });
  records.forEach((_, r) => {
    if (winner[r] !== r) keptIndexOf[r] = keptIndexOf[winner[r]];
  });
  return { kept, keptIndexOf };
}

const MODELS_HINT = "; to load it anyway, pass the option models: 'common' (atoms found in every model) or models: 'first'";

const describeAtom = (a: AtomRecord): string => `${a.name} ${a.resName} ${a.chainId}${a.resSeq}${a.iCode}`.replace(/\s+/g, ' ');

/** Every model must list the first model's atoms in the same order. */
function checkSameAtoms(reference: AtomRecord[], referenceModel: Model, atoms: AtomRecord[], model: Model, m: number, fail: Fail): void {
  const count = Math.min(reference.length, atoms.length);
  for (let i = 0; i < count; i++) {
    const a = reference[i];
    const b = atoms[i];
    const same =
      a.name === b.name && a.resName === b.resName && a.chainId === b.chainId && a.resSeq === b.resSeq && a.iCode === b.iCode && a.hetero === b.hetero;
    if (!same) {
      fail(
        b.line,
        `atom ${i + 1} of model ${m + 1} is '${describeAtom(b)}' but atom ${i + 1} of model 1 is ` +
          `'${describeAtom(a)}' (line ${a.line}); every model must list the same atoms in the same order${MODELS_HINT}`,
      );
    }
  }
  if (atoms.length !== reference.length) {
    const line = atoms.length > reference.length ? atoms[reference.length].line : model.endLine;
    fail(
      line,
      `model ${m + 1} (from line ${model.startLine}) has ${atoms.length} atoms but model 1 (from line ` +
        `${referenceModel.startLine}) has ${reference.length}; every model must list the same atoms${MODELS_HINT}`,
    );
  }
}

function coordinates(atoms: AtomRecord[]): Float64Array {
  const xyz = new Float64Array(3 * atoms.length);
  atoms.forEach((a, i) => {
    xyz[3 * i] = a.x;
    xyz[3 * i + 1] = a.y;
    xyz[3 * i + 2] = a.z;
  });
  return xyz;
}

function atomTable(atoms: AtomRecord[]): AtomTable {
  return {
    names: atoms.map((a) => a.name),
    elements: atoms.map((a) => a.element),
    residueNames: atoms.map((a) => a.resName),
    residueNumbers: atoms.map((a) => a.resSeq),
    insertionCodes: atoms.map((a) => a.iCode),
    chainIds: atoms.map((a) => a.chainId),
    serials: atoms.map((a) => a.serial),
    hetero: atoms.map((a) => a.hetero),
    occupancies: atoms.map((a) => a.occupancy),
    bFactors: atoms.map((a) => a.bFactor),
  };
}

/** CONECT serials (columns 7–11, then 12–16 … 27–31) → deduplicated index pairs, i < j, sorted. */
function readBonds(
  conects: { line: number; text: string }[],
  records: AtomRecord[],
  indexOfRecord: Int32Array,
  n: number,
  fail: Fail,
  warn: (line: number, detail: string) => void,
): [number, number][] {
  if (conects.length === 0) return [];
  const indexOfSerial = new Map<number, { index: number; line: number }>();
  const shared = new Map<number, number[]>(); // serial → lines of the different atoms that have it
  records.forEach((atom, r) => {
    if (!atom.serialRead) return;
    const previous = indexOfSerial.get(atom.serial);
    if (previous === undefined) indexOfSerial.set(atom.serial, { index: indexOfRecord[r], line: atom.line });
    else if (previous.index !== indexOfRecord[r]) {
      const lines = shared.get(atom.serial) ?? [previous.line];
      lines.push(atom.line);
      shared.set(atom.serial, lines);
    }
  });
  const atomOf = (serial: number, line: number): number | undefined => {
    const lines = shared.get(serial);
    if (lines) {
      warn(line, `CONECT skips serial ${serial}: atoms on lines ${lines.join(', ')} all have it`);
      return undefined;
    }
    const found = indexOfSerial.get(serial);
    if (found === undefined) warn(line, `CONECT skips serial ${serial}: no ATOM or HETATM record has it`);
    else if (found.index < 0) warn(line, `CONECT skips serial ${serial}: its atom (line ${found.line}) is not in every model`);
    return found === undefined || found.index < 0 ? undefined : found.index;
  };
  const seen = new Set<number>();
  const bonds: [number, number][] = [];
  for (const { line, text } of conects) {
    const serials: number[] = [];
    for (let from = 7; from <= 27; from += 5) {
      const field = text.slice(from - 1, from + 4).trim();
      if (field === '') continue;
      const serial = parseInteger(field, 5);
      if (serial === undefined) fail(line, `CONECT serial '${field}' in columns ${from}–${from + 4} is not an integer`);
      serials.push(serial as number);
    }
    if (serials.length < 2) continue;
    const origin = atomOf(serials[0], line);
    if (origin === undefined) continue;
    for (const serial of serials.slice(1)) {
      const other = atomOf(serial, line);
      if (other === undefined || other === origin) continue;
      const i = Math.min(origin, other);
      const j = Math.max(origin, other);
      if (seen.has(i * n + j)) continue;
      seen.add(i * n + j);
      bonds.push([i, j]);
    }
  }
  return bonds.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
