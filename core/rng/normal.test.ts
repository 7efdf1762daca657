import { describe, expect, it } from 'vitest';
import { logUniform, sinCos2PiUniform } from './elementary.ts';
import { boxMuller4, uniformFromU32 } from './normal.ts';
import { philox4x32_10 } from './philox.ts';

describe('uniformFromU32', () => {
  it('maps u32 cells to their centres in the open interval (0, 1)', () => {
    expect(uniformFromU32(0)).toBe(2 ** -33);
    expect(uniformFromU32(0xffffffff)).toBe(1 - 2 ** -33);
    expect(uniformFromU32(0x80000000)).toBe(0.5 + 2 ** -33);
  });
});

/** Standard normal CDF through Abramowitz & Stegun 7.1.26 for erf (|error| ≤ 1.5e-7, far below the KS bound). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-x * x);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** `count` normals from consecutive Philox blocks under a fixed key, as the streams draw them. */
function philoxNormals(count: number): Float64Array {
  const out = new Float64Array(count);
  for (let block = 0; block * 4 < count; block++) {
    const z = boxMuller4(philox4x32_10([block, 7, 0, 0], [0x5eed, 1]));
    out.set(z.slice(0, Math.min(4, count - 4 * block)), 4 * block);
  }
  return out;
}

describe('boxMuller4', () => {
  it('follows the documented formulas lane by lane', () => {
    const out = Uint32Array.of(0x40000000, 0x20000000, 0xc0000000, 0x60000000);
    const r0 = Math.sqrt(-2 * logUniform(out[0]));
    const r1 = Math.sqrt(-2 * logUniform(out[2]));
    const [s1, c1] = sinCos2PiUniform(out[1]);
    const [s3, c3] = sinCos2PiUniform(out[3]);
    expect(boxMuller4(out)).toEqual([r0 * c1, r0 * s1, r1 * c3, r1 * s3]);
  });

  it('agrees with the Math.log / Math.cos / Math.sin formula to ~1e-15', () => {
    let state = 0x9e3779b9;
    const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    for (let i = 0; i < 2000; i++) {
      const out = Uint32Array.of(next(), next(), next(), next());
      const u = Array.from(out, uniformFromU32);
      const r0 = Math.sqrt(-2 * Math.log(u[0]));
      const r1 = Math.sqrt(-2 * Math.log(u[2]));
      const expected = [
        r0 * Math.cos(2 * Math.PI * u[1]), r0 * Math.sin(2 * Math.PI * u[1]),
        r1 * Math.cos(2 * Math.PI * u[3]), r1 * Math.sin(2 * Math.PI * u[3]),
      ];
      // 2π·u rounds before Math.sin/cos see it, so the old formula itself is off by ~r · 2^-51.
      boxMuller4(out).forEach((z, lane) => expect(Math.abs(z - expected[lane])).toBeLessThan(4e-15));
    }
  });

  it('puts each pair on the circle of radius sqrt(-2 ln u)', () => {
    // Word 1 below 2^31 keeps the angle in (0, π), the range atan2 returns.
    const out = Uint32Array.of(0x12345678, 0x1abcdef0, 0x0badf00d, 0xfeedface);
    const [z0, z1, z2, z3] = boxMuller4(out);
    expect(z0 * z0 + z1 * z1).toBeCloseTo(-2 * Math.log(uniformFromU32(out[0])), 12);
    expect(z2 * z2 + z3 * z3).toBeCloseTo(-2 * Math.log(uniformFromU32(out[2])), 12);
    expect(Math.atan2(z1, z0)).toBeCloseTo(2 * Math.PI * uniformFromU32(out[1]), 12);
  });

  it('rejects blocks that are not 4 words', () => {
    expect(() => boxMuller4(new Uint32Array(3))).toThrow(/4 Philox output words/);
  });

  it('stays finite at the extreme words, with |z| at most sqrt(66 ln 2)', () => {
    const extremes = boxMuller4(Uint32Array.of(0, 0xffffffff, 0xffffffff, 0));
    for (const z of extremes) expect(Number.isFinite(z)).toBe(true);
    // Word 0 is the smallest uniform, 2^-33, so the largest radius any block can produce.
    expect(extremes[0]).toBeCloseTo(Math.sqrt(66 * Math.LN2), 14);
  });

  it('keeps its bits (every seeded run depends on them)', () => {
    const bits = Array.from(
      new BigUint64Array(Float64Array.from(boxMuller4(Uint32Array.of(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344))).buffer),
      (b) => b.toString(16),
    );
    expect(bits).toEqual(['bfff5584b838650f', 'bfd1739f88dc8383', '40022980a22efe24', '3fc8968bf2a52b07']);
  });

  it('gives mean, variance and 4th moment of N(0, 1) within 4 standard errors', () => {
    const n = 200_000;
    const z = philoxNormals(n);
    let [m1, m2, m4] = [0, 0, 0];
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m4 += v * v * v * v;
    }
    [m1, m2, m4] = [m1 / n, m2 / n, m4 / n];
    // Var(z) = 1, Var(z²) = 2, Var(z⁴) = E z⁸ − 9 = 96.
    expect(Math.abs(m1)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  });

  it('passes a Kolmogorov–Smirnov test against the normal CDF', () => {
    const n = 200_000;
    const z = philoxNormals(n).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(z[i]);
      d = Math.max(d, (i + 1) / n - f, f - i / n);
    }
    // 1.95 / sqrt(n) is the 0.1% critical value; the sample is fixed, so this cannot flake.
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
  });
});
