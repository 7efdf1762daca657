import { describe, expect, it } from 'vitest';
import { kabsch, rmsf } from '../../../core/metrics/structure.ts';
import { atomRmsf } from './rmsf.ts';
import { Superposer } from './superpose.ts';

/** A deterministic uniform generator in [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random rotation (row-major), from a random unit quaternion. */
function rotation(next: () => number): number[] {
  let [w, x, y, z] = [next() - 0.5, next() - 0.5, next() - 0.5, next() - 0.5];
  const n = Math.hypot(w, x, y, z);
  [w, x, y, z] = [w / n, x / n, y / n, z / n];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

function move(x: ArrayLike<number>, R: number[], t: number[]): number[] {
  const out: number[] = [];
  for (let a = 0; a < x.length / 3; a++) {
    const [px, py, pz] = [x[3 * a], x[3 * a + 1], x[3 * a + 2]];
    out.push(R[0] * px + R[1] * py + R[2] * pz + t[0], R[3] * px + R[4] * py + R[5] * pz + t[1], R[6] * px + R[7] * py + R[8] * pz + t[2]);
  }
  return out;
}

const next = uniform(11);
const atoms = 12;
const reference = Float64Array.from({ length: 3 * atoms }, () => 10 * next() - 5 + 30);

/** A result of `slots` × `particles` frames from a function of (slot, particle). */
function result(slots: number, particles: number, frame: (s: number, p: number) => ArrayLike<number>) {
  const dims = 3 * atoms;
  const trajectory = new Float32Array(slots * particles * dims);
  for (let s = 0; s < slots; s++) for (let p = 0; p < particles; p++) trajectory.set(frame(s, p), (s * particles + p) * dims);
  return { particles, dims, times: new Float32Array(slots), trajectory };
}

describe('Superposer', () => {
  it('undoes a rotation and translation exactly, with no reflection', () => {
    const superposer = new Superposer(reference);
    for (let trial = 0; trial < 20; trial++) {
      const R = rotation(next);
      const moved = move(reference, R, [100 * next(), -50, 7]);
      const fit = superposer.fit(Float64Array.of(0, 0, ...moved), 2);
      const back = move(moved, Array.from(fit.rotation), Array.from(fit.translation));
      back.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 9));
      expect(superposer.rmsd).toBeLessThan(1e-6);
      const F = fit.rotation;
      const det = F[0] * (F[4] * F[8] - F[5] * F[7]) - F[1] * (F[3] * F[8] - F[5] * F[6]) + F[2] * (F[3] * F[7] - F[4] * F[6]);
      expect(det).toBeCloseTo(1, 9);
    }
  });

  it('gives the least-squares RMSD of a noisy copy (no rigid motion improves on it)', () => {
    const superposer = new Superposer(reference);
    const noisy = move(reference, rotation(next), [1, 2, 3]).map((v) => v + 0.3 * (next() - 0.5));
    const fit = superposer.fit(noisy, 0);
    const fitted = move(noisy, Array.from(fit.rotation), Array.from(fit.translation));
    const rmsd = (x: number[]) => Math.sqrt(x.reduce((s, v, i) => s + (v - reference[i]) ** 2, 0) / atoms);
    expect(superposer.rmsd).toBeCloseTo(rmsd(fitted), 9);
    // Small perturbations of the fitted rotation only make it worse.
    for (const angle of [1e-3, -1e-3]) {
      const c = Math.cos(angle), s = Math.sin(angle);
      const centroid = [0, 1, 2].map((k) => fitted.filter((_, i) => i % 3 === k).reduce((a, b) => a + b) / atoms);
      const turned = move(fitted.map((v, i) => v - centroid[i % 3]), [c, -s, 0, s, c, 0, 0, 0, 1], centroid);
      expect(rmsd(turned)).toBeGreaterThan(rmsd(fitted));
    }
  });
});

describe('Superposer against core/metrics kabsch', () => {
  it('finds the same rotation, translation and RMSD', () => {
    const superposer = new Superposer(reference);
    for (let trial = 0; trial < 10; trial++) {
      const noisy = Float64Array.from(move(reference, rotation(next), [10 * next(), 3, -4]), (v) => v + (next() - 0.5));
      const ours = superposer.fit(noisy, 0);
      const core = kabsch(noisy, reference);
      for (let k = 0; k < 9; k++) expect(ours.rotation[k]).toBeCloseTo(core.rotation[k], 9);
      for (let k = 0; k < 3; k++) expect(ours.translation[k]).toBeCloseTo(core.translation[k], 8);
      expect(superposer.rmsd).toBeCloseTo(core.rmsd, 8);
    }
  });

  it('gives a NaN transform for a frame with NaN coordinates instead of throwing', () => {
    const bad = Float64Array.from(reference);
    bad[4] = NaN;
    const fit = new Superposer(reference).fit(bad, 0);
    expect(Number.isNaN(fit.rotation[0])).toBe(true);
  });
});

describe('atomRmsf', () => {
  it('equals core/metrics rmsf on the same frames', () => {
    const r = result(6, 2, () => move(reference, rotation(next), [next(), next(), next()]).map((v) => v + 0.8 * (next() - 0.5)));
    const frames: Float32Array[] = [];
    for (let s = 0; s < 6; s++) for (const p of [0, 1]) frames.push(r.trajectory.subarray((s * 2 + p) * r.dims, (s * 2 + p + 1) * r.dims));
    const core = rmsf(frames, reference);
    atomRmsf(r, [0, 1], reference).forEach((v, a) => expect(v).toBeCloseTo(core[a], 9));
  });

  it('leaves out frames with non-finite coordinates', () => {
    const r = result(5, 1, (s) => reference.map((v, i) => (s === 3 && i === 0 ? NaN : i === 7 ? v + (s % 2) : v)));
    const values = atomRmsf(r, [0], reference, { superpose: false });
    expect(values[2]).toBeCloseTo(Math.sqrt(3 / 16), 6); // slots 0, 1, 2, 4: offsets 0, 1, 0, 0 → mean ¼, RMS about it √(3/16)
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('is zero for rigid motions of the reference (after superposition)', () => {
    const r = result(20, 3, () => move(reference, rotation(next), [50 * next(), 50 * next(), -20]));
    const rmsf = atomRmsf(r, [0, 1, 2], reference);
    for (const v of rmsf) expect(v).toBeLessThan(2e-4); // float32 coordinates
  });

  it('is ε·|r − r̄| for a breathing motion (scaling about the centroid by 1 ± ε, which no rotation can undo)', () => {
    const eps = 0.05;
    const centroid = [0, 1, 2].map((k) => reference.filter((_, i) => i % 3 === k).reduce((a, b) => a + b) / atoms);
    const r = result(10, 2, (s, p) => {
      const f = 1 + ((s + p) % 2 === 0 ? eps : -eps);
      return move(reference.map((v, i) => f * (v - centroid[i % 3])), rotation(next), [5, 5, 5]);
    });
    const rmsf = atomRmsf(r, [0, 1], reference);
    for (let a = 0; a < atoms; a++) {
      const radius = Math.hypot(reference[3 * a] - centroid[0], reference[3 * a + 1] - centroid[1], reference[3 * a + 2] - centroid[2]);
      expect(rmsf[a]).toBeCloseTo(eps * radius, 4);
    }
  });

  it('is the jitter amplitude δ for one atom moved ±δ, others zero (no superposition)', () => {
    const delta = 0.7;
    const r = result(8, 1, (s) => reference.map((v, i) => (i === 3 * 5 + 1 ? v + (s % 2 ? delta : -delta) : v)));
    const rmsf = atomRmsf(r, [0], reference, { superpose: false });
    rmsf.forEach((v, a) => expect(v).toBeCloseTo(a === 5 ? delta : 0, 5));
  });

  it('pools only the particles asked for', () => {
    const r = result(4, 2, (s, p) => reference.map((v) => (p === 1 ? v + s : v)));
    expect(Math.max(...atomRmsf(r, [0], reference, { superpose: false }))).toBe(0);
    expect(atomRmsf(r, [1], reference, { superpose: false })[0]).toBeCloseTo(Math.sqrt(3) * Math.sqrt(1.25), 5);
  });
});
