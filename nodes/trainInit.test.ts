import { describe, expect, test } from 'vitest';
import { runTrainStage } from '../core/backends/batched/training.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import { formatPlan } from '../core/compile/printPlan.ts';
import { exportTrainedOnnx } from '../core/compile/trainOnnx.ts';
import { fileRefs } from '../core/graph/fileRefs.ts';
import type { Problem } from '../core/graph/types.ts';
import { initMlp } from '../core/nn/mlp.ts';
import { CATALOG } from './registry.ts';
import { mlpSpecOf } from './scoreNetwork.ts';
import { compileOrThrow, twoMoonsGraph, type Overrides } from './trainingTesting.ts';

/** train.adam's init param: fine-tuning from the weights in an .onnx file. */

const SMALL: Overrides = {
  network: { width: 32, depth: 2 },
  train: { iterations: 300, batch: 128, lr: 0.01, ema: 0, use: 'last', data_samples: 2000 },
  sampler: { particles: 300, steps: 50, record: 5 },
  sliced_w2: { reference_samples: 300 },
};
const withTrain = (train: Overrides[string]): Overrides => ({ ...SMALL, train: { ...SMALL.train, ...train } });
const bits = (ws: readonly Float32Array[]) => Buffer.concat(ws.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength)));
const mean = (xs: ArrayLike<number>, from: number, to: number) => Array.from(xs).slice(from, to).reduce((a, v) => a + v, 0) / (to - from);

function problemsOf(overrides: Overrides, files = new Map<string, Uint8Array>()): Problem[] {
  const compiled = compileGraph(twoMoonsGraph(overrides), CATALOG, { files });
  return compiled.ok ? [] : compiled.problems;
}

describe('train.adam init (fine-tuning)', () => {
  test('a graph fine-tuned from the saved .onnx starts from those weights, at the loss where training stopped', async () => {
    const first = await runTrainStage(compileOrThrow(twoMoonsGraph(SMALL)).trainings![0]);
    const spec = compileOrThrow(twoMoonsGraph(SMALL)).trainings![0].loss.spec;
    const files = new Map([['pre.onnx', exportTrainedOnnx(spec, first.last)]]);
    const stage = compileOrThrow(twoMoonsGraph(withTrain({ init: 'pre.onnx', iterations: 200, lr: 1e-3, seed: 1 })), files).trainings![0];
    expect(bits(stage.init).equals(bits(first.last))).toBe(true);
    expect(stage.pretrained).toBeUndefined();
    expect(formatPlan({ ...compileOrThrow(twoMoonsGraph(SMALL)), trainings: [stage] })).toMatch(/starts from the weights in 'pre\.onnx' \(fine-tuning\)/);
    const tuned = await runTrainStage(stage);
    expect(tuned.iterations).toBe(200);
    expect(tuned.pretrained).toBeUndefined();
    // From scratch the first steps sit far above where the first run ended; the fine-tune starts there.
    const [scratchStart, end, tunedStart] = [mean(first.losses, 0, 20), mean(first.losses, 250, 300), mean(tuned.losses, 0, 20)];
    expect(scratchStart).toBeGreaterThan(2 * end);
    expect(Math.abs(tunedStart - end)).toBeLessThan(0.25 * end);
    expect(bits(tuned.last).equals(bits(first.last))).toBe(false);
    // Without init, the same params start from score.mlp's initialisation.
    const fresh = compileOrThrow(twoMoonsGraph(withTrain({ iterations: 200, lr: 1e-3, seed: 1 }))).trainings![0];
    expect(bits(fresh.init).equals(bits(initMlp(spec, 0)))).toBe(true);
  });

  test('init is a file reference of the graph', () => {
    expect(fileRefs(twoMoonsGraph(withTrain({ init: 'pre.onnx' })), CATALOG)).toEqual([{ nodeId: 'train', param: 'init', path: 'pre.onnx' }]);
  });

  test('a missing file, another architecture, another extension, and init with weights are reported on the param', () => {
    expect(problemsOf(withTrain({ init: 'pre.onnx' }))).toEqual([
      expect.objectContaining({ nodeId: 'train', param: 'init', message: expect.stringMatching(/'pre.onnx' is not available/) }),
    ]);
    const other = mlpSpecOf({ dimension: 2, width: 16, depth: 3, activation: 'silu', time_embedding: 'sinusoidal', embedding_size: 16, init_seed: 0 });
    expect(problemsOf(withTrain({ init: 'pre.onnx' }), new Map([['pre.onnx', exportTrainedOnnx(other, initMlp(other, 0))]]))).toEqual([
      expect.objectContaining({ nodeId: 'train', param: 'init', message: expect.stringMatching(/3 hidden layers of 16\/16\/16 silu units.*32\/32/) }),
    ]);
    expect(problemsOf(withTrain({ init: 'pre.txt' }))).toContainEqual(expect.objectContaining({ nodeId: 'train', param: 'init', message: expect.stringMatching(/\.onnx/) }));
    const spec = compileOrThrow(twoMoonsGraph(SMALL)).trainings![0].loss.spec;
    const bytes = exportTrainedOnnx(spec, initMlp(spec, 3));
    expect(problemsOf(withTrain({ init: 'a.onnx', weights: 'b.onnx' }), new Map([['a.onnx', bytes], ['b.onnx', bytes]]))).toEqual([
      expect.objectContaining({ nodeId: 'train', param: 'init', message: expect.stringMatching(/init .* and weights .* are both set/) }),
    ]);
  });
});
