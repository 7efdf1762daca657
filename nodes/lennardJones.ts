import { NodeInputError, type FieldDefinition, type Params } from '../core/graph/catalog.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import type { ValueId } from '../core/ir/types.ts';
import { atomCount } from '../core/io/structure.ts';
import { DRIFT_OUT } from './ports.ts';
import { STRUCTURE_PORT, structureInput } from './structureSource.ts';

/** The params of `drift.lennard_jones`, as numbers. */
export interface LennardJonesParams {
  epsilon: number;
  sigma: number;
  /** In units of σ. */
  cutoff: number;
  /** In ε/σ². */
  confinement: number;
  confineTo: 'centroid' | 'origin';
  friction: number;
}

/** Reads the numeric params of a `drift.lennard_jones` node. */
export function lennardJonesParams(p: Params): LennardJonesParams {
  return {
    epsilon: p.epsilon as number, sigma: p.sigma as number, cutoff: p.cutoff as number,
    confinement: p.confinement as number, confineTo: p.confine_to as 'centroid' | 'origin', friction: p.friction as number,
  };
}

/**
 * The potential energy the drift is the gradient of (tests, diagnostics): truncated LJ pairs plus
 * the confinement, for coordinates x = (x0, y0, z0, x1, …). Pairs beyond the cutoff add nothing;
 * the energy is not shifted (a shift would not change the drift).
 */
export function lennardJonesPotential(x: ArrayLike<number>, q: LennardJonesParams): number {
  const n = x.length / 3;
  const rc2 = (q.cutoff * q.sigma) ** 2;
  let u = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const r2 = (x[3 * i] - x[3 * j]) ** 2 + (x[3 * i + 1] - x[3 * j + 1]) ** 2 + (x[3 * i + 2] - x[3 * j + 2]) ** 2;
      if (r2 >= rc2) continue;
      const s6 = (q.sigma * q.sigma / r2) ** 3;
      u += 4 * q.epsilon * (s6 * s6 - s6);
    }
  }
  const centre = [0, 0, 0];
  if (q.confineTo === 'centroid') for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) centre[a] += x[3 * i + a] / n;
  const k = (q.confinement * q.epsilon) / (q.sigma * q.sigma);
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) u += 0.5 * k * (x[3 * i + a] - centre[a]) ** 2;
  return u;
}

/** Emits −∇U / friction: each pair once (its force added to one atom, subtracted from the other), then the confinement. */
function emitForces(b: IRBuilder, x: readonly ValueId[], q: LennardJonesParams): ValueId[] {
  const n = x.length / 3;
  const out: ValueId[] = x.map(() => b.constant(0));
  const sigma2 = b.constant(q.sigma * q.sigma);
  const rc2 = b.constant((q.cutoff * q.sigma) ** 2);
  const strength = b.constant((24 * q.epsilon) / q.friction);
  const zero = b.constant(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = [0, 1, 2].map((a) => b.sub(x[3 * i + a], x[3 * j + a]));
      const r2 = b.add(b.add(b.mul(d[0], d[0]), b.mul(d[1], d[1])), b.mul(d[2], d[2]));
      const s2 = b.div(sigma2, r2);
      const s6 = b.mul(s2, b.mul(s2, s2));
      // F_i = 24 ε (2 (σ/r)¹² − (σ/r)⁶) / r² · r_ij, zero beyond the cutoff.
      const magnitude = b.div(b.mul(strength, b.sub(b.mul(b.constant(2), b.mul(s6, s6)), s6)), r2);
      const scale = b.select(b.binary('lt', r2, rc2), magnitude, zero);
      for (let a = 0; a < 3; a++) {
        const f = b.mul(scale, d[a]);
        out[3 * i + a] = b.add(out[3 * i + a], f);
        out[3 * j + a] = b.sub(out[3 * j + a], f);
      }
    }
  }
  if (q.confinement > 0) {
    // −k (r_i − c) / friction; for the centroid, c's own dependence on r_i cancels in the sum.
    const k = b.constant((q.confinement * q.epsilon) / (q.sigma * q.sigma) / q.friction);
    for (let a = 0; a < 3; a++) {
      let centre = zero;
      if (q.confineTo === 'centroid') {
        for (let i = 0; i < n; i++) centre = b.add(centre, x[3 * i + a]);
        centre = b.div(centre, b.constant(n));
      }
      for (let i = 0; i < n; i++) out[3 * i + a] = b.sub(out[3 * i + a], b.mul(k, b.sub(x[3 * i + a], centre)));
    }
  }
  return out;
}

/** Overdamped Langevin dynamics of Lennard-Jones atoms (argon-like clusters). */
export const lennardJonesDrift: FieldDefinition = {
  role: 'field', type: 'drift.lennard_jones', title: 'Lennard-Jones cluster',
  doc: 'Atoms interacting by U = Σ_{i<j} 4ε [(σ/r)¹² − (σ/r)⁶], truncated at cutoff · σ (no force beyond; the energy shift that would make U continuous changes no force), plus a harmonic confinement k/2 Σ |r_i − c|² (c the centroid or the origin) that keeps a warm cluster from evaporating. Drift f = −∇U / friction; with diffusion σ_noise the temperature is kT = friction · σ_noise² / 2. The atom count comes from the structure input, or else from the state (its dimension must be a multiple of 3).',
  inputs: [{ ...STRUCTURE_PORT, doc: 'Optional: the structure, which fixes the number of atoms (else any state of 3 × atoms components).' }],
  outputs: [DRIFT_OUT],
  params: [
    { name: 'epsilon', kind: 'number', default: 1, min: 0, exclusiveMin: true, doc: 'Well depth ε (energy units; kT is measured in the same units).' },
    { name: 'sigma', kind: 'number', default: 3.405, min: 0, exclusiveMin: true, doc: 'Length scale σ in Å (the pair minimum is at 2^(1/6) σ); 3.405 Å is argon.' },
    { name: 'cutoff', kind: 'number', default: 2.5, min: 1, exclusiveMin: true, doc: 'Pairs farther apart than cutoff · σ do not interact (2.5 is the usual choice; the force there is 1.6 % of its maximum).' },
    { name: 'confinement', kind: 'number', default: 0.1, min: 0, doc: 'Spring constant k of the confinement, in ε/σ² (0: none). The default is weak next to the pair forces (curvature ≈ 57 ε/σ² at the minimum), so it barely changes the cluster but brings evaporated atoms back.' },
    { name: 'confine_to', kind: 'enum', default: 'centroid', options: ['centroid', 'origin'], doc: 'Pull each atom towards the centroid of the cluster (the cluster as a whole still diffuses freely), or towards the origin (it stays in place).' },
    { name: 'friction', kind: 'number', default: 1, min: 0, exclusiveMin: true, doc: 'Friction coefficient: the drift is the force divided by it (overdamped Langevin).' },
  ],
  dimension: (_p, ctx) => {
    const s = structureInput(ctx);
    return s ? 3 * atomCount(s) : undefined;
  },
  field: (p, b, x, _t, dims) => {
    if (dims % 3 !== 0) throw new NodeInputError(`the state has ${dims} components, which is not 3 × a number of atoms; drift.lennard_jones needs x = (x0, y0, z0, x1, …), e.g. from source.structure`);
    if (dims < 6) throw new NodeInputError(`the state has ${dims / 3} atom; a Lennard-Jones system needs at least 2`);
    return emitForces(b, x, lennardJonesParams(p));
  },
};

export const LENNARD_JONES_DRIFTS = [lennardJonesDrift];
