/**
 * writePdb: exact columns, round trips through readPdb for every real file, and a check of the
 * written files by scripts/pdb_counts.py (a reader that is not ours). The real files live in
 * ../shared/data/pdb; their expected counts are core/io/fixtures/pdbCounts.json, regenerated with
 *
 *     /usr/bin/python3 scripts/pdb_counts.py
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import counts from './fixtures/pdbCounts.json';
import { readPdb, type PdbReadOptions } from './pdbRead.ts';
import { writePdb } from './pdbWrite.ts';
import type { MolecularStructure } from './structure.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = path.resolve(repoRoot, '../shared/data/pdb');
const haveData = existsSync(dataDir);
if (!haveData) console.warn(`pdbWrite.test.ts: skipping the real-file tests, ${dataDir} does not exist`);
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

/** Expects `b` to be `a` read back: same topology and bonds, coordinates within 0.001 Å. */
function expectSameStructure(b: MolecularStructure, a: MolecularStructure): void {
  const { serials: _a, ...topologyA } = a.atoms;
  const { serials: _b, ...topologyB } = b.atoms;
  expect(topologyB).toEqual(topologyA);
  expect(b.bonds).toEqual(a.bonds);
  expect(b.frames.length).toBe(a.frames.length);
  a.frames.forEach((frame, k) => {
    let worst = 0;
    frame.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b.frames[k][i]))));
    expect(worst).toBeLessThanOrEqual(1e-3);
  });
}

/** A small made-up structure: two chains, a hetero calcium, a bond. */
function sample(): MolecularStructure {
  return {
    title: 'A TEST',
    atoms: {
      names: ['N', 'CA', 'HG21', 'CA', 'O'],
      elements: ['N', 'C', 'H', 'Ca', 'O'],
      residueNames: ['ALA', 'ALA', 'THR', 'CA', 'HOH'],
      residueNumbers: [1, 1, -12, 301, 1002],
      insertionCodes: ['', '', 'B', '', ''],
      chainIds: ['A', 'A', 'A', 'B', ''],
      serials: [1, 2, 3, 4, 5],
      hetero: [false, false, false, true, true],
      occupancies: [1, 0.5, 1, 1, 0.25],
      bFactors: [10.5, 0, 99.99, 5, 0],
    },
    bonds: [[0, 1]],
    frames: [Float64Array.of(11.104, 6.134, -6.504, 0, 0, 0, -999.999, 9999.999, 1.2345, 1, 2, 3, 4, 5, 6)],
  };
}

describe('writePdb columns', () => {
  it('writes ATOM/HETATM in the exact PDB layout, names placed by element, TER at chain changes', () => {
    const lines = writePdb(sample()).split('\n');
    // Spot-check the columns of the standard (1-based, inclusive) on the third atom.
    const col = (line: string, from: number, to: number): string => line.slice(from - 1, to);
    expect([col(lines[3], 13, 16), col(lines[3], 18, 20), col(lines[3], 22, 22), col(lines[3], 23, 26), col(lines[3], 27, 27)]).toEqual(['HG21', 'THR', 'A', ' -12', 'B']);
    expect([col(lines[3], 31, 38), col(lines[3], 39, 46), col(lines[3], 47, 54), col(lines[3], 55, 60), col(lines[3], 61, 66), col(lines[3], 77, 78)]).toEqual([
      '-999.999',
      '9999.999',
      '   1.234',
      '  1.00',
      ' 99.99',
      ' H',
    ]);
    expect(lines).toEqual([
      'TITLE     A TEST'.padEnd(80),
      'ATOM      1  N   ALA A   1      11.104   6.134  -6.504  1.00 10.50           N  ',
      'ATOM      2  CA  ALA A   1       0.000   0.000   0.000  0.50  0.00           C  ',
      'ATOM      3 HG21 THR A -12B   -999.9999999.999   1.234  1.00 99.99           H  ',
      'TER              THR A -12B'.padEnd(80), // serial 4 is taken: a TER without one
      'HETATM    4 CA    CA B 301       1.000   2.000   3.000  1.00  5.00          CA  ',
      'TER               CA B 301'.padEnd(80),
      'HETATM    5  O   HOH  1002       4.000   5.000   6.000  0.25  0.00           O  ',
      'TER       6      HOH  1002'.padEnd(80),
      'CONECT    1    2'.padEnd(80),
      'CONECT    2    1'.padEnd(80),
      'END'.padEnd(80),
      '',
    ]);
  });

  it('reads back what it wrote', () => {
    const s = sample();
    const back = readPdb(writePdb(s));
    expectSameStructure(back, s);
    expect(back.title).toBe('A TEST');
    expect(back.atoms.serials).toEqual([1, 2, 3, 4, 5]);
  });

  it('writes MODEL / ENDMDL only when more than one frame is written, and TER at the end of each model', () => {
    const s = sample();
    s.frames.push(s.frames[0].map((v) => v / 2));
    const both = writePdb(s);
    expect(both.match(/^MODEL {8}[12] *$/gm)).toEqual(['MODEL        1'.padEnd(80), 'MODEL        2'.padEnd(80)]);
    expect(both.match(/^ENDMDL/gm)).toHaveLength(2);
    expect(both.match(/^TER/gm)).toHaveLength(6);
    expect(both.match(/^CONECT/gm)).toHaveLength(2); // once, after the models
    expectSameStructure(readPdb(both), s);

    const second = writePdb(s, { frames: [1] });
    expect(second).not.toMatch(/^MODEL/m);
    expect(readPdb(second).frames[0][0]).toBeCloseTo(5.552, 3);
    expect(readPdb(writePdb(s, { frames: [1, 0] })).frames.map((f) => f[0])).toEqual([5.552, 11.104]);
  });

  it('wraps a long title onto continuation lines that read back as the same text', () => {
    const title = Array.from({ length: 40 }, (_, k) => `WORD${k}`).join(' ');
    const text = writePdb(sample(), { title });
    const titleLines = text.split('\n').filter((l) => l.startsWith('TITLE'));
    expect(titleLines.length).toBeGreaterThan(2);
    expect(titleLines[1].slice(0, 11)).toBe('TITLE    2 ');
    for (const line of titleLines) expect(line.length).toBe(80);
    expect(readPdb(text).title).toBe(title);
  });

  it('lists up to four partners per CONECT record', () => {
    const s = sample();
    s.bonds = [
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
      [1, 2],
    ];
    const conect = writePdb(s).split('\n').filter((l) => l.startsWith('CONECT'));
    expect(conect.slice(0, 2).map((l) => l.trimEnd())).toEqual(['CONECT    1    2    3    4    5', 'CONECT    2    1    3']);
    expect(readPdb(writePdb(s)).bonds).toEqual(s.bonds);
  });

  it('renumbers atoms when serials repeat or do not fit five columns; TER records then take numbers', () => {
    const s = sample();
    s.atoms.serials = [7, 7, 8, 9, 123456];
    const back = readPdb(writePdb(s));
    expect(back.atoms.serials).toEqual([1, 2, 3, 5, 7]);
    expect(back.bonds).toEqual([[0, 1]]);
  });

  it.each([
    ['x of 10000', (s: MolecularStructure) => (s.frames[0][0] = 10000), /atom 0 \(N ALA A1\) in frame 0 has x = 10000, which does not fit the 8-column coordinate field/],
    ['y below -999.999', (s: MolecularStructure) => (s.frames[0][4] = -1000), /atom 1 \(CA ALA A1\) in frame 0 has y = -1000/],
    ['NaN', (s: MolecularStructure) => (s.frames[0][14] = NaN), /atom 4 \(O HOH 1002\) in frame 0 has z = NaN/],
    ['a five-letter name', (s: MolecularStructure) => (s.atoms.names[1] = 'CALPHA'), /atom 1 \(CALPHA ALA A1\) has atom name 'CALPHA', which does not fit columns 13–16/],
    ['a long residue name', (s: MolecularStructure) => (s.atoms.residueNames[0] = 'ALAN'), /has residue name 'ALAN', which does not fit columns 18–20/],
    ['a two-letter chain', (s: MolecularStructure) => (s.atoms.chainIds[0] = 'AB'), /has chain id 'AB', which does not fit columns 22/],
    ['residue 10000', (s: MolecularStructure) => (s.atoms.residueNumbers[0] = 10000), /has residue number 10000, which does not fit columns 23–26/],
    ['occupancy 1000', (s: MolecularStructure) => (s.atoms.occupancies[0] = 1000), /has occupancy 1000, which does not fit columns 55–60/],
    ['a newline in a name', (s: MolecularStructure) => (s.atoms.names[0] = 'N\n'), /atom name 'N\n'/],
    ['a frame that does not exist', () => undefined, /frame index 3 is out of range/, { frames: [3] }],
    ['a column of the wrong length', (s: MolecularStructure) => s.atoms.elements.pop(), /atoms\.elements has 4 entries but atoms\.names has 5/],
  ] as [string, (s: MolecularStructure) => unknown, RegExp, { frames: number[] }?][])(
    'refuses %s rather than write a corrupt file',
    (_, spoil, message, options) => {
      const s = sample();
      spoil(s);
      expect(() => writePdb(s, options)).toThrow(message);
    },
  );

  it('names the frame of a coordinate that does not fit', () => {
    const s = sample();
    s.frames.push(s.frames[0].map((v, i) => (i === 3 ? -1234.5 : v)));
    expect(() => writePdb(s)).toThrow(/atom 1 \(CA ALA A1\) in frame 1 has x = -1234.5/);
  });
});

describe.skipIf(!haveData)('writePdb round trips the real files', () => {
  const read: [string, PdbReadOptions][] = [
    ['1A8O.pdb', {}],
    ['2BEG.pdb', {}],
    ['1LCD.pdb', { models: 'common' }],
    ['1LCD.pdb', { models: 'first' }],
    ['disordered.pdb', {}],
    ['disordered.pdb', { altLoc: 'all' }],
  ];
  it.each(read)('%s %j → write → read gives the same structure', (name, options) => {
    const original = readPdb(load(name), options);
    const text = writePdb(original);
    const back = readPdb(text);
    expectSameStructure(back, original);
    expect(back.title).toBe(original.title);
    expect(back.frameLabels).toEqual(original.frames.length > 1 ? original.frames.map((_, k) => `MODEL ${k + 1}`) : undefined);
    for (const line of text.split('\n').slice(0, -1)) expect(line.length).toBe(80);
  });

  it('keeps the serials of files whose serials are unique (2BEG), renumbers those that repeat (1A8O)', () => {
    const beg = readPdb(load('2BEG.pdb'));
    expect(readPdb(writePdb(beg)).atoms.serials).toEqual(beg.atoms.serials);
    const a8o = readPdb(load('1A8O.pdb'));
    expect(new Set(a8o.atoms.serials).size).toBeLessThan(a8o.atoms.serials.length);
    const renumbered = readPdb(writePdb(a8o)).atoms.serials;
    expect(new Set(renumbered).size).toBe(renumbered.length);
  });

  describe('scripts/pdb_counts.py, a reader that is not ours, finds the same counts in what we write', () => {
    const tempDir = mkdtempSync(path.join(tmpdir(), 'sde-pdb-'));
    afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
    const fixture: Record<string, FileCounts> = counts;
    it.each(['1A8O.pdb', '2BEG.pdb', 'disordered.pdb'])('%s', (name) => {
      const file = path.join(tempDir, name);
      writeFileSync(file, writePdb(readPdb(load(name))));
      const script = 'import json, sys; sys.path.insert(0, sys.argv[1]); import pdb_counts; print(json.dumps(pdb_counts.count(sys.argv[2])))';
      const ours = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path.join(repoRoot, 'scripts'), file], { encoding: 'utf8' }));
      const expected = fixture[name];
      for (const key of ['atoms', 'hetatm', 'residues', 'chains', 'elementCounts', 'conectResolved', 'title'] as const) {
        expect(ours[key], key).toEqual(expected[key]);
      }
      expect(ours.coordinateSum).toBeCloseTo(expected.coordinateSum, 2);
      expect(ours.altLocDropped).toBe(0);
    });
  });
});
