/**
 * readPdb on the real files of ../shared/data/pdb and on small made-up records.
 *
 * The expected numbers for the real files come from core/io/fixtures/pdbCounts.json, which
 * scripts/pdb_counts.py computes without our parser. Regenerate it after changing the data:
 *
 *     /usr/bin/python3 scripts/pdb_counts.py
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import counts from './fixtures/pdbCounts.json';
import { elementFromName, readPdb, type PdbReadOptions, type StructureWarning } from './pdbRead.ts';
import { StructureFormatError } from './structure.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = path.resolve(repoRoot, '../shared/data/pdb');
const haveData = existsSync(dataDir);
if (!haveData) console.warn(`pdbRead.test.ts: skipping the real-file tests, ${dataDir} does not exist`);
const load = (name: string): string => readFileSync(path.join(dataDir, name), 'utf8');

/** One entry of fixtures/pdbCounts.json (see scripts/pdb_counts.py for what each count means). */
interface FileCounts {
  models: number;
  atoms: number;
  hetatm: number;
  residues: number;
  chains: number;
  altLocDropped: number;
  elementCounts: Record<string, number>;
  coordinateSum: number;
  conectPairs: number;
  conectResolved: number;
  commonAtoms: number;
  title: string;
}
const fixture: Record<string, FileCounts> = counts;

/**
 * One ATOM/HETATM line in PDB columns. `name` is the 4-column field as written (e.g. ' CA ').
 */
function atomLine(o: {
  record?: 'ATOM' | 'HETATM';
  serial?: number | string;
  name?: string;
  altLoc?: string;
  resName?: string;
  chain?: string;
  resSeq?: number | string;
  iCode?: string;
  x?: number | string;
  y?: number | string;
  z?: number | string;
  occupancy?: number;
  bFactor?: number;
  element?: string;
}): string {
  const num = (v: number | string | undefined, d: number): string => (typeof v === 'string' ? v : (v ?? 0).toFixed(d)).padStart(8);
  return (
    (o.record ?? 'ATOM').padEnd(6) +
    String(o.serial ?? 1).padStart(5) +
    ' ' +
    (o.name ?? ' CA ').padEnd(4) +
    (o.altLoc ?? ' ') +
    (o.resName ?? 'ALA').padStart(3) +
    ' ' +
    (o.chain ?? 'A') +
    String(o.resSeq ?? 1).padStart(4) +
    (o.iCode ?? ' ') +
    '   ' +
    num(o.x, 3) +
    num(o.y, 3) +
    num(o.z, 3) +
    (o.occupancy ?? 1).toFixed(2).padStart(6) +
    (o.bFactor ?? 0).toFixed(2).padStart(6) +
    '          ' +
    (o.element ?? ' C').padStart(2)
  );
}

/** The StructureFormatError that `run` throws (fails the test when it throws something else). */
function formatError(run: () => unknown): StructureFormatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StructureFormatError);
    return error as StructureFormatError;
  }
  throw new Error('expected a StructureFormatError, nothing was thrown');
}

function readWithWarnings(text: string, options: PdbReadOptions = {}): { warnings: StructureWarning[]; s: ReturnType<typeof readPdb> } {
  const warnings: StructureWarning[] = [];
  const s = readPdb(text, { ...options, onWarning: (w) => warnings.push(w) });
  return { warnings, s };
}

describe.skipIf(!haveData)('readPdb on the real files (counts from scripts/pdb_counts.py)', () => {
  const files = Object.keys(fixture);

  it('has a fixture entry for every file in the data folder', () => {
    const onDisk = readdirSync(dataDir).filter((name) => name.endsWith('.pdb'));
    expect([...files].sort()).toEqual(onDisk.sort());
  });

  it.each(files)('%s: atoms, hetero atoms, residues, chains, elements and coordinates of model 1', (name) => {
    const expected = fixture[name];
    const { s } = readWithWarnings(load(name), { models: 'first', file: name });
    const a = s.atoms;
    expect(a.names.length).toBe(expected.atoms);
    for (const column of Object.values(a)) expect(column.length).toBe(expected.atoms);
    expect(a.hetero.filter(Boolean).length).toBe(expected.hetatm);
    expect(new Set(a.names.map((_, i) => `${a.chainIds[i]}|${a.residueNumbers[i]}|${a.insertionCodes[i]}`)).size).toBe(expected.residues);
    expect(new Set(a.chainIds).size).toBe(expected.chains);
    const elements: Record<string, number> = {};
    for (const e of a.elements) elements[e] = (elements[e] ?? 0) + 1;
    expect(elements).toEqual(expected.elementCounts);
    expect(s.frames[0].reduce((sum, v) => sum + v, 0)).toBeCloseTo(expected.coordinateSum, 2);
    expect(s.title).toBe(expected.title);
  });

  it.each(files)('%s: alternate locations dropped, and all of them kept with altLoc "all"', (name) => {
    const expected = fixture[name];
    const all = readPdb(load(name), { models: 'first', altLoc: 'all' });
    expect(all.atoms.names.length - expected.atoms).toBe(expected.altLocDropped);
  });

  it.each(files)('%s: CONECT bonds, each pair once with i < j', (name) => {
    const expected = fixture[name];
    const { s, warnings } = readWithWarnings(load(name), { models: 'first', file: name });
    expect(s.bonds.length).toBe(expected.conectResolved);
    const keys = s.bonds.map(([i, j]) => `${i}-${j}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [i, j] of s.bonds) expect(i).toBeLessThan(j);
    if (expected.conectResolved === expected.conectPairs) expect(warnings).toEqual([]);
    else expect(warnings.length).toBeGreaterThan(0);
  });

  it.each(files)('%s: one frame per model, atoms common to every model with models "common"', (name) => {
    const expected = fixture[name];
    const s = readPdb(load(name), { models: 'common' });
    expect(s.frames.length).toBe(expected.models);
    expect(s.atoms.names.length).toBe(expected.commonAtoms);
    for (const frame of s.frames) expect(frame.length).toBe(3 * expected.commonAtoms);
  });

  it('1A8O: CONECT records that name serials no atom has are skipped with a warning naming line and serial', () => {
    // 1A8O's first residue (MSE 151) is numbered 10, 20, …, 90 but its CONECTs say 1…9.
    const { s, warnings } = readWithWarnings(load('1A8O.pdb'), { file: '1A8O.pdb' });
    expect(warnings[0]).toEqual({ line: 985, detail: 'CONECT skips serial 1: no ATOM or HETATM record has it', file: '1A8O.pdb' });
    expect(warnings.every((w) => w.detail.startsWith('CONECT skips serial'))).toBe(true);
    // The disulfide CYS 198 SG – CYS 218 SG (serials 401, 542) is read.
    const sg = (resSeq: number): number => s.atoms.names.findIndex((n, i) => n === 'SG' && s.atoms.residueNumbers[i] === resSeq);
    expect(s.bonds).toContainEqual([sg(198), sg(218)]);
    expect(s.frameLabels).toBeUndefined();
  });

  it('1LCD: models whose waters differ are refused by default, naming the line and the way out', () => {
    const text = load('1LCD.pdb');
    const error = formatError(() => readPdb(text, { file: '1LCD.pdb' }));
    const lines = text.split('\n');
    expect(lines[error.line - 1]).toContain('HOH B1032');
    expect(error.message).toMatch(/^1LCD\.pdb: line \d+: atom 991 of model 2 is 'O HOH B1032'/);
    expect(error.message).toContain("models: 'common'");
  });

  it('1LCD: models "common" keeps the polymer and the waters every model has, with a warning', () => {
    const { s, warnings } = readWithWarnings(load('1LCD.pdb'), { models: 'common' });
    expect(s.frameLabels).toEqual(['MODEL 1', 'MODEL 2', 'MODEL 3']);
    expect(warnings[0].detail).toMatch(/^85 atom\(s\) of model 1 are missing from another model/);
    // The Na+ ion moves residue number between models, so its CONECTs are skipped with warnings.
    expect(s.atoms.elements).not.toContain('Na');
    expect(s.bonds).toEqual([]);
    // Models really differ (an NMR ensemble, not copies).
    expect(s.frames[1]).not.toEqual(s.frames[0]);
  });

  it('disordered.pdb: the highest occupancy wins, ties keep the first; "all" keeps every location', () => {
    const text = load('disordered.pdb');
    const s = readPdb(text);
    const find = (x: ReturnType<typeof readPdb>, name: string): number[] =>
      x.atoms.names.flatMap((n, i) => (n === name && x.atoms.residueNumbers[i] === 27 ? [i] : []));
    // NH1 A and B both have occupancy 0.50: the first (A, serial 224) is kept.
    const [nh1] = find(s, 'NH1');
    expect(find(s, 'NH1')).toHaveLength(1);
    expect(s.atoms.serials[nh1]).toBe(224);
    expect(Array.from(s.frames[0].subarray(3 * nh1, 3 * nh1 + 3))).toEqual([57.848, 21.002, 24.386]);
    // CZ is given with a blank altLoc and as B: one group, the first kept.
    expect(find(s, 'CZ').map((i) => s.atoms.serials[i])).toEqual([222]);

    const all = readPdb(text, { altLoc: 'all' });
    expect(all.atoms.names.length).toBe(50);
    expect(find(all, 'NH1').map((i) => all.atoms.serials[i])).toEqual([224, 225]);

    // Raise B's occupancy: now B wins by default, and 'first' still keeps A.
    const raised = text.replace(
      'ATOM    225  NH1BARG A  27      61.262  21.064  27.522  0.50',
      'ATOM    225  NH1BARG A  27      61.262  21.064  27.522  0.60',
    );
    expect(raised).not.toBe(text);
    const high = readPdb(raised);
    expect(find(high, 'NH1').map((i) => high.atoms.serials[i])).toEqual([225]);
    const [kept] = find(high, 'NH1');
    expect(Array.from(high.frames[0].subarray(3 * kept, 3 * kept + 3))).toEqual([61.262, 21.064, 27.522]);
    const first = readPdb(raised, { altLoc: 'first' });
    expect(find(first, 'NH1').map((i) => first.atoms.serials[i])).toEqual([224]);
  });
});

describe('element of an atom', () => {
  it.each([
    [' CA ', 'C'],
    ['CA  ', 'Ca'],
    ['FE  ', 'Fe'],
    ['ZN  ', 'Zn'],
    ['CL  ', 'Cl'],
    ['SE  ', 'Se'],
    [' N  ', 'N'],
    [' OXT', 'O'],
    [' SD ', 'S'],
    ['1HB ', 'H'],
    ['2HG1', 'H'],
    ['HG21', 'H'],
    ['HD11', 'H'],
    ['HE21', 'H'],
    ["HO5'", 'H'],
    ['HG  ', 'Hg'],
    [' H  ', 'H'],
    ['    ', 'X'],
    [' 123', 'X'],
    [' J1 ', 'X'],
  ])('name field %j → %s', (field, element) => {
    expect(elementFromName(field)).toBe(element);
  });

  it('takes columns 77–78 when they hold an element, in any case, else infers from the name', () => {
    const text = [
      atomLine({ serial: 1, name: ' CA ', element: 'CA', record: 'HETATM', resName: 'CA' }),
      atomLine({ serial: 2, name: 'FE1 ', element: 'fe', record: 'HETATM', resName: 'HEM' }),
      atomLine({ serial: 3, name: ' CB ', element: '1+' }),
      atomLine({ serial: 4, name: 'CA  ', element: '  ', record: 'HETATM', resName: 'CA' }),
    ].join('\n');
    expect(readPdb(text).atoms.elements).toEqual(['Ca', 'Fe', 'C', 'Ca']);
  });
});

describe('readPdb records', () => {
  it('reads the columns of ATOM and HETATM, with defaults for lines that end after the coordinates', () => {
    const full = atomLine({ serial: 7, name: ' OG1', resName: 'THR', chain: 'B', resSeq: -3, iCode: 'A', x: -1.5, y: 2.25, z: 1000.125, occupancy: 0.75, bFactor: 12.5, element: ' O' });
    const short = `HETATM    8  O   HOH C 101      10.000  20.000  30.000`;
    const s = readPdb(`${full}\r\n${short}\r\n`);
    expect(s.atoms).toEqual({
      names: ['OG1', 'O'],
      elements: ['O', 'O'],
      residueNames: ['THR', 'HOH'],
      residueNumbers: [-3, 101],
      insertionCodes: ['A', ''],
      chainIds: ['B', 'C'],
      serials: [7, 8],
      hetero: [false, true],
      occupancies: [0.75, 1],
      bFactors: [12.5, 0],
    });
    expect(Array.from(s.frames[0])).toEqual([-1.5, 2.25, 1000.125, 10, 20, 30]);
    expect(s.bonds).toEqual([]);
    expect(s.frameLabels).toBeUndefined();
  });

  it('joins TITLE continuation lines with one space', () => {
    const text = [
      'HEADER    TEST',
      'TITLE     STRUCTURE OF THE COMPLEX OF LAC REPRESSOR HEADPIECE AND AN                ',
      'TITLE    2 11 BASE-PAIR HALF-OPERATOR',
      'TITLE    3 BY NMR',
      atomLine({}),
    ].join('\n');
    expect(readPdb(text).title).toBe('STRUCTURE OF THE COMPLEX OF LAC REPRESSOR HEADPIECE AND AN 11 BASE-PAIR HALF-OPERATOR BY NMR');
  });

  it('keeps insertion codes apart: 52 and 52A are different residues, not alternate locations', () => {
    const text = [
      atomLine({ serial: 1, name: ' N  ', resSeq: 52, element: ' N' }),
      atomLine({ serial: 2, name: ' N  ', resSeq: 52, iCode: 'A', element: ' N' }),
      atomLine({ serial: 3, name: ' N  ', resSeq: 53, element: ' N' }),
    ].join('\n');
    const s = readPdb(text);
    expect(s.atoms.residueNumbers).toEqual([52, 52, 53]);
    expect(s.atoms.insertionCodes).toEqual(['', 'A', '']);
  });

  it('reads CONECT: serials → indices, i < j, deduplicated, dropped alternates mapped to the kept atom', () => {
    const text = [
      atomLine({ serial: 10, name: ' C1 ', resName: 'LIG', record: 'HETATM' }),
      atomLine({ serial: 11, name: ' C2 ', resName: 'LIG', record: 'HETATM', altLoc: 'A', occupancy: 0.3 }),
      atomLine({ serial: 12, name: ' C2 ', resName: 'LIG', record: 'HETATM', altLoc: 'B', occupancy: 0.7 }),
      atomLine({ serial: 13, name: ' O3 ', resName: 'LIG', record: 'HETATM', element: ' O' }),
      'CONECT   10   11   13',
      'CONECT   11   10',
      'CONECT   13   10   12   12',
      'CONECT   12   13   99',
      'END',
    ].join('\n');
    const { s, warnings } = readWithWarnings(text);
    expect(s.atoms.serials).toEqual([10, 12, 13]);
    expect(s.bonds).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(warnings).toEqual([{ line: 8, detail: 'CONECT skips serial 99: no ATOM or HETATM record has it', file: undefined }]);
  });

  it('warns about, and skips, CONECT serials that two atoms share', () => {
    const text = [atomLine({ serial: 5 }), atomLine({ serial: 5, name: ' CB ' }), atomLine({ serial: 6, name: ' CG ' }), 'CONECT    6    5'].join('\n');
    const { s, warnings } = readWithWarnings(text);
    expect(s.bonds).toEqual([]);
    expect(warnings[0]).toMatchObject({ line: 4, detail: 'CONECT skips serial 5: atoms on lines 1, 2 all have it' });
  });

  it('reads hybrid-36 serials and residue numbers and carries on past unreadable serials', () => {
    const text = [
      atomLine({ serial: 'A0000', resSeq: 'A000' }),
      atomLine({ serial: '*****', name: ' CB ', resSeq: 'A000' }),
      atomLine({ serial: 'a0000', name: ' CG ', resSeq: 9999 }),
    ].join('\n');
    const s = readPdb(text);
    expect(s.atoms.serials).toEqual([100000, 100001, 100000 + 26 * 36 ** 4]);
    expect(s.atoms.residueNumbers).toEqual([10000, 10000, 9999]);
  });

  it('reads MODEL / ENDMDL as frames labelled by their MODEL record', () => {
    const model = (k: number, x: number): string[] => [`MODEL     ${String(k).padStart(4)}`, atomLine({ x }), atomLine({ serial: 2, name: ' CB ', x: x + 1 }), 'TER', 'ENDMDL'];
    const s = readPdb([...model(1, 0), ...model(2, 10), ...model(7, 20), 'END'].join('\n'));
    expect(s.frames.map((f) => f[0])).toEqual([0, 10, 20]);
    expect(s.frames.map((f) => f[3])).toEqual([1, 11, 21]);
    expect(s.frameLabels).toEqual(['MODEL 1', 'MODEL 2', 'MODEL 7']);
    // A last MODEL closed by END rather than ENDMDL is fine.
    expect(readPdb(['MODEL        1', atomLine({}), 'END'].join('\n')).frames).toHaveLength(1);
  });

  it('ignores TER, REMARK and other records and stops at END', () => {
    const text = ['REMARK   1 nothing', 'CRYST1', atomLine({}), 'TER       2      ALA A   1', 'END', atomLine({ serial: 3 })].join('\n');
    expect(readPdb(text).atoms.names).toEqual(['CA']);
  });
});

describe('readPdb errors name the line and say what is wrong', () => {
  const cases: [string, string, number, string][] = [
    ['a letter in x', atomLine({ x: '     abc' }), 1, "x coordinate 'abc' in columns 31–38 is not a number"],
    ['a blank z', atomLine({ z: '        ' }), 1, 'z coordinate in columns 47–54 is blank'],
    ['an infinite y', atomLine({ y: '   1e999' }), 1, "y coordinate '1e999' in columns 39–46 is not finite"],
    ['NaN in x', atomLine({ x: '     NaN' }), 1, "x coordinate 'NaN' in columns 31–38 is not a number"],
    ['a bad occupancy', `${atomLine({}).slice(0, 54)}  x.00`, 1, "occupancy 'x.00' in columns 55–60 is not a number"],
    ['a bad residue number', atomLine({ resSeq: '1?' }), 1, "residue number '1?' in columns 23–26 is not an integer"],
    ['a truncated line', `REMARK\n${atomLine({}).slice(0, 50)}`, 2, 'ATOM record is truncated: it has 50 characters but the coordinates need columns 31–54'],
    ['ENDMDL without MODEL', `${atomLine({})}\nENDMDL`, 2, 'ENDMDL without a matching MODEL record'],
    ['a MODEL inside a MODEL', `MODEL        1\n${atomLine({})}\nMODEL        2`, 3, 'MODEL inside the model opened at line 1; ENDMDL is missing'],
    ['atoms after ENDMDL', `MODEL        1\n${atomLine({})}\nENDMDL\n${atomLine({ serial: 2 })}`, 4, 'ATOM record after ENDMDL (line 3) is outside any MODEL'],
    ['atoms before MODEL', `${atomLine({})}\nMODEL        1`, 2, 'MODEL after atom records that belong to no model (from line 1)'],
    ['a MODEL cut off', `MODEL        1\n${atomLine({})}`, 1, 'MODEL has no ENDMDL before the end of the file; is the file truncated?'],
    ['no atoms', 'HEADER    NOTHING\nEND', 1, 'no ATOM or HETATM records; is this a PDB file?'],
    ['an empty string', '', 1, 'no ATOM or HETATM records; is this a PDB file?'],
    ['binary data', `REMARK\nREMARK  \u0000\u0001\u0002`, 2, 'byte 0x00 at column 9 is not text; is this a PDB file?'],
    ['a bad CONECT serial', `${atomLine({})}\nCONECT    1   x1`, 2, "CONECT serial 'x1' in columns 12–16 is not an integer"],
  ];
  it.each(cases)('%s', (_, text, line, detail) => {
    const error = formatError(() => readPdb(text, { file: 'bad.pdb' }));
    expect(error.line).toBe(line);
    expect(error.detail).toBe(detail);
    expect(error.message).toBe(`bad.pdb: line ${line}: ${detail}`);
  });

  it('a model with a different atom count or order names the line and both models', () => {
    const m1 = ['MODEL        1', atomLine({}), atomLine({ serial: 2, name: ' CB ' }), 'ENDMDL'];
    const fewer = ['MODEL        2', atomLine({}), 'ENDMDL'];
    const swapped = ['MODEL        2', atomLine({ serial: 2, name: ' CB ' }), atomLine({}), 'ENDMDL'];
    const more = ['MODEL        2', atomLine({}), atomLine({ serial: 2, name: ' CB ' }), atomLine({ serial: 3, name: ' CG ' }), 'ENDMDL'];
    const a = formatError(() => readPdb([...m1, ...fewer].join('\n')));
    expect(a.line).toBe(7);
    expect(a.detail).toMatch(/^model 2 \(from line 5\) has 1 atoms but model 1 \(from line 1\) has 2/);
    const b = formatError(() => readPdb([...m1, ...swapped].join('\n')));
    expect(b.line).toBe(6);
    expect(b.detail).toMatch(/^atom 1 of model 2 is 'CB ALA A1' but atom 1 of model 1 is 'CA ALA A1' \(line 2\)/);
    const c = formatError(() => readPdb([...m1, ...more].join('\n')));
    expect(c.line).toBe(8);
  });

  it('models "first" reads only model 1, even when later ones differ', () => {
    const text = ['MODEL        1', atomLine({}), 'ENDMDL', 'MODEL        2', atomLine({ name: ' CB ' }), 'ENDMDL'].join('\n');
    const s = readPdb(text, { models: 'first' });
    expect(s.frames).toHaveLength(1);
    expect(s.frameLabels).toEqual(['MODEL 1']);
  });
});
