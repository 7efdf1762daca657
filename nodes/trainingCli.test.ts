import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT, runCli } from '../core/cli/main.ts';
import { weightsFromOnnx } from '../core/compile/trainOnnx.ts';
import { decodeNpy } from '../core/io/npy.ts';
import { CATALOG } from './registry.ts';
import { mlpSpecOf } from './scoreNetwork.ts';
import { twoMoonsGraph, type Overrides } from './trainingTesting.ts';

const SMALL: Overrides = {
  network: { width: 32, depth: 2 },
  train: { iterations: 1500, batch: 128, lr: 0.01, data_samples: 2000 },
  sampler: { particles: 200, steps: 40, record: 4 },
  sliced_w2: { reference_samples: 200 },
};

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, CATALOG, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir = '';
beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'sde-train-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('sde-studio run with a train node', () => {
  test('trains with progress lines, samples, writes the networks as ONNX and the training into run.json', async () => {
    const graph = path.join(dir, 'moons.json');
    await writeFile(graph, JSON.stringify(twoMoonsGraph(SMALL)));
    const out = path.join(dir, 'out');
    const r = await cli('run', graph, '--out', out);
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toMatch(/train: iteration 1500\/1500, loss [\d.]+, \d+ iterations\/s/);
    expect(r.out).toMatch(/train: 1500 iterations in [\d.]+ s/);
    expect(r.out).toMatch(/sliced_w2: sliced W2 = /);
    const report = JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8'));
    const t = report.trainings[0];
    expect(t).toMatchObject({ node: 'train', iterations: 1500, use: 'ema', files: ['train.onnx', 'train.best.onnx', 'train.last.onnx'] });
    expect(t.seconds).toBeGreaterThan(0);
    expect(t.iterationsPerSecond).toBeGreaterThan(0);
    expect(t.finalLoss).toBeGreaterThan(0);
    expect(t.bestLoss).toBeGreaterThan(0);
    expect(t.lossCurve.loss.length).toBeLessThanOrEqual(1000);
    expect(t.lossCurve.iteration.at(-1)).toBe(1500);
    expect(report.stages[0]).toMatchObject({ node: 'sampler', integrator: 'batched (CPU)' });
    const spec = mlpSpecOf({ dimension: 2, width: 32, depth: 2, activation: 'silu', time_embedding: 'sinusoidal', embedding_size: 16, init_seed: 0 });
    const used = weightsFromOnnx(new Uint8Array(await readFile(path.join(out, 'train.onnx'))), spec, 'train.onnx');
    const last = weightsFromOnnx(new Uint8Array(await readFile(path.join(out, 'train.last.onnx'))), spec, 'train.last.onnx');
    expect(used.length).toBe(6);
    expect(used[0]).not.toEqual(last[0]);

    // Loading train.onnx through the weights param skips training and samples the same points.
    const again = twoMoonsGraph({ ...SMALL, train: { ...SMALL.train, weights: 'out/train.onnx' } });
    await writeFile(graph, JSON.stringify(again));
    const r2 = await cli('run', graph, '--out', path.join(dir, 'out2'));
    expect(r2.code).toBe(EXIT.ok);
    expect(r2.out).toMatch(/train: weights loaded from out\/train.onnx, training skipped/);
    const samples = async (d: string) => decodeNpy(new Uint8Array(await readFile(path.join(dir, d, 'sampler.trajectory.npy')))).data;
    expect(await samples('out2')).toEqual(await samples('out'));
  });
});
