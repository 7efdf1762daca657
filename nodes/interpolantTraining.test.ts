import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runTrainStage } from '../core/backends/batched/training.ts';
import { runPlanCpu } from '../core/backends/cpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import { formatPlan } from '../core/compile/printPlan.ts';
import { sourcePoolSeed } from '../core/compile/trainStage.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { CATALOG } from './registry.ts';
import { compileOrThrow, slicedW2, trainAndRun } from './trainingTesting.ts';

/**
 * loss.interpolant between two data sets, through the graph: assets/examples/interpolant-two-datasets.json
 * trains a velocity from two moons (source, x₀) to a checkerboard (data, x₁) and integrates it
 * with RK4 from fresh two-moons draws; its samples are compared with held-out checkerboard points.
 */
const EXAMPLE = JSON.parse(readFileSync(new URL('../assets/examples/interpolant-two-datasets.json', import.meta.url), 'utf8')) as GraphDocument;
const board = EXAMPLE.nodes.find((n) => n.id === 'board')?.params as Record<string, ParamValue>;
const moons = EXAMPLE.nodes.find((n) => n.id === 'moons')?.params as Record<string, ParamValue>;

/** The example with param overrides by node id, and optional extra nodes and edges. */
function example(overrides: Record<string, Record<string, ParamValue>> = {}, extra: Pick<GraphDocument, 'nodes' | 'edges'> = { nodes: [], edges: [] }): GraphDocument {
  const doc = structuredClone(EXAMPLE);
  for (const node of doc.nodes) node.params = { ...node.params, ...overrides[node.id] };
  return { ...doc, nodes: [...doc.nodes, ...extra.nodes], edges: [...doc.edges, ...extra.edges] };
}

/** `n` draws of a source with `seed` (through the CPU backend). */
async function samplesOf(type: string, params: Record<string, ParamValue>, n: number, seed: number): Promise<Float32Array> {
  const doc: GraphDocument = {
    format: 'sde-studio.graph', version: 1, nodes: [
      { id: 'data', type, params },
      { id: 'zero', type: 'drift.expression', params: { expr: ['0', '0'], constants: {} } },
      { id: 'draw', type: 'solver.euler', params: { steps: 1, particles: n, seed } },
    ],
    edges: [
      { id: 'a', from: { node: 'data', port: 'out' }, to: { node: 'draw', port: 'initial' } },
      { id: 'b', from: { node: 'zero', port: 'out' }, to: { node: 'draw', port: 'drift' } },
    ],
  };
  return (await runPlanCpu(compileOrThrow(doc), { threads: 1 }))[0].samples;
}

const mean = (v: number[]): number => v.reduce((a, x) => a + x, 0) / v.length;

describe('loss.interpolant with a source data set', () => {
  test('the train stage draws both pools: x₁ from data, x₀ from source with a seed of its own', async () => {
    const stage = compileOrThrow(example({ train: { iterations: 2 } })).trainings?.[0];
    expect(stage?.dataSource).toBe('board');
    expect(stage?.sourceDataSource).toBe('moons');
    expect(stage?.sourceData?.nodeId).toBe('train#source');
    expect(stage?.sourceData?.grid.seed).toBe(sourcePoolSeed(stage?.data.grid.seed ?? NaN));
    expect(stage?.loss.inputs.map((x) => `${x.name}:${x.source.kind}`)).toEqual(['x1:data', 't:time', 'x0:source']);
    // Two iterations run, from the two pools.
    const result = await runTrainStage(stage!);
    expect(result.losses.length).toBe(2);
    expect(Array.from(result.losses).every(Number.isFinite)).toBe(true);
  });

  test('the printed plan names both pools', () => {
    const plan = compileOrThrow(example({ train: { iterations: 2 } }));
    const text = formatPlan(plan);
    expect(text).toMatch(/data: \d+ samples of 'board'/);
    expect(text).toMatch(/source \(x₀\): \d+ samples of 'moons' \(seed \d+\), drawn once, paired independently with the data/);
  });

  test('without source the loss reads N(0, I) and the stage draws one pool, as before', () => {
    const doc = example({ train: { iterations: 2 } });
    doc.edges = doc.edges.filter((e) => !(e.to.node === 'flow' && e.to.port === 'source'));
    const stage = compileOrThrow(doc).trainings?.[0];
    expect(stage?.sourceData).toBeUndefined();
    expect(stage?.loss.fn.name).toBe('interpolant');
    expect(stage?.loss.inputs.map((x) => `${x.name}:${x.source.kind}`)).toEqual(['x1:data', 't:time', 'x0:normal']);
  });

  test('a source whose dimension is not the network\'s is an error on the loss node\'s source port', () => {
    const doc = example();
    doc.nodes.push({ id: 'cube', type: 'source.gaussian', params: { mean: [0, 0, 0], std: 1 } });
    doc.edges = doc.edges.map((e) => (e.to.node === 'flow' && e.to.port === 'source' ? { ...e, from: { node: 'cube', port: 'out' } } : e));
    const compiled = compileGraph(doc, CATALOG);
    expect(compiled.ok).toBe(false);
    const problem = compiled.ok ? undefined : compiled.problems.find((p) => p.nodeId === 'flow');
    expect(problem?.port).toBe('source');
    expect(problem?.message).toMatch(/x₀\) has 3 components but the network and the data \(x₁\) have 2/);
  });

  test('the example: generated checkerboard samples are as near held-out ones as data are; untrained or started from the wrong end, far', async () => {
    // Sliced W2 between two independent 2,000-point checkerboard sets varies a lot from pair to pair
    // (measured 0.035–0.096), so every comparison is averaged over the same eight held-out sets B_k:
    // the floor is the mean of SW(A_k, B_k) over fresh sets A_k, each candidate the mean of SW(X, B_k).
    const n = 2000;
    const heldOut = await Promise.all(Array.from({ length: 8 }, (_, k) => samplesOf('source.checkerboard', board, n, 300 + 2 * k)));
    const fresh = await Promise.all(Array.from({ length: 8 }, (_, k) => samplesOf('source.checkerboard', board, n, 301 + 2 * k)));
    const floors = heldOut.map((b, k) => slicedW2(fresh[k], b));
    const floor = mean(floors);
    const toHeldOut = (x: Float32Array) => mean(heldOut.map((b) => slicedW2(x, b)));
    // The same trained velocity, integrated from the checkerboard instead of the moons (ends swapped).
    const swapped: Pick<GraphDocument, 'nodes' | 'edges'> = {
      nodes: [{ id: 'swapped', type: 'solver.rk4', params: { t0: 0, t1: 1, steps: 50, particles: n, seed: 5 } }],
      edges: [
        { id: 's1', from: { node: 'board', port: 'out' }, to: { node: 'swapped', port: 'initial' } },
        { id: 's2', from: { node: 'train', port: 'drift' }, to: { node: 'swapped', port: 'drift' } },
      ],
    };
    const started = performance.now();
    const r = await trainAndRun(example({}, swapped));
    const seconds = (performance.now() - started) / 1000;
    const at = (id: string) => r.results.find((x) => x.nodeId === id)?.samples ?? new Float32Array();
    const generated = toHeldOut(at('sampler'));
    const fromWrongEnd = toHeldOut(at('swapped'));
    const untrained = toHeldOut((await trainAndRun(example({ train: { iterations: 0 } }))).results.find((x) => x.nodeId === 'sampler')?.samples ?? new Float32Array());
    const noTransport = toHeldOut(await samplesOf('source.two_moons', moons, n, 11));
    console.log(`sliced W2 to ${n} held-out checkerboard points (mean over 8 sets): generated ${generated.toFixed(4)} (train + sample ${seconds.toFixed(1)} s), `
      + `data-vs-data floor ${floor.toFixed(4)} (pairs ${floors.map((f) => f.toFixed(3)).join(', ')}), untrained ${untrained.toFixed(3)}, `
      + `started from the checkerboard ${fromWrongEnd.toFixed(3)}, the two moons themselves ${noTransport.toFixed(3)}`);
    // Measured: floor 0.061, generated 0.071 (1.17 × floor; the learned map blurs the board's sharp
    // edges a little, and 6,000 iterations, a wider network or 200 RK4 steps change it by < 0.005),
    // untrained 0.51, started from the checkerboard 0.68, the moons themselves 0.52. 1.5 × floor
    // leaves room for rounding differences between machines (the run itself is deterministic) and
    // is far below every broken variant.
    const threshold = 1.5 * floor;
    expect(floor).toBeGreaterThan(0.02);
    expect(floor).toBeLessThan(0.08);
    expect(generated).toBeLessThan(threshold);
    for (const broken of [untrained, fromWrongEnd, noTransport]) expect(broken).toBeGreaterThan(4 * threshold);
  });
});
