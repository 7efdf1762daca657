import type { PortSpec } from '../core/graph/catalog.ts';

/** Output of every source node. */
export const DISTRIBUTION_OUT: PortSpec = { name: 'out', type: 'distribution', doc: 'Initial states, one per particle.' };
/** Output of every drift node. */
export const DRIFT_OUT: PortSpec = { name: 'out', type: 'drift', doc: 'The drift f(x, t).' };
/** Output of every diffusion node. */
export const DIFFUSION_OUT: PortSpec = { name: 'out', type: 'diffusion', doc: 'The diagonal diffusion g(x, t).' };

/** Broadcasts a number-or-vector param to `dims` components. */
export function perComponent(value: unknown, dims: number): number[] {
  return Array.isArray(value) ? (value as number[]) : Array.from({ length: dims }, () => value as number);
}

/** The length a number-or-vector param fixes, or undefined for a scalar. */
export function lengthOf(value: unknown): number | undefined {
  return Array.isArray(value) ? value.length : undefined;
}
