import { describe, expect, it } from 'vitest';
import { particleColor, viridis } from '../colormap.ts';
import { atomColors, particleTints } from './colors.ts';
import { elementColor, srgbToLinear, vdwRadius } from './elements.ts';
import { peptide } from './testing.ts';
import { buildTopology } from './topology.ts';

const s = peptide();
const topology = buildTopology(s);
const colorOf = (c: Float32Array, a: number) => Array.from(c.subarray(3 * a, 3 * a + 3));
const close = (actual: number[], expected: readonly number[]) => actual.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));

describe('element table', () => {
  it('gives CPK colours and van der Waals radii, with a fallback for unknown elements', () => {
    expect(elementColor('C')).toEqual([0x90 / 255, 0x90 / 255, 0x90 / 255]);
    expect(elementColor('O')).toEqual([1, 0x0d / 255, 0x0d / 255]);
    expect(elementColor('N')).toEqual([0x30 / 255, 0x50 / 255, 0xf8 / 255]);
    expect(elementColor('Fe')).toEqual([0xe0 / 255, 0x66 / 255, 0x33 / 255]);
    expect(elementColor('X')).toEqual([1, 0x14 / 255, 0x93 / 255]);
    expect(vdwRadius('H')).toBe(1.2);
    expect(vdwRadius('C')).toBe(1.7);
    expect(vdwRadius('Xx')).toBe(1.7);
  });

  it('converts sRGB to linear like three.js does', () => {
    expect(srgbToLinear(0)).toBe(0);
    expect(srgbToLinear(1)).toBeCloseTo(1, 12);
    expect(srgbToLinear(0.5)).toBeCloseTo(0.214041, 6);
  });
});

describe('atomColors', () => {
  it('element: CPK per atom', () => {
    const c = atomColors(s, topology, 'element');
    close(colorOf(c, 0), elementColor('N'));
    close(colorOf(c, 1), elementColor('C'));
    close(colorOf(c, 3), elementColor('O'));
  });

  it('chain: one distinct colour per chain', () => {
    const c = atomColors(s, topology, 'chain');
    for (let a = 0; a < 8; a++) close(colorOf(c, a), particleColor(0, 0.6));
    close(colorOf(c, 8), particleColor(1, 0.6));
    expect(colorOf(c, 8)).not.toEqual(colorOf(c, 0));
  });

  it('residue: viridis from the first residue to the last', () => {
    const c = atomColors(s, topology, 'residue');
    close(colorOf(c, 0), viridis(0));
    close(colorOf(c, 3), viridis(0));
    close(colorOf(c, 4), viridis(0.5));
    close(colorOf(c, 8), viridis(1));
  });

  it('RMSF: viridis from 0 to the largest value; grey before it is known', () => {
    const rmsf = [0, 0.5, 1, 2, 0, 0, 0, 0, 0];
    const c = atomColors(s, topology, 'rmsf', rmsf);
    close(colorOf(c, 0), viridis(0));
    close(colorOf(c, 1), viridis(0.25));
    close(colorOf(c, 3), viridis(1));
    close(colorOf(atomColors(s, topology, 'rmsf'), 0), [0.6, 0.6, 0.6]);
  });

  it('particle: white atoms, coloured by the per-particle tints', () => {
    expect(Array.from(atomColors(s, topology, 'particle')).every((v) => v === 1)).toBe(true);
    const tints = particleTints([0, 7]);
    close(Array.from(tints.subarray(3, 6)), particleColor(7, 0.6));
  });
});
