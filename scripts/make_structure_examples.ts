/**
 * Writes the structure examples of assets/examples: the ideal α-helix (alpha-helix.pdb), the LJ13
 * icosahedron (lj13.xyz, argon, σ = 3.405 Å) and the two graphs that use them, in the canonical
 * JSON form the app saves. Run: node bin/run-ts.mjs scripts/make_structure_examples.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeGraph } from '../core/graph/document.ts';
import type { GraphDocument, GraphEdge, GraphNode } from '../core/graph/types.ts';
import { idealAlphaHelix, lennardJonesCluster13 } from '../core/io/generate.ts';
import { writePdb } from '../core/io/pdbWrite.ts';
import { writeXyz } from '../core/io/xyz.ts';

const EXAMPLES = path.join(fileURLToPath(new URL('..', import.meta.url)), 'assets', 'examples');

/** Argon's Lennard-Jones σ in Å. */
const ARGON_SIGMA = 3.405;

function edge(id: string, from: string, fromPort: string, to: string, toPort: string): GraphEdge {
  return { id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}

function graph(name: string, nodes: GraphNode[], edges: GraphEdge[]): GraphDocument {
  return { format: 'sde-studio.graph', version: 1, name, nodes, edges };
}

/**
 * Cα elastic network of the helix (171 springs) at kT = friction · σ² / 2 = 0.045 γ Å². Its ANM
 * spectrum spans λ = 0.11 … 17 γ: dt = 0.01 resolves the stiffest mode, the slowest relaxes in
 * ~9 time units, so t1 = 100 is ~10 relaxation times and RMSF skips the first 20 (20 frames).
 */
const protein = graph('Protein elastic network (α-helix)', [
  { id: 'init', type: 'source.structure', params: { file: 'alpha-helix.pdb', selection: 'ca', centre: true, jitter: 0 }, position: { x: 0, y: 0 } },
  { id: 'network', type: 'drift.elastic_network', params: { cutoff: 15, spring_constant: 1, friction: 1 }, position: { x: 0, y: 160 } },
  { id: 'temperature', type: 'diffusion.constant', params: { sigma: 0.3 }, position: { x: 0, y: 320 } },
  { id: 'solve', type: 'solver.euler_maruyama', params: { t0: 0, t1: 100, steps: 10000, particles: 8, seed: 11, record: 100 }, position: { x: 340, y: 160 } },
  { id: 'pdb', type: 'export.pdb', params: { particle: 0 }, position: { x: 680, y: 0 } },
  { id: 'rmsd', type: 'metric.rmsd', params: {}, position: { x: 680, y: 160 } },
  { id: 'rmsf', type: 'metric.rmsf', params: { skip: 20, atoms: 'ca' }, position: { x: 680, y: 320 } },
], [
  edge('e1', 'init', 'out', 'solve', 'initial'),
  edge('e2', 'network', 'out', 'solve', 'drift'),
  edge('e3', 'temperature', 'out', 'solve', 'diffusion'),
  edge('e4', 'init', 'structure', 'network', 'structure'),
  edge('e5', 'solve', 'trajectory', 'pdb', 'trajectory'),
  edge('e6', 'solve', 'trajectory', 'rmsd', 'trajectory'),
  edge('e7', 'solve', 'trajectory', 'rmsf', 'trajectory'),
]);

/**
 * Overdamped Langevin dynamics of the argon LJ13 cluster at kT = 0.2 ε (solid; it melts near
 * 0.3 ε), with the default weak confinement to the centroid.
 */
const cluster = graph('Lennard-Jones 13 cluster', [
  { id: 'init', type: 'source.structure', params: { file: 'lj13.xyz', centre: true, jitter: 0.05 }, position: { x: 0, y: 0 } },
  { id: 'potential', type: 'drift.lennard_jones', params: { epsilon: 1, sigma: ARGON_SIGMA, cutoff: 2.5, confinement: 0.1, friction: 1 }, position: { x: 0, y: 160 } },
  { id: 'temperature', type: 'diffusion.constant', params: { sigma: 0.632 }, position: { x: 0, y: 320 } },
  { id: 'solve', type: 'solver.euler_maruyama', params: { t0: 0, t1: 50, steps: 10000, particles: 8, seed: 5, record: 100 }, position: { x: 340, y: 160 } },
  { id: 'xyz', type: 'export.xyz', params: { particle: 0 }, position: { x: 680, y: 0 } },
  { id: 'rg', type: 'metric.radius_of_gyration', params: {}, position: { x: 680, y: 160 } },
], [
  edge('e1', 'init', 'out', 'solve', 'initial'),
  edge('e2', 'potential', 'out', 'solve', 'drift'),
  edge('e3', 'temperature', 'out', 'solve', 'diffusion'),
  edge('e4', 'init', 'structure', 'potential', 'structure'),
  edge('e5', 'solve', 'trajectory', 'xyz', 'trajectory'),
  edge('e6', 'solve', 'trajectory', 'rg', 'trajectory'),
]);

const files: [string, string][] = [
  ['alpha-helix.pdb', writePdb(idealAlphaHelix(24))],
  ['lj13.xyz', writeXyz({ ...lennardJonesCluster13({ sigma: ARGON_SIGMA }), frameLabels: [`LJ13 icosahedron, argon (sigma = ${ARGON_SIGMA} A), energy -44.326801 epsilon`] })],
  ['protein-elastic-network.json', serializeGraph(protein)],
  ['lennard-jones-13.json', serializeGraph(cluster)],
];
for (const [name, text] of files) {
  writeFileSync(path.join(EXAMPLES, name), text);
  console.log(`wrote assets/examples/${name}`);
}
