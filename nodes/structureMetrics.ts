import { NodeInputError, type AnalysisDefinition } from '../core/graph/catalog.ts';
import { radiusOfGyration, rmsdAfterSuperposition, rmsfPerResidue, superpose } from '../core/metrics/structure.ts';
import { structureTrajectory, TRAJECTORY_INPUT, type StructureTrajectory } from './structureExports.ts';

/** A time for summaries: 3 significant digits. */
const short = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
/** A length for summaries: 3 decimals (PDB precision). */
const angstrom = (v: number): string => `${v.toFixed(3)} Å`;

/** Mean over particles of `value(frame, particle)`, for every recorded frame. */
function perFrameMean(traj: StructureTrajectory, value: (f: number, p: number) => number): number[] {
  return Array.from({ length: traj.frames }, (_, f) => {
    let sum = 0;
    for (let p = 0; p < traj.particles; p++) sum += value(f, p);
    return sum / traj.particles;
  });
}

/** RMSD of every frame of every particle to the reference (frame 0 of the structure). */
export const rmsdMetric: AnalysisDefinition = {
  role: 'analysis', type: 'metric.rmsd', title: 'RMSD to reference',
  doc: 'Root-mean-square deviation (Å) of each recorded frame from the reference (frame 0 of the structure, as selected and centred), after optimal superposition (Kabsch), averaged over the particles. Metrics: times, rmsd (per frame), final (per particle at the last time), final_mean.',
  inputs: [TRAJECTORY_INPUT], outputs: [],
  params: [
    { name: 'superpose', kind: 'boolean', default: true, doc: 'Remove the best rigid rotation and translation before measuring (off: the plain coordinate RMSD, which includes the diffusion of the whole structure).' },
  ],
  analyze: (p, input) => {
    const traj = structureTrajectory(input);
    const reference = traj.structure.frames[0];
    const measure = (f: number, q: number): number => {
      const x = traj.coords(f, q);
      return p.superpose ? rmsdAfterSuperposition(x, reference) : plainRmsd(x, reference);
    };
    const rmsd = perFrameMean(traj, measure);
    const last = traj.frames - 1;
    const final = Array.from({ length: traj.particles }, (_, q) => measure(last, q));
    const finalMean = rmsd[last];
    return {
      metrics: { times: traj.times, rmsd, final, final_mean: finalMean },
      summary: `RMSD to the reference${p.superpose ? ' after superposition' : ''}: ${angstrom(rmsd[0])} at t = ${short(traj.times[0])} → ${angstrom(finalMean)} at t = ${short(traj.times[last])} (mean of ${traj.particles} particle${traj.particles > 1 ? 's' : ''})`,
    };
  },
};

function plainRmsd(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < x.length; k++) sum += (x[k] - y[k]) ** 2;
  return Math.sqrt(sum / (x.length / 3));
}

/** RMSF per residue over frames and particles after superposition on the reference. */
export const rmsfMetric: AnalysisDefinition = {
  role: 'analysis', type: 'metric.rmsf', title: 'RMSF per residue',
  doc: 'Root-mean-square fluctuation (Å) of each residue about its mean position, over the recorded frames after the first skip (equilibration) and over all particles, each frame first superposed on the reference (frame 0 of the structure). atoms ca uses the Cα of each residue; all averages the RMSF of the residue\'s atoms. Structures without residues (XYZ) give one value per atom. Metrics: residue_numbers, rmsf, mean, max.',
  inputs: [TRAJECTORY_INPUT], outputs: [],
  params: [
    { name: 'skip', kind: 'integer', default: 0, min: 0, doc: 'Number of initial recorded frames left out as equilibration.' },
    { name: 'atoms', kind: 'enum', default: 'all', options: ['all', 'ca'], doc: 'all: the mean RMSF of every atom of a residue; ca: the RMSF of its Cα.' },
  ],
  analyze: (p, input) => {
    const traj = structureTrajectory(input);
    const skip = p.skip as number;
    if (skip >= traj.frames) throw new NodeInputError(`skip (${skip}) leaves no frames: the solver recorded ${traj.frames}; lower skip or raise the solver's record`, 'skip');
    const a = traj.structure.atoms;
    const perAtom = rmsfPerAtom(traj, skip);
    const hasResidues = a.residueNames.some((name) => name !== '');
    const chosen = Array.from({ length: traj.atoms }, (_, i) => i).filter((i) => p.atoms !== 'ca' || (a.names[i] === 'CA' && a.elements[i] === 'C'));
    if (chosen.length === 0) throw new NodeInputError("the structure has no atoms named CA; use atoms 'all'", 'atoms');
    const keyOf = (i: number): string => (hasResidues ? `${a.chainIds[i]}:${a.residueNumbers[i]}${a.insertionCodes[i]}` : `${i}`);
    const residues = rmsfPerResidue(chosen.map((i) => perAtom[i]), chosen.map(keyOf));
    const firstAtom = new Map<string, number>();
    for (const i of chosen) if (!firstAtom.has(keyOf(i))) firstAtom.set(keyOf(i), i);
    const atomOf = residues.keys.map((key) => firstAtom.get(key) ?? 0);
    const rmsf = Array.from(residues.values);
    const worst = rmsf.reduce((best, v, k) => (v > rmsf[best] ? k : best), 0);
    const mean = rmsf.reduce((sum, v) => sum + v, 0) / rmsf.length;
    const w = atomOf[worst];
    const where = hasResidues
      ? `residue ${`${a.residueNames[w]} ${a.chainIds[w]}${a.residueNumbers[w]}${a.insertionCodes[w]}`.trim()}`
      : `atom ${w + 1} (${a.elements[w]})`;
    return {
      metrics: { residue_numbers: atomOf.map((i) => (hasResidues ? a.residueNumbers[i] : i + 1)), rmsf, mean, max: rmsf[worst] },
      summary: `RMSF over ${traj.frames - skip} frames × ${traj.particles} particles: mean ${angstrom(mean)}, max ${angstrom(rmsf[worst])} at ${where}`,
    };
  },
};

/**
 * Per-atom RMSF about the mean superposed position over frames ≥ skip and all particles, each
 * frame superposed on the reference (frame 0 of the structure) first: the estimator of
 * core/metrics `rmsf`, accumulated frame by frame so that a long run of a large ensemble needs
 * two arrays of 3 × atoms numbers rather than every superposed frame at once.
 */
function rmsfPerAtom(traj: StructureTrajectory, skip: number): Float64Array {
  const reference = traj.structure.frames[0];
  const n = 3 * traj.atoms;
  const sum = new Float64Array(n);
  const sum2 = new Float64Array(n);
  let count = 0;
  for (let f = skip; f < traj.frames; f++) {
    for (let q = 0; q < traj.particles; q++) {
      const aligned = superpose(traj.coords(f, q), reference);
      for (let k = 0; k < n; k++) {
        // Deviations from the reference keep the sums small, so the variance loses no digits.
        const d = aligned[k] - reference[k];
        sum[k] += d;
        sum2[k] += d * d;
      }
      count++;
    }
  }
  return Float64Array.from({ length: traj.atoms }, (_, i) => {
    let v = 0;
    for (let a = 0; a < 3; a++) v += sum2[3 * i + a] / count - (sum[3 * i + a] / count) ** 2;
    return Math.sqrt(Math.max(0, v));
  });
}

/** Radius of gyration over time. */
export const radiusOfGyrationMetric: AnalysisDefinition = {
  role: 'analysis', type: 'metric.radius_of_gyration', title: 'Radius of gyration',
  doc: 'Radius of gyration (Å, every atom weighted equally) of each recorded frame, averaged over the particles. Metrics: times, rg (per frame), final (per particle at the last time), final_mean.',
  inputs: [TRAJECTORY_INPUT], outputs: [],
  params: [],
  analyze: (_p, input) => {
    const traj = structureTrajectory(input);
    const rg = perFrameMean(traj, (f, q) => radiusOfGyration(traj.coords(f, q)));
    const last = traj.frames - 1;
    const final = Array.from({ length: traj.particles }, (_, q) => radiusOfGyration(traj.coords(last, q)));
    return {
      metrics: { times: traj.times, rg, final, final_mean: rg[last] },
      summary: `radius of gyration: ${angstrom(rg[0])} at t = ${short(traj.times[0])} → ${angstrom(rg[last])} at t = ${short(traj.times[last])} (mean of ${traj.particles} particle${traj.particles > 1 ? 's' : ''})`,
    };
  },
};

export const STRUCTURE_METRICS = [rmsdMetric, rmsfMetric, radiusOfGyrationMetric];
