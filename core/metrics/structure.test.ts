// Reference values come from fixtures/metricsReference.json (NumPy/SciPy). Regenerate it from the
// repository root with: /usr/bin/python3 scripts/metrics_reference.py. The tests never run Python.
import { describe, expect, it } from 'vitest';
import { reference } from './fixtures/reference.ts';
import { gaussianSet } from './fixtures/samples.ts';
import { fillStandardNormal, mulberry32 } from './random.ts';
import { applyRigidMotion, kabsch, radiusOfGyration, rmsdAfterSuperposition, rmsf, rmsfPerResidue, superpose } from './structure.ts';

/** A random proper rotation from a random unit quaternion. */
function randomRotation(seed: number): Float64Array {
  const q = fillStandardNormal(mulberry32(seed), new Float64Array(4));
  const [a, b, c, d] = q.map((x) => x / Math.hypot(...q));
  return Float64Array.of(
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d,
  );
}

const determinant = (r: Float64Array): number =>
  r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);

/** N atoms spread over a box of a few nm, as a protein-sized blob. */
const structure = (atoms: number, seed: number): Float64Array => gaussianSet(atoms, 3, seed, 8).data as Float64Array;

/**
 * Σ_c [(I − P) diag(σ²) (I − P)]_(kc,kc) per atom k, with P the orthogonal projector onto the six
 * infinitesimal rigid motions of `coords` (3 translations, 3 rotations about the centroid).
 */
function expectedMeanSquareFluctuation(coords: Float64Array, sigma: Float64Array): Float64Array {
  const size = coords.length;
  const atoms = size / 3;
  const center = [0, 1, 2].map((c) => coords.filter((_, k) => k % 3 === c).reduce((s, x) => s + x, 0) / atoms);
  const basis: Float64Array[] = [];
  for (let c = 0; c < 3; c++) basis.push(Float64Array.from({ length: size }, (_, k) => (k % 3 === c ? 1 : 0)));
  for (let axis = 0; axis < 3; axis++) {
    // ω × r with ω = e_axis.
    basis.push(Float64Array.from({ length: size }, (_, k) => {
      const atom = Math.floor(k / 3);
      const r = [0, 1, 2].map((c) => coords[3 * atom + c] - center[c]);
      const omega = [0, 1, 2].map((c) => (c === axis ? 1 : 0));
      const cross = [omega[1] * r[2] - omega[2] * r[1], omega[2] * r[0] - omega[0] * r[2], omega[0] * r[1] - omega[1] * r[0]];
      return cross[k % 3];
    }));
  }
  // Gram–Schmidt (twice, for orthogonality to rounding).
  const q: Float64Array[] = [];
  for (const v of basis) {
    const w = Float64Array.from(v);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        const dot = u.reduce((s, x, k) => s + x * w[k], 0);
        for (let k = 0; k < size; k++) w[k] -= dot * u[k];
      }
    }
    const norm = Math.hypot(...w);
    q.push(w.map((x) => x / norm));
  }
  const result = new Float64Array(atoms);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const complement = (i === j ? 1 : 0) - q.reduce((s, u) => s + u[i] * u[j], 0);
      result[Math.floor(i / 3)] += complement * complement * sigma[Math.floor(j / 3)] ** 2;
    }
  }
  return result;
}

describe('kabsch (Horn quaternion method)', () => {
  it('recovers a known rotation and translation exactly', () => {
    for (let trial = 0; trial < 20; trial++) {
      const mobile = structure(30, 200 + trial);
      const rotation = randomRotation(300 + trial);
      const translation = Float64Array.of(5 - trial, 2 * trial, -7);
      const target = applyRigidMotion(mobile, rotation, translation);
      const fit = kabsch(mobile, target);
      expect(fit.rmsd).toBeLessThan(1e-12);
      fit.rotation.forEach((value, k) => expect(value).toBeCloseTo(rotation[k], 12));
      fit.translation.forEach((value, k) => expect(value).toBeCloseTo(translation[k], 11));
      expect(determinant(fit.rotation)).toBeCloseTo(1, 14);
    }
  });

  it('never returns an improper rotation for a mirror image', () => {
    const mobile = structure(25, 11);
    const mirror = mobile.map((x, k) => (k % 3 === 0 ? -x : x));
    const fit = kabsch(mobile, mirror);
    expect(determinant(fit.rotation)).toBeCloseTo(1, 13);
    // A reflection would fit with rmsd 0; the best proper rotation cannot.
    expect(fit.rmsd).toBeGreaterThan(1);
  });

  it('matches NumPy SVD Kabsch (with determinant correction): rmsd and rotation, weighted or not', () => {
    for (const { mobile, reference: target, weights, rmsd, rotation, mirror } of reference.kabsch) {
      const fit = kabsch(Float64Array.from(mobile), Float64Array.from(target), weights ?? undefined);
      expect(fit.rmsd, `mirror ${mirror}`).toBeCloseTo(rmsd, 11);
      fit.rotation.forEach((value, k) => expect(value).toBeCloseTo(rotation[k], 10));
    }
  });

  it('superposes (the moved copy has the reported rmsd) and accepts Float32Array', () => {
    const mobile = structure(40, 12);
    const target = applyRigidMotion(mobile, randomRotation(13), Float64Array.of(1, 2, 3)).map((x, k) => x + 0.1 * Math.sin(k));
    const moved = superpose(mobile, target);
    let sum = 0;
    for (let k = 0; k < moved.length; k++) sum += (moved[k] - target[k]) ** 2;
    expect(Math.sqrt(sum / 40)).toBeCloseTo(rmsdAfterSuperposition(mobile, target), 13);
    expect(rmsdAfterSuperposition(Float32Array.from(mobile), Float32Array.from(target))).toBeCloseTo(rmsdAfterSuperposition(mobile, target), 5);
  });

  it('handles one and two atoms and says what is wrong with bad input', () => {
    expect(kabsch(Float64Array.of(1, 2, 3), Float64Array.of(4, 4, 4)).rmsd).toBeLessThan(1e-15);
    expect(kabsch(Float64Array.of(0, 0, 0, 1, 0, 0), Float64Array.of(5, 5, 5, 5, 6, 5)).rmsd).toBeLessThan(1e-14);
    expect(() => kabsch(new Float64Array(6), new Float64Array(9))).toThrow(/mobile has 2 atoms but reference has 3/);
    expect(() => kabsch(new Float64Array(5), new Float64Array(5))).toThrow(/not a positive multiple of 3/);
    expect(() => kabsch(Float64Array.of(0, Number.NaN, 0), new Float64Array(3))).toThrow(/mobile: y of atom 0 is NaN/);
    expect(() => kabsch(new Float64Array(6), new Float64Array(6), [1, -1])).toThrow(/weights: value 1 is -1/);
  });
});

describe('rmsf', () => {
  it('is 0 for frames that are rigid motions of one structure', () => {
    const base = structure(50, 21);
    const frames = Array.from({ length: 10 }, (_, f) => applyRigidMotion(base, randomRotation(400 + f), Float64Array.of(f, -f, 2 * f)));
    for (const value of rmsf(frames)) expect(value).toBeLessThan(1e-11);
  });

  // Atom k jitters by N(0, σ_k²) per coordinate, independently per frame, and every frame is also
  // moved rigidly. To first order in the noise, superposition projects the noise ξ ∈ ℝ^3N onto the
  // complement of the 6 rigid-motion directions of the structure (unweighted fit: an orthogonal
  // projector I − P; the reference frame's own noise moves every frame alike and cancels about the
  // mean). So E[RMSF_k²] = (1 − 1/F) Σ_c [(I − P) Σ (I − P)]_(kc,kc), Σ = diag(σ²): about 3σ_k² for
  // noisy atoms, but more for quiet ones, which inherit fit error from the noisy ones. With F = 400
  // frames each RMSF_k is within ~2 % (1 sd, from χ²(3F)) of that; we allow 10 % per atom and 1 %
  // on the average ratio.
  it('recovers a known per-atom Gaussian jitter, fit error included (linearised)', () => {
    const atoms = 100;
    const frameCount = 400;
    const base = structure(atoms, 22);
    const sigma = Float64Array.from({ length: atoms }, (_, k) => 0.05 + 0.45 * (k / (atoms - 1)));
    const next = mulberry32(23);
    const noise = new Float64Array(3 * atoms);
    const frames = Array.from({ length: frameCount }, (_, f) => {
      fillStandardNormal(next, noise);
      const jittered = base.map((x, k) => x + sigma[Math.floor(k / 3)] * noise[k]);
      return applyRigidMotion(jittered, randomRotation(1000 + f), Float64Array.of(f % 7, 0, -3));
    });
    const values = rmsf(frames);
    const expected = expectedMeanSquareFluctuation(base, sigma).map((v) => Math.sqrt((1 - 1 / frameCount) * v));
    let ratioSum = 0;
    for (let k = 0; k < atoms; k++) {
      const ratio = values[k] / expected[k];
      expect(Math.abs(ratio - 1), `atom ${k}`).toBeLessThan(0.1);
      ratioSum += ratio;
    }
    expect(Math.abs(ratioSum / atoms - 1)).toBeLessThan(0.01);
    // Noisy atoms are close to the naive σ√3; the quietest one is well above it.
    expect(expected[atoms - 1] / (sigma[atoms - 1] * Math.sqrt(3))).toBeGreaterThan(0.98);
    expect(expected[0] / (sigma[0] * Math.sqrt(3))).toBeGreaterThan(1.1);
  });

  it('uses the given reference frame and checks atom counts', () => {
    const base = structure(20, 24);
    const frames = [base, applyRigidMotion(base, randomRotation(25), Float64Array.of(1, 1, 1))];
    for (const value of rmsf(frames, applyRigidMotion(base, randomRotation(26), Float64Array.of(0, 5, 0)))) expect(value).toBeLessThan(1e-11);
    expect(() => rmsf([])).toThrow(/no frames/);
    expect(() => rmsf([base, new Float64Array(9)])).toThrow(/frame 1 has 3 atoms but frame 0 has 20/);
  });
});

describe('rmsfPerResidue', () => {
  it('averages atoms by residue key, keys in first-seen order', () => {
    const result = rmsfPerResidue([1, 3, 2, 4, 10], ['A:2', 'A:2', 'A:1', 'A:2', 'B:1']);
    expect(result.keys).toEqual(['A:2', 'A:1', 'B:1']);
    expect(Array.from(result.values)).toEqual([8 / 3, 2, 10]);
    expect(() => rmsfPerResidue([1, 2], ['A'])).toThrow(/2 atom values but 1 residue keys/);
  });
});

describe('radiusOfGyration', () => {
  it('is exact for known shapes', () => {
    expect(radiusOfGyration(Float64Array.of(0, 0, 0, 4, 0, 0))).toBe(2);
    const cube: number[] = [];
    for (const x of [0, 2]) for (const y of [0, 2]) for (const z of [0, 2]) cube.push(x + 10, y, z - 5);
    expect(radiusOfGyration(Float64Array.from(cube))).toBeCloseTo(Math.sqrt(3), 14);
    // The 6 vertices of an octahedron and 12 of an icosahedron lie on the sphere of radius r.
    const r = 3.5;
    const octahedron = [r, 0, 0, -r, 0, 0, 0, r, 0, 0, -r, 0, 0, 0, r, 0, 0, -r];
    expect(radiusOfGyration(Float64Array.from(octahedron))).toBeCloseTo(r, 14);
    const phi = (1 + Math.sqrt(5)) / 2;
    const icosahedron: number[] = [];
    for (const s of [-1, 1]) for (const t of [-1, 1]) icosahedron.push(0, s, t * phi, s, t * phi, 0, t * phi, 0, s);
    expect(radiusOfGyration(Float64Array.from(icosahedron))).toBeCloseTo(Math.hypot(1, phi), 14);
    // Mass-weighted: a heavy atom pulls the centre: masses 3 at 0 and 1 at 4 -> centre 1, Rg² = (3·1 + 9)/4.
    expect(radiusOfGyration(Float64Array.of(0, 0, 0, 4, 0, 0), [3, 1])).toBeCloseTo(Math.sqrt(3), 14);
  });

  it('matches NumPy with and without masses', () => {
    const { coords, masses, value, unweighted } = reference.radiusOfGyration;
    expect(radiusOfGyration(Float64Array.from(coords), masses)).toBeCloseTo(value, 12);
    expect(radiusOfGyration(Float64Array.from(coords))).toBeCloseTo(unweighted, 12);
    expect(() => radiusOfGyration(new Float64Array(6), [0, 0])).toThrow(/masses: all zero/);
  });
});
