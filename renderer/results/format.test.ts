import { describe, expect, it } from 'vitest';
import { formatCount, formatSeconds, formatStat, formatTick, niceTicks } from './format.ts';

describe('formatting', () => {
  it('prints statistics as plain numbers', () => {
    expect(formatStat(0.912345678)).toBe('0.91235');
    expect(formatStat(-12345.678)).toBe('-12346');
    expect(Number(formatStat(1.5e-8))).toBeCloseTo(1.5e-8, 12);
    expect(formatStat(0)).toBe('0');
  });

  it('picks round ticks', () => {
    expect(niceTicks(0, 10, 5)).toEqual({ ticks: [0, 2, 4, 6, 8, 10], step: 2 });
    expect(niceTicks(-0.3, 0.3, 4).ticks.map((t) => formatTick(t, 0.2))).toEqual(['-0.2', '0', '0.2']);
    expect(niceTicks(-23.4, 51.2, 5).ticks).toEqual([-20, 0, 20, 40]);
  });

  it('prints durations and counts', () => {
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
    expect(formatSeconds(3.21)).toBe('3.21 s');
    expect(formatSeconds(125)).toBe('2 min 05 s');
    expect(formatCount(31_975_000)).toBe('32.0 M');
    expect(formatCount(950)).toBe('950');
  });
});
