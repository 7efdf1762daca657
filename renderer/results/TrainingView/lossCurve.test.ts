import { describe, expect, it } from 'vitest';
import { canUseLog, formatIterationTick, formatLossTick, iterationAxisEnd, logTicks, lossRange, smoothingWindow, smoothLosses, spreadPoints } from './lossCurve.ts';

describe('loss curve numbers', () => {
  it('smooths without pulling the start towards zero, and follows a constant exactly', () => {
    const constant = smoothLosses(new Float64Array(100).fill(2.5), 20);
    for (const v of constant) expect(v).toBeCloseTo(2.5, 12);
    // Noise around a falling trend: the smoothed curve is far less noisy than the raw one.
    const raw = Float64Array.from({ length: 2000 }, (_, i) => Math.exp(-i / 500) * (1 + 0.5 * Math.sin(i * 12.9898)));
    const smooth = smoothLosses(raw, 50);
    const roughness = (a: Float64Array) => a.slice(1).reduce((s, v, i) => s + Math.abs(v - a[i]), 0);
    expect(roughness(smooth)).toBeLessThan(roughness(raw) / 5);
    expect(smooth[0]).toBeCloseTo(raw[0], 12);
  });

  it('skips non-finite losses', () => {
    const s = smoothLosses([NaN, 1, Infinity, 1], 3);
    expect(Number.isNaN(s[0])).toBe(true);
    expect(s[1]).toBeCloseTo(1);
    expect(s[3]).toBeCloseTo(1);
  });

  it('spreads at most max points, keeping both ends', () => {
    expect(spreadPoints(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const p = spreadPoints(100_000, 4000);
    expect(p.length).toBe(4000);
    expect(p[0]).toBe(0);
    expect(p.at(-1)).toBe(99_999);
    expect(smoothingWindow(10)).toBe(1);
    expect(smoothingWindow(4000)).toBe(100);
  });

  it('allows a log axis only for positive losses, with decade ticks', () => {
    expect(canUseLog([0.5, 0.1])).toBe(true);
    expect(canUseLog([0.5, -0.1])).toBe(false);
    expect(canUseLog([])).toBe(false);
    const [lo, hi] = lossRange([1e-3, 10], true);
    expect(lo).toBeLessThan(-3);
    expect(hi).toBeGreaterThan(1);
    expect(logTicks(lo, hi)).toEqual([-3, -2, -1, 0, 1]);
    // Within one decade: 1, 2, 5 × 10^k.
    expect(logTicks(Math.log10(0.15), Math.log10(0.9)).map((t) => formatLossTick(10 ** t))).toEqual(['0.2', '0.5']);
    // Narrower still: round linear values.
    expect(logTicks(Math.log10(0.21), Math.log10(0.26)).length).toBeGreaterThanOrEqual(2);
    // Many decades: every other one.
    expect(logTicks(-10, 4).length).toBeLessThanOrEqual(7);
  });

  it('labels ticks briefly', () => {
    expect(formatLossTick(1e-5)).toBe('1e-5');
    expect(formatLossTick(0.01)).toBe('0.01');
    expect(formatLossTick(20)).toBe('20');
    expect(formatLossTick(2e6)).toBe('2e6');
  });
});

describe('the iteration axis', () => {
  it('grows with a long training until 5 % of it is done, then spans the target; a finished or stopped one spans what was done', () => {
    expect(iterationAxisEnd(100, 200_000, true)).toBe(125);
    expect(iterationAxisEnd(1, 200_000, true)).toBe(10);
    expect(iterationAxisEnd(40, 600, true)).toBe(600);
    expect(iterationAxisEnd(146, 200_000, false)).toBe(146);
    expect(formatIterationTick(500)).toBe('500');
    expect(formatIterationTick(150_000)).toBe('150k');
    expect(formatIterationTick(2_500_000)).toBe('2.5M');
  });
});
