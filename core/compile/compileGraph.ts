import type { Catalog, FieldDefinition, NodeContext, SourceDefinition } from '../graph/catalog.ts';
import type { GraphDocument, Problem } from '../graph/types.ts';
import { staticContext, validateGraph, type FileStore, type ResolvedNode } from '../graph/validate.ts';
import { IRBuilder } from '../ir/builder.ts';
import { emitTangent } from '../ir/derivative.ts';
import { SCALAR, vectorType, type IRFunction, type ValueId } from '../ir/types.ts';
import { countFlops, validateIR } from '../ir/validate.ts';
import { stageCount } from '../solvers/method.ts';
import { EULER } from '../solvers/tableaux.ts';
import type { AnalysisSource, AnalysisStage, IntegrateStage, Plan, PlanBuffer } from './plan.ts';

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
 * export nodes become analysis stages that run after the integrations.
 */
export function compileGraph(doc: GraphDocument, catalog: Catalog, options: CompileOptions = {}): CompileResult {
  const files = options.files ?? new Map<string, Uint8Array>();
  const { problems, nodes } = validateGraph(doc, catalog, { files });
  if (problems.length > 0) return { ok: false, problems };
  const stages: IntegrateStage[] = [];
  const analyses: AnalysisStage[] = [];
  for (const r of nodes.values()) {
    if (r.def.role === 'solver') {
      const stage = lowerSolver(r, nodes, files, options);
      if ('problem' in stage) return { ok: false, problems: [stage.problem] };
      stages.push(stage);
    }
  }
  const references = new Map<string, IntegrateStage>();
  for (const r of nodes.values()) {
    if (r.def.role === 'analysis') analyses.push(analysisStage(r, nodes, files, references));
  }
  stages.push(...references.values());
  if (stages.length === 0) {
    return { ok: false, problems: [{ message: 'the graph has no solver node, so there is nothing to run; add one (e.g. solver.euler_maruyama) and connect its inputs' }] };
  }
  const buffers = stages.flatMap(stageBuffers);
  const memoryBytes = buffers.reduce((a, b) => a + b.bytes, 0);
  const flops = stages.reduce((a, s) => a + s.flopsPerStep * s.grid.particles * Math.max(1, s.grid.steps), 0);
  return { ok: true, plan: { graphName: doc.name ?? 'untitled', stages, analyses, buffers, memoryBytes, flops } };
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
      return src.def.field(src.params, b, x, t, dims, loweringContext(src, nodes, files, dims), fromPort);
    },
  };
}

function lowerSolver(r: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, files: FileStore, options: CompileOptions): IntegrateStage | { problem: Problem } {
  if (r.def.role !== 'solver') throw new Error('lowerSolver: not a solver');
  const method = r.def.method;
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
    const def = src.def as FieldDefinition;
    const b = new IRBuilder(name, [{ name: 'x', type: vectorType(dims) }, { name: 't', type: SCALAR }]);
    const ctx = loweringContext(src, nodes, files, dims);
    return b.build(def.field(src.params, b, b.elements(b.param(0)), b.param(1), dims, ctx, r.sourcePorts.get(port) ?? 'out'));
  };
  const drift = field('drift', 'drift') as IRFunction;
  const diffusion = method.kind === 'sde' ? field('diffusion', 'diffusion') : undefined;
  const diffusionDerivative = method.kind === 'sde' && method.milstein && diffusion ? diagonalDerivative(diffusion, dims) : undefined;

  for (const fn of [initFn, drift, diffusion, diffusionDerivative]) {
    const bad = fn ? validateIR(fn) : [];
    if (bad.length > 0) throw new Error(`internal compiler error in node '${r.node.id}': ${bad.join('; ')}`);
  }
  const perEval = countFlops(drift) + (diffusion ? countFlops(diffusion) : 0);
  const adaptive = method.kind === 'ode' && method.adaptive;
  const structure = source.def.structure?.(source.params, sourceCtx);
  return {
    kind: 'integrate', nodeId: r.node.id, method, dims,
    grid: {
      t0: p.t0 as number, t1: p.t1 as number, steps: adaptive ? 0 : (p.steps as number),
      record: p.record as number, particles: p.particles as number, seed: options.seed ?? (p.seed as number),
    },
    tolerances: adaptive ? { rtol: p.rtol as number, atol: p.atol as number, maxSteps: p.max_steps as number } : undefined,
    init: initFn, drift, diffusion, diffusionDerivative,
    flopsPerStep: stageCount(method) * (perEval + 4 * dims) + (diffusionDerivative ? countFlops(diffusionDerivative) + 5 * dims : 0),
    ...(structure ? { structure } : {}),
  };
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
  const x = b.param(0);
  const t = b.param(1);
  const outputs: ValueId[] = [];
  for (let i = 0; i < dims; i++) {
    const seed = b.stack(Array.from({ length: dims }, (_, j) => b.constant(i === j ? 1 : 0)));
    outputs.push(emitTangent(b, diffusion, [x, t], [seed, null]).tangents[i]);
  }
  return b.build(outputs);
}

function stageBuffers(s: IntegrateStage): PlanBuffer[] {
  const { particles: n, record } = s.grid;
  const buffer = (port: PlanBuffer['port'], shape: number[]): PlanBuffer => ({ nodeId: s.nodeId, port, shape, dtype: 'float32', bytes: 4 * shape.reduce((a, b) => a * b, 1) });
  return [buffer('samples', [n, s.dims]), buffer('trajectory', [record + 1, n, s.dims]), buffer('times', [record + 1])];
}
