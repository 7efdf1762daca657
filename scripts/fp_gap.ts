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
 * W2 is the exact optimal assignment between the two sample sets (metric.w2's exact method). At
 * 2000 particles its floor (~0.07) hides the gap; --sliced resolves it: sliced W2 (256 fixed
 * directions) at 20,000 particles, every comparison between independent sample sets (sampler seeds
 * 1 and 2), with both floors SW2(ODE, ODE′) and SW2(SDE, SDE′), the excess (mean squared cross
 * distance − mean squared floor, an estimate of SW2² between the laws) and its paired difference
 * from λ = 0, one table per Euler–Maruyama step count.
 *
 *   node bin/run-ts.mjs scripts/fp_gap.ts [--quick] [--sliced] [--target moons|checkerboard]
 *       [--lambda 0,0.01,0.1] [--seeds 3] [--particles 2000] [--em-steps 200] [--threads n]
 *       [--pretrain 3000] [--finetune 1000] [--lr 0.001]
 *   node bin/run-ts.mjs scripts/fp_gap.ts --write-example     (regenerates the example graph)
 *
 * --quick: 2 seeds, λ ∈ {0, 0.01}, 300 fine-tuning iterations, 1000 particles (under a minute).
 * --sliced: λ ∈ {0, 0.003, 0.01, 0.03}, 20,000 particles, EM 200 and 1000 steps (about 10 minutes
 * on one thread); with --quick: 2 seeds, λ ∈ {0, 0.01}, 10,000 particles, EM 1000 steps (under 2 minutes).
 * --target checkerboard: FFJORD's checkerboard at scale 1 for the data (a sharper target).
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
import { slicedWasserstein2 } from '../core/metrics/slicedWasserstein.ts';
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

/** What to run; see the module comment for the flags and their defaults. */
interface Options {
  lambdas: number[]; seeds: number; particles: number; pretrain: number; finetune: number; lr: number;
  target: 'moons' | 'checkerboard';
  /** Sliced W2 at many particles (the protocol that resolves the gap) instead of exact W2 and the energy distance. */
  sliced: boolean;
  /** Euler–Maruyama step counts (sliced mode: one table each; otherwise the example's 200). */
  emSteps: number[];
  /** Sampling threads (default: the machine's). */
  threads?: number;
}

function parseOptions(argv: string[]): Options {
  const sliced = argv.includes('--sliced');
  const quick = argv.includes('--quick');
  const o: Options = sliced
    ? { lambdas: [0, 0.003, 0.01, 0.03], seeds: 3, particles: 20000, pretrain: 3000, finetune: 1000, lr: 1e-3, target: 'moons', sliced, emSteps: [200, 1000] }
    : { lambdas: [0, 0.01, 0.1], seeds: 3, particles: 2000, pretrain: 3000, finetune: 1000, lr: 1e-3, target: 'moons', sliced, emSteps: [200] };
  if (quick) Object.assign(o, sliced ? { lambdas: [0, 0.01], seeds: 2, particles: 10000, emSteps: [1000] } : { lambdas: [0, 0.01], seeds: 2, particles: 1000, finetune: 300 });
  const args = argv.filter((a) => a !== '--sliced' && a !== '--quick');
  const list = (value: string): number[] => value.split(',').map(Number);
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--lambda') o.lambdas = list(value);
    else if (flag === '--seeds') o.seeds = Number(value);
    else if (flag === '--particles') o.particles = Number(value);
    else if (flag === '--pretrain') o.pretrain = Number(value);
    else if (flag === '--finetune') o.finetune = Number(value);
    else if (flag === '--lr') o.lr = Number(value);
    else if (flag === '--em-steps') o.emSteps = list(value);
    else if (flag === '--threads') o.threads = Number(value);
    else if (flag === '--target') {
      if (value !== 'moons' && value !== 'checkerboard') throw new Error(`--target takes moons or checkerboard, got '${value}'`);
      o.target = value;
    } else throw new Error(`unknown option ${flag}`);
  }
  if (o.lambdas.some((l) => !(l >= 0)) || !(o.seeds >= 1) || !(o.particles >= 2) || !(o.pretrain >= 1) || !(o.finetune >= 0) || !(o.lr > 0)
    || o.emSteps.some((n) => !Number.isInteger(n) || n < 1) || (o.threads !== undefined && !(o.threads >= 1))) {
    throw new Error('--lambda takes numbers ≥ 0, --seeds an integer ≥ 1, --particles ≥ 2, --pretrain ≥ 1, --finetune ≥ 0, --lr > 0, --em-steps integers ≥ 1, --threads ≥ 1');
  }
  if (!o.sliced && o.emSteps.length !== 1) throw new Error('--em-steps takes one value without --sliced');
  return o;
}

function node(doc: GraphDocument, id: string): GraphNode & { params: Record<string, ParamValue> } {
  const n = doc.nodes.find((m) => m.id === id);
  if (!n) throw new Error(`the example has no node '${id}'`);
  n.params ??= {};
  return n as GraphNode & { params: Record<string, ParamValue> };
}

/** What one graph variant does: train (from scratch or from a file), or load weights and sample. */
interface Variant {
  lambda: number; seed: number; samplerSeed: number; init?: string; weights?: string;
  /** Euler–Maruyama steps (default o.emSteps[0]). */
  sdeSteps?: number;
  /** The sampling nodes to keep (default all three). */
  samplers?: SamplerId[];
}

const SAMPLERS = ['sde_sampler', 'ode_sampler', 'data_samples'] as const;
type SamplerId = (typeof SAMPLERS)[number];
/** FFJORD's checkerboard at scale 1 (the board covers [−2, 2)²), a sharper target than two moons. */
const CHECKERBOARD = { type: 'source.checkerboard', params: { scale: 1, offset: [0, 0] } };

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
  if (o.target === 'checkerboard') for (const id of ['data', 'heldout']) Object.assign(node(doc, id), structuredClone(CHECKERBOARD));
  for (const id of SAMPLERS) node(doc, id).params.particles = o.particles;
  for (const id of ['sde_sampler', 'ode_sampler']) node(doc, id).params.seed = v.samplerSeed;
  node(doc, 'sde_sampler').params.steps = v.sdeSteps ?? o.emSteps[0];
  node(doc, 'data_samples').params.seed = 98 + v.samplerSeed;
  const dropped = SAMPLERS.filter((id) => v.samplers && !v.samplers.includes(id));
  doc.nodes = doc.nodes.filter((n) => n.type !== 'metric.w2' && !(dropped as string[]).includes(n.id));
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

/** The samples of each sampling node a variant that loads its weights keeps (training skipped). */
async function sampleVariant(doc: GraphDocument, files: ReadonlyMap<string, Uint8Array>, o: Options): Promise<Partial<Record<SamplerId, Float32Array>>> {
  const plan = compile(doc, files);
  const results = await runIntegrations(plan, (await runTrainings(plan)).trainings, o.threads === undefined ? {} : { threads: o.threads });
  return Object.fromEntries(results.map((r) => [r.nodeId, r.samples]));
}

/** The ODE, SDE and data samples of a variant that keeps all three samplers. */
async function sampleAll(doc: GraphDocument, files: ReadonlyMap<string, Uint8Array>, o: Options): Promise<Record<'ode' | 'sde' | 'data', Float32Array>> {
  const s = await sampleVariant(doc, files, o);
  const get = (id: SamplerId): Float32Array => {
    const x = s[id];
    if (!x) throw new Error(`no samples from '${id}'`);
    return x;
  };
  return { ode: get('ode_sampler'), sde: get('sde_sampler'), data: get('data_samples') };
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
const SLICED_COLUMNS = ['SW2(ODE, SDE)', 'floor SW2(ODE, ODE′)', 'floor SW2(SDE, SDE′)', 'excess SW2² ×10⁴', 'paired Δ excess vs λ = 0 ×10⁴', 'SW2(ODE, data)', 'SW2(SDE, data)', 'DSM loss', 'FP residual'];
/** Column digits and scale of the two tables. */
const EXACT_FORMAT = (k: number): [number, number] => (k === 4 || k === 5 ? [2, 1e3] : k === 7 ? [2, 1] : [3, 1]);
const SLICED_FORMAT = (k: number): [number, number] => (k === 3 || k === 4 ? [2, 1e4] : k === 8 ? [2, 1] : k === 7 ? [3, 1] : [4, 1]);
/** Directions of the sliced W2 (fixed, so every comparison uses the same ones). */
const PROJECTIONS = 256;

/** Sliced W2 between two 2-d sample sets (NaN when a sampler diverged). */
function sw2(a: Float32Array, b: Float32Array): number {
  if (!isFinite2(a) || !isFinite2(b)) return NaN;
  return slicedWasserstein2({ data: a, n: a.length / 2, d: 2 }, { data: b, n: b.length / 2, d: 2 }, { projections: PROJECTIONS, seed: 0 }).value;
}

/** A fine-tuned score to measure: its weights as .onnx bytes (file 'tuned.onnx') and the held-out losses. */
interface Tuned { files: ReadonlyMap<string, Uint8Array>; dsm: number; fp: number }

/** The exact-W2 row (COLUMNS) of one fine-tuned score: both samplers from the same prior draws, at 2 sampler seeds. */
async function exactRows(base: GraphDocument, t: Tuned, seed: number, o: Options): Promise<number[][]> {
  const first = await sampleAll(variant(base, { lambda: 0, seed, samplerSeed: 1, weights: 'tuned.onnx' }, o), t.files, o);
  const second = await sampleAll(variant(base, { lambda: 0, seed, samplerSeed: 2, weights: 'tuned.onnx' }, o), t.files, o);
  return [[
    w2(first.ode, first.sde), w2(first.sde, second.sde), w2(first.ode, second.data), w2(first.sde, second.data),
    energyU(first.ode, first.sde), energyU(first.sde, second.data), t.dsm, t.fp,
  ]];
}

/**
 * The sliced-W2 rows (SLICED_COLUMNS, one per o.emSteps) of one fine-tuned score. Every comparison
 * is between independent sample sets (sampler seeds 1 and 2), so each has the same kind of
 * finite-sample bias: SW2(ODE, SDE) is the mean of SW2(ODE₁, SDE₂) and SW2(ODE₂, SDE₁), and the
 * excess is their mean square minus the mean square of the two floors, SW2(ODE₁, ODE₂) and
 * SW2(SDE₁, SDE₂): an estimate of SW2²(ODE law, SDE law), about 0 when the two laws are equal (the
 * sampling noise of the projected quantiles adds to the squared distance). The paired column is
 * filled in by the caller.
 */
async function slicedRows(base: GraphDocument, t: Tuned, seed: number, o: Options): Promise<number[][]> {
  const draw = async (samplerSeed: number, samplers: SamplerId[], sdeSteps?: number): Promise<Partial<Record<SamplerId, Float32Array>>> =>
    sampleVariant(variant(base, { lambda: 0, seed, samplerSeed, weights: 'tuned.onnx', samplers, sdeSteps }, o), t.files, o);
  const [first, second] = [await draw(1, ['ode_sampler']), await draw(2, ['ode_sampler', 'data_samples'])];
  const [ode1, ode2, data] = [first.ode_sampler, second.ode_sampler, second.data_samples].map((x) => x ?? new Float32Array([NaN, NaN]));
  const rows: number[][] = [];
  for (const steps of o.emSteps) {
    const [sde1, sde2] = [(await draw(1, ['sde_sampler'], steps)).sde_sampler, (await draw(2, ['sde_sampler'], steps)).sde_sampler]
      .map((x) => x ?? new Float32Array([NaN, NaN]));
    const [cross1, cross2, floorOde, floorSde] = [sw2(ode1, sde2), sw2(ode2, sde1), sw2(ode1, ode2), sw2(sde1, sde2)];
    const excess = (cross1 ** 2 + cross2 ** 2) / 2 - (floorOde ** 2 + floorSde ** 2) / 2;
    rows.push([(cross1 + cross2) / 2, floorOde, floorSde, excess, NaN, sw2(ode1, data), sw2(sde1, data), t.dsm, t.fp]);
  }
  return rows;
}

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
  const [train, ode, net] = ['train', 'ode_sampler', 'network'].map((id) => node(base, id).params);
  const vp = node(base, 'vp').params;
  const forward: ForwardSde = { kind: 'vp', betaMin: vp.beta_min as number, betaMax: vp.beta_max as number };
  const target = o.target === 'moons' ? `two moons (noise ${MOONS.noise})` : 'checkerboard (scale 1)';
  console.log(`settings: ${target}, VP β ∈ [${forward.betaMin}, ${forward.betaMax}]; score.mlp ${net.depth}×${net.width} ${net.activation}; `
    + `pretraining: loss.dsm, ${o.pretrain} iterations, batch ${train.batch}, lr ${train.lr} ${train.schedule}; `
    + `fine-tuning from those weights: ${o.finetune} iterations, lr ${o.lr} ${train.schedule}, loss.dsm + λ · loss.fokker_planck_residual; `
    + `reverse SDE: Euler–Maruyama ${o.emSteps.join(', ')} steps; probability flow: RK4 ${ode.steps} steps; t1 ${ode.t1}; `
    + `${o.particles} particles; ${o.sliced ? `sliced W2 (${PROJECTIONS} directions)` : 'exact W2'}; λ ∈ {${o.lambdas.join(', ')}}; training seeds 0…${o.seeds - 1}`);
  const started = performance.now();
  const [columns, format, measure] = o.sliced ? [SLICED_COLUMNS, SLICED_FORMAT, slicedRows] : [COLUMNS, EXACT_FORMAT, exactRows];
  // values[table][λ index][column][seed]
  const values = (o.sliced ? o.emSteps : [0]).map(() => o.lambdas.map(() => columns.map((): number[] => [])));
  for (let seed = 0; seed < o.seeds; seed++) {
    const pretrained = await trainVariant(variant(base, { lambda: 0, seed, samplerSeed: 1 }, o), new Map());
    const files = new Map([['pretrained.onnx', pretrained.onnx]]);
    for (const [l, lambda] of o.lambdas.entries()) {
      const t0 = performance.now();
      const tuned = await trainVariant(variant(base, { lambda, seed, samplerSeed: 1, init: 'pretrained.onnx' }, o), files);
      const plan = compile(variant(base, { lambda: 0, seed, samplerSeed: 1 }, o), new Map());
      const spec = plan.trainings?.[0].loss.spec;
      if (!spec) throw new Error('no train stage');
      const t: Tuned = {
        files: new Map([['tuned.onnx', tuned.onnx]]),
        dsm: await heldOutLoss(plan, dsmLoss(spec, forward), tuned.weights), fp: await heldOutLoss(plan, fokkerPlanckResidualLoss(spec, forward), tuned.weights),
      };
      const rows = await measure(base, t, seed, o);
      rows.forEach((row, table) => {
        row.forEach((v, k) => values[table][l][k].push(v));
        const label = o.sliced ? `, EM ${o.emSteps[table]} steps` : '';
        console.error(`  seed ${seed}, λ = ${lambda}${label}: ${columns.map((c, k) => `${c} ${(row[k] * format(k)[1]).toPrecision(4)}`).join(', ')}`);
      });
      console.error(`    (${((performance.now() - t0) / 1000).toFixed(1)} s, fine-tuning ${tuned.seconds.toFixed(1)} s)`);
    }
  }
  for (const [table, byLambda] of values.entries()) {
    if (o.sliced) {
      // The paired difference of the excess from λ = 0 (same seed: same pretrained weights, same batches).
      const control = o.lambdas.indexOf(0);
      for (const c of byLambda) c[4] = control < 0 ? [] : c[3].map((v, s) => v - byLambda[control][3][s]);
      console.log(`\nEuler–Maruyama ${o.emSteps[table]} steps:`);
    }
    console.log('');
    console.log(`| λ | ${columns.join(' | ')} |`);
    console.log(`|---|${columns.map(() => '---').join('|')}|`);
    for (const [l, c] of byLambda.entries()) {
      const cells = c.map((xs, k) => (xs.length === 0 || o.lambdas[l] === 0 && o.sliced && k === 4 ? '—' : meanSe(xs, ...format(k))));
      console.log(`| ${o.lambdas[l]} | ${cells.join(' | ')} |`);
    }
  }
  console.log('');
  console.log(`mean ± standard error over ${o.seeds} training seed(s) (seed = init_seed = train.adam seed of both stages); `
    + `FP residual: σ_t² ‖∂_t s − ∇ₓφ‖² at x_t (the loss the regulariser adds, before λ); wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
