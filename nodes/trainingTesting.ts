import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPlan, type PlanRunResult } from '../core/backends/batched/runPlan.ts';
import { runPlanCpu } from '../core/backends/cpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { Plan } from '../core/compile/plan.ts';
import { slicedWasserstein2 } from '../core/metrics/slicedWasserstein.ts';
import type { FileStore } from '../core/graph/validate.ts';
import { formatProblem, type GraphDocument, type ParamValue } from '../core/graph/types.ts';
import { CATALOG } from './registry.ts';

/** Helpers for the training tests: the two-moons example with changed params, compiled and run. */

const EXAMPLE = fileURLToPath(new URL('../assets/examples/two-moons-score.json', import.meta.url));

/** Param overrides by node id. */
export type Overrides = Record<string, Record<string, ParamValue>>;

/** The two-moons example (assets/examples/two-moons-score.json) with `overrides` applied. */
export function twoMoonsGraph(overrides: Overrides = {}): GraphDocument {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as GraphDocument;
  for (const node of doc.nodes) node.params = { ...node.params, ...overrides[node.id] };
  return doc;
}

/** Compiles a graph with the full catalog; throws with the problems if it does not compile. */
export function compileOrThrow(doc: GraphDocument, files?: FileStore): Plan {
  const compiled = compileGraph(doc, CATALOG, { files });
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'));
  return compiled.plan;
}

/** Compiles and runs (train, then integrate) on the CPU. */
export async function trainAndRun(doc: GraphDocument, files?: FileStore): Promise<PlanRunResult & { plan: Plan }> {
  const plan = compileOrThrow(doc, files);
  return { plan, ...await runPlan(plan, { threads: 1 }) };
}

/** `n` points of source.two_moons (default params) drawn with `seed`, through the CPU backend. */
export async function twoMoonsSamples(n: number, seed: number): Promise<Float32Array> {
  const doc: GraphDocument = {
    format: 'sde-studio.graph', version: 1, nodes: [
      { id: 'data', type: 'source.two_moons', params: {} },
      { id: 'zero', type: 'drift.expression', params: { expr: ['0', '0'], constants: {} } },
      { id: 'draw', type: 'solver.euler', params: { steps: 1, particles: n, seed } },
    ],
    edges: [
      { id: 'a', from: { node: 'data', port: 'out' }, to: { node: 'draw', port: 'initial' } },
      { id: 'b', from: { node: 'zero', port: 'out' }, to: { node: 'draw', port: 'drift' } },
    ],
  };
  const [r] = await runPlanCpu(compileOrThrow(doc), { threads: 1 });
  return r.samples;
}

/** Sliced W2 (128 directions, seed 0) between two 2-d point sets. */
export function slicedW2(a: Float32Array, b: Float32Array): number {
  return slicedWasserstein2({ data: a, n: a.length / 2, d: 2 }, { data: b, n: b.length / 2, d: 2 }, { projections: 128, seed: 0 }).value;
}
