/**
 * One training step of a score network: forward + backward + Adam for a batch of 512, MLP
 * [x ∈ R², t] → 3 × 128 SiLU → R², DSM loss with the VP SDE (β ∈ [0.1, 20]). Ours (batched IR
 * executor on the WebAssembly kernels) against PyTorch CPU (bench/train_torch.py, 2 threads) and
 * TensorFlow.js with the wasm backend (bench/train_tfjs.ts), all from the same weights and batch
 * (a JSON file written here), so their step-0 losses must agree to float32 tolerance.
 *
 * Usage: node bin/run-ts.mjs bench/trainStep.ts [--steps N (60)] [--threads N (2)] [--skip-python] [--skip-tfjs] [--profile]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdamOptimizer } from '../core/nn/adam.ts';
import { compileBatchedLoss } from '../core/nn/executor.ts';
import { KernelWorkspace } from '../core/nn/kernels/workspace.ts';
import { dsmLoss } from '../core/nn/losses.ts';
import { initMlp, mlpParams, type MlpSpec } from '../core/nn/mlp.ts';
import { StepDraws } from '../core/nn/random.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const steps = Math.max(50, option('steps', 60));
const threads = option('threads', 2);
const BATCH = 512;
const LR = 1e-3;
const VP = { kind: 'vp', betaMin: 0.1, betaMax: 20 } as const;
const spec: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 128, depth: 3, activation: 'silu', outputDim: 2 };

/** Flops of the GEMMs of one step: forward, weight gradients, input gradients of layers 2…. */
function stepFlops(): number {
  const dense = mlpParams(spec).filter((p) => p.type.shape.length === 2).map((p) => p.type.shape[0] * p.type.shape[1]);
  const total = dense.reduce((a, b) => a + b, 0);
  return 2 * BATCH * (2 * total + (total - dense[0]));
}

/** The weights (PyTorch init from our Philox) and one fixed batch: x0 from a two-blob mixture, t, z. */
function writeBatch(): { file: string; weights: Float32Array[]; x0: Float32Array; t: Float32Array; z: Float32Array } {
  const weights = initMlp(spec, 2024);
  const draws = new StepDraws(2024);
  const x0 = new Float32Array(BATCH * 2);
  draws.normals(0, 10, x0, 0, BATCH * 2);
  for (let i = 0; i < BATCH * 2; i++) x0[i] = Math.fround(0.3 * x0[i] + ((i >> 1) % 2 === 0 ? 1.5 : -1.5));
  const t = new Float32Array(BATCH);
  draws.uniforms(0, 11, t, 0, BATCH, 1e-3, 1);
  const z = new Float32Array(BATCH * 2);
  draws.normals(0, 12, z, 0, BATCH * 2);
  const params = mlpParams(spec);
  const json = {
    layers: spec.depth + 1, batch: BATCH, dim: 2, lr: LR, betaMin: VP.betaMin, betaMax: VP.betaMax,
    weights: Object.fromEntries(params.map((p, k) => [p.name, Array.from(weights[k])])),
    shapes: Object.fromEntries(params.map((p) => [p.name, p.type.shape])),
    x0: Array.from(x0), t: Array.from(t), z: Array.from(z),
  };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sde-train-')), 'batch.json');
  writeFileSync(file, JSON.stringify(json));
  return { file, weights, x0, t, z };
}

interface Result { name: string; loss0: number; median: number; min: number; note?: string }

function ours(data: ReturnType<typeof writeBatch>): Result {
  const def = dsmLoss(spec, VP);
  const kernels = KernelWorkspace.create();
  const program = compileBatchedLoss(def.fn, { weights: def.weights, batch: BATCH, kernels });
  const f = kernels.f32();
  program.weights.forEach((s, k) => f.set(data.weights[k], s.offset));
  [data.x0, data.t, data.z].forEach((values, k) => f.set(values, program.inputs[k].offset));
  const adam = new AdamOptimizer(kernels, program.weightsOffset, program.weightFloats, { lr: LR });
  const loss0 = program.run();
  const step = () => {
    program.run();
    adam.update(program.gradientsOffset);
  };
  for (let i = 0; i < 20; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  if (args.includes('--profile')) {
    const total = new Map<string, number>();
    for (let i = 0; i < 20; i++) for (const [k, v] of program.profile()) total.set(k, (total.get(k) ?? 0) + v / 20);
    for (const [k, v] of total) console.log(`    ${v.toFixed(3).padStart(7)} ms  ${k}`);
  }
  return { name: `SDE Studio (${kernels.simd ? 'wasm SIMD' : 'JS'} kernels, 1 thread)`, loss0, median: times[steps >> 1], min: times[0] };
}

function external(name: string, command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Result | undefined {
  try {
    const out = execFileSync(command, argv, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Result & { threads?: number | boolean; simd?: boolean; version?: string };
    return { ...r, name, note: `version ${r.version}, threads ${r.threads}${r.simd === undefined ? '' : `, simd ${r.simd}`}` };
  } catch (e) {
    console.log(`  ${name}: not run (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

const data = writeBatch();
const flops = stepFlops();
const results: Result[] = [ours(data)];
if (!args.includes('--skip-python')) {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const r = external(`PyTorch CPU (${threads} threads)`, '/usr/bin/python3', [path.join(here, 'train_torch.py'), data.file, String(steps), String(threads)], env);
  if (r) results.push(r);
}
if (!args.includes('--skip-tfjs')) {
  const r = external('tfjs wasm backend', process.execPath, [path.join(here, '..', 'bin', 'run-ts.mjs'), path.join(here, 'train_tfjs.ts'), data.file, String(steps)]);
  if (r) results.push(r);
}

console.log(`DSM training step (VP), MLP 3 → 3×128 SiLU → 2, batch ${BATCH}, Adam: ${(flops / 1e6).toFixed(1)} MFLOP of GEMMs per step; median of ${steps} steps after 20 warm-up`);
// Other processes on the machine move these numbers a lot (the mins show the quiet case).
console.log(`  load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const r of results) {
  console.log(`  ${r.name.padEnd(40)} ${r.median.toFixed(2).padStart(7)} ms/step (min ${r.min.toFixed(2)})  ${(flops / r.median / 1e6).toFixed(1).padStart(5)} GFLOP/s${r.note ? `  [${r.note}]` : ''}`);
}
for (const r of results.slice(1)) console.log(`  ours vs ${r.name}: ${(r.median / results[0].median).toFixed(2)}× (>1: ours faster)`);
const ref = results[0].loss0;
// Float32 forward passes of 4 layers: a few ulps per op; 1e-4 relative is a wide margin for the mean.
const agree = results.every((r) => Math.abs(r.loss0 - ref) <= 1e-4 * Math.abs(ref));
for (const r of results) console.log(`  step-0 loss ${r.name.padEnd(40)} ${r.loss0.toPrecision(8)}`);
console.log(agree ? 'step-0 losses agree within 1e-4 relative' : 'STEP-0 LOSSES DISAGREE');
if (!agree) process.exitCode = 1;
