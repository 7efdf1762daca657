import { NodeInputError, type Catalog, type NodeContext, type SourceDefinition } from '../graph/catalog.ts';
import type { GraphDocument, Problem } from '../graph/types.ts';
import { staticContext, validateGraph, type FileStore, type ResolvedNode } from '../graph/validate.ts';
import { IRBuilder } from '../ir/builder.ts';
import { emitTangent } from '../ir/derivative.ts';
import { SCALAR, vectorType, type IRFunction, type ValueId } from '../ir/types.ts';
import { countFlops, validateIR } from '../ir/validate.ts';
import { stageCount, type SolverMethod } from '../solvers/method.ts';
import { EULER } from '../solvers/tableaux.ts';
import type { AnalysisSource, AnalysisStage, IntegrateStage, Plan, PlanBuffer, TrainStage } from './plan.ts';
import { lowerTrainStage, weightBindings } from './trainStage.ts';
import { externalModels } from './externals.ts';
import { isTrainingValue } from './trainValues.ts';

/** Result of compiling: a plan, or the problems that prevent one. */
export type CompileResult = { ok: true; plan: Plan } | { ok: false; problems: Problem[] };

/** Overrides applied on top of the graph, e.g. from CLI flags. */
export interface CompileOptions {
  /** Replaces every solver's seed. */
  seed?: number;
  /** Bytes of the files named by `file` params (see `fileRefs`). */
  files?: FileStore;
}

/**
 * Validates a graph and lowers each solver node, with the nodes feeding it, into an integration
 * stage: IR for the initial sampler, the drift, the diffusion and (Milstein) ∂g/∂x. Metric and
 * export nodes become analysis stages that run after the integrations. Train nodes (train.adam)
 * become train stages that run first; fields that read their networks get the weights as extra
 * params, bound by the stage's `weights`.
 */
export function compileGraph(doc: GraphDocument, catalog: Catalog, options: CompileOptions = {}): CompileResult {
  const files = options.files ?? new Map<string, Uint8Array>();
  const { problems, nodes } = validateGraph(doc, catalog, { files });
  if (problems.length > 0) return { ok: false, problems };
  const stages: IntegrateStage[] = [];
  const analyses: AnalysisStage[] = [];
  const trainings: TrainStage[] = [];
  for (const r of nodes.values()) {
    if (!isTrainingValue(r.value)) continue;
    const stage = lowerTrainStage(r, nodes, (source) => lowerSourceInit(source, nodes, files));
    if ('problem' in stage) return { ok: false, problems: [stage.problem] };
    trainings.push(stage);
  }
  for (const r of nodes.values()) {
    if (r.def.role === 'solver') {
      const stage = withLoweringProblems(() => lowerSolver(r, nodes, files, options));
      if ('problem' in stage) return { ok: false, problems: [stage.problem] };
      stages.push(stage);
    }
  }
  const references = new Map<string, IntegrateStage>();
  for (const r of nodes.values()) {
    if (r.def.role === 'analysis') analyses.push(analysisStage(r, nodes, files, references));
  }
  stages.push(...references.values());
  if (stages.length === 0 && trainings.length === 0) {
    return { ok: false, problems: [{ message: 'the graph has no solver node, so there is nothing to run; add one (e.g. solver.euler_maruyama) and connect its inputs' }] };
  }
  const buffers = stages.flatMap(stageBuffers);
  const memoryBytes = buffers.reduce((a, b) => a + b.bytes, 0);
  const flops = stages.reduce((a, s) => a + s.flopsPerStep * s.grid.particles * Math.max(1, s.grid.steps), 0)
    + trainings.reduce((a, s) => a + (s.pretrained ? 0 : s.flopsPerIteration * s.iterations), 0);
  return { ok: true, plan: { graphName: doc.name ?? 'untitled', ...(trainings.length > 0 ? { trainings } : {}), stages, analyses, buffers, memoryBytes, flops } };
}

/** A problem found while lowering a field (e.g. a network used on a state of another dimension), on that node. */
class LoweringProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** Runs a lowering, turning a LoweringProblem into a returned problem. */
function withLoweringProblems<T>(lower: () => T | { problem: Problem }): T | { problem: Problem } {
  try {
    return lower();
  } catch (e) {
    if (e instanceof LoweringProblem) return { problem: e.problem };
    throw e;
  }
}

/** `src.def.field(…)`, with a NodeInputError it throws reported on `src` (see LoweringProblem). */
function emitField(src: ResolvedNode, b: IRBuilder, x: readonly ValueId[], t: ValueId, dims: number, ctx: NodeContext, port: string): ValueId[] {
  if (src.def.role !== 'field') throw new Error(`node '${src.node.id}' is not a field`);
  try {
    return src.def.field(src.params, b, x, t, dims, ctx, port);
  } catch (e) {
    if (!(e instanceof NodeInputError)) throw e;
    throw new LoweringProblem({ nodeId: src.node.id, ...(e.param ? { param: e.param } : {}), ...(e.port ? { port: e.port } : {}), message: e.message });
  }
}

/** A source's sampler IR and dimension, or undefined while its dimension is not known. */
function lowerSourceInit(source: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, files: FileStore): { init: IRFunction; dims: number } | undefined {
  if (source.def.role !== 'source') return undefined;
  const dims = source.def.dimension(source.params, loweringContext(source, nodes, files, 0));
  if (dims === undefined) return undefined;
  const b = new IRBuilder('init', []);
  return { init: b.build(source.def.sample(source.params, b, dims, loweringContext(source, nodes, files, dims))), dims };
}

/**
 * The context of a node during lowering: like the static one, plus `field`, which inlines the
 * field of an upstream node (recursively, so combinators can stack).
 */
function loweringContext(r: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, files: FileStore, dims: number): NodeContext {
  return {
    ...staticContext(r, nodes, files),
    field: (port, b, x, t) => {
      const src = nodes.get(r.inputs.get(port) ?? '');
      if (!src) return undefined;
      if (src.def.role !== 'field') throw new Error(`node '${r.node.id}': input '${port}' is not a field`);
      const fromPort = r.sourcePorts.get(port) ?? 'out';
      return emitField(src, b, x, t, dims, loweringContext(src, nodes, files, dims), fromPort);
    },
    // Trained tensors become params named `<this node>/<tensor>`; weightBindings maps them back.
    weights: (b, tensors) => tensors.map((tensor) => {
      const name = `${r.node.id}/${tensor.name}`;
      return b.paramNamed(name) ?? b.addParam(name, tensor.type);
    }),
  };
}

function lowerSolver(r: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, files: FileStore, options: CompileOptions): IntegrateStage | { problem: Problem } {
  if (r.def.role !== 'solver') throw new Error('lowerSolver: not a solver');
  // A solver whose method depends on its params (the predictor–corrector) resolves to that method.
  const method = resolvedMethod(r.value) ?? r.def.method;
  const source = nodes.get(r.inputs.get('initial') ?? '') as ResolvedNode & { def: SourceDefinition };
  const sourceCtx = loweringContext(source, nodes, files, 0);
  const dims = source.def.dimension(source.params, sourceCtx);
  if (dims === undefined) return { problem: { nodeId: source.node.id, message: 'the state dimension is not known yet (is its file loaded?)' } };
  const p = r.params;

  const init = new IRBuilder('init', []);
  const initFn = init.build(source.def.sample(source.params, init, dims, loweringContext(source, nodes, files, dims)));
  const field = (port: string, name: string): IRFunction | undefined => {
    const src = nodes.get(r.inputs.get(port) ?? '');
    if (!src) return undefined;
    const b = new IRBuilder(name, [{ name: 'x', type: vectorType(dims) }, { name: 't', type: SCALAR }]);
    const ctx = loweringContext(src, nodes, files, dims);
    return b.build(emitField(src, b, b.elements(b.param(0)), b.param(1), dims, ctx, r.sourcePorts.get(port) ?? 'out'));
  };
  const drift = field('drift', 'drift') as IRFunction;
  const diffusion = method.kind === 'sde' ? field('diffusion', 'diffusion') : undefined;
  const diffusionDerivative = method.kind === 'sde' && method.milstein && diffusion ? diagonalDerivative(diffusion, dims) : undefined;
  const score = method.kind === 'sde' && method.predictorCorrector ? field('score', 'score') : undefined;

  for (const fn of [initFn, drift, diffusion, diffusionDerivative, score]) {
    const bad = fn ? validateIR(fn) : [];
    if (bad.length > 0) throw new Error(`internal compiler error in node '${r.node.id}': ${bad.join('; ')}`);
  }
  const perEval = countFlops(drift) + (diffusion ? countFlops(diffusion) : 0);
  const adaptive = method.kind === 'ode' && method.adaptive;
  const weights = weightBindings([drift, diffusion, diffusionDerivative, score], nodes);
  const externals = externalModels([drift, diffusion, diffusionDerivative, score], nodes);
  // Trained networks run in the fused kernels, which step each particle on its own; imported
  // models (onnxruntime) only on the batched integrator, which has fixed steps.
  if (externals.length > 0 && adaptive) {
    return { problem: { nodeId: r.node.id, message: `${method.name} chooses a step per particle, which the batched integrator that runs imported models (onnxruntime) cannot do; use a fixed-step solver (rk4, heun)` } };
  }
  const structure = source.def.structure?.(source.params, sourceCtx);
  return {
    kind: 'integrate', nodeId: r.node.id, method, dims,
    grid: {
      t0: p.t0 as number, t1: p.t1 as number, steps: adaptive ? 0 : (p.steps as number),
      record: p.record as number, particles: p.particles as number, seed: options.seed ?? (p.seed as number),
    },
    tolerances: adaptive ? { rtol: p.rtol as number, atol: p.atol as number, maxSteps: p.max_steps as number } : undefined,
    init: initFn, drift, diffusion, diffusionDerivative, ...(score ? { score } : {}),
    flopsPerStep: stageCount(method) * (perEval + 4 * dims) + (diffusionDerivative ? countFlops(diffusionDerivative) + 5 * dims : 0)
      + (score && method.kind === 'sde' ? (method.predictorCorrector?.correctorSteps ?? 0) * (countFlops(score) + 6 * dims) : 0),
    ...(structure ? { structure } : {}),
    ...(weights.length > 0 ? { weights } : {}),
    ...(externals.length > 0 ? { externals } : {}),
  };
}

/** The method a solver node resolved to (see SolverDefinition.resolve), if it is one. */
function resolvedMethod(value: unknown): SolverMethod | undefined {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  return kind === 'sde' || kind === 'ode' ? (value as SolverMethod) : undefined;
}

/**
 * An analysis node reads solver outputs, and samples of source nodes on its `distribution`
 * inputs: each distinct (source, count, seed) becomes one reference stage.
 */
function analysisStage(r: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, files: FileStore, references: Map<string, IntegrateStage>): AnalysisStage {
  const sources: AnalysisSource[] = [];
  for (const [port, src] of r.inputs) {
    const from = nodes.get(src);
    const output = r.sourcePorts.get(port);
    if (from?.def.role === 'solver' && (output === 'samples' || output === 'trajectory' || output === 'times')) {
      sources.push({ port, stage: src, output });
    }
    if (from?.def.role === 'source') {
      const stage = referenceStage(from as ResolvedNode & { def: SourceDefinition }, r, nodes, files, references);
      sources.push({ port, stage: stage.nodeId, output: 'samples' });
    }
  }
  return { kind: 'analysis', nodeId: r.node.id, type: r.def.type, params: r.params, sources };
}

function referenceStage(
  source: ResolvedNode & { def: SourceDefinition }, analysis: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, files: FileStore, references: Map<string, IntegrateStage>,
): IntegrateStage {
  const particles = (analysis.params.reference_samples as number | undefined) ?? 5000;
  const seed = (analysis.params.reference_seed as number | undefined) ?? 0;
  const key = JSON.stringify([source.node.id, particles, seed]);
  const existing = references.get(key);
  if (existing) return existing;
  const ctx = loweringContext(source, nodes, files, 0);
  const dims = source.def.dimension(source.params, ctx) ?? 0;
  const init = new IRBuilder('init', []);
  const initFn = init.build(source.def.sample(source.params, init, dims, loweringContext(source, nodes, files, dims)));
  const zero = new IRBuilder('drift', [{ name: 'x', type: vectorType(dims) }, { name: 't', type: SCALAR }]);
  const taken = new Set([...references.values()].map((s) => s.nodeId));
  let nodeId = source.node.id;
  for (let k = 2; taken.has(nodeId); k++) nodeId = `${source.node.id}#${k}`;
  const stage: IntegrateStage = {
    kind: 'integrate', nodeId, method: EULER, dims, purpose: 'reference',
    grid: { t0: 0, t1: 1, steps: 1, record: 0, particles, seed },
    init: initFn, drift: zero.build(Array.from({ length: dims }, () => zero.constant(0))), flopsPerStep: 0,
  };
  references.set(key, stage);
  return stage;
}

/** (x, t) → ∂g_i/∂x_i for each i, by forward-mode derivatives of the diffusion's IR. */
function diagonalDerivative(diffusion: IRFunction, dims: number): IRFunction {
  const b = new IRBuilder('diffusion_dx', diffusion.params);
  // Params beyond (x, t) (trained weights) are bound through unchanged, with zero tangents.
  const args = diffusion.params.map((_, k) => b.param(k));
  const outputs: ValueId[] = [];
  for (let i = 0; i < dims; i++) {
    const seed = b.stack(Array.from({ length: dims }, (_, j) => b.constant(i === j ? 1 : 0)));
    outputs.push(emitTangent(b, diffusion, args, [seed, ...args.slice(1).map(() => null)]).tangents[i]);
  }
  return b.build(outputs);
}

function stageBuffers(s: IntegrateStage): PlanBuffer[] {
  const { particles: n, record } = s.grid;
  const buffer = (port: PlanBuffer['port'], shape: number[]): PlanBuffer => ({ nodeId: s.nodeId, port, shape, dtype: 'float32', bytes: 4 * shape.reduce((a, b) => a * b, 1) });
  return [buffer('samples', [n, s.dims]), buffer('trajectory', [record + 1, n, s.dims]), buffer('times', [record + 1])];
}
