import { NodeInputError, type NodeContext, type Params, type PortSpec, type SourceDefinition } from '../core/graph/catalog.ts';
import { readPdb } from '../core/io/pdbRead.ts';
import { centreFrames, selectAtoms } from '../core/io/selection.ts';
import { atomCount, StructureFormatError, type MolecularStructure } from '../core/io/structure.ts';
import { readXyz } from '../core/io/xyz.ts';

/** The `structure` output of the structure source and the `structure` input of the nodes that need it. */
export const STRUCTURE_PORT = { name: 'structure', type: 'structure' } as const;

/** True when `v` looks like a MolecularStructure (a resolved value is `unknown` to the catalog). */
export function isStructure(v: unknown): v is MolecularStructure {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<MolecularStructure>;
  return Array.isArray(s.frames) && typeof s.atoms === 'object' && s.atoms !== null && Array.isArray(s.atoms.names);
}

/** The structure on input `structure`, or undefined when the input is not connected. */
export function structureInput(ctx: NodeContext | undefined): MolecularStructure | undefined {
  const v = ctx?.input(STRUCTURE_PORT.name);
  return isStructure(v) ? v : undefined;
}

const OUTPUTS: PortSpec[] = [
  { name: 'out', type: 'distribution', doc: 'Initial states: one particle is the whole structure, x = (x0, y0, z0, x1, …) in Å.' },
  { ...STRUCTURE_PORT, doc: 'The structure (topology and reference coordinates, frame 0 as selected and centred), for elastic networks, exports and metrics.' },
];

/**
 * A molecular structure from a PDB or XYZ file as the initial state: one particle is the whole
 * structure (state dimension 3 × atoms), several particles an ensemble of copies, optionally
 * jittered so they do not start identical.
 */
export const structureSource: SourceDefinition = {
  role: 'source', type: 'source.structure', title: 'Molecular structure',
  doc: 'Reads a PDB or XYZ file; every particle starts as the structure (state dimension 3 × atoms, x = (x0, y0, z0, x1, …) in Å) plus optional Gaussian jitter. Pick the atoms with selection and chain_index; frame 0 (after selection and centring) is the reference that elastic networks, RMSD and RMSF use.',
  inputs: [],
  outputs: OUTPUTS,
  params: [
    { name: 'file', kind: 'file', default: '', extensions: ['.pdb', '.xyz'], doc: 'A PDB (.pdb) or XYZ (.xyz) text file, relative to the graph file. Multi-model PDB and multi-frame XYZ give several frames.' },
    { name: 'selection', kind: 'enum', default: 'all', options: ['all', 'heavy', 'ca'], doc: 'Which atoms: all, heavy (no hydrogens), or ca (the Cα of each amino-acid residue, for coarse-grained models such as elastic networks).' },
    { name: 'chain_index', kind: 'integer', default: 0, min: 0, doc: 'Which chain: 0 keeps every chain, k keeps the k-th chain in the order the file lists them (1 = the first). Applied before selection.' },
    { name: 'centre', kind: 'boolean', default: true, doc: 'Translate every frame by the same vector so that frame 0 has its centroid at the origin.' },
    { name: 'frame', kind: 'integer', default: 0, min: 0, doc: 'Which frame (PDB model or XYZ frame, 0-based) the particles start from. The reference stays frame 0.' },
    { name: 'jitter', kind: 'number', default: 0, min: 0, doc: 'Standard deviation in Å of independent Gaussian noise added to each coordinate of each particle, so that an ensemble does not start identical (0: every particle starts exactly at the structure).' },
  ],
  resolve: (p, ctx) => loadStructure(p, ctx),
  dimension: (_p, ctx) => {
    const s = ctx?.value;
    return isStructure(s) ? 3 * atomCount(s) : undefined;
  },
  sample: (p, b, dims, ctx) => {
    const s = ctx.value;
    if (!isStructure(s)) throw new NodeInputError('the structure file is not loaded', 'file');
    const start = s.frames[p.frame as number];
    const jitter = p.jitter as number;
    return Array.from({ length: dims }, (_, j) => {
      const x = b.constant(start[j]);
      return jitter > 0 ? b.add(x, b.mul(b.constant(jitter), b.random('normal', j))) : x;
    });
  },
  structure: (_p, ctx) => (isStructure(ctx.value) ? ctx.value : undefined),
};

/** Reads, selects and centres the structure a source's params describe; NodeInputError on a bad file. */
function loadStructure(p: Params, ctx: NodeContext): MolecularStructure {
  const path = p.file as string;
  const bytes = ctx.file(path);
  if (!bytes) throw new NodeInputError(`file '${path}' is not loaded; it is read relative to the graph file`, 'file');
  const text = decodeText(bytes, path);
  let s: MolecularStructure;
  try {
    s = path.toLowerCase().endsWith('.xyz') ? readXyz(text, { file: path }) : readPdb(text, { file: path });
  } catch (e) {
    if (e instanceof StructureFormatError) {
      throw new NodeInputError(`cannot read '${path}': line ${e.line}: ${e.detail}; fix the file or choose another`, 'file');
    }
    throw e;
  }
  s = selectChain(s, p.chain_index as number, path);
  try {
    if (p.selection !== 'all') s = selectAtoms(s, p.selection as 'heavy' | 'ca');
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    throw new NodeInputError(`'${path}': ${e.message}; choose another selection`, 'selection');
  }
  const frame = p.frame as number;
  if (frame >= s.frames.length) {
    const choices = s.frames.length > 1 ? `choose 0 to ${s.frames.length - 1}` : 'its only frame is 0';
    throw new NodeInputError(`'${path}' has ${s.frames.length} frame${s.frames.length > 1 ? 's' : ''}, so frame ${frame} does not exist; ${choices}`, 'frame');
  }
  return p.centre ? centreFrames(s) : s;
}

/** The atoms of the k-th chain (1-based, in order of first appearance); all of them for k = 0. */
function selectChain(s: MolecularStructure, k: number, path: string): MolecularStructure {
  if (k === 0) return s;
  const chains = [...new Set(s.atoms.chainIds)];
  if (k > chains.length) {
    const names = chains.map((c) => (c === '' ? '(blank)' : c)).join(', ');
    const choices = chains.length > 1 ? `1 to ${chains.length} for one chain` : '1 for that chain';
    throw new NodeInputError(`'${path}' has ${chains.length} chain${chains.length > 1 ? 's' : ''} (${names}), so chain_index ${k} does not exist; use 0 for all chains or ${choices}`, 'chain_index');
  }
  return selectAtoms(s, { chain: chains[k - 1] });
}

/** UTF-8 text of a structure file; a binary file is refused rather than parsed into garbage. */
function decodeText(bytes: Uint8Array, path: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new NodeInputError(`'${path}' is a binary file (byte ${nul} is 0), not a PDB or XYZ text file; choose a text structure file`, 'file');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new NodeInputError(`'${path}' is not UTF-8 or ASCII text, so it cannot be a PDB or XYZ file; choose a text structure file`, 'file');
  }
}

export const STRUCTURE_SOURCES = [structureSource];
