import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GraphDocument, GraphNode, ParamValue } from '../core/graph/types.ts';
import { DataType } from '../core/onnx/model.ts';
import { handModelBytes, node, tensorValue } from '../core/onnx/fixtures/testModels.ts';

/** Helpers of the score.onnx tests: the example's model, hand-written models and sampling graphs. */

/** The example's model: a 2-d two-moons score trained by `sde-studio run` on two-moons-score.json (score.mlp 3×64 SiLU, sinusoidal time). */
export const EXAMPLE_MODEL = new Uint8Array(readFileSync(fileURLToPath(new URL('../assets/examples/onnx-score.onnx', import.meta.url))));

/**
 * s(x, t) = −x·e^(−t): no MLP (Neg, Exp, Mul), so only onnxruntime runs it. Inputs named `state`
 * ([N, d]) and `time` ([N], rank 1) so that they are found by shape; `batch` fixes N when given.
 */
export function decayModel(options: { d?: number; batch?: number; elemType?: number; xShape?: (number | string)[]; sShape?: (number | string)[]; timeColumn?: boolean } = {}): Uint8Array {
  const d = options.d ?? 2;
  const n = options.batch ?? 'N';
  const column = options.timeColumn ?? false;
  return handModelBytes({
    input: [tensorValue('state', options.xShape ?? [n, d], options.elemType ?? DataType.float), tensorValue('time', column ? [n, 1] : [n])],
    output: [tensorValue('s', options.sShape ?? [n, d])],
    node: [
      node('Neg', ['time'], 'minus_t'),
      node('Exp', ['minus_t'], column ? 'decay_column' : 'decay'),
      ...(column ? [] : [node('Unsqueeze', ['decay', 'axis'], 'decay_column')]),
      node('Neg', ['state'], 'minus_x'),
      node('Mul', ['minus_x', 'decay_column'], 's'),
    ],
    initializer: column ? [] : [{ name: 'axis', dims: [1], dataType: DataType.int64, rawData: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]) }],
  });
}

/** A node spec: type and params. */
export interface ScoreSpec {
  nodes: GraphNode[];
  /** The node and output port that give the score. */
  from: { node: string; port: string };
}

/** score.onnx on `file` with `engine`. */
export function onnxScore(file: string, engine: 'onnxruntime' | 'compiled'): ScoreSpec {
  return { nodes: [{ id: 'model', type: 'score.onnx', params: { file, engine } }], from: { node: 'model', port: 'score' } };
}

/**
 * VP forward SDE, the score, and one sampler from N(0, I): the probability-flow ODE with rk4
 * (`method` ode), the reverse SDE with Euler–Maruyama (`sde`) or the predictor–corrector, whose
 * Langevin corrector reads the score too (`pc`), τ from 0 to 0.999.
 */
export function samplingGraph(score: ScoreSpec, method: 'ode' | 'sde' | 'pc', solver: Record<string, ParamValue> = {}, d = 2): GraphDocument {
  const process = method === 'ode' ? 'process.probability_flow' : 'process.reverse_sde';
  const solverType = { ode: 'solver.rk4', sde: 'solver.euler_maruyama', pc: 'solver.predictor_corrector' }[method];
  return {
    format: 'sde-studio.graph', version: 1, name: 'score.onnx test',
    nodes: [
      ...score.nodes,
      { id: 'vp', type: 'drift.vp', params: { beta_min: 0.1, beta_max: 20 } },
      { id: 'process', type: process, params: { T: 1 } },
      { id: 'prior', type: 'source.gaussian', params: { mean: Array<number>(d).fill(0), std: 1 } },
      { id: 'solve', type: solverType, params: { t0: 0, t1: 0.999, steps: 40, particles: 300, seed: 2, record: 0, ...solver } },
    ],
    edges: [
      { id: 'a', from: { node: 'vp', port: 'out' }, to: { node: 'process', port: 'drift' } },
      { id: 'b', from: { node: 'vp', port: 'diffusion' }, to: { node: 'process', port: 'diffusion' } },
      { id: 'c', from: score.from, to: { node: 'process', port: 'score' } },
      { id: 'd', from: { node: 'prior', port: 'out' }, to: { node: 'solve', port: 'initial' } },
      { id: 'e', from: { node: 'process', port: 'out' }, to: { node: 'solve', port: 'drift' } },
      ...(method === 'ode' ? [] : [{ id: 'f', from: { node: 'process', port: 'diffusion' }, to: { node: 'solve', port: 'diffusion' } }]),
      ...(method === 'pc' ? [{ id: 'g', from: { node: 'process', port: 'score' }, to: { node: 'solve', port: 'score' } }] : []),
    ],
  };
}

/** train.adam loading `file` as its weights, with the architecture of two-moons-score.json (the example model's). */
export function pretrainedScore(file: string): ScoreSpec {
  return {
    nodes: [
      { id: 'data', type: 'source.two_moons', params: {} },
      { id: 'vp_train', type: 'drift.vp', params: { beta_min: 0.1, beta_max: 20 } },
      { id: 'network', type: 'score.mlp', params: { dimension: 2, width: 64, depth: 3, activation: 'silu', time_embedding: 'sinusoidal', embedding_size: 16, init_seed: 0 } },
      { id: 'dsm', type: 'loss.dsm', params: {} },
      { id: 'train', type: 'train.adam', params: { weights: file } },
    ],
    from: { node: 'train', port: 'score' },
  };
}

/** The edges that wire {@link pretrainedScore}'s nodes (add them to a sampling graph). */
export const PRETRAINED_EDGES = [
  { id: 't1', from: { node: 'data', port: 'out' }, to: { node: 'dsm', port: 'data' } },
  { id: 't2', from: { node: 'vp_train', port: 'sde' }, to: { node: 'dsm', port: 'sde' } },
  { id: 't3', from: { node: 'network', port: 'network' }, to: { node: 'dsm', port: 'network' } },
  { id: 't4', from: { node: 'dsm', port: 'loss' }, to: { node: 'train', port: 'loss' } },
];
