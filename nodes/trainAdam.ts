import { NodeInputError, type FieldDefinition, type NodeContext, type Params } from '../core/graph/catalog.ts';
import type { Problem } from '../core/graph/types.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import type { ValueId } from '../core/ir/types.ts';
import { weightsFromOnnx } from '../core/compile/trainOnnx.ts';
import { isLossValue, isTrainingValue, type TrainingValue } from '../core/compile/trainValues.ts';
import type { AdamConfig, LrSchedule } from '../core/nn/adam.ts';
import { emitMlp, mlpParams, type MlpSpec } from '../core/nn/mlp.ts';

/** The learning-rate schedule the params ask for (see the `schedule` param). */
function scheduleOf(p: Params): LrSchedule {
  const total = p.iterations as number;
  const warmup = p.warmup as number;
  switch (p.schedule) {
    case 'cosine': return { kind: 'cosine', totalSteps: total, ...(warmup > 0 ? { warmupSteps: warmup } : {}) };
    case 'warmup_cosine': return { kind: 'cosine', totalSteps: total, warmupSteps: warmup > 0 ? warmup : Math.max(1, Math.round(0.05 * total)) };
    default: return warmup > 0 ? { kind: 'warmup', warmupSteps: warmup } : { kind: 'constant' };
  }
}

function checkTraining(p: Params): Omit<Problem, 'nodeId'>[] {
  const problems: Omit<Problem, 'nodeId'>[] = [];
  if (p.use === 'ema' && (p.ema as number) === 0) problems.push({ param: 'use', message: "use 'ema' needs an EMA: set ema (e.g. 0.999) or use 'last' or 'best'" });
  if ((p.warmup as number) > (p.iterations as number)) problems.push({ param: 'warmup', message: `warmup (${p.warmup}) is longer than iterations (${p.iterations})` });
  if ((p.weights ?? '') !== '' && (p.init ?? '') !== '') {
    problems.push({ param: 'init', message: `init ('${p.init}') and weights ('${p.weights}') are both set: weights skips training, init starts training from a file; clear one of them` });
  }
  return problems;
}

/** The weights in the .onnx file named by file param `param` (weights or init), checked against the network; undefined when the param is empty. */
function networkWeightsFrom(p: Params, ctx: NodeContext, param: 'weights' | 'init', spec: MlpSpec): { path: string; weights: Float32Array[] } | undefined {
  const path = (p[param] ?? '') as string;
  if (path === '') return undefined;
  const bytes = ctx.file(path);
  if (!bytes) throw new NodeInputError(`file '${path}' is not available`, param);
  try {
    return { path, weights: weightsFromOnnx(bytes, spec, path) };
  } catch (e) {
    throw new NodeInputError((e as Error).message, param);
  }
}

/** The scalars x as one vector value, reusing the state vector they index when they are exactly it. */
function asVector(b: IRBuilder, xs: readonly ValueId[]): ValueId {
  const first = b.node(xs[0]);
  const whole = first.op === 'index' && b.shapeOf(first.args[0])[0] === xs.length
    && xs.every((x, j) => b.node(x).op === 'index' && b.node(x).args[0] === first.args[0] && b.node(x).index === j);
  return whole ? first.args[0] : b.stack(xs);
}

/** Adam on a loss, as a field node whose outputs are the trained network. */
export const trainAdam: FieldDefinition = {
  role: 'field', type: 'train.adam', title: 'Train (Adam)',
  doc: 'Trains the network of the loss on input loss with Adam before anything is sampled (a train stage of the plan): '
    + 'draws data_samples samples of the loss\'s data once, then runs iterations steps on batches drawn from that pool '
    + '(with replacement) plus the loss\'s own t and noise, all from Philox with seed, so a seed reproduces the weights bit for bit. '
    + 'Set init to an .onnx file to start from its weights instead of the network\'s initialisation (fine-tuning). '
    + 'Outputs the trained network as a score s(x, t) (for process.reverse_sde, process.probability_flow, predictor–corrector) '
    + 'and as a drift (for velocity losses such as loss.interpolant). Set weights to an .onnx file (e.g. written by a previous run) '
    + 'to load the weights from it and skip training. Stages that evaluate the network run in the WGSL kernel with the WebGPU backend; '
    + 'on the CPU on the batched integrator (float32 network) or, with many threads or an adaptive solver, the fused JavaScript kernel.',
  inputs: [{ name: 'loss', type: 'loss', required: true, doc: 'The objective (loss.dsm, loss.sliced_score_matching, loss.interpolant, …).' }],
  outputs: [
    { name: 'score', type: 'score', doc: 'The trained network as a score s(x, t).' },
    { name: 'drift', type: 'drift', doc: 'The trained network as a drift / velocity field v(x, t).' },
  ],
  params: [
    { name: 'iterations', kind: 'integer', default: 5000, min: 0, max: 10_000_000, doc: 'Adam steps.' },
    { name: 'batch', kind: 'integer', default: 512, min: 1, max: 65536, doc: 'Samples per step.' },
    { name: 'lr', kind: 'number', default: 5e-3, min: 0, exclusiveMin: true, doc: 'Peak learning rate (small 2-d models: 5e-3 to 1e-2 with the cosine schedule).' },
    {
      name: 'schedule', kind: 'enum', default: 'cosine', options: ['constant', 'cosine', 'warmup_cosine'],
      doc: 'constant: lr (after a linear warm-up over warmup steps if warmup > 0); cosine: half a cosine from lr to 0 over the iterations '
        + '(after warmup steps of linear warm-up if warmup > 0); warmup_cosine: cosine with a warm-up of warmup steps, or 5% of the iterations when warmup is 0.',
    },
    { name: 'warmup', kind: 'integer', default: 0, min: 0, doc: 'Linear learning-rate warm-up steps (see schedule).' },
    { name: 'ema', kind: 'number', default: 0, min: 0, max: 0.999999, doc: 'Decay of an exponential moving average of the weights (0 = off; e.g. 0.999). It starts at the initial weights without bias correction, so it needs many more than 1/(1 − ema) iterations (0.999: ≥ 5000).' },
    { name: 'clip', kind: 'number', default: 1, min: 0, doc: 'Clip the gradient to this global L2 norm (0 = off).' },
    { name: 'seed', kind: 'integer', default: 0, min: 0, max: 2 ** 32 - 1, doc: 'Seed of the batches, times and noise of every step.' },
    { name: 'use', kind: 'enum', default: 'last', options: ['last', 'best', 'ema'], doc: 'Weights the outputs use: the last iterate, the best (lowest smoothed loss), or the EMA.' },
    { name: 'data_samples', kind: 'integer', default: 10000, min: 1, max: 10_000_000, doc: 'Size of the data pool drawn once from the data source.' },
    {
      name: 'data_seed', kind: 'integer', default: 1, min: 0, max: 2 ** 32 - 1,
      doc: 'Seed of the data pool (the source\'s own draws). A metric comparing against held-out samples of the same source must use another seed (its reference_seed).',
    },
    {
      name: 'weights', kind: 'file', default: '', optional: true, extensions: ['.onnx'],
      doc: 'Optional .onnx file with trained weights of exactly this network (e.g. <train node>.onnx written by sde-studio run): when set, training is skipped.',
    },
    {
      name: 'init', kind: 'file', default: '', optional: true, extensions: ['.onnx'],
      doc: 'Optional .onnx file with weights of exactly this network to start training from instead of score.mlp\'s initialisation '
        + '(fine-tuning, e.g. a pretrained score with another loss or a lower lr); the iterations, schedule and seed apply as usual. '
        + 'Not together with weights (which skips training).',
    },
  ],
  check: checkTraining,
  resolve: (p, ctx): TrainingValue => {
    const loss = ctx.input('loss');
    if (!isLossValue(loss)) throw new NodeInputError("input 'loss' must come from a loss node such as loss.dsm", undefined, 'loss');
    const pretrained = networkWeightsFrom(p, ctx, 'weights', loss.network.spec);
    const initial = networkWeightsFrom(p, ctx, 'init', loss.network.spec);
    const optimizer: AdamConfig = {
      lr: p.lr as number, schedule: scheduleOf(p),
      ...((p.clip as number) > 0 ? { clipNorm: p.clip as number } : {}),
      ...((p.ema as number) > 0 ? { emaDecay: p.ema as number } : {}),
    };
    return {
      kind: 'training', loss, optimizer, batch: p.batch as number, iterations: p.iterations as number, seed: p.seed as number,
      use: p.use as TrainingValue['use'], dataSamples: p.data_samples as number, dataSeed: p.data_seed as number,
      ...(pretrained ? { pretrained } : {}),
      ...(initial ? { initial } : {}),
    };
  },
  dimension: (_p, ctx) => (isTrainingValue(ctx?.value) ? ctx.value.loss.network.spec.inputDim : undefined),
  field: (_p, b, x, t, dims, ctx, port) => {
    const value = ctx.value;
    if (!isTrainingValue(value)) throw new Error('train.adam: the node has no resolved training value');
    const spec = value.loss.network.spec;
    if (dims !== spec.inputDim) {
      throw new NodeInputError(`the network has dimension ${spec.inputDim} but output '${port}' is used on a ${dims}-dimensional state; make score.mlp's dimension ${dims}`, undefined, port);
    }
    if (!ctx.weights) throw new Error('train.adam: this context cannot bind trained weights');
    return b.elements(emitMlp(b, spec, ctx.weights(b, mlpParams(spec)), asVector(b, x), t));
  },
};

export const TRAINERS = [trainAdam];
