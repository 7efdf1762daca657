import { describe, expect, test } from 'vitest';
import { runPlan } from '../core/backends/batched/runPlan.ts';
import { runTrainStage, type TrainResult } from '../core/backends/batched/training.ts';
import { generateKernelSource } from '../core/backends/cpu/kernelJs.ts';
import { formatPlan } from '../core/compile/printPlan.ts';
import { exportTrainedOnnx } from '../core/compile/trainOnnx.ts';
import type { TrainStage } from '../core/compile/plan.ts';
import { compileOrThrow, trainAndRun, twoMoonsGraph, type Overrides } from './trainingTesting.ts';

/** A small, fast version of the two-moons example. */
const SMALL: Overrides = {
  network: { width: 32, depth: 2 },
  train: { iterations: 300, batch: 128, lr: 0.01, ema: 0.99, use: 'ema', data_samples: 2000 },
  sampler: { particles: 300, steps: 50, record: 5 },
  sliced_w2: { reference_samples: 300 },
};

function stageOf(overrides: Overrides = {}): TrainStage {
  const merged: Overrides = { ...SMALL, ...overrides, train: { ...SMALL.train, ...overrides.train } };
  const stage = compileOrThrow(twoMoonsGraph(merged)).trainings?.[0];
  if (!stage) throw new Error('no train stage');
  return stage;
}

const bits = (ws: readonly Float32Array[]) => Buffer.concat(ws.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength)));

describe('train stages', () => {
  test('the same seed gives the same weights bit for bit; another seed other weights', async () => {
    const [a, b, c] = [await runTrainStage(stageOf()), await runTrainStage(stageOf()), await runTrainStage(stageOf({ train: { seed: 5 } }))];
    expect(a.iterations).toBe(300);
    expect(bits(a.weights).equals(bits(b.weights))).toBe(true);
    expect(bits(a.last).equals(bits(b.last))).toBe(true);
    expect([...a.losses]).toEqual([...b.losses]);
    expect(bits(a.last).equals(bits(c.last))).toBe(false);
  });

  test('an AbortSignal stops training within an iteration; resuming from its state equals never stopping', async () => {
    const stage = stageOf();
    const full = await runTrainStage(stage);
    const abort = new AbortController();
    let abortedAt = 0;
    const stopped = await runTrainStage(stage, {
      signal: abort.signal, progressEvery: 50,
      onProgress: (p) => {
        if (p.iteration === 100) { abort.abort(); abortedAt = performance.now(); }
      },
    });
    const latency = performance.now() - abortedAt;
    expect(stopped.aborted).toBe(true);
    expect(stopped.iterations).toBe(100);
    expect(stopped.losses.length).toBe(100);
    expect(latency).toBeLessThan(500);
    const resumed: TrainResult = await runTrainStage(stage, { resume: stopped });
    expect(resumed.aborted).toBe(false);
    expect(resumed.iterations).toBe(300);
    expect(bits(resumed.last).equals(bits(full.last))).toBe(true);
    expect(bits(resumed.weights).equals(bits(full.weights))).toBe(true);
    expect([...resumed.losses]).toEqual([...full.losses]);
  });

  test("weights loaded from ONNX through the train node's weights param sample exactly like the in-memory weights", async () => {
    const trained = await trainAndRun(twoMoonsGraph(SMALL));
    const stage = trained.plan.trainings?.[0];
    if (!stage) throw new Error('no train stage');
    const bytes = exportTrainedOnnx(stage.loss.spec, trained.trainings[0].weights);
    const loaded = await trainAndRun(twoMoonsGraph({ ...SMALL, train: { ...SMALL.train, weights: 'moons.onnx' } }), new Map([['moons.onnx', bytes]]));
    expect(loaded.plan.trainings?.[0].pretrained?.path).toBe('moons.onnx');
    expect(loaded.trainings[0].pretrained).toBe('moons.onnx');
    expect(loaded.trainings[0].iterations).toBe(0);
    const samples = (r: typeof trained) => r.results.find((x) => x.nodeId === 'sampler')?.trajectory ?? new Float32Array();
    expect(samples(loaded).length).toBe(6 * 300 * 2);
    expect(Buffer.from(samples(loaded).buffer).equals(Buffer.from(samples(trained).buffer))).toBe(true);
  });

  test('runPlan: a cancelled run reports its partial training; passed back as previous, it resumes and samples', async () => {
    const plan = compileOrThrow(twoMoonsGraph(SMALL));
    const abort = new AbortController();
    const first = await runPlan(plan, { threads: 1, signal: abort.signal, trainProgressEvery: 50, onTrainProgress: (p) => { if (p.iteration === 150) abort.abort(); } });
    expect(first.cancelled).toBe(true);
    expect(first.results).toEqual([]);
    expect(first.trainings[0]).toMatchObject({ nodeId: 'train', aborted: true, iterations: 150 });
    const previous = new Map(first.trainings.map((t) => [t.nodeId, t]));
    const second = await runPlan(plan, { threads: 1, previous });
    expect(second.cancelled).toBe(false);
    expect(second.trainings[0]).toMatchObject({ aborted: false, iterations: 300 });
    expect(second.results.map((r) => r.nodeId)).toEqual(['sampler', 'heldout']);
    const straight = await runPlan(plan, { threads: 1 });
    expect(bits(second.trainings[0].weights).equals(bits(straight.trainings[0].weights))).toBe(true);
    // A finished training passed back is reused as is.
    let trained = false;
    await runPlan(plan, { threads: 1, previous: new Map([['train', straight.trainings[0]]]), onTrainProgress: () => { trained = true; } });
    expect(trained).toBe(false);
  });

  test('the printed plan lists the train stage first and says where the sampler\'s network runs, with its kernel', () => {
    const plan = compileOrThrow(twoMoonsGraph(SMALL));
    const text = formatPlan(plan, { kernelSource: generateKernelSource, backend: 'cpu' });
    expect(text).toMatch(/train 1: 'train' minimises loss\.dsm \(λ = σ_t², t ~ U\(0\.001, 1\), VP SDE/);
    expect(text).toMatch(/network MLP 2 → 2×32 silu → 2, time features sinusoidal/);
    expect(text).toMatch(/data: 2000 samples of 'data' \(seed 1\), drawn once; fields use the ema weights/);
    expect(text).toMatch(/stage 1: integrate 'sampler'[^]*fields read the network of 'train': on the CPU the batched integrator \(float32 GEMMs, one thread\) runs it, or the fused kernel below[^]*generated kernel[^]*stage 2: integrate 'heldout'[^]*generated kernel/);
    expect(text.indexOf('train 1:')).toBeLessThan(text.indexOf('stage 1:'));
    // The network's weights are read from a buffer: none of their values is in the kernel source.
    expect(text).toMatch(/WEIGHTS/);
    expect(formatPlan(plan, { backend: 'webgpu' })).toMatch(/fields read the network of 'train': runs in the fused WGSL kernel, weights in a storage buffer/);
  });
});
