/** readXyz / writeXyz: frames, element columns, errors with line numbers, and round trips (also from PDB). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPdb } from './pdbRead.ts';
import { StructureFormatError, type MolecularStructure } from './structure.ts';
import { readXyz, writeXyz } from './xyz.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = path.resolve(repoRoot, '../shared/data/pdb');
const haveData = existsSync(dataDir);
if (!haveData) console.warn(`xyz.test.ts: skipping the real-file tests, ${dataDir} does not exist`);

const WATER = ['3', 'water', 'O 0.0 0.0 0.1173', 'H 0.0 0.7572 -0.4692', 'H 0.0 -0.7572 -0.4692'];

function formatError(run: () => unknown): StructureFormatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StructureFormatError);
    return error as StructureFormatError;
  }
  throw new Error('expected a StructureFormatError, nothing was thrown');
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  expect(b.length).toBe(a.length);
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[i]))));
  return worst;
}

describe('readXyz', () => {
  it('reads one frame with the topology columns the type documents for XYZ', () => {
    const s = readXyz(WATER.join('\n'));
    expect(s.title).toBe('water');
    expect(s.atoms).toEqual({
      names: ['O', 'H', 'H'],
      elements: ['O', 'H', 'H'],
      residueNames: ['', '', ''],
      residueNumbers: [0, 0, 0],
      insertionCodes: ['', '', ''],
      chainIds: ['', '', ''],
      serials: [1, 2, 3],
      hetero: [false, false, false],
      occupancies: [1, 1, 1],
      bFactors: [0, 0, 0],
    });
    expect(Array.from(s.frames[0])).toEqual([0, 0, 0.1173, 0, 0.7572, -0.4692, 0, -0.7572, -0.4692]);
    expect(s.bonds).toEqual([]);
    expect(s.frameLabels).toEqual(['water']);
  });

  it('reads several frames, CRLF endings, extra columns, tabs and blank lines at the end', () => {
    const text = ['2', 'step 0', 'C 0 0 0 0.1 extra', 'O\t1.128\t0\t0', '2', 'step 1', 'C 0.1 0 0', 'O 1.2 0 0 -1', '', '  ', ''].join('\r\n');
    const s = readXyz(text);
    expect(s.frames).toHaveLength(2);
    expect(s.frameLabels).toEqual(['step 0', 'step 1']);
    expect(s.title).toBe('step 0');
    expect(Array.from(s.frames[1])).toEqual([0.1, 0, 0, 1.2, 0, 0]);
  });

  it('reads element symbols in any case, atomic numbers and labels that start with a symbol', () => {
    const text = ['7', '', 'cl 0 0 0', 'FE 0 0 1', '6 0 0 2', 'C12 0 0 3', 'Ca 0 0 4', 'Zz 0 0 5', '1 0 0 6'].join('\n');
    const s = readXyz(text);
    expect(s.atoms.elements).toEqual(['Cl', 'Fe', 'C', 'C', 'Ca', 'X', 'H']);
    expect(s.atoms.names).toEqual(['cl', 'FE', '6', 'C12', 'Ca', 'Zz', '1']);
    expect(s.title).toBe('');
  });

  const cases: [string, string, number, RegExp][] = [
    ['an empty file', '\n\n', 1, /the file is empty/],
    ['a count that is not a number', 'three\nwater\n', 1, /expected the number of atoms of frame 1, found 'three'/],
    ['a count of zero', '0\nnothing\n', 1, /frame 1 has 0 atoms/],
    ['too few atom lines', '3\nwater\nO 0 0 0\nH 0 0 1\n', 4, /frame 1 \(line 1\) announces 3 atoms but the file ends after 2 atom lines; is it truncated\?/],
    ['a huge count', `${'9'.repeat(20)}\nbig\nO 0 0 0\n`, 3, /announces 99999999999999999999 atoms/],
    ['a missing coordinate', '1\n\nO 0 0\n', 3, /expected 'element x y z', found 'O 0 0'/],
    ['a bad coordinate', '1\n\nO 0 abc 0\n', 3, /y coordinate 'abc' \(column 3\) is not a finite number/],
    ['an infinite coordinate', '1\n\nO 0 0 1e400\n', 3, /z coordinate '1e400' \(column 4\) is not a finite number/],
    ['a second frame with another count', [...WATER, '2', 'b', 'O 0 0 0', 'H 0 0 1'].join('\n'), 6, /frame 2 has 2 atoms but frame 1 has 3/],
    ['a second frame with other elements', [...WATER, '3', 'b', 'O 0 0 0', 'O 0 0 1', 'H 0 0 2'].join('\n'), 9, /atom 2 of frame 2 is O but atom 2 of frame 1 is H/],
    ['a blank line between frames', [...WATER, '', ...WATER].join('\n'), 6, /expected the number of atoms of frame 2, found ''/],
    ['binary data', `1\n\nO 0 0 0\u0000\n`, 3, /byte 0x00 at column 8 is not text/],
  ];
  it.each(cases)('refuses %s, naming the line', (_, text, line, message) => {
    const error = formatError(() => readXyz(text, { file: 'bad.xyz' }));
    expect(error.line).toBe(line);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`bad.xyz: line ${line}: `)).toBe(true);
  });
});

describe('writeXyz', () => {
  it('writes count, comment and element x y z with six decimals', () => {
    const s = readXyz(WATER.join('\n'));
    expect(writeXyz(s)).toBe(
      [
        '3',
        'water',
        'O        0.000000       0.000000       0.117300',
        'H        0.000000       0.757200      -0.469200',
        'H        0.000000      -0.757200      -0.469200',
        '',
      ].join('\n'),
    );
  });

  it('round trips a multi-frame trajectory (coordinates to 1e-6, labels, elements)', () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 200 - 100;
    const s: MolecularStructure = readXyz(WATER.join('\n'));
    s.frames = Array.from({ length: 5 }, () => Float64Array.from({ length: 9 }, random));
    s.frameLabels = ['t = 0', 't = 0.1', 't = 0.2', 't = 0.3', 't = 0.4'];
    const back = readXyz(writeXyz(s));
    expect(back.frameLabels).toEqual(s.frameLabels);
    expect(back.atoms.elements).toEqual(s.atoms.elements);
    s.frames.forEach((frame, k) => expect(maxDifference(frame, back.frames[k])).toBeLessThanOrEqual(5e-7));
  });

  it('labels frames "frame k" when the structure has no labels, writes the frames asked for, and keeps comments on one line', () => {
    const s = readXyz(WATER.join('\n'));
    s.frames.push(s.frames[0].map((v) => v + 1));
    delete s.frameLabels;
    expect(readXyz(writeXyz(s)).frameLabels).toEqual(['frame 0', 'frame 1']);
    const only = readXyz(writeXyz(s, { frames: [1] }));
    expect(only.frameLabels).toEqual(['frame 1']);
    expect(only.frames[0][2]).toBeCloseTo(1.1173, 6);
    s.frameLabels = ['two\nlines', 'x'];
    expect(writeXyz(s).split('\n')[1]).toBe('two lines');
  });

  it('refuses non-finite coordinates and frames that do not exist', () => {
    const s = readXyz(WATER.join('\n'));
    s.frames[0][4] = Infinity;
    expect(() => writeXyz(s)).toThrow(/atom 1 \(H\) in frame 0 has y = Infinity/);
    expect(() => writeXyz(s, { frames: [2] })).toThrow(/frame index 2 is out of range/);
    expect(() => writeXyz(s, { frames: [] })).toThrow(/no frames selected/);
  });
});

describe.skipIf(!haveData)('PDB → XYZ', () => {
  it.each([
    ['1LCD.pdb', 3],
    ['2BEG.pdb', 1],
    ['1A8O.pdb', 1],
  ])('%s: coordinates, elements and frames survive (to 1e-6 Å)', (name, frames) => {
    const pdb = readPdb(readFileSync(path.join(dataDir, name), 'utf8'), { models: 'common' });
    const xyz = readXyz(writeXyz(pdb));
    expect(xyz.frames).toHaveLength(frames);
    expect(xyz.atoms.elements).toEqual(pdb.atoms.elements);
    pdb.frames.forEach((frame, k) => expect(maxDifference(frame, xyz.frames[k])).toBeLessThanOrEqual(5e-7));
    if (frames > 1) expect(xyz.frameLabels).toEqual(['MODEL 1', 'MODEL 2', 'MODEL 3']);
  });
});
