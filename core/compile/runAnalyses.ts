import type { AnalysisOutput, Catalog, ResultArray } from '../graph/catalog.ts';
import type { AnalysisStage, Plan } from './plan.ts';

/** The arrays of one finished integration stage (what every backend returns). */
export interface StageArrays {
  nodeId: string;
  dims: number;
  samples: Float32Array;
  trajectory: Float32Array;
  times: Float32Array;
}

/** One analysis node's output, or the reason it failed (other analyses still run). */
export type AnalysisResult =
  | ({ nodeId: string; type: string; ok: true } & AnalysisOutput)
  | { nodeId: string; type: string; ok: false; error: string };

/**
 * Runs the plan's metric and export nodes over the solvers' arrays. A failing analysis does not
 * lose the run: it is reported with its message and the others go on.
 */
export function runAnalyses(plan: Plan, results: readonly StageArrays[], catalog: Catalog): AnalysisResult[] {
  return plan.analyses.map((a) => runOne(a, plan, results, catalog));
}

function runOne(a: AnalysisStage, plan: Plan, results: readonly StageArrays[], catalog: Catalog): AnalysisResult {
  const def = catalog.get(a.type);
  if (!def || def.role !== 'analysis') return { nodeId: a.nodeId, type: a.type, ok: false, error: `'${a.type}' is not an analysis node in this build` };
  const arrays = new Map<string, ResultArray>();
  let times: Float32Array | undefined;
  let stageId: string | undefined;
  for (const s of a.sources) {
    const r = results.find((x) => x.nodeId === s.stage);
    if (!r) return { nodeId: a.nodeId, type: a.type, ok: false, error: `solver '${s.stage}' produced no result` };
    arrays.set(s.port, toArray(r, s.output));
    times = r.times;
    stageId = s.stage;
  }
  const structure = plan.stages.find((s) => s.nodeId === stageId)?.structure;
  try {
    return { nodeId: a.nodeId, type: a.type, ok: true, ...def.analyze(a.params, { arrays, times, structure }) };
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return { nodeId: a.nodeId, type: a.type, ok: false, error: e.message };
  }
}

function toArray(r: StageArrays, output: 'samples' | 'trajectory' | 'times'): ResultArray {
  const n = r.samples.length / r.dims;
  if (output === 'samples') return { data: r.samples, shape: [n, r.dims] };
  if (output === 'times') return { data: r.times, shape: [r.times.length] };
  return { data: r.trajectory, shape: [r.times.length, n, r.dims] };
}
