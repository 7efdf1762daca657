import { describe, expect, it } from 'vitest';
import { frameOffset, shapeProblem, shownParticles } from './frames.ts';
import { peptide } from './testing.ts';

describe('frameOffset', () => {
  it('finds particle p at slot s in a hand-built trajectory [slots, particles, 3 × atoms]', () => {
    const slots = 3, particles = 4, atoms = 5, dims = 3 * atoms;
    // Each value encodes where it belongs: 1000·slot + 100·particle + 10·atom + axis.
    const trajectory = new Float32Array(slots * particles * dims);
    let w = 0;
    for (let s = 0; s < slots; s++) for (let p = 0; p < particles; p++) for (let a = 0; a < atoms; a++) for (let k = 0; k < 3; k++) trajectory[w++] = 1000 * s + 100 * p + 10 * a + k;
    const r = { particles, dims };
    for (let s = 0; s < slots; s++) {
      for (let p = 0; p < particles; p++) {
        for (let a = 0; a < atoms; a++) for (let k = 0; k < 3; k++) expect(trajectory[frameOffset(r, p, s) + 3 * a + k]).toBe(1000 * s + 100 * p + 10 * a + k);
      }
    }
    expect(frameOffset({ particles: 2, dims: 12 }, 1, 2)).toBe(60);
  });
});

describe('shapeProblem', () => {
  it('accepts dims = 3 × atoms and says what is wrong otherwise', () => {
    const s = peptide();
    expect(shapeProblem({ dims: 27 }, s)).toBeUndefined();
    expect(shapeProblem({ dims: 3 }, s)).toBe("The solver's state has 3 components, but the structure's 9 atoms need 3 × 9 = 27.");
  });
});

describe('shownParticles', () => {
  it('shows the chosen particle alone, or an even spread over all of them', () => {
    expect(shownParticles(100, 1, 42)).toEqual([42]);
    expect(shownParticles(100, 1, 500)).toEqual([99]);
    expect(shownParticles(100, 4)).toEqual([0, 25, 50, 75]);
    expect(shownParticles(3, 16)).toEqual([0, 1, 2]);
  });
});
