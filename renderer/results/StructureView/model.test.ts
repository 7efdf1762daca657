import { Matrix4, Quaternion, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { vdwRadius } from './elements.ts';
import { BALL_SCALE, BOND_RADIUS, StructureModel, TRACE_RADIUS } from './model.ts';
import { peptide } from './testing.ts';
import { buildTopology } from './topology.ts';

const s = peptide();
const topology = buildTopology(s);
const reference = s.frames[0];

function matrixAt(array: ArrayLike<number>, i: number): Matrix4 {
  return new Matrix4().fromArray(Array.from({ length: 16 }, (_, k) => array[16 * i + k]));
}
const at = (x: ArrayLike<number>, a: number) => new Vector3(x[3 * a], x[3 * a + 1], x[3 * a + 2]);

/** Checks that stick k (instances 2k and 2k + 1, after `copy` copies of `bonds` sticks) joins atoms i and j of `x`, radius r. */
function expectStick(model: StructureModel, k: number, x: ArrayLike<number>, i: number, j: number, r: number, copy = 0): void {
  const sticks = model.sticks!.instanceMatrix.array.subarray(32 * copy * (model.stickPairs.length / 2));
  const mid = at(x, i).add(at(x, j)).multiplyScalar(0.5);
  const [first, second] = [matrixAt(sticks, 2 * k), matrixAt(sticks, 2 * k + 1)];
  // The unit cylinder runs from y = −½ to y = ½.
  expect(new Vector3(0, -0.5, 0).applyMatrix4(first).distanceTo(at(x, i))).toBeLessThan(1e-5);
  expect(new Vector3(0, 0.5, 0).applyMatrix4(first).distanceTo(mid)).toBeLessThan(1e-5);
  expect(new Vector3(0, -0.5, 0).applyMatrix4(second).distanceTo(mid)).toBeLessThan(1e-5);
  expect(new Vector3(0, 0.5, 0).applyMatrix4(second).distanceTo(at(x, j))).toBeLessThan(1e-5);
  // Round cross-section of radius r, perpendicular to the bond; right-handed (faces keep their winding).
  const axis = at(x, j).sub(at(x, i)).normalize();
  for (const m of [first, second]) {
    const e = m.elements;
    const u = new Vector3(e[0], e[1], e[2]);
    const w = new Vector3(e[8], e[9], e[10]);
    expect(u.length()).toBeCloseTo(r, 5);
    expect(w.length()).toBeCloseTo(r, 5);
    expect(u.dot(w)).toBeCloseTo(0, 6);
    expect(u.dot(axis)).toBeCloseTo(0, 6);
    expect(m.determinant()).toBeGreaterThan(0);
  }
}

describe('StructureModel', () => {
  it('builds in Node without a WebGL context (only rendering needs one)', () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const model = new StructureModel(topology, s.atoms.elements, 'ball-and-stick');
    expect(model.group.children).toHaveLength(2);
    model.dispose();
  });

  it('has one ball per atom and two half sticks per bond', () => {
    const model = new StructureModel(topology, s.atoms.elements, 'ball-and-stick');
    expect(model.balls.count).toBe(9);
    expect(model.sticks!.count).toBe(2 * 7);
  });

  it('places balls at the atoms, radius by element, and sticks between their atoms', () => {
    const model = new StructureModel(topology, s.atoms.elements, 'ball-and-stick');
    model.setCopy(0, reference, 0);
    const version = model.balls.instanceMatrix.version;
    model.commit();
    expect(model.balls.instanceMatrix.version).toBeGreaterThan(version); // flagged for upload
    for (let a = 0; a < 9; a++) {
      const m = matrixAt(model.balls.instanceMatrix.array, a);
      const position = new Vector3(), scale = new Vector3();
      m.decompose(position, new Quaternion(), scale);
      expect(position.distanceTo(at(reference, a))).toBeLessThan(1e-6);
      expect(scale.x).toBeCloseTo(BALL_SCALE * vdwRadius(s.atoms.elements[a]), 6);
    }
    for (let k = 0; k < 7; k++) expectStick(model, k, reference, topology.bonds[2 * k], topology.bonds[2 * k + 1], BOND_RADIUS);
  });

  it('moves the sticks with their atoms on the next frame, rotated and translated', () => {
    const model = new StructureModel(topology, s.atoms.elements, 'ball-and-stick');
    const moved = reference.map((v, i) => v * (i % 3 === 2 ? -1 : 1.1) + 0.3 * Math.sin(i));
    model.setCopy(0, reference, 0);
    model.commit();
    model.setCopy(0, Float64Array.of(9, 9, 9, ...moved), 3);
    model.commit();
    for (let k = 0; k < 7; k++) expectStick(model, k, moved, topology.bonds[2 * k], topology.bonds[2 * k + 1], BOND_RADIUS);
    // A quarter turn about z and a shift: x' = R x + t.
    const turn = { rotation: [0, -1, 0, 1, 0, 0, 0, 0, 1], translation: [10, 0, -2] };
    model.setCopy(0, reference, 0, turn);
    model.commit();
    const turned = Float64Array.from({ length: 27 }, (_, i) => {
      const a = Math.floor(i / 3);
      const [x, y, z] = [reference[3 * a], reference[3 * a + 1], reference[3 * a + 2]];
      return [-y + 10, x, z - 2][i % 3];
    });
    expect(Array.from(model.positions)).toEqual(Array.from(turned).map((v) => Math.fround(v)));
    for (let k = 0; k < 7; k++) expectStick(model, k, turned, topology.bonds[2 * k], topology.bonds[2 * k + 1], BOND_RADIUS);
  });

  it('draws a zero-length bond as a degenerate stick instead of NaN', () => {
    const model = new StructureModel(topology, s.atoms.elements, 'ball-and-stick');
    model.setCopy(0, new Float64Array(27), 0);
    model.commit();
    expect(Array.from(model.sticks!.instanceMatrix.array).every(Number.isFinite)).toBe(true);
  });

  it('lays copies of an ensemble one after another', () => {
    const model = new StructureModel(topology, s.atoms.elements, 'ball-and-stick', 3);
    expect(model.balls.count).toBe(27);
    expect(model.sticks!.count).toBe(42);
    const shifted = reference.map((v, i) => (i % 3 === 0 ? v + 20 : v));
    for (let c = 0; c < 3; c++) model.setCopy(c, c === 2 ? shifted : reference, 0);
    model.commit();
    const ball = matrixAt(model.balls.instanceMatrix.array, 2 * 9 + 4);
    expect(new Vector3().setFromMatrixPosition(ball).distanceTo(at(shifted, 4))).toBeLessThan(1e-6);
    expectStick(model, 3, shifted, topology.bonds[6], topology.bonds[7], BOND_RADIUS, 2);
    expectStick(model, 3, reference, topology.bonds[6], topology.bonds[7], BOND_RADIUS, 1);
  });

  it('draws the Cα trace as balls on the trace atoms and sticks along its links; spacefill has no sticks', () => {
    const trace = new StructureModel(topology, s.atoms.elements, 'trace');
    expect(Array.from(trace.ballAtoms)).toEqual([1, 5, 8]);
    expect(trace.sticks!.count).toBe(2);
    trace.setCopy(0, reference, 0);
    trace.commit();
    expectStick(trace, 0, reference, 1, 5, TRACE_RADIUS);
    const spacefill = new StructureModel(topology, s.atoms.elements, 'spacefill');
    expect(spacefill.sticks).toBeNull();
    expect(spacefill.ballRadii[3]).toBeCloseTo(vdwRadius('O'), 6);
  });

  it('colours balls and half sticks by their own atom, mixing in a per-copy tint, in linear RGB', () => {
    const model = new StructureModel(topology, s.atoms.elements, 'ball-and-stick', 2);
    const colors = new Float32Array(27);
    for (let a = 0; a < 9; a++) colors.set([a / 8, 0.5, 1], 3 * a);
    const tints = Float32Array.of(0, 0, 0, 1, 1, 1);
    model.setColors(colors, tints, 0.5);
    const ball = model.balls.instanceColor!.array;
    const linear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    expect(ball[3 * 4]).toBeCloseTo(linear(0.5 * (4 / 8)), 6); // copy 0 mixes toward black
    expect(ball[3 * (9 + 4) + 1]).toBeCloseTo(linear(0.75), 6); // copy 1 toward white
    expect(ball[3 * (9 + 4) + 2]).toBeCloseTo(1, 6);
    // Bond 3 joins atoms 2 and 4: its halves take 2's and 4's colours.
    const stick = model.sticks!.instanceColor!.array;
    expect(stick[3 * 6]).toBeCloseTo(linear(0.5 * (2 / 8)), 6);
    expect(stick[3 * 7]).toBeCloseTo(linear(0.5 * (4 / 8)), 6);
  });
});
