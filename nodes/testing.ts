import { runPlanCpu, type StageResult } from '../core/backends/cpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { formatProblem } from '../core/graph/types.ts';
import { CATALOG } from './registry.ts';

type NodeSpec = { type: string; params: Record<string, ParamValue> };

/** A one-solver graph: source → solver ← drift (← diffusion). For tests and benchmarks. */
export function solverGraph(spec: { source: NodeSpec; drift: NodeSpec; diffusion?: NodeSpec; solver: NodeSpec }): GraphDocument {
  const nodes = [
    { id: 'init', ...spec.source },
    { id: 'f', ...spec.drift },
    ...(spec.diffusion ? [{ id: 'g', ...spec.diffusion }] : []),
    { id: 'solve', ...spec.solver },
  ];
  const edges = [
    { id: 'e1', from: { node: 'init', port: 'out' }, to: { node: 'solve', port: 'initial' } },
    { id: 'e2', from: { node: 'f', port: 'out' }, to: { node: 'solve', port: 'drift' } },
    ...(spec.diffusion ? [{ id: 'e3', from: { node: 'g', port: 'out' }, to: { node: 'solve', port: 'diffusion' } }] : []),
  ];
  return { format: 'sde-studio.graph', version: 1, name: 'test', nodes, edges };
}

/** Compiles and runs a graph on the CPU backend; throws with the problems if it does not compile. */
export async function runGraph(doc: GraphDocument, threads = 1): Promise<StageResult[]> {
  const compiled = compileGraph(doc, CATALOG);
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'));
  return runPlanCpu(compiled.plan, { threads });
}

/** Least-squares slope of log(err) against log(dt): the measured convergence order. */
export function convergenceOrder(dts: readonly number[], errors: readonly number[]): number {
  const xs = dts.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => { num += (x - mx) * (ys[i] - my); den += (x - mx) ** 2; });
  return num / den;
}

/** Sample mean and variance of component j of [n, d] samples. */
export function moments(samples: Float32Array, dims: number, j = 0): { mean: number; variance: number; n: number } {
  const n = samples.length / dims;
  let s = 0;
  for (let p = 0; p < n; p++) s += samples[p * dims + j];
  const mean = s / n;
  let v = 0;
  for (let p = 0; p < n; p++) v += (samples[p * dims + j] - mean) ** 2;
  return { mean, variance: v / (n - 1), n };
}
