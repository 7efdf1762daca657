import { describe, expect, it } from 'vitest';
import { fastExp } from './fastExp.ts';
import { uniforms } from './fixtures/samples.ts';

describe('fastExp', () => {
  it('matches Math.exp to a few ulp over the whole range', () => {
    const u = uniforms(200_000, 3);
    let worst = 0;
    for (let k = 0; k < u.length; k++) {
      // Half the draws where Sinkhorn lives ([−40, 5]), half over the full double range.
      const x = k % 2 === 0 ? -40 + 45 * u[k] : -745 + 1454 * u[k];
      const exact = Math.exp(x);
      if (exact > 1e-300) worst = Math.max(worst, Math.abs(fastExp(x) - exact) / exact);
    }
    expect(worst).toBeLessThan(4 * Number.EPSILON);
  });

  it('is exact at 0 and defers to Math.exp outside ±708', () => {
    expect(fastExp(0)).toBe(1);
    expect(fastExp(-800)).toBe(0);
    expect(fastExp(710)).toBe(Infinity);
    expect(fastExp(Number.NaN)).toBeNaN();
    expect(fastExp(-Infinity)).toBe(0);
  });
});
