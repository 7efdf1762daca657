/**
 * `npm run bench`: the stochastic Lorenz-63 benchmark of the core engine issue. Our CPU backend
 * against the same system written in vectorised NumPy and in PyTorch (CPU, 2 threads), in one run:
 * particle-steps per second for each, the ratios, and a check that the three ensembles agree.
 *
 * Options: --particles N (100000), --steps N (1000), --threads N (2), --skip-python,
 * --gpu (also time the WebGPU backend; 1,000,000 particles by default where memory allows, and
 *   the training step on the GPU, bench/gpuTrainStep.ts),
 * --gpu-particles N, --peak-tflops X (the GPU's float32 peak, for the arithmetic bound),
 * --skip-editor (no editor drag benchmark, bench/editorDrag.ts, which otherwise runs last),
 * --skip-train (no score-network training step, bench/trainStep.ts: ours vs PyTorch vs tfjs-wasm),
 * --skip-network (no network-sampling line, bench/networkSampling.ts: batched integrator vs fused
 * JavaScript kernel, and the fused WGSL kernel with --gpu), --network-particles N (1000),
 * --gpu-network-particles N (65536).
 * The structure view's instanced-mesh build and per-frame update for 10,000 atoms always run.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGraph, solverGraph } from '../nodes/testing.ts';
import { lorenzAgreement, type Ensemble } from './agreement.ts';
import { runEditorDrag } from './editorDrag.ts';
import { benchStructureView } from './structureView.ts';
import { gpuLorenz } from './gpu.ts';
import { gpuTrainStep } from './gpuTrainStep.ts';
import { benchNetworkSampling } from './networkSampling.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const particles = option('particles', 100_000);
const steps = option('steps', 1000);
const threads = option('threads', 2);
const skipPython = args.includes('--skip-python');
const gpu = args.includes('--gpu');

/** The benchmark system as a graph. */
export function lorenzGraph(n: number) {
  return solverGraph({
    source: { type: 'source.gaussian', params: { mean: [1, 1, 1], std: 0.1 } },
    drift: { type: 'drift.lorenz', params: { sigma: 10, rho: 28, beta: 8 / 3 } },
    diffusion: { type: 'diffusion.constant', params: { sigma: 0.5 } },
    solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps, particles: n, seed: 1, record: 0 } },
  });
}

async function ours(): Promise<Ensemble> {
  const [r] = await runGraph(lorenzGraph(particles), threads);
  const mean = [0, 0, 0];
  const variance = [0, 0, 0];
  for (let j = 0; j < 3; j++) {
    for (let p = 0; p < particles; p++) mean[j] += r.samples[p * 3 + j] / particles;
    for (let p = 0; p < particles; p++) variance[j] += (r.samples[p * 3 + j] - mean[j]) ** 2 / (particles - 1);
  }
  return { name: `SDE Studio cpu (${threads} threads)`, seconds: r.wallSeconds, mean, variance };
}

function python(script: string, extra: string[], name: string): Ensemble {
  // NumPy / PyTorch as users run them: Debian's python3 with 2 threads for the linear-algebra pools.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const out = execFileSync('/usr/bin/python3', [path.join(here, script), String(particles), String(steps), '1', ...extra], { env, encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { seconds: number; mean: number[]; var: number[] };
  return { name, seconds: r.seconds, mean: r.mean, variance: r.var };
}

const results: Ensemble[] = [await ours()];
const cpuRate = (particles * steps) / results[0].seconds;
if (!skipPython) {
  results.push(python('lorenz_numpy.py', [], 'NumPy (vectorised)'));
  results.push(python('lorenz_torch.py', [String(threads)], `PyTorch CPU (${threads} threads)`));
}
const work = particles * steps;
console.log(`stochastic Lorenz-63, Euler–Maruyama: ${particles} particles × ${steps} steps over t in [0, 1], additive noise 0.5`);
for (const r of results) {
  console.log(`  ${r.name.padEnd(32)} ${(work / r.seconds / 1e6).toFixed(1).padStart(7)} M particle-steps/s  (${r.seconds.toFixed(2)} s)`);
}
for (const r of results.slice(1)) console.log(`  ours / ${r.name}: ${(r.seconds / results[0].seconds).toFixed(2)}×`);
const agreement = lorenzAgreement(results, particles);
for (const line of agreement.lines) console.log(`  ${line}`);
console.log(agreement.ok ? 'ensembles agree in mean and variance' : 'ENSEMBLES DISAGREE');
let gpuOk = true;
if (gpu) {
  const lines = await gpuLorenz(lorenzGraph(option('gpu-particles', 1_000_000)), { cpuRate, peakTflops: option('peak-tflops', NaN) });
  for (const line of lines.lines) console.log(line);
  gpuOk = lines.ok;
  // The DSM training step of bench/trainStep.ts on the GPU (same model, weights and batch).
  const train = await gpuTrainStep();
  for (const line of train.lines) console.log(line);
  gpuOk = gpuOk && train.ok;
}
// Sampling with a network inside the fields: the batched integrator against the fused kernels.
if (args.includes('--skip-network')) console.log('network-sampling benchmark skipped: --skip-network');
else {
  console.log('');
  const lines = await benchNetworkSampling({ threads, particles: option('network-particles', 1000), steps: 100, gpu, gpuParticles: option('gpu-network-particles', 65536) });
  for (const line of lines) console.log(line);
}
// One DSM training step of a score network against PyTorch and tfjs-wasm (its own process: the
// tfjs comparison installs a module hook that should not leak into this one).
let trainOk = true;
if (args.includes('--skip-train')) console.log('training-step benchmark skipped: --skip-train');
else {
  console.log('');
  const extra = [...(skipPython ? ['--skip-python'] : []), '--threads', String(threads)];
  try {
    execFileSync(process.execPath, [path.join(here, '..', 'bin', 'run-ts.mjs'), path.join(here, 'trainStep.ts'), ...extra], { stdio: 'inherit' });
  } catch {
    trainOk = false;
  }
}
// The structure view: building the instanced meshes of 10,000 atoms and updating them per frame
// (three.js objects without rendering; the target is a frame update well under 16 ms).
const view = await benchStructureView();
console.log('');
console.log(`structure view, ${view.atoms} atoms / ${view.bonds} bonds: build ${view.buildMs.toFixed(1)} ms, frame update median ${view.updateMsMedian.toFixed(2)} ms, p95 ${view.updateMsP95.toFixed(2)} ms`);
const viewOk = view.updateMsP95 < 16;
// The editor: frame times while dragging on a 300-node canvas (skipped, with the reason, without Chromium).
let editorOk = true;
if (args.includes('--skip-editor')) console.log('editor drag benchmark skipped: --skip-editor');
else editorOk = await runEditorDrag();
process.exitCode = agreement.ok && gpuOk && editorOk && trainOk && viewOk ? 0 : 1;
