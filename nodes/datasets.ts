/**
 * Toy 2-D data sets of the score-based / normalising-flow literature, as direct samplers: each
 * particle draws its point from the init stream (`b.random`), so a data set costs no file and no
 * memory, and the CPU and WebGPU backends produce the same points for the same seed.
 *
 * Every node returns scale · (point + noise · z) + offset with z standard normal, where `point` is
 * the noiseless construction below; the defaults reproduce the reference generators
 * (scikit-learn's make_moons, FFJORD's swissroll and checkerboard in lib/toy_data.py).
 */
import type { Params, SourceDefinition } from '../core/graph/catalog.ts';
import type { Problem } from '../core/graph/types.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import type { ValueId } from '../core/ir/types.ts';
import { DISTRIBUTION_OUT } from './ports.ts';

const scaleParam = (fallback: number, where: string) => ({
  name: 'scale', kind: 'number' as const, default: fallback, min: 0, exclusiveMin: true,
  doc: `Multiplies every point (noise included) before the offset is added${where}.`,
});
const offsetParam = (fallback: number[], where: string) => ({
  name: 'offset', kind: 'vector' as const, default: fallback,
  doc: `Added to every point after scaling: [x, y]${where}.`,
});

/** offset must be a 2-vector: these data sets live in the plane. */
function checkOffset(p: Params): Omit<Problem, 'nodeId'>[] {
  const offset = p.offset as number[];
  return offset.length === 2 ? [] : [{ param: 'offset', message: `offset has ${offset.length} entries; give 2 ([x, y]), the data set is 2-D` }];
}

/** scale · (x_j + noise · z_j) + offset_j for j = 0, 1, with z_j normal draw j. */
function finish(p: Params, b: IRBuilder, point: readonly [ValueId, ValueId]): ValueId[] {
  const noise = p.noise as number | undefined;
  const offset = p.offset as number[];
  return point.map((x, j) => {
    const noisy = noise ? b.add(x, b.mul(b.constant(noise), b.random('normal', j))) : x;
    return b.add(b.mul(b.constant(p.scale as number), noisy), b.constant(offset[j]));
  });
}

/**
 * Two interleaving half circles (scikit-learn's `make_moons`, in distribution):
 * θ ~ U(0, π), moon ~ Bernoulli(½);
 * upper moon (cos θ, sin θ), lower moon (1 − cos θ, 1 − sin θ − 0.5);
 * x = scale · (moon point + noise · z) + offset.
 *
 * make_moons spaces θ evenly (linspace) and splits the points exactly in half; drawing θ and the
 * moon at random gives the same distribution as n → ∞ and keeps particles independent.
 * FFJORD's "moons" is this with noise 0.1, scale 2, offset [−1, −0.2].
 */
export const twoMoonsSource: SourceDefinition = {
  role: 'source', type: 'source.two_moons', title: 'Two moons',
  doc: 'Two interleaving half circles (scikit-learn make_moons): θ ~ U(0, π); with probability ½ the upper moon (cos θ, sin θ), '
    + 'otherwise the lower moon (1 − cos θ, 0.5 − sin θ); plus noise · N(0, I), then × scale + offset. '
    + 'FFJORD\'s "moons": noise 0.1, scale 2, offset [−1, −0.2].',
  inputs: [], outputs: [DISTRIBUTION_OUT],
  params: [
    { name: 'noise', kind: 'number', default: 0.1, min: 0, doc: 'Standard deviation of the Gaussian noise added to each coordinate (before scaling, as in make_moons).' },
    scaleParam(1, ' (1: make_moons; FFJORD uses 2)'),
    offsetParam([0, 0], ' (FFJORD uses [−1, −0.2])'),
  ],
  check: checkOffset,
  dimension: () => 2,
  sample: (p, b) => {
    const upper = b.binary('lt', b.random('uniform', 0), b.constant(0.5));
    const theta = b.mul(b.constant(Math.PI), b.random('uniform', 1));
    const c = b.unary('cos', theta);
    const s = b.unary('sin', theta);
    return finish(p, b, [
      b.select(upper, c, b.sub(b.constant(1), c)),
      b.select(upper, s, b.sub(b.constant(0.5), s)),
    ]);
  },
};

/**
 * The 2-D Swiss roll of FFJORD (columns x and z of scikit-learn's 3-D `make_swiss_roll`):
 * t = 1.5π (1 + 2u), u ~ U(0, 1); x = scale · ((t cos t, t sin t) + noise · z) + offset.
 * FFJORD: noise 1.0, scale 1/5 (its `data /= 5`), so the noise std in the output is 0.2.
 */
export const swissRollSource: SourceDefinition = {
  role: 'source', type: 'source.swiss_roll', title: 'Swiss roll (2-D)',
  doc: 'The 2-D Swiss roll of FFJORD: t = 1.5π (1 + 2u) with u ~ U(0, 1), point (t cos t, t sin t) plus noise · N(0, I), '
    + 'then × scale + offset. The defaults (noise 1, scale 0.2) are FFJORD\'s make_swiss_roll(noise=1.0)[:, [0, 2]] / 5.',
  inputs: [], outputs: [DISTRIBUTION_OUT],
  params: [
    { name: 'noise', kind: 'number', default: 1, min: 0, doc: 'Standard deviation of the Gaussian noise added to each coordinate before scaling (make_swiss_roll\'s noise; FFJORD uses 1).' },
    scaleParam(0.2, ' (FFJORD divides by 5)'),
    offsetParam([0, 0], ''),
  ],
  check: checkOffset,
  dimension: () => 2,
  sample: (p, b) => {
    const t = b.mul(b.constant(1.5 * Math.PI), b.add(b.constant(1), b.mul(b.constant(2), b.random('uniform', 0))));
    return finish(p, b, [b.mul(t, b.unary('cos', t)), b.mul(t, b.unary('sin', t))]);
  },
};

/**
 * FFJORD's checkerboard: x1 = 4u₀ − 2, x2 = u₁ − 2·[u₂ < ½] + (⌊x1⌋ mod 2), point × scale + offset
 * (FFJORD: scale 2). Uniform on the 8 squares [i, i+1) × [j, j+1), i, j ∈ {−2, …, 1}, with i + j
 * even, before scaling; ⌊x1⌋ mod 2 (Python's, so 0 or 1) is 1 for x1 in [−1, 0) and [1, 2).
 */
export const checkerboardSource: SourceDefinition = {
  role: 'source', type: 'source.checkerboard', title: 'Checkerboard',
  doc: 'FFJORD\'s checkerboard: x1 ~ U[−2, 2), x2 = U[0, 1) − 2·Bernoulli(½) + (⌊x1⌋ mod 2), then × scale + offset: '
    + 'uniform on the 8 black squares of a 4 × 4 board (⌊x1⌋ + ⌊x2⌋ even). FFJORD scales by 2, so the board covers [−4, 4)².',
  inputs: [], outputs: [DISTRIBUTION_OUT],
  params: [scaleParam(2, ' (FFJORD uses 2)'), offsetParam([0, 0], '')],
  check: checkOffset,
  dimension: () => 2,
  sample: (p, b) => {
    const x1 = b.sub(b.mul(b.constant(4), b.random('uniform', 0)), b.constant(2));
    // ⌊x1⌋ mod 2 over [−2, 2) without a floor op: 0 on [−2, −1), 1 on [−1, 0), 0 on [0, 1), 1 on [1, 2).
    const below = (edge: number) => b.binary('lt', x1, b.constant(edge));
    const zero = b.constant(0);
    const one = b.constant(1);
    const parity = b.select(below(-1), zero, b.select(below(0), one, b.select(below(1), zero, one)));
    const lowerHalf = b.select(b.binary('lt', b.random('uniform', 2), b.constant(0.5)), b.constant(2), zero);
    const x2 = b.add(b.sub(b.random('uniform', 1), lowerHalf), parity);
    return finish(p, b, [x1, x2]);
  },
};

export const DATASET_SOURCES = [twoMoonsSource, swissRollSource, checkerboardSource];
