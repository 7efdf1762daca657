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
 * The data source of a train node: the `data` input of the first node of its loss chain that has
 * one (train → loss → [inner loss → …] → data).
 */
function dataSourceOf(train: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>): ResolvedNode | undefined {
  let at = nodes.get(train.inputs.get('loss') ?? '');
  for (let hops = 0; at && hops < nodes.size; hops++) {
    const data = at.inputs.get('data');
    if (data !== undefined) return nodes.get(data);
    at = nodes.get(at.inputs.get('loss') ?? '');
  }
  return undefined;
}

/**
 * The train stage of a train node (its resolved value is a TrainingValue): the loss, the data
 * pool's sampler as a one-step zero-drift stage, the optimizer and the initial weights.
 */
export function lowerTrainStage(r: ResolvedNode, nodes: ReadonlyMap<string, ResolvedNode>, lowerSource: LowerSource): TrainStage | { problem: Problem } {
  const value = r.value as TrainingValue;
  const source = dataSourceOf(r, nodes);
  if (!source || source.def.role !== 'source') {
    return { problem: { nodeId: r.node.id, port: 'loss', message: "the loss on input 'loss' has no data: connect a distribution (e.g. source.two_moons) to the loss node's data input" } };
  }
  const lowered = lowerSource(source);
  if (!lowered) return { problem: { nodeId: source.node.id, message: 'the dimension of the training data is not known yet (is its file loaded?)' } };
  const { init, dims } = lowered;
  const spec = value.loss.network.spec;
  if (dims !== spec.inputDim) {
    return { problem: { nodeId: r.node.id, port: 'loss', message: `the network has dimension ${spec.inputDim} but the data from '${source.node.id}' has ${dims} components; set score.mlp's dimension to ${dims}` } };
  }
  const zero = new IRBuilder('drift', [{ name: 'x', type: vectorType(dims) }, { name: 't', type: SCALAR }]);
  const data: IntegrateStage = {
    kind: 'integrate', nodeId: `${r.node.id}#data`, method: EULER, dims,
    grid: { t0: 0, t1: 1, steps: 1, record: 0, particles: value.dataSamples, seed: value.dataSeed },
    init, drift: zero.build(Array.from({ length: dims }, () => zero.constant(0))), flopsPerStep: 0,
  };
  return {
    kind: 'train', nodeId: r.node.id, loss: value.loss.definition, lossSummary: value.loss.summary,
    data, dataSource: source.node.id, optimizer: value.optimizer, batch: value.batch, iterations: value.iterations, seed: value.seed,
    init: value.initial?.weights ?? initMlp(spec, value.loss.network.initSeed), use: value.use,
    ...(value.pretrained ? { pretrained: value.pretrained } : {}),
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
