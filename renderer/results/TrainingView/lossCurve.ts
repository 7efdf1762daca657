/**
 * The numbers behind the loss-curve plot: a smoothed line over the noisy batch losses, which raw
 * points to draw when there are many, the y range and log-scale ticks. Pure functions, so they
 * are tested without a canvas.
 */
import { niceTicks } from '../format.ts';

/** Iterations the smoothing averages over for a curve of `n` points: about 1/40 of it, 1 … 1000. */
export function smoothingWindow(n: number): number {
  return Math.max(1, Math.min(1000, Math.round(n / 40)));
}

/**
 * An exponential moving average over a window of `window` iterations (β = 1 − 2/(window + 1)),
 * corrected for its start at zero as Adam does (divided by 1 − β^k), so the first points are not
 * pulled towards 0. Non-finite losses are skipped (the average carries on; NaN before any).
 */
export function smoothLosses(losses: ArrayLike<number>, window = smoothingWindow(losses.length)): Float64Array {
  const beta = window <= 1 ? 0 : 1 - 2 / (window + 1);
  const out = new Float64Array(losses.length);
  let avg = 0;
  let weight = 0;
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i];
    if (Number.isFinite(v)) {
      avg = beta * avg + (1 - beta) * v;
      weight = beta * weight + (1 - beta);
    }
    out[i] = weight > 0 ? avg / weight : NaN;
  }
  return out;
}

/** At most `max` indices of 0 … n − 1, evenly spread, the last one included. */
export function spreadPoints(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.round((k * (n - 1)) / (max - 1)));
  return out;
}

/** Whether every finite loss is positive (a log scale needs that; sliced score matching can go below 0). */
export function canUseLog(losses: ArrayLike<number>): boolean {
  let any = false;
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i];
    if (!Number.isFinite(v)) continue;
    if (v <= 0) return false;
    any = true;
  }
  return any;
}

/**
 * The y range of the plot, in plotted units (log10 of the loss when `log`): every finite value of
 * `values`, padded by 5 % (a flat curve gets a range around its value).
 */
export function lossRange(values: Iterable<number>, log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const raw of values) {
    if (!Number.isFinite(raw) || (log && raw <= 0)) continue;
    const v = log ? Math.log10(raw) : raw;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return log ? [-1, 1] : [0, 1];
  if (hi - lo < 1e-12) {
    const half = log ? 0.5 : Math.max(Math.abs(lo) * 0.1, 1e-6);
    return [lo - half, hi + half];
  }
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** A loss value as a short tick label: 0.01, 0.5, 20, 1e-5, 2e6. */
export function formatLossTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const exp = Math.floor(Math.log10(a) + 1e-9);
    const mantissa = Number((v / 10 ** exp).toPrecision(2));
    return mantissa === 1 ? `1e${exp}` : `${mantissa}e${exp}`;
  }
  return String(Number(v.toPrecision(2)));
}

/**
 * Ticks of a log axis over [lo, hi] (log10 units): the powers of ten inside, every other one when
 * there are more than 7; with fewer than two, also 2× and 5× each power. Values are log10 units.
 */
export function logTicks(lo: number, hi: number): number[] {
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  const decades: number[] = [];
  for (let e = first; e <= last; e++) decades.push(e);
  if (decades.length > 7) {
    const step = Math.ceil(decades.length / 6);
    return decades.filter((e) => (e - first) % step === 0);
  }
  if (decades.length >= 2) return decades;
  const ticks: number[] = [];
  for (let e = Math.floor(lo) - 1; e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const t = e + Math.log10(m);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) ticks.push(t);
    }
  }
  if (ticks.length >= 2) return ticks;
  // Less than a factor of 2.5 in range: round linear values, placed on the log axis.
  return niceTicks(10 ** lo, 10 ** hi, 4).ticks.filter((v) => v > 0).map((v) => Math.log10(v));
}

/** An iteration count as a short tick label: 500, 2000, 15k, 1.5M. */
export function formatIterationTick(t: number): string {
  const a = Math.abs(t);
  if (a >= 1e6) return `${Number((t / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((t / 1e3).toPrecision(3))}k`;
  return String(Math.round(t));
}

/**
 * How far the x axis of a loss curve reaches: for a training in progress, its target once 5 % of
 * it is done (so the curve grows across the plot), before that 1.25 × what is done, so a long
 * training's first iterations are not a sliver at the left; for a finished or stopped one, what was done.
 */
export function iterationAxisEnd(done: number, target: number, live: boolean): number {
  if (!live) return Math.max(1, done);
  if (done >= 0.05 * target) return Math.max(1, target);
  return Math.max(10, Math.ceil(1.25 * done));
}
