import { describe, expect, test } from 'vitest';
import { compileGraph } from '../core/compile/compileGraph.ts';
import { exportTrainedOnnx } from '../core/compile/trainOnnx.ts';
import { fileRefs } from '../core/graph/fileRefs.ts';
import type { GraphDocument, Problem } from '../core/graph/types.ts';
import { validateGraph } from '../core/graph/validate.ts';
import { initMlp } from '../core/nn/mlp.ts';
import { CATALOG } from './registry.ts';
import { mlpSpecOf } from './scoreNetwork.ts';
import { twoMoonsGraph, type Overrides } from './trainingTesting.ts';

function problemsOf(doc: GraphDocument, files = new Map<string, Uint8Array>()): Problem[] {
  const compiled = compileGraph(doc, CATALOG, { files });
  return compiled.ok ? [] : compiled.problems;
}

const withoutEdge = (doc: GraphDocument, id: string): GraphDocument => ({ ...doc, edges: doc.edges.filter((e) => e.id !== id) });

describe('training graphs: validation', () => {
  test('the example is valid, and its empty weights param names no file', () => {
    const doc = twoMoonsGraph();
    expect(validateGraph(doc, CATALOG).problems).toEqual([]);
    expect(fileRefs(doc, CATALOG)).toEqual([]);
    expect(fileRefs(twoMoonsGraph({ train: { weights: 'w.onnx' } }), CATALOG)).toEqual([{ nodeId: 'train', param: 'weights', path: 'w.onnx' }]);
  });

  test('a loss without a network is reported on its network input', () => {
    expect(problemsOf(withoutEdge(twoMoonsGraph(), 'e3'))).toEqual([expect.objectContaining({ nodeId: 'dsm', port: 'network', message: expect.stringMatching(/not connected/) })]);
  });

  test('a network whose dimension differs from the data is reported on the loss node', () => {
    const problems = problemsOf(twoMoonsGraph({ network: { dimension: 3 } }));
    expect(problems).toEqual([expect.objectContaining({ nodeId: 'dsm', port: 'network', message: expect.stringMatching(/dimension 3 .* 2 components/) })]);
  });

  test('a trained score used on a state of another dimension is reported on the solver, or else on the train node', () => {
    // Through a reverse process, the solver's dimension check sees the network's dimension.
    const problems = problemsOf(twoMoonsGraph({ prior: { mean: [0, 0, 0] } }));
    expect(problems).toContainEqual(expect.objectContaining({ nodeId: 'sampler', port: 'drift', message: expect.stringMatching(/'prior' \(initial\) has 3 components but 'reverse' \(drift\) has 2/) }));
    // Used directly as a drift, lowering catches it on the train node's output.
    const doc = twoMoonsGraph();
    doc.nodes.push({ id: 'init3', type: 'source.gaussian', params: { mean: [0, 0, 0], std: 1 } }, { id: 'ode', type: 'solver.euler', params: { steps: 4 } });
    doc.edges.push(
      { id: 'q1', from: { node: 'init3', port: 'out' }, to: { node: 'ode', port: 'initial' } },
      { id: 'q2', from: { node: 'train', port: 'drift' }, to: { node: 'ode', port: 'drift' } },
    );
    expect(problemsOf(doc)).toContainEqual(expect.objectContaining({ nodeId: 'ode', port: 'drift', message: expect.stringMatching(/'init3' \(initial\) has 3 components but 'train' \(drift\) has 2/) }));
  });

  test('a train node needs a loss; use ema needs an EMA; warmup fits in the iterations', () => {
    expect(problemsOf(withoutEdge(twoMoonsGraph(), 'e4'))).toContainEqual(expect.objectContaining({ nodeId: 'train', port: 'loss' }));
    const bad: Overrides = { train: { ema: 0, use: 'ema', warmup: 9000 } };
    const problems = problemsOf(twoMoonsGraph(bad));
    expect(problems).toContainEqual(expect.objectContaining({ nodeId: 'train', param: 'use', message: expect.stringMatching(/needs an EMA/) }));
    expect(problems).toContainEqual(expect.objectContaining({ nodeId: 'train', param: 'warmup' }));
  });

  test('a weights file that is missing, or holds another architecture, is reported on the weights param', () => {
    const doc = twoMoonsGraph({ train: { weights: 'net.onnx' } });
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ nodeId: 'train', param: 'weights', message: expect.stringMatching(/not available/) })]);
    const other = mlpSpecOf({ dimension: 2, width: 32, depth: 3, activation: 'silu', time_embedding: 'sinusoidal', embedding_size: 16, init_seed: 0 });
    const bytes = exportTrainedOnnx(other, initMlp(other, 0));
    expect(problemsOf(doc, new Map([['net.onnx', bytes]]))).toEqual([
      expect.objectContaining({ nodeId: 'train', param: 'weights', message: expect.stringMatching(/3 hidden layers of 32\/32\/32 silu units.*64\/64\/64/) }),
    ]);
    expect(problemsOf(twoMoonsGraph({ train: { weights: 'net.txt' } }))).toContainEqual(expect.objectContaining({ nodeId: 'train', param: 'weights', message: expect.stringMatching(/\.onnx/) }));
  });

  test('the Fokker–Planck residual refuses a loss without a forward SDE', () => {
    const doc = twoMoonsGraph();
    doc.nodes.push({ id: 'flow', type: 'loss.interpolant', params: {} }, { id: 'fp', type: 'loss.fokker_planck_residual', params: {} });
    doc.edges = doc.edges.filter((e) => e.id !== 'e4');
    doc.edges.push(
      { id: 'f1', from: { node: 'data', port: 'out' }, to: { node: 'flow', port: 'data' } },
      { id: 'f2', from: { node: 'network', port: 'network' }, to: { node: 'flow', port: 'network' } },
      { id: 'f3', from: { node: 'flow', port: 'loss' }, to: { node: 'fp', port: 'loss' } },
      { id: 'f4', from: { node: 'fp', port: 'loss' }, to: { node: 'train', port: 'loss' } },
    );
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ nodeId: 'fp', port: 'loss', message: expect.stringMatching(/forward SDE/) })]);
  });

  test('an adaptive solver integrates a trained network (on the fused kernels, which step each particle on its own)', () => {
    const doc = twoMoonsGraph();
    doc.nodes.push({ id: 'flow', type: 'process.probability_flow', params: {} }, { id: 'ode', type: 'solver.dopri5', params: { t1: 0.999 } });
    doc.edges.push(
      { id: 'p1', from: { node: 'vp', port: 'out' }, to: { node: 'flow', port: 'drift' } },
      { id: 'p2', from: { node: 'vp', port: 'diffusion' }, to: { node: 'flow', port: 'diffusion' } },
      { id: 'p3', from: { node: 'train', port: 'score' }, to: { node: 'flow', port: 'score' } },
      { id: 'p4', from: { node: 'prior', port: 'out' }, to: { node: 'ode', port: 'initial' } },
      { id: 'p5', from: { node: 'flow', port: 'out' }, to: { node: 'ode', port: 'drift' } },
    );
    expect(problemsOf(doc)).toEqual([]);
  });
});
