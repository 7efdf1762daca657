/**
 * Structure view benchmark: can a 10,000-atom protein play at 60 frames per second? Builds a
 * synthetic protein (10 α-helices of 200 residues, backbone N CA C O plus CB: 10,000 atoms,
 * 9,990 bonds) and a 50-frame trajectory of it (each frame the structure rotated, moved and
 * jittered by 0.3 Å), then times, in Node with no rendering:
 * - build: the instanced meshes (balls and half-bond sticks), their colours and the first frame
 *   (median of 5 builds);
 * - update: one frame as the view plays it, superposition on the reference included (the dearer
 *   path): Kabsch fit, 10,000 atom positions, 10,000 ball and 19,980 half-stick matrices written
 *   in place. Median and 95th percentile over 5 passes through the 50 frames.
 * Uploading the matrices and drawing are the GPU's share and are not measured here.
 *
 * Run alone with `node bin/run-ts.mjs bench/structureView.ts`.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { atomColors } from '../renderer/results/StructureView/colors.ts';
import { StructureModel } from '../renderer/results/StructureView/model.ts';
import { showSlot } from '../renderer/results/StructureView/playback.ts';
import { Superposer } from '../renderer/results/StructureView/superpose.ts';
import { syntheticProtein } from '../renderer/results/StructureView/testing.ts';
import { buildTopology } from '../renderer/results/StructureView/topology.ts';

/** What the benchmark measured. */
export interface StructureViewBench {
  atoms: number;
  bonds: number;
  buildMs: number;
  updateMsMedian: number;
  updateMsP95: number;
}

/** A deterministic uniform generator in [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `frames` recorded slots of one particle: the reference turned about z, shifted and jittered. */
function trajectory(reference: Float64Array, frames: number) {
  const next = uniform(3);
  const dims = reference.length;
  const out = new Float32Array(frames * dims);
  for (let f = 0; f < frames; f++) {
    const angle = 0.05 * f;
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    for (let i = 0; i < dims; i += 3) {
      const [x, y, z] = [reference[i], reference[i + 1], reference[i + 2]];
      out[f * dims + i] = c * x - s * y + 0.2 * f + 0.6 * (next() - 0.5);
      out[f * dims + i + 1] = s * x + c * y + 0.6 * (next() - 0.5);
      out[f * dims + i + 2] = z - 0.1 * f + 0.6 * (next() - 0.5);
    }
  }
  return { particles: 1, dims, times: Float32Array.from({ length: frames }, (_, f) => f / (frames - 1)), trajectory: out };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Times building and playing the view's instanced meshes for a 10,000-atom structure (see the file comment). */
export async function benchStructureView(options: { superpose?: boolean; passes?: number } = {}): Promise<StructureViewBench> {
  const structure = syntheticProtein();
  const reference = structure.frames[0];
  const frames = 50;
  const result = trajectory(reference, frames);
  const topology = buildTopology(structure);
  const superposer = options.superpose === false ? null : new Superposer(reference);

  // Build: median of 5 (the first pays for compiling the code; a busy machine adds outliers).
  const builds: number[] = [];
  let model: StructureModel | null = null;
  for (let k = 0; k < 5; k++) {
    model?.dispose();
    const start = performance.now();
    model = new StructureModel(topology, structure.atoms.elements, 'ball-and-stick');
    model.setColors(atomColors(structure, topology, 'element'));
    showSlot(model, result, 0, [0], superposer);
    builds.push(performance.now() - start);
  }
  if (!model) throw new Error('unreachable');
  const buildMs = quantile(builds.sort((a, b) => a - b), 0.5);

  for (let s = 0; s < frames; s++) showSlot(model, result, s, [0], superposer); // warm-up: let the JIT settle
  const times: number[] = [];
  for (let pass = 0; pass < (options.passes ?? 5); pass++) {
    for (let s = 0; s < frames; s++) {
      const t0 = performance.now();
      showSlot(model, result, s, [0], superposer);
      times.push(performance.now() - t0);
    }
  }
  model.dispose();
  times.sort((a, b) => a - b);
  return { atoms: topology.atoms, bonds: topology.bonds.length / 2, buildMs, updateMsMedian: quantile(times, 0.5), updateMsP95: quantile(times, 0.95) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const on = await benchStructureView();
  const off = await benchStructureView({ superpose: false });
  console.log(`structure view: ${on.atoms.toLocaleString('en-US')} atoms, ${on.bonds.toLocaleString('en-US')} bonds, 50 frames (Node, no rendering)`);
  console.log(`  build instanced meshes      ${on.buildMs.toFixed(1).padStart(7)} ms`);
  console.log(`  frame update, superposed    ${on.updateMsMedian.toFixed(2).padStart(7)} ms median, ${on.updateMsP95.toFixed(2)} ms p95`);
  console.log(`  frame update, as recorded   ${off.updateMsMedian.toFixed(2).padStart(7)} ms median, ${off.updateMsP95.toFixed(2)} ms p95`);
  console.log(on.updateMsP95 < 16 ? 'frame update fits in a 60 fps frame' : 'FRAME UPDATE TOO SLOW FOR 60 FPS');
}
