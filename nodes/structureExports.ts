import { NodeInputError, type AnalysisDefinition, type AnalysisInput, type AnalysisOutput, type Params, type PortSpec } from '../core/graph/catalog.ts';
import { writePdb } from '../core/io/pdbWrite.ts';
import { atomCount, type MolecularStructure } from '../core/io/structure.ts';
import { writeXyz } from '../core/io/xyz.ts';

/** The `trajectory` input of every structure export and metric. */
export const TRAJECTORY_INPUT: PortSpec = {
  name: 'trajectory', type: 'trajectory', required: true,
  doc: 'The trajectory output of a solver whose initial state is a source.structure (set record > 0 on the solver for more than the start).',
};

/**
 * A solver's trajectory seen as structures: `coords(f, p)` are the 3 × atoms coordinates of
 * particle p at recorded frame f, in float64.
 */
export interface StructureTrajectory {
  structure: MolecularStructure;
  frames: number;
  particles: number;
  atoms: number;
  /** Recorded times, one per frame (frame numbers when the solver gave none). */
  times: number[];
  coords(frame: number, particle: number): Float64Array;
}

/**
 * Checks that an analysis got a trajectory of structures (a connected trajectory, the structure
 * of the solver's source, and 3 × atoms components per particle); NodeInputError otherwise.
 */
export function structureTrajectory(input: AnalysisInput): StructureTrajectory {
  const array = input.arrays.get(TRAJECTORY_INPUT.name);
  if (!array) throw new NodeInputError("input 'trajectory' has no data; connect the trajectory output of a solver");
  const structure = input.structure;
  if (!structure) throw new NodeInputError("the solver's particles are not molecular structures: connect a source.structure to the solver's initial input");
  const [frames, particles, dims] = array.shape;
  const atoms = atomCount(structure);
  if (dims !== 3 * atoms) throw new NodeInputError(`the trajectory has ${dims} components per particle but the structure has ${atoms} atoms (${3 * atoms} coordinates)`);
  const times = Array.from({ length: frames }, (_, f) => (input.times ? shortestFloat32(input.times[f]) : f));
  return {
    structure, frames, particles, atoms, times,
    coords: (f, p) => Float64Array.from(array.data.subarray((f * particles + p) * dims, (f * particles + p + 1) * dims)),
  };
}

/** The shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612). */
function shortestFloat32(v: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/** The frames an export writes: one particle over time, or every particle at the final time. */
function exportFrames(traj: StructureTrajectory, particle: number): { frames: Float64Array[]; labels: string[]; what: string } {
  if (particle >= traj.particles) {
    const range = traj.particles > 1 ? `${traj.particles} particles (0 to ${traj.particles - 1})` : '1 particle (0)';
    throw new NodeInputError(`particle ${particle} does not exist: the run has ${range}; or use -1 for every particle at the final time`, 'particle');
  }
  if (particle < 0) {
    const last = traj.frames - 1;
    return {
      frames: Array.from({ length: traj.particles }, (_, p) => traj.coords(last, p)),
      labels: Array.from({ length: traj.particles }, (_, p) => `particle ${p}, t = ${traj.times[last]}`),
      what: `the ${traj.particles} particles at t = ${traj.times[last]}`,
    };
  }
  return {
    frames: Array.from({ length: traj.frames }, (_, f) => traj.coords(f, particle)),
    labels: Array.from({ length: traj.frames }, (_, f) => `particle ${particle}, t = ${traj.times[f]}`),
    what: `particle ${particle} at ${traj.frames} time${traj.frames > 1 ? 's' : ''} (t = ${traj.times[0]} … ${traj.times[traj.frames - 1]})`,
  };
}

const PARTICLE_PARAM = {
  name: 'particle', kind: 'integer', default: 0, min: -1,
  doc: 'Which ensemble member: k ≥ 0 writes particle k at every recorded time (one model or frame per time); -1 writes every particle at the final time (one per particle).',
} as const;

function exportStructure(p: Params, input: AnalysisInput, format: 'pdb' | 'xyz'): AnalysisOutput {
  const traj = structureTrajectory(input);
  const particle = p.particle as number;
  const { frames, labels, what } = exportFrames(traj, particle);
  const s: MolecularStructure = { ...traj.structure, frames, frameLabels: labels };
  const name = `${particle < 0 ? 'ensemble' : 'trajectory'}.${format}`;
  const text = format === 'pdb' ? writePdb(s, { title: `${traj.structure.title || 'structure'}: ${what}`.trim() }) : writeXyz(s);
  const unit = format === 'pdb' ? (frames.length > 1 ? 'models' : 'model') : (frames.length > 1 ? 'frames' : 'frame');
  return {
    metrics: { [format === 'pdb' ? 'models' : 'frames']: frames.length, atoms: traj.atoms },
    files: [{ name, mime: format === 'pdb' ? 'chemical/x-pdb' : 'chemical/x-xyz', text }],
    summary: `${frames.length} ${unit} of ${traj.atoms} atoms (${what}) in ${name}`,
  };
}

/** Multi-model PDB of a trajectory of structures. */
export const pdbExport: AnalysisDefinition = {
  role: 'analysis', type: 'export.pdb', title: 'Export PDB',
  doc: 'Writes the trajectory as a multi-model PDB file with the structure\'s atoms and residues: trajectory.pdb (one MODEL per recorded time of one particle) or ensemble.pdb (particle -1: one MODEL per particle at the final time). Coordinates to 0.001 Å.',
  inputs: [TRAJECTORY_INPUT], outputs: [],
  params: [PARTICLE_PARAM],
  analyze: (p, input) => exportStructure(p, input, 'pdb'),
};

/** Multi-frame XYZ of a trajectory of structures. */
export const xyzExport: AnalysisDefinition = {
  role: 'analysis', type: 'export.xyz', title: 'Export XYZ',
  doc: 'Writes the trajectory as a multi-frame XYZ file (element symbols, coordinates in Å; each comment line gives the particle and time): trajectory.xyz (one frame per recorded time of one particle) or ensemble.xyz (particle -1: one frame per particle at the final time).',
  inputs: [TRAJECTORY_INPUT], outputs: [],
  params: [PARTICLE_PARAM],
  analyze: (p, input) => exportStructure(p, input, 'xyz'),
};

export const STRUCTURE_EXPORTS = [pdbExport, xyzExport];
