/**
 * Distributional and structural metrics, pure TypeScript. Two-sample metrics take
 * {@link PointSet}s (n points of dimension d, row-major); structural ones take flat x, y, z arrays.
 */
export { linearSumAssignment, type Assignment, type AssignmentOptions } from './assignment.ts';
export { energyDistance } from './energy.ts';
export { medianBandwidth, mmd2, type MmdOptions, type MmdResult } from './mmd.ts';
export { momentGap, moments, type MomentGap, type Moments } from './moments.ts';
export { assertComparable, makePointSet, pointSetFromRows, validatePointSet, type PointSet } from './pointSet.ts';
export { randomUnitDirections } from './random.ts';
export { sinkhornDivergence, type SinkhornDivergence, type SinkhornSettings } from './sinkhorn.ts';
export { slicedWasserstein2, type SlicedWassersteinOptions, type SlicedWassersteinResult } from './slicedWasserstein.ts';
export * from './structure.ts';
export { DEFAULT_EPSILON_FACTOR, wasserstein1d, wasserstein2, type WassersteinOptions, type WassersteinResult } from './wasserstein.ts';
