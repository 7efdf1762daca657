import type { Params, SourceDefinition } from '../core/graph/catalog.ts';
import type { Problem } from '../core/graph/types.ts';
import { DISTRIBUTION_OUT, lengthOf, perComponent } from './ports.ts';

/** Normal distribution with a mean vector and a scalar or per-component standard deviation. */
export const gaussianSource: SourceDefinition = {
  role: 'source', type: 'source.gaussian', title: 'Gaussian',
  doc: 'Independent normal initial states: x_j = mean_j + std_j · z_j. The length of mean sets the state dimension.',
  inputs: [], outputs: [DISTRIBUTION_OUT],
  params: [
    { name: 'mean', kind: 'vector', default: [0], doc: 'Mean of each component; its length is the state dimension.' },
    { name: 'std', kind: 'number_or_vector', default: 1, min: 0, doc: 'Standard deviation: one number for all components, or one per component (0 gives a point).' },
  ],
  check: (p) => sameLength(p, 'std', 'mean'),
  dimension: (p) => (p.mean as number[]).length,
  sample: (p, b, dims) => {
    const std = perComponent(p.std, dims);
    return (p.mean as number[]).map((m, j) => b.add(b.constant(m), b.mul(b.constant(std[j]), b.random('normal', j))));
  },
};

/** Every particle starts at the same point. */
export const pointSource: SourceDefinition = {
  role: 'source', type: 'source.point', title: 'Point',
  doc: 'Every particle starts at the same point (a Dirac initial distribution).',
  inputs: [], outputs: [DISTRIBUTION_OUT],
  params: [{ name: 'value', kind: 'vector', default: [0], doc: 'The starting point; its length is the state dimension.' }],
  dimension: (p) => (p.value as number[]).length,
  sample: (p, b) => (p.value as number[]).map((v) => b.constant(v)),
};

/** Uniform on a box. */
export const uniformSource: SourceDefinition = {
  role: 'source', type: 'source.uniform', title: 'Uniform box',
  doc: 'Uniform initial states on the box [low, high] (componentwise).',
  inputs: [], outputs: [DISTRIBUTION_OUT],
  params: [
    { name: 'low', kind: 'vector', default: [0], doc: 'Lower corner; its length is the state dimension.' },
    { name: 'high', kind: 'vector', default: [1], doc: 'Upper corner, same length as low, each entry above low.' },
  ],
  check: (p) => {
    const low = p.low as number[];
    const high = p.high as number[];
    if (low.length !== high.length) return [{ param: 'high', message: `high has ${high.length} entries but low has ${low.length}; give both the same length` }];
    const bad = low.findIndex((l, j) => !(high[j] > l));
    return bad >= 0 ? [{ param: 'high', message: `entry ${bad}: high (${high[bad]}) must be greater than low (${low[bad]})` }] : [];
  },
  dimension: (p) => (p.low as number[]).length,
  sample: (p, b) => {
    const high = p.high as number[];
    return (p.low as number[]).map((l, j) => b.add(b.constant(l), b.mul(b.constant(high[j] - l), b.random('uniform', j))));
  },
};

/**
 * What source.gaussian_mixture resolves to, so downstream nodes (e.g. process.interpolant) can read
 * the mixture with `ctx.input(port)`: stds broadcast to one per component, weights normalised.
 */
export interface GaussianMixtureValue {
  kind: 'gaussian_mixture';
  means: number[][];
  /** One per component. */
  stds: number[];
  /** One per component, summing to 1. */
  weights: number[];
}

/** Whether a resolved node value is a {@link GaussianMixtureValue}. */
export function isGaussianMixture(value: unknown): value is GaussianMixtureValue {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'gaussian_mixture';
}

/** A mixture of isotropic Gaussians. */
export const gaussianMixtureSource: SourceDefinition = {
  role: 'source', type: 'source.gaussian_mixture', title: 'Gaussian mixture',
  doc: 'Mixture of isotropic Gaussians: pick component k with probability weights_k, then x = means_k + stds_k · z.',
  inputs: [], outputs: [DISTRIBUTION_OUT],
  params: [
    { name: 'means', kind: 'vector_list', default: [[-2], [2]], doc: 'One mean vector per component, all of the state dimension.' },
    { name: 'stds', kind: 'number_or_vector', default: 0.5, min: 0, doc: 'Standard deviation: one for all components, or one per mixture component.' },
    { name: 'weights', kind: 'vector', default: [1, 1], min: 0, doc: 'Relative weights, one per component (normalised to sum to 1).' },
  ],
  check: (p) => {
    const means = p.means as number[][];
    const problems: Omit<Problem, 'nodeId'>[] = [];
    const d = means[0].length;
    means.forEach((m, k) => { if (m.length !== d) problems.push({ param: 'means', message: `mean ${k} has ${m.length} entries but mean 0 has ${d}; all means need the state dimension` }); });
    const stds = lengthOf(p.stds);
    if (stds !== undefined && stds !== means.length) problems.push({ param: 'stds', message: `${stds} stds for ${means.length} components; give one number, or one per component` });
    const weights = p.weights as number[];
    if (weights.length !== means.length) problems.push({ param: 'weights', message: `${weights.length} weights for ${means.length} components; give one per component` });
    else if (!(weights.reduce((a, w) => a + w, 0) > 0)) problems.push({ param: 'weights', message: 'the weights must not all be 0' });
    return problems;
  },
  resolve: (p): GaussianMixtureValue => {
    const means = p.means as number[][];
    const weights = p.weights as number[];
    const total = weights.reduce((a, w) => a + w, 0);
    return { kind: 'gaussian_mixture', means, stds: perComponent(p.stds, means.length), weights: weights.map((w) => w / total) };
  },
  dimension: (p) => (p.means as number[][])[0].length,
  sample: (p, b, dims) => {
    const means = p.means as number[][];
    const stds = perComponent(p.stds, means.length);
    const weights = p.weights as number[];
    const total = weights.reduce((a, w) => a + w, 0);
    const u = b.random('uniform', 0);
    // Component k is chosen when u < (w_0 + … + w_k) / total: a chain of selects, last one as default.
    let cumulative = 0;
    const bounds = weights.map((w) => (cumulative += w) / total);
    return Array.from({ length: dims }, (_, j) => {
      const z = b.random('normal', j);
      let value = b.add(b.constant(means[means.length - 1][j]), b.mul(b.constant(stds[means.length - 1]), z));
      for (let k = means.length - 2; k >= 0; k--) {
        const candidate = b.add(b.constant(means[k][j]), b.mul(b.constant(stds[k]), z));
        value = b.select(b.binary('lt', u, b.constant(bounds[k])), candidate, value);
      }
      return value;
    });
  },
};

function sameLength(p: Params, name: string, ref: string): Omit<Problem, 'nodeId'>[] {
  const n = lengthOf(p[name]);
  const m = (p[ref] as unknown[]).length;
  return n !== undefined && n !== m ? [{ param: name, message: `${name} has ${n} entries but ${ref} has ${m}; give one number, or one per component` }] : [];
}

export const SOURCES = [gaussianSource, pointSource, uniformSource, gaussianMixtureSource];
