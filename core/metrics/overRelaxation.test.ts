import { describe, expect, it } from 'vitest';
import { OverRelaxation } from './overRelaxation.ts';

/**
 * Feeds `steps` errors of a linear iteration with plain rate θ run with the proposed ω: by Young's
 * relation the rate is the largest root λ of (λ + ω − 1)² = λ ω² θ, or ω − 1 beyond the optimum.
 * Returns the ω proposed after each step.
 */
function simulate(relaxation: OverRelaxation, theta: number, steps: number): number[] {
  const proposals: number[] = [];
  let error = 1;
  for (let k = 0; k < steps; k++) {
    relaxation.observe(error);
    proposals.push(relaxation.omega);
    const w = relaxation.omega;
    const b = w * w * theta - 2 * (w - 1);
    const discriminant = b * b - 4 * (w - 1) ** 2;
    error *= discriminant >= 0 ? Math.max((b + Math.sqrt(discriminant)) / 2, w - 1) : w - 1;
  }
  return proposals;
}

const optimum = (theta: number): number => 2 / (1 + Math.sqrt(1 - theta));

describe('OverRelaxation', () => {
  it('keeps ω near 1 when plain iterations already converge fast', () => {
    const proposals = simulate(new OverRelaxation(), 0.3, 30);
    expect(Math.max(...proposals)).toBeLessThanOrEqual(optimum(0.3) + 1e-9);
  });

  it('raises ω in steps of at most 0.3 towards 2 / (1 + √(1 − θ)) for a slow rate θ', () => {
    const proposals = simulate(new OverRelaxation(), 0.96, 40);
    expect(proposals[4]).toBe(1);
    expect(proposals[39]).toBeGreaterThan(1.5);
    expect(proposals[39]).toBeLessThanOrEqual(optimum(0.96) + 1e-9);
    for (let k = 1; k < proposals.length; k++) expect(proposals[k] - proposals[k - 1]).toBeLessThanOrEqual(0.3 + 1e-12);
  });

  it('falls back to ω = 1 for good when the error blows up', () => {
    const relaxation = new OverRelaxation();
    simulate(relaxation, 0.97, 12);
    expect(relaxation.omega).toBeGreaterThan(1);
    relaxation.observe(100);
    expect(relaxation.omega).toBe(1);
    simulate(relaxation, 0.97, 12);
    expect(relaxation.omega).toBe(1);
  });
});
