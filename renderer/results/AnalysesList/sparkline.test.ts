import { describe, expect, it } from 'vitest';
import { sparklinePath, summarize } from './sparkline.ts';

describe('sparklinePath', () => {
  it('spans the box, y up, from the smallest to the largest value', () => {
    expect(sparklinePath([0, 1, 2], 12, 6, 1)).toBe('M1 5L6 3L11 1');
  });

  it('draws a constant as a flat line through the middle, and one value as a point', () => {
    expect(sparklinePath([3, 3], 10, 4, 0)).toBe('M0 2L10 2');
    expect(sparklinePath([7], 10, 4, 0)).toBe('M5 2');
  });

  it('breaks the line at non-finite values and is empty without any finite one', () => {
    expect(sparklinePath([0, NaN, 2, 4], 7, 4, 0)).toBe('M0 4M4.67 2L7 0');
    expect(sparklinePath([NaN], 10, 4)).toBe('');
    expect(sparklinePath([], 10, 4)).toBe('');
  });
});

describe('summarize', () => {
  it('gives min, max and mean of the finite values', () => {
    expect(summarize([1, 2, 6, NaN])).toEqual({ min: 1, max: 6, mean: 3 });
    expect(summarize([])).toEqual({ min: NaN, max: NaN, mean: NaN });
  });
});
