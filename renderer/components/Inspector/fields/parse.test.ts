import { describe, expect, it } from 'vitest';
import { formatExtensions, parseFilePath, parseNumber, parseNumberList, parseNumberOrList, parseVectorList, rangeHint } from './parse.ts';

describe('field parsing', () => {
  it('reads numbers and refuses everything else', () => {
    expect(parseNumber(' 2.5 ')).toBe(2.5);
    expect(parseNumber('1e-3')).toBe(0.001);
    expect(parseNumber('−1')).toBe(-1);
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber('abc')).toBeUndefined();
    expect(parseNumber('Infinity')).toBeUndefined();
  });

  it('reads lists with or without brackets', () => {
    expect(parseNumberList('1, 2, 3')).toEqual([1, 2, 3]);
    expect(parseNumberList('[1,2]')).toEqual([1, 2]);
    expect(parseNumberList('1 2')).toEqual([1, 2]);
    expect(parseNumberList('1, x')).toBeUndefined();
    expect(parseNumberList('[]')).toBeUndefined();
  });

  it('tells a number from a list', () => {
    expect(parseNumberOrList('0.5')).toBe(0.5);
    expect(parseNumberOrList('0.5, 1')).toEqual([0.5, 1]);
    expect(parseNumberOrList('[0.5]')).toEqual([0.5]);
  });

  it('reads a vector per line, or JSON', () => {
    expect(parseVectorList('-2, 0\n2, 0\n')).toEqual([[-2, 0], [2, 0]]);
    expect(parseVectorList('[[1], [2]]')).toEqual([[1], [2]]);
    expect(parseVectorList('1, a')).toBeUndefined();
  });

  it('says the range briefly and leaves out format limits', () => {
    expect(rangeHint({ min: 0 })).toBe('≥ 0');
    expect(rangeHint({ min: 0, exclusiveMin: true })).toBe('> 0');
    expect(rangeHint({ min: 1, max: 2 ** 31 - 1 })).toBe('≥ 1');
    expect(rangeHint({ min: 0, max: 100000 })).toBe('0 … 100000');
    expect(rangeHint({})).toBe('');
  });
});

describe('file params', () => {
  it('parseFilePath keeps the path as typed, trimmed; empty is not a path', () => {
    expect(parseFilePath('  data/protein.pdb ')).toBe('data/protein.pdb');
    expect(parseFilePath('alpha helix.pdb')).toBe('alpha helix.pdb');
    expect(parseFilePath('   ')).toBeUndefined();
    expect(parseFilePath('a\0b.pdb')).toBeUndefined();
  });

  it('formatExtensions lists the accepted extensions', () => {
    expect(formatExtensions(['.pdb', '.xyz'])).toBe('.pdb or .xyz');
    expect(formatExtensions(['.npy', '.csv', '.pdb'])).toBe('.npy, .csv or .pdb');
    expect(formatExtensions(['.npy'])).toBe('.npy');
    expect(formatExtensions(undefined)).toBe('any file');
  });
});
