/**
 * Fuzzing the structure readers: thousands of files made by damaging the real PDB files (and XYZ
 * written from them). For each, readPdb / readXyz must either return a well-formed structure
 * (columns of equal length, 3 × atoms finite coordinates per frame, bonds i < j inside the atom
 * range, one label per frame) or throw a StructureFormatError. Any other exception fails, and so
 * would a hang (the test has a time limit). Deterministic: a seeded xorshift generator.
 *
 * To stay fast, most cases damage excerpts of a few hundred lines around the ATOM records (every
 * record type the reader handles is kept in them); a few damage whole files.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPdb, type PdbReadOptions } from './pdbRead.ts';
import { writePdb } from './pdbWrite.ts';
import { atomCount, StructureFormatError, type MolecularStructure } from './structure.ts';
import { readXyz, writeXyz } from './xyz.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = path.resolve(repoRoot, '../shared/data/pdb');
const haveData = existsSync(dataDir);
if (!haveData) console.warn(`structureFuzz.test.ts: skipping, ${dataDir} does not exist`);
const load = (name: string): string[] => readFileSync(path.join(dataDir, name), 'utf8').split('\n');

/** xorshift32: a tiny deterministic generator; `next()` is uniform in [0, 1). */
function xorshift(seed: number): { next: () => number; int: (n: number) => number; pick: <T>(items: readonly T[]) => T } {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)] };
}

const GARBAGE = [
  'abc', 'X', '-', '--', '.', '..', '*', '*****', '+', 'e', '1e308', '-1e308', '1e309', '9'.repeat(20), '-'.repeat(8),
  'NaN', 'Infinity', '-Infinity', '0x1F', '1.2.3', '1e-400', '  ', '', '\u0000', '\u0000\u0001\u0002', '\u00ff\u00fe',
  'é', 'Å', '😀', '\uFFFD', '\t', '\r', '\u2028', '-0', '00000', '99999', 'A0000', 'zzzzz', 'MODEL', 'ENDMDL', 'END',
];

/** The record types of an excerpt: enough of each file to exercise every path of the reader. */
function excerpts(): { name: string; lines: string[]; options: PdbReadOptions }[] {
  const isAtom = (l: string): boolean => l.startsWith('ATOM') || l.startsWith('HETATM');
  const a8o = load('1A8O.pdb');
  const beg = load('2BEG.pdb');
  const lcd = load('1LCD.pdb');
  const disordered = load('disordered.pdb');
  const title = (lines: string[]): string[] => lines.filter((l) => l.startsWith('TITLE'));
  const modelAtoms = (lines: string[], model: number, count: number): string[] => {
    const start = lines.findIndex((l) => l.startsWith(`MODEL     ${String(model).padStart(4)}`));
    return lines.slice(start + 1).filter(isAtom).slice(0, count);
  };
  return [
    {
      name: '1A8O excerpt',
      lines: [...title(a8o), ...a8o.filter(isAtom).slice(0, 150), a8o.find((l) => l.startsWith('TER')) ?? 'TER', ...a8o.filter(isAtom).slice(-20), ...a8o.filter((l) => l.startsWith('CONECT')), 'END'],
      options: {},
    },
    { name: '2BEG excerpt', lines: [...title(beg), 'MODEL        1', ...beg.filter(isAtom).slice(0, 200), 'TER', 'ENDMDL', 'END'], options: {} },
    {
      name: '1LCD two models',
      lines: [...title(lcd), 'MODEL        1', ...modelAtoms(lcd, 1, 80), 'TER', 'ENDMDL', 'MODEL        2', ...modelAtoms(lcd, 2, 80), 'ENDMDL', 'CONECT    1    2', 'CONECT    2    3', 'END'],
      options: {},
    },
    {
      name: '1LCD three models, common atoms',
      lines: [...title(lcd), ...[1, 2, 3].flatMap((m) => [`MODEL     ${String(m).padStart(4)}`, ...modelAtoms(lcd, m, 60), 'ENDMDL']), 'END'],
      options: { models: 'common' },
    },
    { name: 'disordered', lines: disordered, options: {} },
    { name: 'disordered, every altLoc', lines: disordered, options: { altLoc: 'all' } },
  ];
}

/** One random change to the lines of a PDB file. */
function mutatePdb(lines: string[], rng: ReturnType<typeof xorshift>): string[] {
  const out = [...lines];
  const atomLines = out.map((l, i) => (l.startsWith('ATOM') || l.startsWith('HETATM') ? i : -1)).filter((i) => i >= 0);
  const target = (): number => (atomLines.length > 0 && rng.next() < 0.8 ? rng.pick(atomLines) : rng.int(out.length));
  switch (rng.int(9)) {
    case 0: {
      const i = target();
      out[i] = out[i].slice(0, rng.int(82));
      break;
    }
    case 1:
    case 2: {
      // Overwrite columns with garbage, mostly inside the numeric fields (columns 1–80).
      const i = target();
      const junk = rng.pick(GARBAGE);
      const at = rng.next() < 0.7 ? rng.pick([6, 12, 16, 17, 21, 22, 26, 30, 38, 46, 54, 60, 76]) : rng.int(82);
      out[i] = out[i].padEnd(at).slice(0, at) + junk + out[i].slice(at + junk.length);
      break;
    }
    case 3:
      out.splice(target(), 1);
      break;
    case 4: {
      const i = target();
      out.splice(rng.int(out.length + 1), 0, out[i]);
      break;
    }
    case 5: {
      // Move, drop, duplicate or swap MODEL / ENDMDL records.
      const models = out.map((l, i) => (/^(MODEL|ENDMDL)/.test(l) ? i : -1)).filter((i) => i >= 0);
      if (models.length === 0) {
        out.splice(rng.int(out.length + 1), 0, rng.pick(['MODEL        1', 'ENDMDL', 'MODEL        2']));
        break;
      }
      const i = rng.pick(models);
      const [record] = out.splice(i, 1);
      const action = rng.int(3);
      if (action === 0) out.splice(rng.int(out.length + 1), 0, record);
      else if (action === 1) out.splice(rng.int(out.length + 1), 0, record, record);
      else out.splice(i, 0, record.startsWith('MODEL') ? 'ENDMDL' : 'MODEL        9');
      break;
    }
    case 6: {
      // Cut the file at a random character.
      const text = out.join('\n');
      return text.slice(0, rng.int(text.length + 1)).split('\n');
    }
    case 7: {
      const i = rng.int(out.length);
      const j = rng.int(out.length);
      [out[i], out[j]] = [out[j], out[i]];
      break;
    }
    default: {
      // A line of random characters, sometimes posing as a record.
      const length = rng.int(90);
      let junk = rng.pick(['', 'ATOM  ', 'HETATM', 'CONECT', 'TITLE ', 'MODEL ']);
      for (let k = 0; k < length; k++) junk += String.fromCharCode(rng.next() < 0.9 ? 32 + rng.int(95) : rng.int(0x3000));
      out.splice(rng.int(out.length + 1), 0, junk);
    }
  }
  return out;
}

/** One random change to an XYZ file. */
function mutateXyz(lines: string[], rng: ReturnType<typeof xorshift>): string[] {
  const out = [...lines];
  const i = rng.int(out.length);
  switch (rng.int(6)) {
    case 0:
      out[i] = out[i].slice(0, rng.int(out[i].length + 1));
      break;
    case 1: {
      const tokens = out[i].split(/\s+/);
      tokens[rng.int(tokens.length)] = rng.pick(GARBAGE);
      out[i] = tokens.join(rng.pick([' ', '\t', '   ']));
      break;
    }
    case 2:
      out.splice(i, 1);
      break;
    case 3:
      out.splice(rng.int(out.length + 1), 0, out[i]);
      break;
    case 4:
      out[rng.int(2)] = rng.pick(['0', '-3', '1e3', '9'.repeat(20), 'three', '', ` ${out[0]} `, String(Number(out[0]) + 1)]);
      break;
    default: {
      const text = out.join('\n');
      return text.slice(0, rng.int(text.length + 1)).split('\n');
    }
  }
  return out;
}

/** Why `s` is not a well-formed structure, or undefined when it is. */
function problem(s: MolecularStructure): string | undefined {
  const n = atomCount(s);
  if (n === 0) return 'no atoms';
  for (const [column, values] of Object.entries(s.atoms) as [string, unknown[]][]) {
    if (values.length !== n) return `atoms.${column} has ${values.length} entries, names has ${n}`;
  }
  if (s.frames.length === 0) return 'no frames';
  for (const frame of s.frames) {
    if (!(frame instanceof Float64Array) || frame.length !== 3 * n) return `a frame has ${frame.length} numbers for ${n} atoms`;
    if (!frame.every(Number.isFinite)) return 'a coordinate is not finite';
  }
  if (s.frameLabels && s.frameLabels.length !== s.frames.length) return 'frameLabels and frames differ in length';
  for (const [i, j] of s.bonds) if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && i < j && j < n)) return `bad bond [${i}, ${j}]`;
  if (typeof s.title !== 'string') return 'title is not a string';
  return undefined;
}

/** Reads `text`; returns a failure message, or undefined when the reader behaved. */
function check(read: () => MolecularStructure): { failure?: string; structure?: MolecularStructure } {
  let s: MolecularStructure;
  try {
    s = read();
  } catch (error) {
    if (error instanceof StructureFormatError) {
      if (!(error.line >= 1) || !error.message.includes(`line ${error.line}`)) return { failure: `error without a usable line: ${error.message}` };
      return {};
    }
    return { failure: `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
  }
  const wrong = problem(s);
  return wrong ? { failure: wrong } : { structure: s };
}

describe.skipIf(!haveData)('structure readers survive damaged files', () => {
  it('1,200 damaged PDB files and 400 damaged XYZ files: a structure or a StructureFormatError, nothing else', () => {
    const started = performance.now();
    const rng = xorshift(20240611);
    const bases = excerpts();
    for (const base of bases) expect(problem(readPdb(base.lines.join('\n'), base.options)), base.name).toBeUndefined();
    const failures: string[] = [];
    const outcomes = { read: 0, refused: 0, rewritten: 0 };
    let slowest = 0;

    const runCase = (label: string, text: string, read: () => MolecularStructure): MolecularStructure | undefined => {
      const start = performance.now();
      const { failure, structure } = check(read);
      slowest = Math.max(slowest, performance.now() - start);
      if (failure) failures.push(`${label}: ${failure}\n--- input (first 400 chars) ---\n${JSON.stringify(text.slice(0, 400))}`);
      if (structure) outcomes.read++;
      else if (!failure) outcomes.refused++;
      return structure;
    };

    for (let k = 0; k < 1200; k++) {
      const base = bases[k % bases.length];
      let lines = base.lines;
      const mutations = 1 + rng.int(4);
      for (let m = 0; m < mutations; m++) lines = mutatePdb(lines, rng);
      const text = lines.join(rng.next() < 0.1 ? '\r\n' : '\n');
      const s = runCase(`PDB case ${k} (${base.name})`, text, () => readPdb(text, base.options));
      // What was read, if it can be written, must read back with the same atoms.
      if (s && k % 4 === 0) {
        let written: string | undefined;
        try {
          written = writePdb(s);
        } catch (error) {
          if (!(error instanceof Error) || !error.message.startsWith('cannot write PDB')) failures.push(`PDB case ${k}: writePdb threw ${String(error)}`);
        }
        if (written !== undefined) {
          outcomes.rewritten++;
          const back = runCase(`PDB case ${k} rewritten`, written, () => readPdb(written));
          if (back && atomCount(back) !== atomCount(s)) failures.push(`PDB case ${k}: rewritten file has ${atomCount(back)} atoms, not ${atomCount(s)}`);
        }
      }
    }

    // Whole files, a few times each (most of their lines are not atoms).
    for (const name of ['1A8O.pdb', '2BEG.pdb', '1LCD.pdb']) {
      const lines = load(name);
      for (let k = 0; k < 8; k++) {
        const text = mutatePdb(mutatePdb(lines, rng), rng).join('\n');
        runCase(`whole ${name} case ${k}`, text, () => readPdb(text, { models: name === '1LCD.pdb' ? 'common' : 'same' }));
      }
    }

    const small = readPdb(bases[2].lines.join('\n'));
    const xyzBases = [writeXyz(small).split('\n'), ['3', 'water', 'O 0 0 0.1173', 'H 0 0.7572 -0.4692', 'H 0 -0.7572 -0.4692', '3', 'water 2', 'O 0 0 0.2', 'H 0 0.8 -0.5', 'H 0 -0.8 -0.5']];
    for (let k = 0; k < 400; k++) {
      let lines = xyzBases[k % 2];
      const mutations = 1 + rng.int(3);
      for (let m = 0; m < mutations; m++) lines = mutateXyz(lines, rng);
      const text = lines.join('\n');
      runCase(`XYZ case ${k}`, text, () => readXyz(text));
    }

    // Adversarial shapes that would expose quadratic work or unbounded allocation.
    const adversarial = [
      `1\n\nO ${'9'.repeat(200_000)}x 0 0\n`,
      `${'9'.repeat(5000)}\n\nO 0 0 0\n`,
      `ATOM      1  CA  ALA A   1    ${'1'.repeat(100_000)}`,
      'REMARK '.repeat(100_000),
      '\n'.repeat(200_000),
      `${'MODEL        1\n'.repeat(2)}`,
      'ENDMDL\n'.repeat(10_000),
      `${'CONECT    1    2    3    4    5\n'.repeat(20_000)}ATOM      1  CA  ALA A   1       0.000   0.000   0.000`,
    ];
    for (const [k, text] of adversarial.entries()) {
      runCase(`adversarial PDB ${k}`, text, () => readPdb(text));
      runCase(`adversarial XYZ ${k}`, text, () => readXyz(text));
    }

    const elapsed = performance.now() - started;
    console.info(
      `structure fuzz: ${outcomes.read} read, ${outcomes.refused} refused with StructureFormatError, ` +
        `${outcomes.rewritten} rewritten; slowest case ${slowest.toFixed(1)} ms; total ${(elapsed / 1000).toFixed(2)} s`,
    );
    expect(failures.slice(0, 5)).toEqual([]);
    // Both outcomes must occur, or the mutations are too weak (or too strong) to test anything.
    expect(outcomes.read).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  }, 60_000);
});
