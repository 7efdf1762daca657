/**
 * The ODE–SDE gap of a learned score with and without the Fokker–Planck regulariser, in the
 * fine-tuning setting of Deveney et al. (2023, "Closing the ODE–SDE gap in score-based diffusion
 * models through the Fokker–Planck equation"): for each training seed s, trains the score of
 * assets/examples/fokker-planck-gap.json with loss.dsm alone (the pretraining), then fine-tunes
 * those weights (train.adam's init) for the same iterations, seed and learning rate with
 * λ · loss.fokker_planck_residual added, for each λ (λ = 0: loss.dsm alone, the control). Each
 * fine-tuned score is sampled with the reverse SDE (Euler–Maruyama) and the probability-flow ODE
 * (RK4) from the same prior draws, and once more with other seeds for the sampling-noise floor.
 * Prints a Markdown table (mean ± standard error over seeds) of
 *
 * - W2(ODE, SDE), and its floor W2(SDE, SDE′): two independent SDE sample sets of the same score
 *   (a gap at the floor is no gap at this sample size);
 * - W2(ODE, data), W2(SDE, data) against held-out data;
 * - E(ODE, SDE): the energy distance as a U-statistic (unbiased: its mean is 0 when the two laws
 *   are equal, so unlike W2 it has no floor; the cross term skips the pairs that share a prior
 *   draw), with E(SDE, data) for scale;
 * - the DSM loss (σ_t² weighting) and the σ_t²-weighted Fokker–Planck residual of the fine-tuned
 *   weights, each the mean over 5 fixed batches of 2048 on a held-out pool (data_seed 3).
 *
 * W2 is the exact optimal assignment between the two sample sets (metric.w2's exact method).
 *
 *   node bin/run-ts.mjs scripts/fp_gap.ts [--quick] [--lambda 0,0.01,0.1] [--seeds 3] [--particles 2000]
 *                                         [--pretrain 3000] [--finetune 1000] [--lr 0.001]
 *   node bin/run-ts.mjs scripts/fp_gap.ts --write-example     (regenerates the example graph)
 *
 * --quick: 2 seeds, λ ∈ {0, 0.01}, 300 fine-tuning iterations, 1000 particles (under a minute).
 * The pretraining uses the example's train.adam params (3000 iterations, lr 0.01 cosine); the
 * fine-tuning lr (default 1e-3) follows a cosine schedule. Seed s sets score.mlp's init_seed and
 * train.adam's seed of both stages, so every λ starts from the same weights and sees the same
 * batches (paired comparison). The graphs run through the functions `sde-studio run` calls:
 * compileGraph, runTrainings, runIntegrations.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIntegrations, runTrainings } from '../core/backends/batched/runPlan.ts';
import { drawDataPool } from '../core/backends/batched/training.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { Plan } from '../core/compile/plan.ts';
import { exportTrainedOnnx } from '../core/compile/trainOnnx.ts';
import { parseGraph, serializeGraph } from '../core/graph/document.ts';
import { formatProblem, type GraphDocument, type GraphEdge, type GraphNode, type ParamValue } from '../core/graph/types.ts';
import { wasserstein2 } from '../core/metrics/wasserstein.ts';
import { datasetSource } from '../core/nn/data.ts';
import { dsmLoss, fokkerPlanckResidualLoss, type LossDefinition } from '../core/nn/losses.ts';
import { Trainer } from '../core/nn/trainer.ts';
import type { ForwardSde } from '../core/sde/schedules.ts';
import { CATALOG } from '../nodes/registry.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = path.join(ROOT, 'assets', 'examples', 'fokker-planck-gap.json');

function edge(id: string, from: string, fromPort: string, to: string, toPort: string): GraphEdge {
  return { id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}

const MOONS = { noise: 0.1, scale: 1, offset: [0, 0] };
const W2 = { exact_limit: 2000, epsilon: 0, reference_samples: 2000, reference_seed: 7 };

/** The example graph (λ = 0.1, one training seed). */
function exampleGraph(): GraphDocument {
  const nodes: GraphNode[] = [
    { id: 'data', type: 'source.two_moons', params: MOONS, position: { x: 0, y: 0 } },
    { id: 'vp', type: 'drift.vp', params: { beta_min: 0.1, beta_max: 20 }, position: { x: 0, y: 160 } },
    {
      id: 'network', type: 'score.mlp',
      params: { dimension: 2, width: 64, depth: 2, activation: 'silu', time_embedding: 'sinusoidal', embedding_size: 16, init_seed: 0 },
      position: { x: 0, y: 320 },
    },
    { id: 'dsm', type: 'loss.dsm', params: { eps: 0.001, weighting: 'sigma2' }, position: { x: 340, y: 160 } },
    { id: 'fp', type: 'loss.fokker_planck_residual', params: { weight: 0.1, eps: 0.001 }, position: { x: 680, y: 160 } },
    {
      id: 'train', type: 'train.adam',
      params: {
        iterations: 3000, batch: 256, lr: 0.01, schedule: 'cosine', warmup: 0, ema: 0, clip: 1, seed: 0,
        use: 'last', data_samples: 10000, data_seed: 1, weights: '',
      },
      position: { x: 1020, y: 160 },
    },
    { id: 'prior', type: 'source.gaussian', params: { mean: [0, 0], std: 1 }, position: { x: 1020, y: -120 } },
    { id: 'reverse', type: 'process.reverse_sde', params: { T: 1 }, position: { x: 1360, y: 40 } },
    { id: 'flow', type: 'process.probability_flow', params: { T: 1 }, position: { x: 1360, y: 280 } },
    {
      id: 'sde_sampler', type: 'solver.euler_maruyama',
      params: { t0: 0, t1: 0.999, steps: 200, particles: 2000, seed: 1, record: 0 }, position: { x: 1700, y: 40 },
    },
    {
      id: 'ode_sampler', type: 'solver.rk4',
      params: { t0: 0, t1: 0.999, steps: 50, particles: 2000, seed: 1, record: 0 }, position: { x: 1700, y: 280 },
    },
    { id: 'heldout', type: 'source.two_moons', params: MOONS, position: { x: 1700, y: 520 } },
    { id: 'w2_ode_sde', type: 'metric.w2', params: W2, position: { x: 2040, y: 160 } },
    { id: 'w2_ode_data', type: 'metric.w2', params: W2, position: { x: 2040, y: 320 } },
    { id: 'w2_sde_data', type: 'metric.w2', params: W2, position: { x: 2040, y: 0 } },
    { id: 'no_motion', type: 'drift.expression', params: { expr: ['0', '0'], constants: {} }, position: { x: 1360, y: 680 } },
    {
      id: 'data_samples', type: 'solver.euler',
      params: { t0: 0, t1: 1, steps: 1, particles: 2000, seed: 99, record: 0 }, position: { x: 1700, y: 680 },
    },
    { id: 'w2_floor', type: 'metric.w2', params: W2, position: { x: 2040, y: 600 } },
  ];
  const edges: GraphEdge[] = [
    edge('e1', 'data', 'out', 'dsm', 'data'),
    edge('e2', 'vp', 'sde', 'dsm', 'sde'),
    edge('e3', 'network', 'network', 'dsm', 'network'),
    edge('e4', 'dsm', 'loss', 'fp', 'loss'),
    edge('e5', 'fp', 'loss', 'train', 'loss'),
    edge('e6', 'vp', 'out', 'reverse', 'drift'),
    edge('e7', 'vp', 'diffusion', 'reverse', 'diffusion'),
    edge('e8', 'train', 'score', 'reverse', 'score'),
    edge('e9', 'vp', 'out', 'flow', 'drift'),
    edge('e10', 'vp', 'diffusion', 'flow', 'diffusion'),
    edge('e11', 'train', 'score', 'flow', 'score'),
    edge('e12', 'prior', 'out', 'sde_sampler', 'initial'),
    edge('e13', 'reverse', 'out', 'sde_sampler', 'drift'),
    edge('e14', 'reverse', 'diffusion', 'sde_sampler', 'diffusion'),
    edge('e15', 'prior', 'out', 'ode_sampler', 'initial'),
    edge('e16', 'flow', 'out', 'ode_sampler', 'drift'),
    edge('e17', 'ode_sampler', 'samples', 'w2_ode_sde', 'samples'),
    edge('e18', 'sde_sampler', 'samples', 'w2_ode_sde', 'reference'),
    edge('e19', 'ode_sampler', 'samples', 'w2_ode_data', 'samples'),
    edge('e20', 'heldout', 'out', 'w2_ode_data', 'reference_distribution'),
    edge('e21', 'sde_sampler', 'samples', 'w2_sde_data', 'samples'),
    edge('e22', 'heldout', 'out', 'w2_sde_data', 'reference_distribution'),
    edge('e23', 'heldout', 'out', 'data_samples', 'initial'),
    edge('e24', 'no_motion', 'out', 'data_samples', 'drift'),
    edge('e25', 'data_samples', 'samples', 'w2_floor', 'samples'),
    edge('e26', 'heldout', 'out', 'w2_floor', 'reference_distribution'),
  ];
  return { format: 'sde-studio.graph', version: 1, name: 'Two moons: the ODE–SDE gap of a learned score with the Fokker–Planck regulariser', nodes, edges };
}

interface Options { lambdas: number[]; seeds: number; particles: number; pretrain: number; finetune: number; lr: number }

function parseOptions(argv: string[]): Options {
  const o: Options = { lambdas: [0, 0.01, 0.1], seeds: 3, particles: 2000, pretrain: 3000, finetune: 1000, lr: 1e-3 };
  const args = [...argv];
  if (args[0] === '--quick') {
    args.shift();
    Object.assign(o, { lambdas: [0, 0.01], seeds: 2, particles: 1000, finetune: 300 });
  }
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--lambda') o.lambdas = value.split(',').map(Number);
    else if (flag === '--seeds') o.seeds = Number(value);
    else if (flag === '--particles') o.particles = Number(value);
    else if (flag === '--pretrain') o.pretrain = Number(value);
    else if (flag === '--finetune') o.finetune = Number(value);
    else if (flag === '--lr') o.lr = Number(value);
    else throw new Error(`unknown option ${flag} (--quick must come first)`);
  }
  if (o.lambdas.some((l) => !(l >= 0)) || !(o.seeds >= 1) || !(o.particles >= 2) || !(o.pretrain >= 1) || !(o.finetune >= 0) || !(o.lr > 0)) {
    throw new Error('--lambda takes numbers ≥ 0, --seeds an integer ≥ 1, --particles ≥ 2, --pretrain ≥ 1, --finetune ≥ 0, --lr > 0');
  }
  return o;
}

function node(doc: GraphDocument, id: string): GraphNode & { params: Record<string, ParamValue> } {
  const n = doc.nodes.find((m) => m.id === id);
  if (!n) throw new Error(`the example has no node '${id}'`);
  n.params ??= {};
  return n as GraphNode & { params: Record<string, ParamValue> };
}

/** What one graph variant does: train (from scratch or from a file), or load weights and sample. */
interface Variant { lambda: number; seed: number; samplerSeed: number; init?: string; weights?: string }

/**
 * The example for one stage of the protocol (λ = 0: loss.dsm wired straight into train.adam, the fp
 * node removed, rather than weight 0, which would still pay for the residual's second derivatives).
 * The example's metric nodes are dropped: the script computes its distances from the samples.
 */
function variant(base: GraphDocument, v: Variant, o: Options): GraphDocument {
  const doc: GraphDocument = structuredClone(base);
  node(doc, 'network').params.init_seed = v.seed;
  const train = node(doc, 'train').params;
  train.seed = v.seed;
  if (v.init !== undefined) Object.assign(train, { init: v.init, iterations: o.finetune, lr: o.lr });
  else train.iterations = o.pretrain;
  if (v.weights !== undefined) train.weights = v.weights;
  for (const id of ['sde_sampler', 'ode_sampler', 'data_samples']) node(doc, id).params.particles = o.particles;
  for (const id of ['sde_sampler', 'ode_sampler']) node(doc, id).params.seed = v.samplerSeed;
  node(doc, 'data_samples').params.seed = 98 + v.samplerSeed;
  doc.nodes = doc.nodes.filter((n) => n.type !== 'metric.w2');
  doc.edges = doc.edges.filter((e) => doc.nodes.some((n) => n.id === e.to.node));
  if (v.lambda === 0) {
    doc.nodes = doc.nodes.filter((n) => n.id !== 'fp');
    doc.edges = doc.edges.filter((e) => e.to.node !== 'fp' && e.from.node !== 'fp');
    doc.edges.push(edge('e_dsm_train', 'dsm', 'loss', 'train', 'loss'));
  } else node(doc, 'fp').params.weight = v.lambda;
  return doc;
}

function compile(doc: GraphDocument, files: ReadonlyMap<string, Uint8Array>): Plan {
  const compiled = compileGraph(doc, CATALOG, { files: new Map(files) });
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('; '));
  return compiled.plan;
}

/** Trains the variant; returns its weights as .onnx bytes (what train.adam's init and weights read). */
async function trainVariant(doc: GraphDocument, files: ReadonlyMap<string, Uint8Array>): Promise<{ onnx: Uint8Array; weights: Float32Array[]; seconds: number }> {
  const plan = compile(doc, files);
  const stage = plan.trainings?.[0];
  if (!stage) throw new Error('no train stage');
  const [trained] = (await runTrainings(plan)).trainings;
  return { onnx: exportTrainedOnnx(stage.loss.spec, trained.weights), weights: trained.weights, seconds: trained.seconds };
}

/** ODE, SDE and data samples of a variant that loads its weights (training skipped). */
async function sampleVariant(doc: GraphDocument, files: ReadonlyMap<string, Uint8Array>): Promise<{ ode: Float32Array; sde: Float32Array; data: Float32Array }> {
  const plan = compile(doc, files);
  const results = await runIntegrations(plan, (await runTrainings(plan)).trainings);
  const samples = (id: string): Float32Array => {
    const r = results.find((x) => x.nodeId === id);
    if (!r) throw new Error(`no samples from '${id}'`);
    return r.samples;
  };
  return { ode: samples('ode_sampler'), sde: samples('sde_sampler'), data: samples('data_samples') };
}

/** A loss of the given weights: mean over 5 fixed batches of 2048 on the held-out pool of `plan`'s train stage. */
async function heldOutLoss(plan: Plan, loss: LossDefinition, weights: Float32Array[]): Promise<number> {
  const stage = plan.trainings?.[0];
  if (!stage) throw new Error('no train stage');
  const pool = await drawDataPool({ ...stage, data: { ...stage.data, grid: { ...stage.data.grid, seed: 3 } } });
  const trainer = new Trainer({
    loss, data: datasetSource(pool, stage.data.dims, 12345), batch: 2048, seed: 12345,
    optimizer: { lr: 1e-30, schedule: { kind: 'constant' } }, init: weights,
  });
  const run = await trainer.run(5, {});
  return run.losses.reduce((a, v) => a + v, 0) / run.losses.length;
}

const isFinite2 = (x: Float32Array): boolean => x.every(Number.isFinite);

/** Exact W2 between two equal-size 2-d sample sets (NaN when a sampler diverged). */
function w2(a: Float32Array, b: Float32Array): number {
  if (!isFinite2(a) || !isFinite2(b)) return NaN;
  return wasserstein2({ data: a, n: a.length / 2, d: 2 }, { data: b, n: b.length / 2, d: 2 }, { exactLimit: a.length / 2 }).value;
}

/**
 * Energy distance 2E|X − Y| − E|X − X′| − E|Y − Y′| between 2-d sample sets as a U-statistic: unbiased, so
 * its mean is 0 for equal laws. The cross term skips i = j (ODE and SDE particle i share a prior draw).
 */
function energyU(a: Float32Array, b: Float32Array): number {
  if (!isFinite2(a) || !isFinite2(b)) return NaN;
  const [n, m] = [a.length / 2, b.length / 2];
  const mean = (x: Float32Array, y: Float32Array, skip: (i: number, j: number) => boolean): number => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < x.length / 2; i++) {
      for (let j = 0; j < y.length / 2; j++) {
        if (skip(i, j)) continue;
        sum += Math.hypot(x[2 * i] - y[2 * j], x[2 * i + 1] - y[2 * j + 1]);
        count++;
      }
    }
    return sum / count;
  };
  const cross = mean(a, b, (i, j) => i === j && n === m);
  return 2 * cross - mean(a, a, (i, j) => j <= i) - mean(b, b, (i, j) => j <= i);
}

const meanSe = (xs: number[], digits = 3, scale = 1): string => {
  const m = xs.reduce((a, v) => a + v, 0) / xs.length;
  if (xs.length < 2) return (m * scale).toFixed(digits);
  const sd = Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1));
  return `${(m * scale).toFixed(digits)} ± ${(scale * sd / Math.sqrt(xs.length)).toFixed(digits)}`;
};

const COLUMNS = ['W2(ODE, SDE)', 'floor W2(SDE, SDE′)', 'W2(ODE, data)', 'W2(SDE, data)', 'E(ODE, SDE) ×10³', 'E(SDE, data) ×10³', 'DSM loss', 'FP residual'];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--write-example') {
    writeFileSync(EXAMPLE, serializeGraph(exampleGraph()));
    console.log(`wrote ${path.relative(ROOT, EXAMPLE)}`);
    return;
  }
  const o = parseOptions(argv);
  const { doc: base, problems } = parseGraph(readFileSync(EXAMPLE, 'utf8'));
  if (!base) throw new Error(problems.map(formatProblem).join('; '));
  const [train, sde, ode, net] = ['train', 'sde_sampler', 'ode_sampler', 'network'].map((id) => node(base, id).params);
  const vp = node(base, 'vp').params;
  const forward: ForwardSde = { kind: 'vp', betaMin: vp.beta_min as number, betaMax: vp.beta_max as number };
  console.log(`settings: two moons (noise ${MOONS.noise}), VP β ∈ [${forward.betaMin}, ${forward.betaMax}]; score.mlp ${net.depth}×${net.width} ${net.activation}; `
    + `pretraining: loss.dsm, ${o.pretrain} iterations, batch ${train.batch}, lr ${train.lr} ${train.schedule}; `
    + `fine-tuning from those weights: ${o.finetune} iterations, lr ${o.lr} ${train.schedule}, loss.dsm + λ · loss.fokker_planck_residual; `
    + `reverse SDE: Euler–Maruyama ${sde.steps} steps; probability flow: RK4 ${ode.steps} steps; t1 ${sde.t1}; `
    + `${o.particles} particles; λ ∈ {${o.lambdas.join(', ')}}; training seeds 0…${o.seeds - 1}`);
  const started = performance.now();
  const cols = new Map(o.lambdas.map((l) => [l, COLUMNS.map((): number[] => [])]));
  for (let seed = 0; seed < o.seeds; seed++) {
    const pretrained = await trainVariant(variant(base, { lambda: 0, seed, samplerSeed: 1 }, o), new Map());
    const files = new Map([['pretrained.onnx', pretrained.onnx]]);
    for (const lambda of o.lambdas) {
      const t0 = performance.now();
      const tuned = await trainVariant(variant(base, { lambda, seed, samplerSeed: 1, init: 'pretrained.onnx' }, o), files);
      const withTuned = new Map([['tuned.onnx', tuned.onnx]]);
      const first = await sampleVariant(variant(base, { lambda: 0, seed, samplerSeed: 1, weights: 'tuned.onnx' }, o), withTuned);
      const second = await sampleVariant(variant(base, { lambda: 0, seed, samplerSeed: 2, weights: 'tuned.onnx' }, o), withTuned);
      const plan = compile(variant(base, { lambda: 0, seed, samplerSeed: 1 }, o), new Map());
      const spec = plan.trainings?.[0].loss.spec;
      if (!spec) throw new Error('no train stage');
      const row = [
        w2(first.ode, first.sde), w2(first.sde, second.sde), w2(first.ode, second.data), w2(first.sde, second.data),
        energyU(first.ode, first.sde), energyU(first.sde, second.data),
        await heldOutLoss(plan, dsmLoss(spec, forward), tuned.weights), await heldOutLoss(plan, fokkerPlanckResidualLoss(spec, forward), tuned.weights),
      ];
      row.forEach((v, k) => cols.get(lambda)?.[k].push(v));
      console.error(`  seed ${seed}, λ = ${lambda}: ${COLUMNS.map((c, k) => `${c} ${(k === 4 || k === 5 ? 1e3 * row[k] : row[k]).toPrecision(4)}`).join(', ')} `
        + `(${((performance.now() - t0) / 1000).toFixed(1)} s, fine-tuning ${tuned.seconds.toFixed(1)} s)`);
    }
  }
  console.log('');
  console.log(`| λ | ${COLUMNS.join(' | ')} |`);
  console.log(`|---|${COLUMNS.map(() => '---').join('|')}|`);
  for (const [lambda, c] of cols) {
    const cells = c.map((xs, k) => (k === 4 || k === 5 ? meanSe(xs, 2, 1e3) : k === 7 ? meanSe(xs, 2) : meanSe(xs)));
    console.log(`| ${lambda} | ${cells.join(' | ')} |`);
  }
  console.log('');
  console.log(`mean ± standard error over ${o.seeds} training seed(s) (seed = init_seed = train.adam seed of both stages); `
    + `FP residual: σ_t² ‖∂_t s − ∇ₓφ‖² at x_t (the loss the regulariser adds, before λ); wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
