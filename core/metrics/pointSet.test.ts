import { describe, expect, it } from 'vitest';
import { assertComparable, makePointSet, pointSetFromRows, squaredDistance, validatePointSet } from './pointSet.ts';

describe('point sets', () => {
  it('builds from flat data or rows, row-major', () => {
    const fromRows = pointSetFromRows([[0, 0], [1, 0], [0, 2]]);
    expect(fromRows).toMatchObject({ n: 3, d: 2 });
    expect(Array.from(fromRows.data)).toEqual([0, 0, 1, 0, 0, 2]);
    const typed = new Float32Array([1, 2, 3]);
    expect(makePointSet(typed, 3, 1).data).toBe(typed);
    expect(makePointSet([1, 2, 3, 4], 2, 2).data).toBeInstanceOf(Float64Array);
    expect(squaredDistance(fromRows.data, 1, fromRows.data, 2, 2)).toBe(5);
  });

  it('says what is wrong: sizes, lengths, non-finite values, dimensions', () => {
    expect(() => makePointSet([1, 2, 3], 2, 2, 'samples')).toThrow(/samples: data has 3 numbers but n·d = 2·2 = 4/);
    expect(() => makePointSet([], 0, 2)).toThrow(/n must be a positive integer/);
    expect(() => makePointSet([1], 1, 0)).toThrow(/d must be a positive integer/);
    expect(() => makePointSet([0, 0, 1, Number.NaN], 2, 2, 'a')).toThrow(/a: coordinate 1 of point 1 is NaN/);
    expect(() => validatePointSet({ data: new Float64Array([Infinity]), n: 1, d: 1 })).toThrow(/is Infinity/);
    expect(() => pointSetFromRows([[0, 0], [1]])).toThrow(/point 1 has 1 coordinates but point 0 has 2/);
    expect(() => pointSetFromRows([])).toThrow(/at least one point/);
    expect(() => assertComparable(pointSetFromRows([[0, 0]]), pointSetFromRows([[0, 0, 0]]))).toThrow(/dimension 2 but b has dimension 3/);
  });
});
