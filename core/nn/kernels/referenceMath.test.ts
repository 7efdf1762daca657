import { describe, expect, it } from 'vitest';
import { erfc, normalCdf } from './referenceMath.ts';

describe('erfc (float64 reference)', () => {
  // Values of the C library's erfc (Python math.erfc), to 16 digits.
  const KNOWN: [number, number][] = [
    [0.1, 0.8875370839817152], [0.5, 0.4795001221869535], [1, 0.15729920705028513],
    [2.4, 0.0006885138966450789], [2.5, 0.0004069520174449589], [2.6, 0.00023603441652934908],
    [3, 2.2090496998585438e-5], [5, 1.5374597944280351e-12], [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296], [-1, 1.842700792949715],
  ];
  it.each(KNOWN)('erfc(%d) to 1e-13 relative', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-13);
  });

  it('is continuous where the series hands over to the continued fraction', () => {
    const below = erfc(2.5 - 1e-12);
    const above = erfc(2.5);
    expect(Math.abs(below - above) / above).toBeLessThan(1e-10);
  });

  it('gives the normal CDF: Φ(0) = ½, Φ(−x) = 1 − Φ(x), NaN stays NaN', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1.3) + normalCdf(1.3)).toBeCloseTo(1, 15);
    expect(erfc(NaN)).toBeNaN();
  });
});
