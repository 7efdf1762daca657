/**
 * XYZ files, single- or multi-frame (a trajectory is frames one after another). Each frame is:
 *
 *     3                      ← number of atoms
 *     water, frame 0         ← comment (free text, may be empty)
 *     O  0.000000 0.000000 0.117300
 *     H  0.000000 0.757200 -0.469200
 *     H  0.000000 -0.757200 -0.469200
 *
 * Columns after x y z (charges, forces, extended-XYZ properties) are ignored. The first column is
 * an element symbol in any case (`C`, `cl`), an atomic number (`6`) or a label starting with a
 * symbol (`C12`); unknown labels get element `X`. Every frame must list the same number of atoms
 * with the same elements; anything else is a StructureFormatError naming the line. Blank lines at
 * the end are fine; nothing other than StructureFormatError is thrown, and reading is linear time.
 */
import {
  ELEMENT_SYMBOLS,
  atomCount,
  checkStructureShape,
  elementSymbol,
  frameIndices,
  parseDecimal,
  StructureFormatError,
  UNKNOWN_ELEMENT,
  type MolecularStructure,
} from './structure.ts';

/** Options of {@link readXyz}. */
export interface XyzReadOptions {
  /** File name used in error messages. */
  file?: string;
}

/** Options of {@link writeXyz}. */
export interface XyzWriteOptions {
  /** Frame indices (0-based) to write, or `all` (default). */
  frames?: number[] | 'all';
}

const BINARY = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const AXES = ['x', 'y', 'z'];

/** The element a first-column token stands for (see the file comment). */
function elementOf(token: string): string {
  if (/^\d+$/.test(token)) return ELEMENT_SYMBOLS[Number(token) - 1] ?? UNKNOWN_ELEMENT;
  const letters = /^[A-Za-z]{1,2}/.exec(token)?.[0] ?? '';
  return elementSymbol(token) ?? elementSymbol(letters) ?? elementSymbol(letters.slice(0, 1)) ?? UNKNOWN_ELEMENT;
}

const quote = (text: string): string => `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`;

/** Reads an XYZ file (one or more frames). Throws StructureFormatError and nothing else. */
export function readXyz(text: string, options: XyzReadOptions = {}): MolecularStructure {
  const fail = (line: number, detail: string): never => {
    throw new StructureFormatError(line, detail, options.file);
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  if (end === 0) fail(1, 'the file is empty; an XYZ file starts with the number of atoms');
  const lineAt = (index: number): string => {
    const line = lines[index];
    const binary = BINARY.exec(line);
    if (binary) {
      const code = binary[0].charCodeAt(0).toString(16).padStart(2, '0');
      fail(index + 1, `byte 0x${code} at column ${binary.index + 1} is not text; is this an XYZ file?`);
    }
    return line;
  };

  const names: string[] = [];
  const elements: string[] = [];
  const frames: Float64Array[] = [];
  const labels: string[] = [];
  let at = 0;
  while (at < end) {
    const frame = frames.length + 1;
    const countText = lineAt(at).trim();
    if (!/^\d+$/.test(countText)) {
      fail(at + 1, `expected the number of atoms of frame ${frame}, found ${quote(countText)}`);
    }
    const count = Number(countText);
    if (count === 0) fail(at + 1, `frame ${frame} has 0 atoms`);
    if (frames.length > 0 && count !== names.length) {
      fail(at + 1, `frame ${frame} has ${count} atoms but frame 1 has ${names.length}; every frame must list the same atoms`);
    }
    if (at + 2 + count > end) {
      const announced = countText.length > 20 ? `${countText.slice(0, 20)}…` : countText;
      fail(
        end,
        `frame ${frame} (line ${at + 1}) announces ${announced} atoms but the file ends after ` +
          `${Math.max(0, end - at - 2)} atom lines; is it truncated?`,
      );
    }
    labels.push(lineAt(at + 1).trim());
    const xyz = new Float64Array(3 * count);
    for (let i = 0; i < count; i++) {
      const n = at + 3 + i;
      const tokens = lineAt(n - 1).trim().split(/\s+/);
      if (tokens.length < 4) fail(n, `expected 'element x y z', found ${quote(lines[n - 1].trim())}`);
      for (let axis = 0; axis < 3; axis++) {
        const value = parseDecimal(tokens[axis + 1]);
        if (value === undefined || !Number.isFinite(value)) {
          fail(n, `${AXES[axis]} coordinate ${quote(tokens[axis + 1])} (column ${axis + 2}) is not a finite number`);
        }
        xyz[3 * i + axis] = value as number;
      }
      const element = elementOf(tokens[0]);
      if (frames.length === 0) {
        names.push(tokens[0]);
        elements.push(element);
      } else if (element !== elements[i]) {
        fail(
          n,
          `atom ${i + 1} of frame ${frame} is ${element} but atom ${i + 1} of frame 1 is ${elements[i]}; ` +
            'every frame must list the same atoms in the same order',
        );
      }
    }
    frames.push(xyz);
    at += 2 + count;
  }

  const n = names.length;
  return {
    title: labels[0],
    atoms: {
      names,
      elements,
      residueNames: new Array<string>(n).fill(''),
      residueNumbers: new Array<number>(n).fill(0),
      insertionCodes: new Array<string>(n).fill(''),
      chainIds: new Array<string>(n).fill(''),
      serials: Array.from({ length: n }, (_, i) => i + 1),
      hetero: new Array<boolean>(n).fill(false),
      occupancies: new Array<number>(n).fill(1),
      bFactors: new Array<number>(n).fill(0),
    },
    bonds: [],
    frames,
    frameLabels: labels,
  };
}

/**
 * Writes the frames of `s` as XYZ: element symbols and coordinates with 6 decimals; comment lines
 * from `frameLabels`, else `frame k` (k the 0-based frame index). Throws an Error for a
 * non-finite coordinate or an element with whitespace in it.
 */
export function writeXyz(s: MolecularStructure, options: XyzWriteOptions = {}): string {
  checkStructureShape(s);
  const frames = frameIndices(s, options.frames);
  const n = atomCount(s);
  const symbols = s.atoms.elements.map((element, i) => {
    const symbol = element === '' ? UNKNOWN_ELEMENT : element;
    if (!/^\S+$/.test(symbol)) {
      throw new Error(`cannot write XYZ: atom ${i} (${s.atoms.names[i]}) has element '${symbol}', which contains whitespace`);
    }
    return symbol.padEnd(2);
  });
  const out: string[] = [];
  for (const k of frames) {
    out.push(String(n), (s.frameLabels?.[k] ?? `frame ${k}`).replace(/[\r\n]+/g, ' '));
    const xyz = s.frames[k];
    for (let i = 0; i < n; i++) {
      let line = symbols[i];
      for (let axis = 0; axis < 3; axis++) {
        const value = xyz[3 * i + axis];
        if (!Number.isFinite(value)) {
          throw new Error(`cannot write XYZ: atom ${i} (${s.atoms.names[i]}) in frame ${k} has ${AXES[axis]} = ${value}`);
        }
        line += ` ${value.toFixed(6).padStart(14)}`;
      }
      out.push(line);
    }
  }
  return `${out.join('\n')}\n`;
}
