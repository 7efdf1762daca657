import type { Params, ValueDefinition } from '../core/graph/catalog.ts';
import type { Problem } from '../core/graph/types.ts';
import { EXPORTABLE_ACTIVATIONS } from '../core/compile/trainOnnx.ts';
import type { NetworkValue } from '../core/compile/trainValues.ts';
import type { MlpActivation, MlpSpec, TimeEmbedding } from '../core/nn/mlp.ts';

/** The architecture a score.mlp node's params describe. */
export function mlpSpecOf(p: Params): MlpSpec {
  const d = p.dimension as number;
  const kind = p.time_embedding as TimeEmbedding['kind'];
  const time: TimeEmbedding = kind === 'none' ? { kind } : { kind, size: p.embedding_size as number, seed: p.init_seed as number };
  return { inputDim: d, time, width: p.width as number, depth: p.depth as number, activation: p.activation as MlpActivation, outputDim: d };
}

function checkEmbedding(p: Params): Omit<Problem, 'nodeId'>[] {
  const size = p.embedding_size as number;
  if (p.time_embedding === 'none' || size % 2 === 0) return [];
  return [{ param: 'embedding_size', message: `embedding_size (${size}) must be even: the features are sin and cos pairs; try ${size + 1}` }];
}

/** A trainable MLP s(x, t) (the network a loss node trains and a train node fits). */
export const scoreMlp: ValueDefinition = {
  role: 'value', type: 'score.mlp', title: 'Score network (MLP)',
  doc: 'A fully connected network s(x, t): [x, time features] → depth hidden layers of width units → d outputs (no output activation). '
    + 'Connect network to a loss node (loss.dsm, …), the loss to train.adam, and use train.adam\'s score output downstream. '
    + 'Time features: none (t itself), sinusoidal ([sin ω_k t, cos ω_k t], ω_k = 1000 · 10000^(−k/(size/2)), the DDPM embedding on t ∈ [0, 1]), '
    + 'or fourier (Gaussian Fourier features, ω_k = 2π · 16 · N(0, 1) drawn from init_seed). Initial weights: PyTorch\'s nn.Linear default '
    + '(uniform ±1/√fan_in) drawn from Philox with init_seed, the same on every machine. gelu is the tanh approximation.',
  inputs: [],
  outputs: [{ name: 'network', type: 'network', doc: 'The architecture and its initial weights.' }],
  params: [
    { name: 'dimension', kind: 'integer', default: 2, min: 1, max: 4096, doc: 'd: the dimension of x and of the output (must equal the data\'s).' },
    { name: 'width', kind: 'integer', default: 128, min: 1, max: 4096, doc: 'Units per hidden layer.' },
    { name: 'depth', kind: 'integer', default: 3, min: 1, max: 32, doc: 'Number of hidden layers.' },
    { name: 'activation', kind: 'enum', default: 'silu', options: EXPORTABLE_ACTIVATIONS, doc: 'Hidden-layer nonlinearity (gelu: the tanh approximation, ONNX geluTanh).' },
    { name: 'time_embedding', kind: 'enum', default: 'sinusoidal', options: ['none', 'sinusoidal', 'fourier'], doc: 'How t enters the network (see the node doc).' },
    { name: 'embedding_size', kind: 'integer', default: 16, min: 2, max: 1024, doc: 'Number of time features (even: sin and cos pairs); unused for none.' },
    { name: 'init_seed', kind: 'integer', default: 0, min: 0, max: 2 ** 32 - 1, doc: 'Seed of the initial weights (and of the Fourier frequencies).' },
  ],
  check: checkEmbedding,
  resolve: (p): NetworkValue => ({ kind: 'network', spec: mlpSpecOf(p), initSeed: p.init_seed as number }),
};

export const SCORE_NETWORKS = [scoreMlp];
