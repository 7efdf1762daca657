import {
  BufferGeometry, CylinderGeometry, DynamicDrawUsage, Group, IcosahedronGeometry, InstancedBufferAttribute, InstancedMesh,
  MeshPhongMaterial,
} from 'three';
import { srgbToLinear, vdwRadius } from './elements.ts';
import { stickPairs, type StructureTopology } from './topology.ts';

/** How atoms are drawn: balls and half-bond sticks, van der Waals spheres, or a tube through the backbone. */
export type Representation = 'ball-and-stick' | 'spacefill' | 'trace';

/** Ball radius in ball-and-stick, as a fraction of the van der Waals radius (carbon: 0.425 Å). */
export const BALL_SCALE = 0.25;
/** Bond cylinder radius in ball-and-stick, Å. */
export const BOND_RADIUS = 0.15;
/** Radius of the backbone tube and of the balls at its joints, Å. */
export const TRACE_RADIUS = 0.4;

/** x' = R x + t, with R a 3×3 rotation in row-major order. */
export interface RigidTransform {
  rotation: ArrayLike<number>;
  translation: ArrayLike<number>;
}

/**
 * The three.js objects of the structure view, with no renderer or DOM, so it runs (and is tested
 * and benchmarked) in Node: one InstancedMesh of balls (spheres) and one of sticks (cylinders),
 * holding `copies` overlaid copies of the structure (an ensemble of particles).
 *
 * - Balls: ball k of copy c is instance c·balls + k, on atom `ballAtoms[k]` (every atom, or the
 *   trace atoms in trace mode).
 * - Sticks: a bond or trace segment (i, j) is two half cylinders, i to the midpoint and the
 *   midpoint to j, so each half takes its own atom's colour; bond k of copy c is instances
 *   2(c·bonds + k) and 2(c·bonds + k) + 1.
 *
 * A frame update (`setCopy` for each copy, then `commit`) writes the instance matrices in place in
 * their Float32Arrays, allocating nothing: a ball only moves (its scale is written once), a stick
 * gets a new basis from its two atoms.
 */
export class StructureModel {
  readonly group = new Group();
  readonly balls: InstancedMesh<IcosahedronGeometry, MeshPhongMaterial>;
  readonly sticks: InstancedMesh<CylinderGeometry, MeshPhongMaterial> | null;
  /** Atom of each ball (per copy). */
  readonly ballAtoms: Uint32Array;
  /** Radius of each ball (per copy), Å. */
  readonly ballRadii: Float32Array;
  /** Stick pairs: stick k joins atoms stickPairs[2k] and stickPairs[2k + 1] (bonds, then a trace's pseudo-bonds). */
  readonly stickPairs: Uint32Array;
  /** Current coordinates of every atom of every copy: copy c, atom a at 3(c·atoms + a). */
  readonly positions: Float32Array;
  readonly atoms: number;

  /**
   * `triangleBudget` caps the triangles of all balls together by picking a coarser sphere (the
   * default suits a GPU; software rasterisers such as SwiftShader want ~150,000).
   */
  constructor(
    topology: StructureTopology,
    elements: readonly string[],
    readonly representation: Representation,
    readonly copies = 1,
    triangleBudget = 2_000_000,
  ) {
    this.atoms = topology.atoms;
    this.positions = new Float32Array(3 * this.atoms * copies);
    const trace = representation === 'trace';
    this.ballAtoms = trace ? topology.traceAtoms : everyIndex(this.atoms);
    const scale = representation === 'spacefill' ? 1 : BALL_SCALE;
    this.ballRadii = new Float32Array(this.ballAtoms.length);
    for (let k = 0; k < this.ballAtoms.length; k++) this.ballRadii[k] = trace ? TRACE_RADIUS : scale * vdwRadius(elements[this.ballAtoms[k]]);
    this.stickPairs = trace ? topology.traceLinks : representation === 'spacefill' ? new Uint32Array(0) : stickPairs(topology);

    const ballCount = this.ballAtoms.length * copies;
    this.balls = instanced(new IcosahedronGeometry(1, sphereDetail(ballCount, triangleBudget)), ballCount);
    const m = this.balls.instanceMatrix.array as Float32Array;
    for (let b = 0; b < ballCount; b++) {
      const r = this.ballRadii[b % this.ballAtoms.length];
      m[16 * b] = m[16 * b + 5] = m[16 * b + 10] = r;
    }
    const stickCount = this.stickPairs.length * copies; // two halves per pair
    const sides = triangleBudget / Math.max(1, stickCount) >= 40 ? 10 : 6;
    this.sticks = stickCount > 0 ? instanced(new CylinderGeometry(1, 1, 1, sides, 1, true), stickCount) : null;
    this.group.add(this.balls);
    if (this.sticks) this.group.add(this.sticks);
  }

  /** Radius of the sticks, Å. */
  get stickRadius(): number {
    return this.representation === 'trace' ? TRACE_RADIUS : BOND_RADIUS;
  }

  /**
   * Sets copy `copy`'s atom coordinates from `source[offset …]` (x0 y0 z0 x1 …, Å), moved by
   * `transform` when given. Call `commit` after the last copy.
   */
  setCopy(copy: number, source: ArrayLike<number>, offset: number, transform?: RigidTransform): void {
    const p = this.positions;
    const n = this.atoms;
    const base = 3 * copy * n;
    if (!transform) {
      for (let i = 0; i < 3 * n; i++) p[base + i] = source[offset + i];
      return;
    }
    const r = transform.rotation;
    const t = transform.translation;
    const r00 = r[0], r01 = r[1], r02 = r[2], r10 = r[3], r11 = r[4], r12 = r[5], r20 = r[6], r21 = r[7], r22 = r[8];
    const t0 = t[0], t1 = t[1], t2 = t[2];
    for (let i = 0; i < n; i++) {
      const o = offset + 3 * i;
      const x = source[o], y = source[o + 1], z = source[o + 2];
      const w = base + 3 * i;
      p[w] = r00 * x + r01 * y + r02 * z + t0;
      p[w + 1] = r10 * x + r11 * y + r12 * z + t1;
      p[w + 2] = r20 * x + r21 * y + r22 * z + t2;
    }
  }

  /** Writes every instance matrix from `positions` and flags the matrices for upload. */
  commit(): void {
    const p = this.positions;
    const n = this.atoms;
    const balls = this.ballAtoms.length;
    const m = this.balls.instanceMatrix.array as Float32Array;
    for (let c = 0; c < this.copies; c++) {
      for (let k = 0; k < balls; k++) {
        const src = 3 * (c * n + this.ballAtoms[k]);
        const dst = 16 * (c * balls + k) + 12;
        m[dst] = p[src];
        m[dst + 1] = p[src + 1];
        m[dst + 2] = p[src + 2];
      }
    }
    this.balls.instanceMatrix.needsUpdate = true;
    if (!this.sticks) return;
    const s = this.sticks.instanceMatrix.array as Float32Array;
    const pairs = this.stickPairs;
    const radius = this.stickRadius;
    const bonds = pairs.length / 2;
    for (let c = 0; c < this.copies; c++) {
      const atom0 = c * n;
      for (let k = 0; k < bonds; k++) {
        writeHalfSticks(s, 32 * (c * bonds + k), p, 3 * (atom0 + pairs[2 * k]), 3 * (atom0 + pairs[2 * k + 1]), radius);
      }
    }
    this.sticks.instanceMatrix.needsUpdate = true;
  }

  /**
   * Colours the instances: atom a of copy c gets `atomSrgb[3a …]` mixed with `tints[3c …]` by
   * `tintStrength` (0: the atom colour, 1: the copy's tint). Colours are sRGB in [0, 1].
   */
  setColors(atomSrgb: ArrayLike<number>, tints?: ArrayLike<number>, tintStrength = 0): void {
    const n = this.atoms;
    const mix = tints !== undefined && tintStrength > 0;
    // Linear colour of every atom of every copy; without a tint all copies share the first's.
    const linear = new Float32Array(3 * n * (mix ? this.copies : 1));
    for (let c = 0; c < (mix ? this.copies : 1); c++) {
      for (let i = 0; i < 3 * n; i++) {
        const v = mix ? atomSrgb[i] + tintStrength * (tints[3 * c + (i % 3)] - atomSrgb[i]) : atomSrgb[i];
        linear[3 * n * c + i] = srgbToLinear(v);
      }
    }
    const copyBase = (c: number) => (mix ? 3 * n * c : 0);
    const balls = this.ballAtoms.length;
    const bc = this.balls.instanceColor!.array as Float32Array;
    for (let c = 0; c < this.copies; c++) {
      for (let k = 0; k < balls; k++) {
        const src = copyBase(c) + 3 * this.ballAtoms[k];
        const dst = 3 * (c * balls + k);
        bc[dst] = linear[src];
        bc[dst + 1] = linear[src + 1];
        bc[dst + 2] = linear[src + 2];
      }
    }
    this.balls.instanceColor!.needsUpdate = true;
    if (!this.sticks) return;
    const sc = this.sticks.instanceColor!.array as Float32Array;
    const halves = this.stickPairs.length; // per copy
    for (let c = 0; c < this.copies; c++) {
      for (let h = 0; h < halves; h++) {
        const src = copyBase(c) + 3 * this.stickPairs[h];
        const dst = 3 * (c * halves + h);
        sc[dst] = linear[src];
        sc[dst + 1] = linear[src + 1];
        sc[dst + 2] = linear[src + 2];
      }
    }
    this.sticks.instanceColor!.needsUpdate = true;
  }

  /** Frees the geometries, materials and instance buffers (on the GPU once rendered). */
  dispose(): void {
    for (const mesh of [this.balls, this.sticks]) {
      if (!mesh) continue;
      mesh.geometry.dispose();
      mesh.material.dispose();
      mesh.dispose();
    }
    this.group.clear();
  }
}

function everyIndex(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * The finest icosphere (detail 3: 320 triangles, 2: 180, 1: 80) whose `count` copies stay within
 * `budget` triangles; never below detail 1, where a sphere still shades round.
 */
export function sphereDetail(count: number, budget: number): number {
  for (let detail = 3; detail > 1; detail--) if (20 * (detail + 1) ** 2 * count <= budget) return detail;
  return 1;
}

function instanced<G extends BufferGeometry>(geometry: G, count: number): InstancedMesh<G, MeshPhongMaterial> {
  const mesh = new InstancedMesh(geometry, new MeshPhongMaterial({ color: 0xffffff, shininess: 50, specular: 0x2a2a2a }), count);
  const m = mesh.instanceMatrix.array as Float32Array;
  m.fill(0);
  for (let i = 0; i < count; i++) m[16 * i + 15] = 1;
  mesh.instanceMatrix.setUsage(DynamicDrawUsage);
  mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(3 * count).fill(1), 3);
  // Atoms move every frame; a bounding sphere would go stale, and the molecule is nearly always in view.
  mesh.frustumCulled = false;
  return mesh;
}

/**
 * Writes the two half cylinders of the stick from the atom at p[i] to the atom at p[j] at
 * m[o …] and m[o + 16 …] (column-major 4×4, bottom rows already 0 0 0 1). The unit cylinder runs
 * along y from −½ to ½, so the y column is the half-bond vector and x, z are `radius` times two
 * unit vectors perpendicular to it, chosen without branches (Duff et al., JCGT 2017) and
 * right-handed so that faces keep their winding.
 */
export function writeHalfSticks(m: Float32Array, o: number, p: ArrayLike<number>, i: number, j: number, radius: number): void {
  const ax = p[i], ay = p[i + 1], az = p[i + 2];
  const dx = p[j] - ax, dy = p[j + 1] - ay, dz = p[j + 2] - az;
  const length = Math.sqrt(dx * dx + dy * dy + dz * dz);
  let nx = 0, ny = 1, nz = 0;
  if (length > 1e-9) {
    nx = dx / length;
    ny = dy / length;
    nz = dz / length;
  }
  const sign = nz >= 0 ? 1 : -1;
  const a = -1 / (sign + nz);
  const b = nx * ny * a;
  // b1 = (1 + s·nx²·a, s·b, −s·nx), b2 = (b, s + ny²·a, −ny): (b1, b2, n) is right-handed, so x = b2, y = n, z = b1 is too.
  const b1x = (1 + sign * nx * nx * a) * radius, b1y = sign * b * radius, b1z = -sign * nx * radius;
  const b2x = b * radius, b2y = (sign + ny * ny * a) * radius, b2z = -ny * radius;
  const hx = 0.5 * dx, hy = 0.5 * dy, hz = 0.5 * dz;
  for (let h = 0; h < 2; h++) {
    const q = o + 16 * h;
    const f = h === 0 ? 0.25 : 0.75;
    m[q] = b2x; m[q + 1] = b2y; m[q + 2] = b2z;
    m[q + 4] = hx; m[q + 5] = hy; m[q + 6] = hz;
    m[q + 8] = b1x; m[q + 9] = b1y; m[q + 10] = b1z;
    m[q + 12] = ax + f * dx; m[q + 13] = ay + f * dy; m[q + 14] = az + f * dz;
  }
}
