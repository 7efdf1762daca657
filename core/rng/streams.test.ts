import { describe, expect, it } from 'vitest';
import { boxMuller4, uniformFromU32 } from './normal.ts';
import { philox4x32_10 } from './philox.ts';
import { brownianNormals, normalsAt, STREAM_BROWNIAN, STREAM_INIT, uniformsAt } from './streams.ts';

describe('normalsAt / uniformsAt', () => {
  it('take draw k from block k >> 2, lane k & 3', () => {
    const normals = normalsAt(-1, STREAM_INIT, 3, 4, 5, 7);
    const uniforms = uniformsAt(-1, STREAM_INIT, 3, 4, 5, 7);
    expect(normals.length).toBe(7);
    for (let k = 0; k < 7; k++) {
      // seed -1 must become key word 0xffffffff (seed >>> 0).
      const block = philox4x32_10([3, 4, 5, k >> 2], [0xffffffff, STREAM_INIT]);
      expect(normals[k]).toBe(boxMuller4(block)[k & 3]);
      expect(uniforms[k]).toBe(uniformFromU32(block[k & 3]));
    }
  });

  it('return nothing for count 0 and agree on shared prefixes', () => {
    expect(normalsAt(5, STREAM_INIT, 0, 0, 0, 0).length).toBe(0);
    const five = normalsAt(5, STREAM_INIT, 1, 2, 3, 5);
    const eight = normalsAt(5, STREAM_INIT, 1, 2, 3, 8);
    expect(Array.from(eight.subarray(0, 5))).toEqual(Array.from(five));
  });

  it('give separate streams for separate stream ids', () => {
    const brownian = normalsAt(9, STREAM_BROWNIAN, 0, 0, 0, 4);
    const init = normalsAt(9, STREAM_INIT, 0, 0, 0, 4);
    expect(Array.from(brownian)).not.toEqual(Array.from(init));
  });

  it('look standard normal / uniform over many draws', () => {
    const n = 40_000;
    const normals = normalsAt(1, STREAM_INIT, 0, 0, 0, n);
    const uniforms = uniformsAt(1, STREAM_INIT, 0, 0, 1, n);
    const mean = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const m = mean(normals);
    const variance = mean(normals.map((z) => (z - m) ** 2));
    // 4 standard errors: sd(mean) = 1/sqrt(n), sd(var) = sqrt(2/n), sd(uniform mean) = sqrt(1/(12n)).
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(mean(uniforms) - 0.5)).toBeLessThan(4 * Math.sqrt(1 / (12 * n)));
    expect(() => normalsAt(1, STREAM_INIT, 0, 0, 0, -1)).toThrow(/count/);
  });
});

describe('brownianNormals', () => {
  it('takes draw k of base interval b from counter [p, b, k >> 2, 0], lane k & 3, stream STREAM_BROWNIAN', () => {
    const z = brownianNormals(-3, 6, 11, 10);
    expect(z.length).toBe(10);
    for (let k = 0; k < 10; k++) {
      const block = philox4x32_10([6, 11, k >> 2, 0], [0xfffffffd, STREAM_BROWNIAN]);
      expect(z[k]).toBe(boxMuller4(block)[k & 3]);
    }
  });

  it('agrees with normalsAt on the first block and on prefixes, and rejects bad counts', () => {
    // Block 0 is counter [p, b, 0, 0] in both layouts.
    expect(Array.from(brownianNormals(8, 1, 2, 4))).toEqual(Array.from(normalsAt(8, STREAM_BROWNIAN, 1, 2, 0, 4)));
    expect(Array.from(brownianNormals(8, 1, 2, 9).subarray(0, 6))).toEqual(Array.from(brownianNormals(8, 1, 2, 6)));
    expect(brownianNormals(8, 1, 2, 0).length).toBe(0);
    expect(() => brownianNormals(8, 1, 2, 1.5)).toThrow(/count/);
  });
});
