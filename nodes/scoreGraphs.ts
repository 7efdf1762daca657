import type { GraphDocument, GraphEdge, GraphNode, ParamValue } from '../core/graph/types.ts';

/** A node's type and params. */
export interface NodeSpec {
  type: string;
  params: Record<string, ParamValue>;
}

/** The pieces of a score-based sampler graph (for tests, benchmarks and examples). */
export interface ScoreSamplerSpec {
  /** Where the reverse process starts (the prior), e.g. source.gaussian N(0, I). */
  prior: NodeSpec;
  /** The forward SDE (drift.vp, drift.subvp, drift.ve). */
  sde: NodeSpec;
  /** The score node; a score.gaussian_mixture gets its `sde` input from `scoreSde` or else `sde`. */
  score: NodeSpec;
  /** A schedule of the score's own, e.g. to build a deliberately mismatched sampler. */
  scoreSde?: NodeSpec;
  /** Extra nodes between the score and the process, each taking `score` and giving `out` (e.g. a test-only negation). */
  scoreWrappers?: NodeSpec[];
  process: 'reverse_sde' | 'probability_flow';
  /** Forward horizon of the process (default 1). */
  T?: number;
  /** The solver; a predictor–corrector also gets the reverse process's score. */
  solver: NodeSpec;
}

/**
 * prior → solver ← process (reverse SDE or probability flow) ← forward SDE + score, as a graph
 * document with node ids prior, sde, score_sde (when given), score, reverse, solve.
 */
export function scoreSamplerGraph(spec: ScoreSamplerSpec): GraphDocument {
  const nodes: GraphNode[] = [
    { id: 'prior', ...spec.prior },
    { id: 'sde', ...spec.sde },
    ...(spec.scoreSde ? [{ id: 'score_sde', ...spec.scoreSde }] : []),
    { id: 'score', ...spec.score },
    ...(spec.scoreWrappers ?? []).map((w, k) => ({ id: `score_wrap${k}`, ...w })),
    { id: 'reverse', type: `process.${spec.process}`, params: { T: spec.T ?? 1 } },
    { id: 'solve', ...spec.solver },
  ];
  const edges: GraphEdge[] = [];
  const edge = (from: string, fromPort: string, to: string, toPort: string) => {
    edges.push({ id: `e${edges.length + 1}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
  };
  if (spec.score.type === 'score.gaussian_mixture') edge(spec.scoreSde ? 'score_sde' : 'sde', 'sde', 'score', 'sde');
  let score = 'score';
  (spec.scoreWrappers ?? []).forEach((_, k) => {
    edge(score, 'out', `score_wrap${k}`, 'score');
    score = `score_wrap${k}`;
  });
  edge('sde', 'out', 'reverse', 'drift');
  edge('sde', 'diffusion', 'reverse', 'diffusion');
  edge(score, 'out', 'reverse', 'score');
  edge('prior', 'out', 'solve', 'initial');
  edge('reverse', 'out', 'solve', 'drift');
  if (spec.process === 'reverse_sde') edge('reverse', 'diffusion', 'solve', 'diffusion');
  if (spec.solver.type === 'solver.predictor_corrector') edge('reverse', 'score', 'solve', 'score');
  return { format: 'sde-studio.graph', version: 1, name: 'score sampler', nodes, edges };
}
