import { describe, expect, it } from 'vitest';
import { ELEMENTARY, logUniform, normalFromWords, sinCos2PiUniform } from './elementary.ts';
import { boxMuller4 } from './normal.ts';

/** Deterministic u32s (xorshift32) so failures reproduce without Math.random. */
function u32Source(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>>= 0);
  };
}

/** Bit pattern of a float64 as 16 hex digits. */
function hexBits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** One unit in the last place of |value| (normal range). */
function ulp(value: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(value))) - 52);
}

/** Words where the reductions switch: 0, ±1 around powers of two, quadrant and octant edges, the top. */
function edgeWords(): number[] {
  const words = new Set<number>([0, 1, 2, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1]);
  for (let k = 0; k < 32; k++) for (const d of [-1, 0, 1]) words.add(2 ** k + d);
  for (let j = 0; j < 8; j++) for (const d of [-2, -1, 0, 1]) words.add((j * 2 ** 29 + d + 2 ** 32) % 2 ** 32);
  // Where logUniform's mantissa m1 = (2x + 1) · 2^-e crosses √2.
  for (let e = 1; e <= 32; e++) {
    const split = Math.ceil((Math.SQRT2 * 2 ** e - 1) / 2);
    for (const d of [-1, 0, 1]) if (split + d < 2 ** 32) words.add(split + d);
  }
  return [...words].filter((x) => x >= 0 && x < 2 ** 32);
}

/** The largest of `error(x)` over `words`, with the word where it occurs (one expect per test keeps them fast). */
function worst(words: readonly number[], error: (x: number) => number): { error: number; x: number } {
  let max = { error: -Infinity, x: -1 };
  for (const x of words) {
    const e = error(x);
    if (!(e <= max.error)) max = { error: e, x };
  }
  return max;
}

/** Edge words plus `count` pseudo-random ones. */
function testWords(count: number): number[] {
  const next = u32Source(0x2545f491);
  return [...edgeWords(), ...Array.from({ length: count }, next)];
}

describe('ELEMENTARY constants', () => {
  it('are fdlibm’s words, and PI_HI + PI_LO splits π · 2^-32', () => {
    const expected: Record<string, string> = {
      LN2_HI: '3fe62e42fee00000', LN2_LO: '3dea39ef35793c76',
      LG1: '3fe5555555555593', LG2: '3fd999999997fa04', LG3: '3fd2492494229359', LG4: '3fcc71c51d8e78af',
      LG5: '3fc7466496cb03de', LG6: '3fc39a09d078c69f', LG7: '3fc2f112df3e5244',
      S1: 'bfc5555555555549', S2: '3f8111111110f8a6', S3: 'bf2a01a019c161d5',
      S4: '3ec71de357b1fe7d', S5: 'be5ae5e68a2b9ceb', S6: '3de5d93a5acfd57c',
      C1: '3fa555555555554c', C2: 'bf56c16c16c15177', C3: '3efa01a019cb1590',
      C4: 'be927e4f809c52ad', C5: '3e21ee9ebdb4b1c4', C6: 'bda8fae9be8838d4',
      SQRT2: hexBits(Math.SQRT2),
    };
    for (const [key, bits] of Object.entries(expected)) {
      expect(hexBits(ELEMENTARY[key as keyof typeof ELEMENTARY]), key).toBe(bits);
    }
    // PI_HI has at most 23 significant bits, so a · PI_HI is exact for every |a| < 2^30.
    expect(Number.isInteger(ELEMENTARY.PI_HI * 2 ** (31 + 22))).toBe(true);
    // hi + lo rounds to the float64 nearest π · 2^-32, and lo is below half of hi's 23rd bit.
    expect(ELEMENTARY.PI_HI + ELEMENTARY.PI_LO).toBe(Math.PI * 2 ** -32);
    expect(Math.abs(ELEMENTARY.PI_LO)).toBeLessThanOrEqual(2 ** -54);
  });
});

describe('logUniform', () => {
  it('is within 2 ulp of Math.log(u) on edge and random words (measured: 0.78 ulp of exact)', () => {
    const max = worst(testWords(100_000), (x) => {
      const expected = Math.log((x + 0.5) * 2 ** -32);
      return Math.abs(logUniform(x) - expected) / ulp(expected);
    });
    expect(max.error, `x = ${max.x}`).toBeLessThanOrEqual(2);
  });

  it('hits the ends exactly where they are known in closed form', () => {
    // u(0) = 2^-33: 33 ln 2 with LN2_HI · 33 exact and one rounding of the sum.
    expect(logUniform(0)).toBe(-33 * ELEMENTARY.LN2_HI + -33 * ELEMENTARY.LN2_LO);
    expect(Math.abs(logUniform(0) + 33 * Math.LN2)).toBeLessThanOrEqual(ulp(33 * Math.LN2));
    // ln(1 - 2^-33) = -2^-33 - 2^-67 - …, to the last bit.
    expect(logUniform(2 ** 32 - 1)).toBe(-(2 ** -33) - 2 ** -67);
    expect(logUniform(2 ** 31)).toBeCloseTo(Math.log(0.5), 9);
  });

  it('increases from one word to the next', () => {
    const words = testWords(20_000).filter((x) => x < 2 ** 32 - 1);
    const max = worst(words, (x) => logUniform(x) - logUniform(x + 1));
    expect(max.error, `x = ${max.x}`).toBeLessThan(0);
  });

  it('keeps its bits (the normal stream of every seed depends on them)', () => {
    expect(hexBits(logUniform(0))).toBe('c036dfb516f20bbf');
    expect(hexBits(logUniform(1))).toBe('c035c6766f473b8e');
    expect(hexBits(logUniform(0x12345678))).toBe('c00525e973ac164f');
    expect(hexBits(logUniform(0x80000000))).toBe('bfe62e42feda39ef');
    expect(hexBits(logUniform(0xffffffff))).toBe('bde0000000040000');
  });
});

describe('sinCos2PiUniform', () => {
  /**
   * sin and cos of 2π u to better than Math's own error: θ = 2π u as a double-double (Dekker's
   * exact product, no FMA) and a first-order correction for the low part.
   */
  function reference(x: number): [number, number] {
    const u = (x + 0.5) * 2 ** -32;
    const twoPiHi = 2 * Math.PI;
    const twoPiLo = 2.4492935982947064e-16;
    const split = (v: number): [number, number] => {
      const c = 134217729 * v;
      const hi = c - (c - v);
      return [hi, v - hi];
    };
    const th = twoPiHi * u;
    const [ah, al] = split(twoPiHi);
    const [bh, bl] = split(u);
    const error = ((ah * bh - th) + ah * bl + al * bh) + al * bl;
    const tl = error + twoPiLo * u;
    const [s, c] = [Math.sin(th), Math.cos(th)];
    return [s + tl * c, c - tl * s];
  }

  it('is within 2 ulp of a compensated reference on edge and random words (measured: 0.77 ulp of exact)', () => {
    const words = testWords(100_000);
    for (const lane of [0, 1]) {
      const max = worst(words, (x) => {
        const [value, expected] = [sinCos2PiUniform(x)[lane], reference(x)[lane]];
        return Math.abs(value - expected) / ulp(expected);
      });
      expect(max.error, `${lane === 0 ? 'sin' : 'cos'}, x = ${max.x}`).toBeLessThanOrEqual(2);
    }
  });

  it('has exact symmetries: x ↦ 2^32 − 1 − x flips sin, a quarter turn maps cos to sin', () => {
    const broken = testWords(20_000).filter((x) => {
      const [s, c] = sinCos2PiUniform(x);
      const [sm, cm] = sinCos2PiUniform(2 ** 32 - 1 - x);
      const quarter = sinCos2PiUniform((x + 2 ** 30) % 2 ** 32)[0];
      return !(sm === -s && cm === c && quarter === c && Math.abs(s * s + c * c - 1) < 4e-16);
    });
    expect(broken).toEqual([]);
  });

  it('never returns zero, and has the right signs by quadrant', () => {
    // u in (0, 1/2) has sin > 0; u in (1/4, 3/4) has cos < 0.
    const broken = testWords(20_000).filter((x) => {
      const [s, c] = sinCos2PiUniform(x);
      return s === 0 || c === 0 || s > 0 !== x < 2 ** 31 || c < 0 !== (x >= 2 ** 30 && x < 3 * 2 ** 30);
    });
    expect(broken).toEqual([]);
  });

  it('keeps its bits (the normal stream of every seed depends on them)', () => {
    const bits = (x: number): string[] => sinCos2PiUniform(x).map(hexBits);
    expect(bits(0)).toEqual(['3e0921fb54442d18', '3ff0000000000000']);
    expect(bits(1)).toEqual(['3e22d97c7f3321d2', '3ff0000000000000']);
    expect(bits(0x12345678)).toEqual(['3fdba74afbe524ac', '3fecdbcfe2f533ce']);
    expect(bits(0x80000000)).toEqual(['be0921fb54442d18', 'bff0000000000000']);
  });
});

describe('normalFromWords', () => {
  it('gives the lanes of boxMuller4', () => {
    const next = u32Source(5);
    for (let i = 0; i < 1000; i++) {
      const words = Uint32Array.of(next(), next(), next(), next());
      const lanes = [
        normalFromWords(words[0], words[1], 0), normalFromWords(words[0], words[1], 1),
        normalFromWords(words[2], words[3], 0), normalFromWords(words[2], words[3], 1),
      ];
      expect(lanes).toEqual(boxMuller4(words));
    }
  });
});
