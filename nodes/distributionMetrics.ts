import { NodeInputError, type AnalysisDefinition, type AnalysisInput, type AnalysisOutput, type Params, type ParamSpec, type PortSpec } from '../core/graph/catalog.ts';
import { energyDistance } from '../core/metrics/energy.ts';
import { mmd2 } from '../core/metrics/mmd.ts';
import { momentGap, moments } from '../core/metrics/moments.ts';
import type { PointSet } from '../core/metrics/pointSet.ts';
import { slicedWasserstein2 } from '../core/metrics/slicedWasserstein.ts';
import { wasserstein2 } from '../core/metrics/wasserstein.ts';

/**
 * Distances between the samples of a solver and a reference (core/metrics): the reference is
 * either another solver's samples (`reference`) or a source node (`reference_distribution`),
 * which the compiler samples with `reference_samples` points and `reference_seed`.
 */

const INPUTS: PortSpec[] = [
  { name: 'samples', type: 'samples', required: true, doc: 'The samples to assess, [n, d] (e.g. a sampler\'s final states).' },
  { name: 'reference', type: 'samples', doc: 'Reference samples from another solver. Connect this or reference_distribution, not both.' },
  { name: 'reference_distribution', type: 'distribution', doc: 'A source node to compare with, sampled with reference_samples points. Connect this or reference, not both.' },
];

const REFERENCE_PARAMS: ParamSpec[] = [
  { name: 'reference_samples', kind: 'integer', default: 5000, min: 2, max: 1_000_000, doc: 'Points drawn from reference_distribution (ignored for a reference of samples).' },
  { name: 'reference_seed', kind: 'integer', default: 0, min: 0, max: 2 ** 32 - 1, doc: 'Seed of those draws (the init stream of a source, as for a solver\'s initial states).' },
];

/** The two point sets a metric compares, or a NodeInputError that says how to wire the node. */
export function metricInputs(input: AnalysisInput): { samples: PointSet; reference: PointSet; referenceKind: string } {
  const samples = input.arrays.get('samples');
  if (!samples) throw new NodeInputError("input 'samples' is not connected; connect the samples output of a solver");
  const fromSolver = input.arrays.get('reference');
  const fromSource = input.arrays.get('reference_distribution');
  if (fromSolver && fromSource) {
    throw new NodeInputError("both 'reference' and 'reference_distribution' are connected; a metric compares with one reference, so remove one of the two edges");
  }
  const ref = fromSolver ?? fromSource;
  if (!ref) {
    throw new NodeInputError("no reference is connected; connect 'reference' (the samples of another solver) or 'reference_distribution' (a source node, drawn with reference_samples points)");
  }
  const [n, d] = samples.shape;
  const [m, e] = ref.shape;
  if (d !== e) throw new NodeInputError(`the samples have ${d} components but the reference has ${e}; compare states of the same dimension`);
  return {
    samples: { data: samples.data, n, d },
    reference: { data: ref.data, n: m, d: e },
    referenceKind: fromSolver ? 'reference samples' : 'reference distribution',
  };
}

/** 4 significant digits for summaries. */
const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));

function metricNode(type: string, title: string, doc: string, own: ParamSpec[], compute: (p: Params, a: PointSet, b: PointSet, against: string) => AnalysisOutput): AnalysisDefinition {
  return {
    role: 'analysis', type, title, doc, inputs: INPUTS, outputs: [], params: [...own, ...REFERENCE_PARAMS],
    analyze: (p, input) => {
      const { samples, reference, referenceKind } = metricInputs(input);
      return compute(p, samples, reference, `${samples.n} samples vs ${reference.n} ${referenceKind} points`);
    },
  };
}

/** Wasserstein-2 distance. */
export const w2Metric = metricNode('metric.w2', 'Wasserstein-2',
  'W2 distance between the samples and the reference: exact optimal assignment when both have the same number of points n ≤ exact_limit, '
  + 'otherwise √ of the debiased Sinkhorn divergence at ε (default 0.01 × (tr Cov a + tr Cov b)). Two independent samples of one law are at a positive '
  + 'distance (in 2-d about 0.2 for 1,000–2,000 points of a few well-separated modes), so compare with that floor. Metrics: w2, method, epsilon, n, m.',
  [
    { name: 'exact_limit', kind: 'integer', default: 2000, min: 0, max: 10000, doc: 'Largest n for the exact assignment (memory 8 n² bytes); beyond, or for different sizes, Sinkhorn.' },
    { name: 'epsilon', kind: 'number', default: 0, min: 0, doc: 'Sinkhorn ε in squared distance units; 0 chooses 0.01 × (tr Cov a + tr Cov b).' },
  ],
  (p, a, b, against) => {
    const r = wasserstein2(a, b, { exactLimit: p.exact_limit as number, ...((p.epsilon as number) > 0 ? { epsilon: p.epsilon as number } : {}) });
    const how = r.method === 'exact' ? 'exact assignment' : `debiased Sinkhorn, ε = ${fmt(r.epsilon ?? NaN)}${r.converged === false ? ', not converged' : ''}`;
    return {
      metrics: { w2: r.value, method: r.method, ...(r.epsilon !== undefined ? { epsilon: r.epsilon } : {}), n: r.n, m: r.m },
      summary: `W2 = ${fmt(r.value)} (${how}; ${against})`,
    };
  });

/** Sliced Wasserstein-2 distance. */
export const slicedWMetric = metricNode('metric.sliced_w', 'Sliced Wasserstein-2',
  'Sliced W2: root mean square of exact 1-d W2 distances between projections on random directions (fast for large samples; SW2 ≤ W2). Metrics: sliced_w2, projections, seed.',
  [
    { name: 'projections', kind: 'integer', default: 128, min: 1, max: 100000, doc: 'Number of random directions.' },
    { name: 'seed', kind: 'integer', default: 0, min: 0, max: 2 ** 32 - 1, doc: 'Seed of the directions.' },
  ],
  (p, a, b, against) => {
    const r = slicedWasserstein2(a, b, { projections: p.projections as number, seed: p.seed as number });
    return { metrics: { sliced_w2: r.value, projections: r.projections, seed: r.seed }, summary: `sliced W2 = ${fmt(r.value)} (${r.projections} directions; ${against})` };
  });

/** Maximum mean discrepancy. */
export const mmdMetric = metricNode('metric.mmd', 'MMD',
  'Unbiased MMD² with a Gaussian kernel of bandwidth σ (median heuristic by default); about 0 for samples of one law, may be slightly negative. Metrics: mmd2, bandwidth.',
  [{ name: 'bandwidth', kind: 'number', default: 0, min: 0, doc: 'Kernel bandwidth σ in coordinate units; 0 uses the median heuristic.' }],
  (p, a, b, against) => {
    const r = mmd2(a, b, { bandwidth: (p.bandwidth as number) > 0 ? (p.bandwidth as number) : 'median' });
    return { metrics: { mmd2: r.value, bandwidth: r.bandwidth }, summary: `MMD² = ${fmt(r.value)} (σ = ${fmt(r.bandwidth)}; ${against})` };
  });

/** Energy distance. */
export const energyMetric = metricNode('metric.energy', 'Energy distance',
  'Energy distance 2E|X−Y| − E|X−X′| − E|Y−Y′| between the empirical laws (V-statistic, ≥ 0, biased upward by (1/n + 1/m) E|X−X′|). Metrics: energy.',
  [],
  (_p, a, b, against) => {
    const value = energyDistance(a, b);
    return { metrics: { energy: value }, summary: `energy distance = ${fmt(value)} (${against})` };
  });

/** First and second moments. */
export const momentsMetric = metricNode('metric.moments', 'Moments',
  'Per-component means and variances of the samples and the reference, the largest mean difference in standard errors (mean_gap, a z-score) and the largest covariance difference. Metrics: mean, variance, reference_mean, reference_variance, mean_gap, covariance_gap.',
  [],
  (_p, a, b, against) => {
    const ma = moments(a);
    const mb = moments(b);
    const gap = momentGap(a, b);
    return {
      metrics: {
        mean: Array.from(ma.mean), variance: Array.from(ma.variance), reference_mean: Array.from(mb.mean), reference_variance: Array.from(mb.variance),
        mean_gap: gap.meanGap, covariance_gap: gap.covarianceGap,
      },
      summary: `largest mean difference ${fmt(gap.meanGap)} standard errors (component ${gap.meanGapDimension}), largest covariance difference ${fmt(gap.covarianceGap)} (${against})`,
    };
  });

export const DISTRIBUTION_METRICS = [w2Metric, slicedWMetric, mmdMetric, energyMetric, momentsMetric];
