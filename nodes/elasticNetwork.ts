import { NodeInputError, type FieldDefinition } from '../core/graph/catalog.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import type { ValueId } from '../core/ir/types.ts';
import { atomCount, type MolecularStructure } from '../core/io/structure.ts';
import { DRIFT_OUT } from './ports.ts';
import { STRUCTURE_PORT, structureInput } from './structureSource.ts';

/** One spring of an elastic network: atoms i < j and their rest length (Å). */
export interface Spring {
  i: number;
  j: number;
  rest: number;
}

/** What `drift.elastic_network` resolves to: the springs of the reference structure. */
export interface ElasticNetwork {
  atoms: number;
  cutoff: number;
  springs: Spring[];
  /** Reference coordinates (frame 0 of the input structure), 3 × atoms. */
  reference: Float64Array;
}

/**
 * Past this many atoms the exact count of zero modes (O(atoms³): ~0.2 s at 250 atoms, paid on every
 * validation) is skipped; connectivity and the three springs every atom needs are still checked.
 */
export const ZERO_MODE_CHECK_MAX_ATOMS = 250;

/**
 * Springs between every pair of atoms closer than `cutoff` in `frame` (x0, y0, z0, x1, …). Atoms
 * are binned in cubic cells of side `cutoff`, so each atom meets only the 27 cells around it.
 */
export function findSprings(frame: ArrayLike<number>, cutoff: number): Spring[] {
  const n = frame.length / 3;
  const cells = new Map<string, number[]>();
  const cellOf = (i: number) => [0, 1, 2].map((a) => Math.floor(frame[3 * i + a] / cutoff));
  for (let i = 0; i < n; i++) {
    const key = cellOf(i).join(',');
    const list = cells.get(key);
    if (list) list.push(i);
    else cells.set(key, [i]);
  }
  const springs: Spring[] = [];
  for (let i = 0; i < n; i++) {
    const [cx, cy, cz] = cellOf(i);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (let dz = -1; dz <= 1; dz++) {
      for (const j of cells.get(`${cx + dx},${cy + dy},${cz + dz}`) ?? []) {
        if (j <= i) continue;
        const rest = Math.hypot(frame[3 * i] - frame[3 * j], frame[3 * i + 1] - frame[3 * j + 1], frame[3 * i + 2] - frame[3 * j + 2]);
        if (rest < cutoff) springs.push({ i, j, rest });
      }
    }
  }
  return springs.sort((a, b) => a.i - b.i || a.j - b.j);
}

/**
 * The 3N × 3N Hessian of the anisotropic network model (Atilgan et al., Biophys. J. 80, 505,
 * 2001) at the reference, row-major: block (i, j) = −γ u uᵀ for each spring (u the unit vector
 * from j to i), diagonal blocks minus the sum of their row.
 */
export function anmHessian(network: ElasticNetwork, springConstant = 1): Float64Array {
  const n = 3 * network.atoms;
  const h = new Float64Array(n * n);
  const x = network.reference;
  for (const { i, j, rest } of network.springs) {
    const u = [0, 1, 2].map((a) => (x[3 * i + a] - x[3 * j + a]) / rest);
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 3; c++) {
        const v = springConstant * u[a] * u[c];
        h[(3 * i + a) * n + 3 * j + c] -= v;
        h[(3 * j + a) * n + 3 * i + c] -= v;
        h[(3 * i + a) * n + 3 * i + c] += v;
        h[(3 * j + a) * n + 3 * j + c] += v;
      }
    }
  }
  return h;
}

/**
 * The number of zero eigenvalues of a symmetric positive semi-definite matrix (n × n, row-major),
 * as n minus its numerical rank: Cholesky with diagonal pivoting stops when the largest remaining
 * pivot falls below `relativeTolerance` times the largest diagonal entry (Higham, "Accuracy and
 * Stability of Numerical Algorithms", §10.3). The matrix is not modified.
 */
export function countZeroModes(matrix: Float64Array, n: number, relativeTolerance = 1e-8): number {
  const a = Float64Array.from(matrix);
  let largest = 0;
  for (let k = 0; k < n; k++) largest = Math.max(largest, a[k * n + k]);
  if (!(largest > 0)) return n;
  const column = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (a[i * n + i] > a[p * n + p]) p = i;
    const pivot = a[p * n + p];
    if (!(pivot > relativeTolerance * largest)) return n - k;
    if (p !== k) swapRowAndColumn(a, n, k, p);
    // Schur complement of the pivot on the trailing block, row by row over contiguous memory.
    for (let i = k + 1; i < n; i++) column[i] = a[i * n + k] / pivot;
    for (let i = k + 1; i < n; i++) {
      const f = column[i];
      if (f === 0) continue;
      const row = i * n;
      const pivotRow = k * n;
      for (let j = k + 1; j < n; j++) a[row + j] -= f * a[pivotRow + j];
    }
  }
  return 0;
}

/** Symmetric permutation: swaps rows k and p and columns k and p of an n × n matrix. */
function swapRowAndColumn(a: Float64Array, n: number, k: number, p: number): void {
  for (let j = 0; j < n; j++) [a[k * n + j], a[p * n + j]] = [a[p * n + j], a[k * n + j]];
  for (let i = 0; i < n; i++) [a[i * n + k], a[i * n + p]] = [a[i * n + p], a[i * n + k]];
}

/** Number of connected pieces of the spring graph (union–find). */
function connectedPieces(atoms: number, springs: readonly Spring[]): number {
  const parent = Array.from({ length: atoms }, (_, k) => k);
  const root = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]];
    return k;
  };
  let pieces = atoms;
  for (const { i, j } of springs) {
    const [ri, rj] = [root(i), root(j)];
    if (ri !== rj) { parent[ri] = rj; pieces--; }
  }
  return pieces;
}

/** Builds the network of a structure's frame 0 and refuses one that is not rigid. */
export function buildElasticNetwork(s: MolecularStructure, cutoff: number): ElasticNetwork {
  const atoms = atomCount(s);
  if (atoms < 3) throw new NodeInputError(`an elastic network needs at least 3 atoms, but the structure has ${atoms}; select more atoms (e.g. selection 'ca' of a whole protein)`);
  const reference = s.frames[0];
  const springs = findSprings(reference, cutoff);
  const network: ElasticNetwork = { atoms, cutoff, springs, reference };
  const advice = `raise the cutoff (${cutoff} Å now; 13–15 Å is usual for Cα networks)`;
  const pieces = connectedPieces(atoms, springs);
  if (pieces > 1) throw new NodeInputError(`the elastic network is disconnected: with cutoff ${cutoff} Å its ${springs.length} springs join the ${atoms} atoms into ${pieces} separate pieces, which would drift apart freely; ${advice}`, 'cutoff');
  // In 3D an atom held by fewer than 3 springs can move without stretching any of them.
  const degree = new Array<number>(atoms).fill(0);
  for (const { i, j } of springs) { degree[i]++; degree[j]++; }
  const loose = degree.flatMap((d, i) => (d < 3 ? [i] : []));
  if (loose.length > 0) {
    const names = loose.slice(0, 3).map((i) => atomLabel(s, i)).join(', ');
    throw new NodeInputError(`the elastic network is not rigid: with cutoff ${cutoff} Å, ${loose.length} atom${loose.length > 1 ? 's have' : ' has'} fewer than 3 springs (${names}${loose.length > 3 ? ', …' : ''}) and can move freely; ${advice}`, 'cutoff');
  }
  if (atoms <= ZERO_MODE_CHECK_MAX_ATOMS) {
    const zero = countZeroModes(anmHessian(network), 3 * atoms);
    if (zero > 6) throw new NodeInputError(`the elastic network is not rigid: with cutoff ${cutoff} Å its ${springs.length} springs leave ${zero} zero modes, ${zero - 6} more than the 6 rigid-body motions (3 translations, 3 rotations), so parts of it move with no restoring force; ${advice}`, 'cutoff');
  }
  return network;
}

/** `CA ALA A12`-style label of atom i, for messages. */
function atomLabel(s: MolecularStructure, i: number): string {
  const a = s.atoms;
  return `${a.names[i]} ${a.residueNames[i]} ${a.chainIds[i]}${a.residueNumbers[i] || ''}`.replace(/\s+/g, ' ').trim() || `atom ${i + 1}`;
}

function isNetwork(v: unknown): v is ElasticNetwork {
  return typeof v === 'object' && v !== null && Array.isArray((v as ElasticNetwork).springs) && (v as ElasticNetwork).reference instanceof Float64Array;
}

/** U = Σ γ/2 (|r_ij| − r0_ij)² over the springs, for coordinates x (tests, diagnostics). */
export function elasticNetworkEnergy(network: ElasticNetwork, x: ArrayLike<number>, springConstant = 1): number {
  let u = 0;
  for (const { i, j, rest } of network.springs) {
    const r = Math.hypot(x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]);
    u += 0.5 * springConstant * (r - rest) ** 2;
  }
  return u;
}

/**
 * Emits −∇U / friction for the springs: each spring once, its force added to one atom and
 * subtracted from the other. F_i = −γ (|r_ij| − r0) r_ij / |r_ij| with r_ij = r_i − r_j.
 */
function emitSpringForces(b: IRBuilder, x: readonly ValueId[], network: ElasticNetwork, springConstant: number, friction: number): ValueId[] {
  const out: ValueId[] = x.map(() => b.constant(0));
  const k = b.constant(-springConstant / friction);
  for (const { i, j, rest } of network.springs) {
    const d = [0, 1, 2].map((a) => b.sub(x[3 * i + a], x[3 * j + a]));
    const r = b.unary('sqrt', b.add(b.add(b.mul(d[0], d[0]), b.mul(d[1], d[1])), b.mul(d[2], d[2])));
    // −γ/friction · (r − r0)/r: the magnitude per unit of r_ij.
    const scale = b.mul(k, b.div(b.sub(r, b.constant(rest)), r));
    for (let a = 0; a < 3; a++) {
      const f = b.mul(scale, d[a]);
      out[3 * i + a] = b.add(out[3 * i + a], f);
      out[3 * j + a] = b.sub(out[3 * j + a], f);
    }
  }
  return out;
}

/**
 * Anisotropic network model of a protein: a Hookean spring between every pair of atoms (usually
 * Cα) closer than the cutoff in the reference structure.
 */
export const elasticNetworkDrift: FieldDefinition = {
  role: 'field', type: 'drift.elastic_network', title: 'Elastic network (ANM)',
  doc: 'Anisotropic network model: U = Σ γ/2 (|r_ij| − |r0_ij|)² over the pairs closer than the cutoff in the reference (frame 0 of the structure input), drift f = −∇U / friction. With diffusion σ the temperature is kT = friction · σ² / 2 and each atom fluctuates like kT · (H⁺)_ii. Refuses structures of fewer than 3 atoms and cutoffs that leave the network floppy (more than the 6 rigid-body zero modes).',
  inputs: [{ ...STRUCTURE_PORT, required: true, doc: 'The reference structure (connect the structure output of source.structure, usually with selection ca).' }],
  outputs: [DRIFT_OUT],
  params: [
    { name: 'cutoff', kind: 'number', default: 15, min: 0, exclusiveMin: true, doc: 'Pairs closer than this (Å) in the reference are joined by a spring. 15 Å is the usual Cα default (ProDy); Atilgan et al. (2001) used 13 Å.' },
    { name: 'spring_constant', kind: 'number', default: 1, min: 0, exclusiveMin: true, doc: 'Spring constant γ of every spring (energy / Å²).' },
    { name: 'friction', kind: 'number', default: 1, min: 0, exclusiveMin: true, doc: 'Friction coefficient: the drift is the force divided by it (overdamped Langevin).' },
  ],
  resolve: (p, ctx) => {
    // Unconnected: the validator already reports the required input, so there is nothing to add.
    const s = structureInput(ctx);
    return s ? buildElasticNetwork(s, p.cutoff as number) : undefined;
  },
  dimension: (_p, ctx) => {
    const network = ctx?.value;
    return isNetwork(network) ? 3 * network.atoms : undefined;
  },
  field: (p, b, x, _t, dims, ctx) => {
    const network = ctx.value;
    if (!isNetwork(network)) throw new NodeInputError("the elastic network has no structure; connect the structure output of a source.structure node to input 'structure'");
    if (dims !== 3 * network.atoms) throw new NodeInputError(`the state has ${dims} components but the elastic network has ${network.atoms} atoms (${3 * network.atoms} coordinates); start the solver from the same structure`);
    return emitSpringForces(b, x, network, p.spring_constant as number, p.friction as number);
  },
};

export const ELASTIC_NETWORK_DRIFTS = [elasticNetworkDrift];
