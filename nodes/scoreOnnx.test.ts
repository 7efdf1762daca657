import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPlan } from '../core/backends/batched/runPlan.ts';
import { EXIT, runCli } from '../core/cli/main.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { FileStore } from '../core/graph/validate.ts';
import type { GraphDocument, Problem } from '../core/graph/types.ts';
import { decodeNpy } from '../core/io/npy.ts';
import { handModelBytes, node, tensorValue } from '../core/onnx/fixtures/testModels.ts';
import { DataType } from '../core/onnx/model.ts';
import { CATALOG } from './registry.ts';
import { decayModel, EXAMPLE_MODEL, onnxScore, PRETRAINED_EDGES, pretrainedScore, samplingGraph } from './scoreOnnxTesting.ts';
import { compileOrThrow } from './trainingTesting.ts';

const FILES: FileStore = new Map([
  ['moons.onnx', EXAMPLE_MODEL],
  ['decay.onnx', decayModel()],
  ['decay64.onnx', decayModel({ batch: 64 })],
]);

/** Samples of the graph's solver (runPlan: trainings, then the batched integrator). */
async function samples(doc: GraphDocument, files: FileStore = FILES): Promise<Float32Array> {
  const { results } = await runPlan(compileOrThrow(doc, files), { threads: 1 });
  return results[0].samples;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** The problems of a graph that must not compile. */
function problemsOf(doc: GraphDocument, files: FileStore = FILES): Problem[] {
  const compiled = compileGraph(doc, CATALOG, { files });
  if (compiled.ok) throw new Error('the graph compiled');
  return compiled.problems;
}

describe('score.onnx: engines agree', () => {
  // Both engines evaluate the same float32 network; they differ only in the order of float32
  // sums and in the sin/cos/exp implementations (onnxruntime's wasm kernels vs our executor):
  // about 1e-6 relative per evaluation. The probability flow contracts from the prior towards the
  // data and the reverse SDE shares its Brownian path, so the samples differ by a few 1e-6
  // (measured 2.6e-6 over 2000 particles × 100 rk4 steps); 1e-4 leaves room for other CPUs and is
  // still 300× below the sliced W2 of the samples to the data (~0.03).
  test.each(['ode', 'sde', 'pc'] as const)('%s: onnxruntime and compiled within 1e-4; compiled equals train.adam with the same file as weights', async (method) => {
    const runtime = await samples(samplingGraph(onnxScore('moons.onnx', 'onnxruntime'), method));
    const compiled = await samples(samplingGraph(onnxScore('moons.onnx', 'compiled'), method));
    const pretrainedDoc = samplingGraph(pretrainedScore('moons.onnx'), method);
    pretrainedDoc.edges.push(...PRETRAINED_EDGES);
    const pretrained = await samples(pretrainedDoc);
    expect(runtime.every(Number.isFinite)).toBe(true);
    expect(maxDifference(runtime, compiled)).toBeLessThan(1e-4);
    // The same IR (score.mlp's sinusoidal features, the same weights): the same numbers.
    expect(maxDifference(compiled, pretrained)).toBe(0);
  }, 60_000);

  test('onnxruntime evaluates the model where the field asks (t = T − τ), with inputs found by shape, t of shape [N] and a fixed batch', async () => {
    // s(x, t) = −x·e^(−t) as an expression (the fused CPU kernel, float64) and as an ONNX model.
    const expression = samplingGraph({
      nodes: [{ id: 'model', type: 'score.expression', params: { expr: ['-x[0]*exp(-t)', '-x[1]*exp(-t)'], constants: {} } }],
      from: { node: 'model', port: 'out' },
    }, 'sde', { particles: 150 });
    const reference = await samples(expression);
    const dynamic = await samples(samplingGraph(onnxScore('decay.onnx', 'onnxruntime'), 'sde', { particles: 150 }));
    // 150 particles through a model that takes exactly 64 rows: chunks of 64, the last padded.
    const fixed = await samples(samplingGraph(onnxScore('decay64.onnx', 'onnxruntime'), 'sde', { particles: 150 }));
    // float32 model and field vs float64 kernel, 40 steps.
    expect(maxDifference(dynamic, reference)).toBeLessThan(1e-4);
    expect(maxDifference(fixed, dynamic)).toBe(0);
  }, 60_000);

  test('PyTorch exports: Fourier time features (3-d) on both engines alike; nn.Sequential on [x, t] with exact GELU only on onnxruntime', async () => {
    const fixture = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../core/onnx/fixtures/${name}`, import.meta.url))));
    const files: FileStore = new Map([['fourier.onnx', fixture('torch_xt_fourier.onnx')], ['joined.onnx', fixture('torch_joined.onnx')]]);
    const runtime = await samples(samplingGraph(onnxScore('fourier.onnx', 'onnxruntime'), 'ode', { particles: 100 }, 3), files);
    const compiled = await samples(samplingGraph(onnxScore('fourier.onnx', 'compiled'), 'ode', { particles: 100 }, 3), files);
    expect(maxDifference(runtime, compiled)).toBeLessThan(1e-4);
    const joined = await samples(samplingGraph(onnxScore('joined.onnx', 'onnxruntime'), 'ode', { particles: 100 }), files);
    expect(joined.every(Number.isFinite)).toBe(true);
    expect(problemsOf(samplingGraph(onnxScore('joined.onnx', 'compiled'), 'ode'), files)).toEqual([{
      nodeId: 'model', param: 'file',
      message: "joined.onnx is an MLP, but its activation is exact GELU (erf), which the IR has no op for (the tanh form, nn.GELU(approximate='tanh'), compiles); "
        + "engine 'compiled' cannot hold it, set engine to 'onnxruntime' to run the file as it is",
    }]);
  }, 60_000);
});

describe('score.onnx: the file is checked on import, with messages on the node', () => {
  const problem = (file: string, engine: 'onnxruntime' | 'compiled' = 'onnxruntime', d = 2, files = FILES) => {
    const problems = problemsOf(samplingGraph(onnxScore(file, engine), 'ode', {}, d), files);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ nodeId: 'model', param: 'file' });
    return problems[0].message;
  };

  test('a model of another dimension than the state', () => {
    for (const engine of ['onnxruntime', 'compiled'] as const) {
      expect(problem('moons.onnx', engine, 3)).toBe(
        "moons.onnx computes a field of dimension 2 (inputs 'x' float32 [batch, 2], 't' float32 [batch, 1]; output 'score' float32 [batch, 2]), "
        + 'but the state here has dimension 3; use a model of dimension 3 or a 2-dimensional state');
    }
  });

  test('wrong inputs: ranks, count, element type, a d left open', () => {
    const files: FileStore = new Map([
      ['rank3.onnx', decayModel({ xShape: ['N', 2, 1] })],
      ['double.onnx', decayModel({ elemType: DataType.double })],
      ['open.onnx', decayModel({ xShape: ['N', 'd'], sShape: ['N', 'd'] })],
      ['three.onnx', handModelBytes({
        input: ['x', 't', 'label'].map((name) => tensorValue(name, ['N', name === 'x' ? 2 : 1])),
        output: [tensorValue('s', ['N', 2])], node: [node('Identity', ['x'], 's')], initializer: [],
      })],
    ]);
    expect(problem('three.onnx', 'onnxruntime', 2, files)).toMatch(/^three\.onnx: it has 3 inputs\. The file has inputs 'x' float32 \[N, 2\], 't' float32 \[N, 1\], 'label' float32 \[N, 1\]; output 's' float32 \[N, 2\]; a field s\(x, t\) needs/);
    expect(problem('rank3.onnx', 'onnxruntime', 2, files)).toBe(
      "rank3.onnx: the state input 'state' has shape [N, 2, 1], not [N, d]. The file has inputs 'state' float32 [N, 2, 1], 'time' float32 [N]; output 's' float32 [N, 2]; "
      + 'a field s(x, t) needs float32 inputs x [N, d] and t [N, 1] or [N] (or one input [N, d + 1] = [x, t]) and one float32 output [N, d]');
    expect(problem('double.onnx', 'onnxruntime', 2, files)).toMatch(/^double\.onnx: 'state' is float64 \(export the model in float32, e\.g\. model\.float\(\) before torch\.onnx\.export\)\. The file has inputs 'state' float64 \[N, 2\]/);
    expect(problem('open.onnx', 'onnxruntime', 2, files)).toMatch(/^open\.onnx: the state dimension d is not fixed in the file \(inputs 'state' float32 \[N, d\], .*\); export it with a fixed d/);
  });

  test('engine compiled refuses a model that is not an MLP, naming its operators and pointing to onnxruntime', () => {
    expect(problem('decay.onnx', 'compiled')).toBe(
      "decay.onnx is not an MLP: it uses the operator Unsqueeze, which engine 'compiled' cannot import "
      + '(it takes Gemm or MatMul layers with Relu, Tanh, Sigmoid·x (SiLU), Softplus or tanh-GELU activations, and Concat, Sin, Cos for time features); '
      + "set engine to 'onnxruntime' to run the file as it is");
    // Only operators an MLP may use, but no layers.
    const files: FileStore = new Map([['column.onnx', decayModel({ timeColumn: true })]]);
    expect(problem('column.onnx', 'compiled', 2, files)).toBe(
      "column.onnx: x and t must be joined by Concat(x, t) or Concat(x, Sin(t·ω), Cos(t·ω)) on axis 1; x is read by Neg 'minus_x'. "
      + "Engine 'compiled' takes only MLP-shaped models; set engine to 'onnxruntime' to run the file as it is.");
  });

  test('a damaged file', () => {
    const files: FileStore = new Map([['cut.onnx', EXAMPLE_MODEL.subarray(0, 1000)], ['empty.onnx', new Uint8Array()]]);
    expect(problem('cut.onnx', 'onnxruntime', 2, files)).toMatch(/^cut\.onnx is not a readable ONNX model \(.+\); export it again/);
    expect(problem('empty.onnx', 'compiled', 2, files)).toBe('empty.onnx is not a readable ONNX model (ModelProto: the file is empty); export it again (torch.onnx.export, or Save weights in the Training tab)');
  });

  test('an adaptive solver refuses a model run by onnxruntime (fixed steps only) and takes the compiled one', () => {
    const graph = (engine: 'onnxruntime' | 'compiled') => {
      const doc = samplingGraph(onnxScore('moons.onnx', engine), 'ode');
      const solve = doc.nodes.find((n) => n.id === 'solve');
      if (solve) Object.assign(solve, { type: 'solver.dopri5', params: { t0: 0, t1: 0.999, particles: 300, seed: 2, record: 0 } });
      return doc;
    };
    expect(problemsOf(graph('onnxruntime'), FILES)).toEqual([expect.objectContaining({ nodeId: 'solve', message: expect.stringMatching(/imported models \(onnxruntime\) cannot do; use a fixed-step solver/) })]);
    expect(compileGraph(graph('compiled'), CATALOG, { files: FILES }).ok).toBe(true);
  });

  test('the plan runs the model with onnxruntime, or holds its weights as fixed tensors', () => {
    const runtime = compileOrThrow(samplingGraph(onnxScore('moons.onnx', 'onnxruntime'), 'ode'), FILES);
    expect(runtime.stages[0].externals).toMatchObject([{ name: 'model/onnx', nodeId: 'model', path: 'moons.onnx', inputX: 'x', inputT: 't', timeShape: 'column', output: 'score', dims: 2 }]);
    expect(runtime.stages[0].weights).toBeUndefined();
    const compiled = compileOrThrow(samplingGraph(onnxScore('moons.onnx', 'compiled'), 'ode'), FILES);
    expect(compiled.stages[0].externals).toBeUndefined();
    expect(compiled.stages[0].weights?.map((w) => [w.name, w.fixed?.length])).toEqual([
      ['model/W1', 64 * 18], ['model/b1', 64], ['model/W2', 64 * 64], ['model/b2', 64], ['model/W3', 64 * 64], ['model/b3', 64], ['model/W4', 2 * 64], ['model/b4', 2],
    ]);
  });
});

describe('sde-studio run assets/examples/onnx-score.json', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'sde-onnx-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  test('writes the samples of both samplers and sliced W2 to held-out data', async () => {
    const examples = fileURLToPath(new URL('../assets/examples/', import.meta.url));
    // A copy next to its model, with fewer particles: the shipped params take ~10 s on one core.
    const graph = JSON.parse(await readFile(path.join(examples, 'onnx-score.json'), 'utf8')) as GraphDocument;
    for (const n of graph.nodes) if (n.id === 'ode' || n.id === 'sde') n.params = { ...n.params, particles: 500 };
    await copyFile(path.join(examples, 'onnx-score.onnx'), path.join(dir, 'onnx-score.onnx'));
    const file = path.join(dir, 'onnx-score.json');
    await writeFile(file, JSON.stringify(graph));
    const out: string[] = [];
    const code = await runCli(['run', file, '--out', path.join(dir, 'out'), '--quiet'], CATALOG, { out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(code, out.join('\n')).toBe(EXIT.ok);
    const report = JSON.parse(await readFile(path.join(dir, 'out', 'run.json'), 'utf8'));
    expect(report.stages[0].integratorReason).toMatch(/imported ONNX model \(onnxruntime-web\)/);
    for (const solver of ['ode', 'sde']) {
      const npy = decodeNpy(new Uint8Array(await readFile(path.join(dir, 'out', `${solver}.samples.npy`))));
      expect(npy.shape).toEqual([500, 2]);
      const metric = report.analyses.find((a: { node: string }) => a.node === `${solver}_sliced_w2`).metrics.sliced_w2;
      // Two moons of radius 1: a sampler that missed them is ≳ 0.3 away; these land at ~0.03–0.05.
      expect(metric).toBeLessThan(0.1);
    }
  }, 60_000);
});
