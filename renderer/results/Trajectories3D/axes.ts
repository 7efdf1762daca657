import type { SolverResult } from '../../run/types.ts';
import { trajectoryRange } from '../stats.ts';

/** What one axis of the 3D view shows: a state component, time, or nothing (flat). */
export type AxisChannel = { kind: 'component'; index: number } | { kind: 'time' } | { kind: 'none' };

/** The three axes of the view, in the order x, y, z (z is up). */
export type AxisChannels = [AxisChannel, AxisChannel, AxisChannel];

/**
 * Sensible axes for a state dimension: components 0, 1, 2 when d ≥ 3; x₀ and x₁ over time
 * (time running along the depth axis) when d = 2; time against x₀ in the vertical plane when d = 1.
 */
export function defaultChannels(dims: number): AxisChannels {
  const c = (index: number): AxisChannel => ({ kind: 'component', index });
  if (dims >= 3) return [c(0), c(1), c(2)];
  if (dims === 2) return [c(0), { kind: 'time' }, c(1)];
  return [{ kind: 'time' }, { kind: 'none' }, c(0)];
}

/** Axis label: `x₀`, `t`, or '' for a flat axis. */
export function channelLabel(ch: AxisChannel): string {
  if (ch.kind === 'time') return 't';
  if (ch.kind === 'none') return '';
  const sub = '₀₁₂₃₄₅₆₇₈₉';
  return `x${String(ch.index).split('').map((d) => sub[Number(d)]).join('')}`;
}

/** The value range an axis covers over the whole recording. */
export function channelRange(r: SolverResult, ch: AxisChannel): [number, number] {
  if (ch.kind === 'time') {
    const t0 = r.times[0];
    const t1 = r.times[r.times.length - 1];
    return t1 > t0 ? [t0, t1] : [t0 - 0.5, t0 + 0.5];
  }
  if (ch.kind === 'none') return [-1, 1];
  return trajectoryRange(r, ch.index);
}

/** Encodes channels for a <select> value and back: 'c3', 't', 'none'. */
export function channelKey(ch: AxisChannel): string {
  return ch.kind === 'component' ? `c${ch.index}` : ch.kind === 'time' ? 't' : 'none';
}

export function parseChannelKey(key: string): AxisChannel {
  if (key === 't') return { kind: 'time' };
  if (key.startsWith('c')) return { kind: 'component', index: Number(key.slice(1)) };
  return { kind: 'none' };
}
