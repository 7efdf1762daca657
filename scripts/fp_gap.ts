/**
 * The ODE–SDE gap of a learned score with and without the Fokker–Planck regulariser (Lai et al.,
 * ICML 2023, "FP-Diffusion"): trains the score of assets/examples/fokker-planck-gap.json for each
 * λ and training seed, samples it with the reverse SDE (Euler–Maruyama) and the probability-flow
 * ODE (RK4) from the same prior draws, and prints a Markdown table of W2(ODE, SDE), W2(ODE, data),
 * W2(SDE, data) and the final DSM loss (mean ± standard error over seeds), with the data-vs-data
 * W2 floor at the same sample size.
 *
 *   node bin/run-ts.mjs scripts/fp_gap.ts [--lambda 0,0.1,1] [--seeds 3] [--iterations N] [--particles N]
 *   node bin/run-ts.mjs scripts/fp_gap.ts --write-example     (regenerates the example graph)
 *
 * λ = 0 means loss.dsm alone: the loss.fokker_planck_residual node is removed and loss.dsm is wired
 * straight into train.adam (not weight 0, which would still pay for the residual's second
 * derivatives). Seed s sets both score.mlp's init_seed and train.adam's seed, so every λ starts
 * from the same weights and sees the same batches (paired comparison). The graph runs through the
 * functions `sde-studio run` calls: compileGraph, runTrainings, runIntegrations, runAnalyses.
 *
 * "final DSM loss" is loss.dsm alone (σ_t² weighting) of the trained weights, for every λ: the
 * training loss of λ > 0 includes the residual, so it is re-evaluated as the mean over 20 batches
 * of 2048 on a held-out pool (data_seed 3) with fixed draws (seed 12345), the same for every run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIntegrations, runTrainings } from '../core/backends/batched/runPlan.ts';
import { drawDataPool } from '../core/backends/batched/training.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { Plan } from '../core/compile/plan.ts';
import { runAnalyses } from '../core/compile/runAnalyses.ts';
import { parseGraph, serializeGraph } from '../core/graph/document.ts';
import { formatProblem, type GraphDocument, type GraphEdge, type GraphNode, type ParamValue } from '../core/graph/types.ts';
import { datasetSource } from '../core/nn/data.ts';
import { Trainer } from '../core/nn/trainer.ts';
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

interface Options { lambdas: number[]; seeds: number; iterations?: number; particles?: number }

function parseOptions(argv: string[]): Options {
  const o: Options = { lambdas: [0, 0.1, 1], seeds: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--lambda') o.lambdas = value.split(',').map(Number);
    else if (flag === '--seeds') o.seeds = Number(value);
    else if (flag === '--iterations') o.iterations = Number(value);
    else if (flag === '--particles') o.particles = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (o.lambdas.some((l) => !(l >= 0)) || !(o.seeds >= 1)) throw new Error('--lambda takes numbers ≥ 0, --seeds an integer ≥ 1');
  return o;
}

function node(doc: GraphDocument, id: string): GraphNode & { params: Record<string, ParamValue> } {
  const n = doc.nodes.find((m) => m.id === id);
  if (!n) throw new Error(`the example has no node '${id}'`);
  n.params ??= {};
  return n as GraphNode & { params: Record<string, ParamValue> };
}

/** The example for λ and seed (λ = 0: loss.dsm wired straight into train.adam, fp node removed). */
function variant(base: GraphDocument, lambda: number, seed: number, o: Options): GraphDocument {
  const doc: GraphDocument = structuredClone(base);
  node(doc, 'network').params.init_seed = seed;
  node(doc, 'train').params.seed = seed;
  if (o.iterations !== undefined) node(doc, 'train').params.iterations = o.iterations;
  if (o.particles !== undefined) {
    for (const id of ['sde_sampler', 'ode_sampler', 'data_samples']) node(doc, id).params.particles = o.particles;
    for (const id of ['w2_ode_sde', 'w2_ode_data', 'w2_sde_data', 'w2_floor']) node(doc, id).params.reference_samples = o.particles;
  }
  if (lambda === 0) {
    doc.nodes = doc.nodes.filter((n) => n.id !== 'fp');
    doc.edges = doc.edges.filter((e) => e.to.node !== 'fp' && e.from.node !== 'fp');
    doc.edges.push(edge('e_dsm_train', 'dsm', 'loss', 'train', 'loss'));
  } else node(doc, 'fp').params.weight = lambda;
  return doc;
}

function compile(doc: GraphDocument): Plan {
  const compiled = compileGraph(doc, CATALOG, {});
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('; '));
  return compiled.plan;
}

/** DSM loss (alone) of the given weights: mean over 20 fixed batches of a held-out pool. */
async function dsmLossOf(dsmPlan: Plan, weights: Float32Array[]): Promise<number> {
  const stage = dsmPlan.trainings?.[0];
  if (!stage) throw new Error('no train stage');
  const pool = await drawDataPool(stage);
  const trainer = new Trainer({
    loss: stage.loss, data: datasetSource(pool, stage.data.dims, 12345), batch: 2048, seed: 12345,
    optimizer: { lr: 1e-30, schedule: { kind: 'constant' } }, init: weights,
  });
  const run = await trainer.run(20, {});
  return run.losses.reduce((a, v) => a + v, 0) / run.losses.length;
}

function metric(analyses: ReturnType<typeof runAnalyses>, id: string): number {
  const a = analyses.find((r) => r.nodeId === id);
  if (!a || !a.ok) throw new Error(`${id}: ${a && !a.ok ? a.error : 'missing'}`);
  return a.metrics?.w2 as number;
}

const meanSe = (xs: number[]): string => {
  const m = xs.reduce((a, v) => a + v, 0) / xs.length;
  if (xs.length < 2) return m.toFixed(3);
  const sd = Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1));
  return `${m.toFixed(3)} ± ${(sd / Math.sqrt(xs.length)).toFixed(3)}`;
};

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
  const train = node(variant(base, 0, 0, o), 'train').params;
  const sde = node(variant(base, 0, 0, o), 'sde_sampler').params;
  const ode = node(variant(base, 0, 0, o), 'ode_sampler').params;
  const net = node(base, 'network').params;
  console.log(`settings: two moons (noise ${MOONS.noise}), VP β ∈ [0.1, 20]; score.mlp ${net.depth}×${net.width} ${net.activation}; `
    + `train.adam ${train.iterations} iterations, batch ${train.batch}, lr ${train.lr} ${train.schedule}, use ${train.use}; `
    + `reverse SDE: Euler–Maruyama ${sde.steps} steps; probability flow: RK4 ${ode.steps} steps; t1 ${sde.t1}; `
    + `${sde.particles} particles (same prior draws for both), exact W2 vs ${sde.particles} held-out points; `
    + `λ ∈ {${o.lambdas.join(', ')}} (λ = 0: loss.dsm alone); training seeds 0…${o.seeds - 1} (init_seed = seed)`);
  const started = performance.now();
  const rows: string[] = [];
  const floors: number[] = [];
  for (const lambda of o.lambdas) {
    const cols: number[][] = [[], [], [], []];
    for (let seed = 0; seed < o.seeds; seed++) {
      const t0 = performance.now();
      const plan = compile(variant(base, lambda, seed, o));
      const { trainings } = await runTrainings(plan);
      const results = await runIntegrations(plan, trainings);
      const analyses = runAnalyses(plan, results, CATALOG);
      const heldOut = variant(base, 0, seed, o);
      node(heldOut, 'train').params.data_seed = 3;
      const dsm = await dsmLossOf(compile(heldOut), trainings[0].weights);
      const row = [metric(analyses, 'w2_ode_sde'), metric(analyses, 'w2_ode_data'), metric(analyses, 'w2_sde_data'), dsm];
      row.forEach((v, k) => cols[k].push(v));
      if (floors.length === 0) floors.push(metric(analyses, 'w2_floor'));
      console.error(`  λ = ${lambda}, seed ${seed}: W2(ODE,SDE) ${row[0].toFixed(4)}, W2(ODE,data) ${row[1].toFixed(4)}, W2(SDE,data) ${row[2].toFixed(4)}, `
        + `DSM ${row[3].toFixed(4)}, train loss ${trainings[0].finalLoss.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s, training ${trainings[0].seconds.toFixed(1)} s)`);
    }
    rows.push(`| ${lambda} | ${cols.map(meanSe).join(' | ')} |`);
  }
  console.log('');
  console.log('| λ | W2(ODE, SDE) | W2(ODE, data) | W2(SDE, data) | final DSM loss |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log('');
  console.log(`data-vs-data W2 floor (two independent draws of ${node(variant(base, 0, 0, o), 'data_samples').params.particles} points): ${floors[0].toFixed(3)}`);
  console.log(`mean ± standard error over ${o.seeds} training seed(s); wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
