import type { Problem } from '../graph/types.ts';
import type { ResolvedNode } from '../graph/validate.ts';
import { IRBuilder } from '../ir/builder.ts';
import { SCALAR, vectorType, type IRFunction } from '../ir/types.ts';
import { countFlops } from '../ir/validate.ts';
import { initMlp, mlpParams } from '../nn/mlp.ts';
import { EULER } from '../solvers/tableaux.ts';
import type { IntegrateStage, TrainStage, WeightBinding } from './plan.ts';
import { isExternalParam } from './externals.ts';
import { isFixedNetworkValue, isTrainingValue, type TrainingValue } from './trainValues.ts';

/** Lowers a source node: its sampler IR and its dimension (the compiler's own lowering context). */
export type LowerSource = (source: ResolvedNode) => { init: IRFunction; dims: number } | undefined;

/**
 * The data source of a train node: the `data` input (or another `port`, such as the interpolant's
 * second data set `source`) of the first node of its loss chain that has one
 * (train → loss → [inner loss → …] → data).
 */
function dataSourceOf(train: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, port = 'data'): { source: ResolvedNode | undefined; loss: ResolvedNode } | undefined {
  let at = nodes.get(train.inputs.get('loss') ?? '');
  for (let hops = 0; at && hops < nodes.size; hops++) {
    const data = at.inputs.get(port);
    if (data !== undefined) return { source: nodes.get(data), loss: at };
    at = nodes.get(at.inputs.get('loss') ?? '');
  }
  return undefined;
}

/**
 * The seed of the second data pool: derived from the data seed by adding 2³²/φ (mod 2³²), so the
 * two pools differ even when both sources are the same distribution, and it stays far from the
 * small seeds that solvers and metrics use (an ODE started from the source does not start at its
 * training points).
 */
export function sourcePoolSeed(dataSeed: number): number {
  return (dataSeed + 0x9e3779b9) >>> 0;
}

/**
 * The pool stage of one data input of a train node's loss chain (`port` data or source), or a
 * problem on the train node (or on the loss node, for the second data set) that says how to fix it.
 */
function lowerPool(r: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, lowerSource: LowerSource, port: 'data' | 'source'): { stage: IntegrateStage; source: string } | { problem: Problem } {
  const value = r.value as TrainingValue;
  const found = dataSourceOf(r, nodes, port);
  const source = found?.source;
  if (!found || !source || source.def.role !== 'source') {
    return port === 'data'
      ? { problem: { nodeId: r.node.id, port: 'loss', message: "the loss on input 'loss' has no data: connect a distribution (e.g. source.two_moons) to the loss node's data input" } }
      : { problem: { nodeId: found?.loss.node.id ?? r.node.id, port: 'source', message: "the loss reads a second data set (x₀), but its input 'source' has no distribution: connect one (e.g. source.two_moons)" } };
  }
  const lowered = lowerSource(source);
  if (!lowered) return { problem: { nodeId: source.node.id, message: `the dimension of the training ${port === 'data' ? 'data' : 'source data (x₀)'} is not known yet (is its file loaded?)` } };
  const { init, dims } = lowered;
  const spec = value.loss.network.spec;
  if (dims !== spec.inputDim) {
    const problem: Problem = port === 'data'
      ? { nodeId: r.node.id, port: 'loss', message: `the network has dimension ${spec.inputDim} but the data from '${source.node.id}' has ${dims} components; set score.mlp's dimension to ${dims}` }
      : { nodeId: found.loss.node.id, port: 'source', message: `the network has dimension ${spec.inputDim} but the source data (x₀) from '${source.node.id}' has ${dims} components; x₀ and x₁ must have the network's dimension` };
    return { problem };
  }
  const zero = new IRBuilder('drift', [{ name: 'x', type: vectorType(dims) }, { name: 't', type: SCALAR }]);
  const stage: IntegrateStage = {
    kind: 'integrate', nodeId: `${r.node.id}#${port}`, method: EULER, dims,
    grid: { t0: 0, t1: 1, steps: 1, record: 0, particles: value.dataSamples, seed: port === 'data' ? value.dataSeed : sourcePoolSeed(value.dataSeed) },
    init, drift: zero.build(Array.from({ length: dims }, () => zero.constant(0))), flopsPerStep: 0,
  };
  return { stage, source: source.node.id };
}

/**
 * The train stage of a train node (its resolved value is a TrainingValue): the loss, the data
 * pool's sampler as a one-step zero-drift stage (and the second pool's, when the loss reads two
 * data sets), the optimizer and the initial weights.
 */
export function lowerTrainStage(r: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, lowerSource: LowerSource): TrainStage | { problem: Problem } {
  const value = r.value as TrainingValue;
  const data = lowerPool(r, nodes, lowerSource, 'data');
  if ('problem' in data) return data;
  const second = value.loss.definition.inputs.some((x) => x.source.kind === 'source') ? lowerPool(r, nodes, lowerSource, 'source') : undefined;
  if (second && 'problem' in second) return second;
  const spec = value.loss.network.spec;
  return {
    kind: 'train', nodeId: r.node.id, loss: value.loss.definition, lossSummary: value.loss.summary,
    data: data.stage, dataSource: data.source,
    ...(second ? { sourceData: second.stage, sourceDataSource: second.source } : {}),
    optimizer: value.optimizer, batch: value.batch, iterations: value.iterations, seed: value.seed,
    init: value.initial?.weights ?? initMlp(spec, value.loss.network.initSeed), use: value.use,
    ...(value.pretrained ? { pretrained: value.pretrained } : {}),
    ...(value.initial ? { initFrom: value.initial.path } : {}),
    // Backward ≈ twice the forward pass.
    flopsPerIteration: 3 * countFlops(value.loss.definition.fn) * value.batch,
  };
}

/**
 * The weight bindings of a stage's functions: every param beyond (x, t) is named
 * `<train node>/<tensor>` by the lowering context (see NodeContext.weights); this maps it to that
 * train node's tensor number.
 */
export function weightBindings(fns: readonly (IRFunction | undefined)[], nodes: ReadonlyMap<string, ResolvedNode>): WeightBinding[] {
  const bindings = new Map<string, WeightBinding>();
  for (const fn of fns) {
    for (const param of fn?.params.slice(2) ?? []) {
      if (bindings.has(param.name) || isExternalParam(param.name)) continue;
      const cut = param.name.lastIndexOf('/');
      const train = param.name.slice(0, cut);
      const value = nodes.get(train)?.value;
      const spec = isTrainingValue(value) ? value.loss.network.spec : isFixedNetworkValue(value) ? value.spec : undefined;
      const tensor = spec ? mlpParams(spec).findIndex((p) => p.name === param.name.slice(cut + 1)) : -1;
      if (cut < 0 || tensor < 0) throw new Error(`internal compiler error: field param '${param.name}' is bound to no train stage`);
      bindings.set(param.name, { name: param.name, train, tensor, ...(isFixedNetworkValue(value) ? { fixed: value.weights[tensor] } : {}) });
    }
  }
  return [...bindings.values()];
}
