/// <reference types="@webgpu/types" />
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { runTrainStage } from '../core/backends/batched/training.ts';
import { testDevice } from '../core/nn/webgpu/testing.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { compileOrThrow, twoMoonsGraph } from './trainingTesting.ts';

/**
 * Train stages of graphs on a WebGPU device (runTrainStage with `device`, what the CLI's
 * `--backend webgpu` and the app's WebGPU runs do) against the CPU trainer: the same batches, so
 * the same losses to float32 rounding. Needs an adapter (SwiftShader in CI); skipped with the
 * reason otherwise.
 */
const { device, skipReason } = await testDevice();
if (!device) console.warn(`train stages on WebGPU skipped: ${skipReason}`);
afterAll(() => device?.destroy());

/** Largest relative difference of two loss curves. */
function worst(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.abs(b[i])), 0);
}

/** The two-data-set interpolant example with a small network and few iterations. */
function interpolantGraph(): GraphDocument {
  const doc = JSON.parse(readFileSync(new URL('../assets/examples/interpolant-two-datasets.json', import.meta.url), 'utf8')) as GraphDocument;
  const small: Record<string, Record<string, ParamValue>> = { train: { iterations: 12, batch: 64, data_samples: 500 } };
  for (const node of doc.nodes) {
    if (node.type === 'score.mlp') node.params = { ...node.params, width: 16, depth: 2 };
    node.params = { ...node.params, ...small[node.id] };
  }
  return doc;
}

describe.skipIf(!device)(`train stages on WebGPU${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  test('DSM on two moons: the GPU trainer sees the CPU trainer\'s batches and tracks its losses and weights', async () => {
    const stage = compileOrThrow(twoMoonsGraph({
      network: { width: 16, depth: 2, embedding_size: 8 }, train: { iterations: 12, batch: 64, data_samples: 500, ema: 0.9, use: 'ema' },
    })).trainings![0];
    const cpu = await runTrainStage(stage);
    const gpu = await runTrainStage(stage, { device: device!, progressEvery: 4 });
    expect([cpu.backend, gpu.backend]).toEqual(['cpu', 'webgpu']);
    expect(gpu.iterations).toBe(12);
    // Float32 on both sides, different summation orders: agreement to ~1e-6 per step, compounding over 12 Adam steps.
    expect(worst(gpu.losses, cpu.losses)).toBeLessThan(1e-4);
    gpu.weights.forEach((w, k) => w.forEach((v, i) => expect(Math.abs(v - cpu.weights[k][i])).toBeLessThan(1e-4)));
  });

  test('a two-data-set loss reads its second pool on the GPU as on the CPU', async () => {
    const stage = compileOrThrow(interpolantGraph()).trainings![0];
    expect(stage.sourceData).toBeDefined();
    const cpu = await runTrainStage(stage);
    const gpu = await runTrainStage(stage, { device: device!, progressEvery: 4 });
    expect(worst(gpu.losses, cpu.losses)).toBeLessThan(1e-4);
  });

  test('cancelled on the GPU, resumed on the CPU: the run ends where an uninterrupted one does', async () => {
    const stage = compileOrThrow(twoMoonsGraph({ network: { width: 16, depth: 2, embedding_size: 8 }, train: { iterations: 12, batch: 64, data_samples: 500 } })).trainings![0];
    const full = await runTrainStage(stage);
    const abort = new AbortController();
    const partial = await runTrainStage(stage, { device: device!, progressEvery: 4, signal: abort.signal, onProgress: (p) => { if (p.iteration >= 4) abort.abort(); } });
    expect(partial.aborted).toBe(true);
    expect(partial.iterations).toBe(4);
    const resumed = await runTrainStage(stage, { resume: partial });
    expect(resumed.iterations).toBe(12);
    expect(worst(resumed.losses, full.losses)).toBeLessThan(1e-4);
  });
});
