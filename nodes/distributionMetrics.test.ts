import { describe, expect, test } from 'vitest';
import { runPlanCpu } from '../core/backends/cpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import { runAnalyses } from '../core/compile/runAnalyses.ts';
import type { AnalysisDefinition, AnalysisInput, ResultArray } from '../core/graph/catalog.ts';
import { resolveParams } from '../core/graph/params.ts';
import { formatProblem, type GraphDocument, type GraphEdge } from '../core/graph/types.ts';
import { energyDistance } from '../core/metrics/energy.ts';
import { mmd2 } from '../core/metrics/mmd.ts';
import { momentGap } from '../core/metrics/moments.ts';
import { slicedWasserstein2 } from '../core/metrics/slicedWasserstein.ts';
import { wasserstein2 } from '../core/metrics/wasserstein.ts';
import { DISTRIBUTION_METRICS, energyMetric, mmdMetric, momentsMetric, slicedWMetric, w2Metric } from './distributionMetrics.ts';
import { CATALOG } from './registry.ts';

/** n points of a 2-d Gaussian (deterministic). */
function cloud(n: number, shift: number, seed: number): ResultArray {
  const data = new Float32Array(2 * n);
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
  for (let i = 0; i < data.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(next()));
    const a = 2 * Math.PI * next();
    data[i] = r * Math.cos(a) + shift;
    data[i + 1] = r * Math.sin(a);
  }
  return { data, shape: [n, 2] };
}

const arrays = (entries: [string, ResultArray][]): AnalysisInput => ({ arrays: new Map(entries) });
const analyze = (def: AnalysisDefinition, input: AnalysisInput, given: Record<string, unknown> = {}) => def.analyze(resolveParams(def, given).params, input);
const set = (r: ResultArray) => ({ data: r.data, n: r.shape[0], d: r.shape[1] });

describe('distribution metric nodes', () => {
  const a = cloud(300, 0, 1);
  const b = cloud(300, 0.5, 2);
  const small = cloud(100, 0, 4);
  const big = cloud(250, 0.5, 3);

  test('wiring: no reference, or two, is a clear error naming the ports', () => {
    for (const def of DISTRIBUTION_METRICS) {
      expect(() => analyze(def, arrays([['samples', a]]))).toThrow(/no reference is connected; connect 'reference' .* or 'reference_distribution'/);
      expect(() => analyze(def, arrays([['samples', a], ['reference', b], ['reference_distribution', b]]))).toThrow(/both 'reference' and 'reference_distribution' are connected/);
      expect(() => analyze(def, arrays([['samples', a], ['reference', { data: new Float32Array(3), shape: [1, 3] }]]))).toThrow(/2 components but the reference has 3/);
    }
  });

  test('values are the library functions\' (either reference port)', () => {
    for (const port of ['reference', 'reference_distribution']) {
      const input = arrays([['samples', a], [port, b]]);
      expect(analyze(w2Metric, input).metrics?.w2).toBe(wasserstein2(set(a), set(b)).value);
      expect(analyze(slicedWMetric, input, { projections: 64, seed: 5 }).metrics?.sliced_w2).toBe(slicedWasserstein2(set(a), set(b), { projections: 64, seed: 5 }).value);
      expect(analyze(mmdMetric, input).metrics?.mmd2).toBe(mmd2(set(a), set(b)).value);
      expect(analyze(mmdMetric, input, { bandwidth: 0.7 }).metrics).toEqual({ mmd2: mmd2(set(a), set(b), { bandwidth: 0.7 }).value, bandwidth: 0.7 });
      expect(analyze(energyMetric, input).metrics?.energy).toBe(energyDistance(set(a), set(b)));
      expect(analyze(momentsMetric, input).metrics?.mean_gap).toBe(momentGap(set(a), set(b)).meanGap);
    }
  });

  test('W2 says which method it used, and ε for Sinkhorn', () => {
    const exact = analyze(w2Metric, arrays([['samples', a], ['reference', b]]));
    expect(exact.metrics).toMatchObject({ method: 'exact', n: 300, m: 300 });
    expect(exact.summary).toMatch(/^W2 = [\d.]+ \(exact assignment; 300 samples vs 300 reference samples points\)$/);
    const sinkhorn = analyze(w2Metric, arrays([['samples', small], ['reference_distribution', big]]));
    const direct = wasserstein2(set(small), set(big));
    expect(sinkhorn.metrics).toEqual({ w2: direct.value, method: 'sinkhorn', epsilon: direct.epsilon, n: 100, m: 250 });
    expect(sinkhorn.summary).toContain(`debiased Sinkhorn, ε = ${Number((direct.epsilon ?? 0).toPrecision(4))}`);
    // Equal sizes above exact_limit also go to Sinkhorn, with the given ε.
    expect(analyze(w2Metric, arrays([['samples', small], ['reference', small]]), { exact_limit: 50, epsilon: 0.2 }).metrics).toMatchObject({ method: 'sinkhorn', epsilon: 0.2 });
  });

  test('through the compiler: reference_distribution is the source drawn with reference_samples and reference_seed', async () => {
    const edge = (id: string, from: string, fromPort: string, to: string, toPort: string): GraphEdge => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
    const doc = (metricEdges: GraphEdge[]): GraphDocument => ({
      format: 'sde-studio.graph', version: 1, name: 'metric',
      nodes: [
        { id: 'init', type: 'source.gaussian', params: { mean: [0, 0], std: 1 } },
        { id: 'target', type: 'source.gaussian', params: { mean: [0.3, 0], std: 1.2 } },
        { id: 'f', type: 'drift.expression', params: { expr: ['0', '0'], constants: {} } },
        { id: 'solve', type: 'solver.euler', params: { t0: 0, t1: 1, steps: 1, particles: 400, seed: 1 } },
        { id: 'w2', type: 'metric.w2', params: { reference_samples: 400, reference_seed: 9 } },
      ],
      edges: [edge('e1', 'init', 'out', 'solve', 'initial'), edge('e2', 'f', 'out', 'solve', 'drift'), edge('e3', 'solve', 'samples', 'w2', 'samples'), ...metricEdges],
    });
    const run = async (d: GraphDocument) => {
      const compiled = compileGraph(d, CATALOG);
      if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'));
      const results = await runPlanCpu(compiled.plan, { threads: 1 });
      return { results, analyses: runAnalyses(compiled.plan, results, CATALOG) };
    };
    const { results, analyses } = await run(doc([edge('e4', 'target', 'out', 'w2', 'reference_distribution')]));
    const [result] = analyses;
    if (!result.ok) throw new Error(result.error);
    // The same draws as a solver that starts from the target with seed 9 and does not move.
    const own = await run({ ...doc([]), nodes: doc([]).nodes.map((n) => (n.id === 'init' ? { ...n, params: { mean: [0.3, 0], std: 1.2 } } : n.id === 'solve' ? { ...n, params: { ...n.params, seed: 9 } } : n)) });
    const samples = results.find((r) => r.nodeId === 'solve')?.samples as Float32Array;
    expect(result.metrics?.w2).toBe(wasserstein2({ data: samples, n: 400, d: 2 }, { data: own.results[0].samples, n: 400, d: 2 }).value);
    // Without a reference the run still finishes, and the metric reports what to connect.
    const unwired = (await run(doc([]))).analyses[0];
    expect(unwired).toMatchObject({ ok: false, nodeId: 'w2', error: expect.stringContaining('no reference is connected') });
  });
});
