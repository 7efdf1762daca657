import { describe, expect, it } from 'vitest';
import { boxMuller4, uniformFromU32 } from './normal.ts';

describe('uniformFromU32', () => {
  it('maps u32 cells to their centres in the open interval (0, 1)', () => {
    expect(uniformFromU32(0)).toBe(2 ** -33);
    expect(uniformFromU32(0xffffffff)).toBe(1 - 2 ** -33);
    expect(uniformFromU32(0x80000000)).toBe(0.5 + 2 ** -33);
  });
});

describe('boxMuller4', () => {
  it('follows the documented formulas lane by lane', () => {
    const out = Uint32Array.of(0x40000000, 0x20000000, 0xc0000000, 0x60000000);
    const u = Array.from(out, uniformFromU32);
    const r0 = Math.sqrt(-2 * Math.log(u[0]));
    const r1 = Math.sqrt(-2 * Math.log(u[2]));
    expect(boxMuller4(out)).toEqual([
      r0 * Math.cos(2 * Math.PI * u[1]),
      r0 * Math.sin(2 * Math.PI * u[1]),
      r1 * Math.cos(2 * Math.PI * u[3]),
      r1 * Math.sin(2 * Math.PI * u[3]),
    ]);
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

  it('stays finite at the extreme words', () => {
    const extremes = boxMuller4(Uint32Array.of(0, 0xffffffff, 0xffffffff, 0));
    for (const z of extremes) expect(Number.isFinite(z)).toBe(true);
  });
});
