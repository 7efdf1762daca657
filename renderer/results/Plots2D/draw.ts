import type { SolverResult } from '../../run/types.ts';
import { viridis } from '../colormap.ts';
import { componentStats, histogram, histogram2d, padRange, spreadIndices, statesAt, type ComponentStats } from '../stats.ts';
import type { PlotTheme } from '../theme.ts';
import { clipTo, drawFrame, drawMessage } from './plotFrame.ts';

const label = (i: number) => `x${String(i).split('').map((d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]).join('')}`;

/** Range of a component at one time, padded by 4 % so points on the edge stay visible. */
function rangeAt(s: ComponentStats): [number, number] {
  const [lo, hi] = padRange(s.min, s.max);
  const pad = 0.04 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** Scatter of components (i, j) at slot k: up to 20 000 points, fainter the more there are. */
export function drawScatter(ctx: CanvasRenderingContext2D, w: number, h: number, theme: PlotTheme, r: SolverResult, k: number, i: number, j: number): void {
  const states = statesAt(r, k);
  const si = componentStats(states, r.dims, i);
  const sj = componentStats(states, r.dims, j);
  if (si.n === 0) return drawMessage(ctx, w, h, theme, 'no finite values at this time');
  const f = drawFrame(ctx, w, h, theme, { x: rangeAt(si), y: rangeAt(sj), xLabel: label(i), yLabel: label(j) });
  const unclip = clipTo(f);
  const picks = spreadIndices(r.particles, 20_000);
  ctx.fillStyle = theme.accent;
  ctx.globalAlpha = Math.max(0.12, Math.min(0.85, 600 / Math.sqrt(picks.length) / 12));
  const size = picks.length > 5000 ? 2 : 3;
  for (const p of picks) {
    const x = f.px(states[p * r.dims + i]);
    const y = f.py(states[p * r.dims + j]);
    ctx.fillRect(x - size / 2, y - size / 2, size, size);
  }
  ctx.globalAlpha = 1;
  unclip();
}

/** 2D histogram of components (i, j) at slot k, coloured by log count (viridis; empty bins blank). */
export function drawDensity(ctx: CanvasRenderingContext2D, w: number, h: number, theme: PlotTheme, r: SolverResult, k: number, i: number, j: number): void {
  const states = statesAt(r, k);
  const si = componentStats(states, r.dims, i);
  const sj = componentStats(states, r.dims, j);
  if (si.n === 0) return drawMessage(ctx, w, h, theme, 'no finite values at this time');
  const xr = rangeAt(si);
  const yr = rangeAt(sj);
  const f = drawFrame(ctx, w, h, theme, { x: xr, y: yr, xLabel: label(i), yLabel: label(j) });
  // About 4 px bins, at most 160 per side, fewer when particles are few.
  const side = Math.max(16, Math.min(160, Math.round(Math.sqrt(si.n) / 1.5)));
  const nx = Math.min(side, Math.round((f.right - f.left) / 4));
  const ny = Math.min(side, Math.round((f.bottom - f.top) / 4));
  const counts = histogram2d(states, r.dims, i, j, nx, ny, xr, yr);
  const max = Math.log1p(counts.reduce((a, b) => Math.max(a, b), 0));
  const img = new ImageData(nx, ny);
  for (let row = 0; row < ny; row++) {
    for (let col = 0; col < nx; col++) {
      const c = counts[row * nx + col];
      if (c === 0) continue;
      const [cr, cg, cb] = viridis(Math.log1p(c) / max);
      const o = ((ny - 1 - row) * nx + col) * 4;
      img.data[o] = 255 * cr;
      img.data[o + 1] = 255 * cg;
      img.data[o + 2] = 255 * cb;
      img.data[o + 3] = 255;
    }
  }
  const tile = document.createElement('canvas');
  tile.width = nx;
  tile.height = ny;
  (tile.getContext('2d') as CanvasRenderingContext2D).putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, f.left + 1, f.top + 1, f.right - f.left - 2, f.bottom - f.top - 2);
}

/**
 * Histogram of component c at slot k as a density, with a normal curve of the same mean and
 * standard deviation (a quick check of Gaussianity) and the mean ± one standard deviation marked.
 */
export function drawHistogram(ctx: CanvasRenderingContext2D, w: number, h: number, theme: PlotTheme, r: SolverResult, k: number, c: number, s: ComponentStats, bins: number): void {
  if (s.n === 0) return drawMessage(ctx, w, h, theme, 'no finite values at this time');
  const states = statesAt(r, k);
  const [lo, hi] = padRange(s.min, s.max);
  const hist = histogram(states, r.dims, c, bins, lo, hi);
  const width = (hi - lo) / bins;
  const density = Array.from(hist.counts, (n) => n / (s.n * width));
  const normalPeak = s.std > 0 ? 1 / (s.std * Math.sqrt(2 * Math.PI)) : 0;
  const top = Math.max(...density, normalPeak) * 1.08;
  const f = drawFrame(ctx, w, h, theme, { x: [lo, hi], y: [0, top || 1], xLabel: label(c), yLabel: 'density' });
  const unclip = clipTo(f);
  // ±1 sd band
  if (s.std > 0) {
    ctx.fillStyle = theme.accent;
    ctx.globalAlpha = 0.08;
    ctx.fillRect(f.px(s.mean - s.std), f.top, f.px(s.mean + s.std) - f.px(s.mean - s.std), f.bottom - f.top);
  }
  // Bars
  ctx.globalAlpha = 0.55;
  ctx.fillStyle = theme.accent;
  density.forEach((d, b) => {
    const x0 = f.px(lo + b * width);
    const x1 = f.px(lo + (b + 1) * width);
    ctx.fillRect(x0, f.py(d), Math.max(1, x1 - x0 - (x1 - x0 > 4 ? 1 : 0)), f.bottom - f.py(d));
  });
  ctx.globalAlpha = 1;
  // Normal curve with the sample mean and sd
  if (s.std > 0) {
    ctx.strokeStyle = theme.fg;
    ctx.globalAlpha = 0.7;
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    for (let q = 0; q <= 200; q++) {
      const x = lo + ((hi - lo) * q) / 200;
      const y = normalPeak * Math.exp(-0.5 * ((x - s.mean) / s.std) ** 2);
      if (q === 0) ctx.moveTo(f.px(x), f.py(y));
      else ctx.lineTo(f.px(x), f.py(y));
    }
    ctx.stroke();
  }
  // Mean
  ctx.globalAlpha = 1;
  ctx.strokeStyle = theme.fg;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(Math.round(f.px(s.mean)) + 0.5, f.top);
  ctx.lineTo(Math.round(f.px(s.mean)) + 0.5, f.bottom);
  ctx.stroke();
  ctx.setLineDash([]);
  unclip();
}

/** Quantile levels of the fan chart and which pairs make its bands (outer to inner). */
export const FAN_LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** Fan chart of component c over time: 5–95 % and 25–75 % bands, the median, a cursor at slot k. */
export function drawFan(ctx: CanvasRenderingContext2D, w: number, h: number, theme: PlotTheme, r: SolverResult, k: number, c: number, quantiles: Float64Array): void {
  const slots = r.times.length;
  if (slots < 2) return drawMessage(ctx, w, h, theme, 'record more than one time point (solver param record) for quantiles over time');
  const q = FAN_LEVELS.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of quantiles) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const [ylo, yhi] = padRange(lo, hi);
  const pad = 0.05 * (yhi - ylo);
  const f = drawFrame(ctx, w, h, theme, { x: [r.times[0], r.times[slots - 1]], y: [ylo - pad, yhi + pad], xLabel: 't', yLabel: label(c) });
  const unclip = clipTo(f);
  const band = (a: number, b: number, alpha: number) => {
    ctx.beginPath();
    for (let s = 0; s < slots; s++) ctx.lineTo(f.px(r.times[s]), f.py(quantiles[s * q + a]));
    for (let s = slots - 1; s >= 0; s--) ctx.lineTo(f.px(r.times[s]), f.py(quantiles[s * q + b]));
    ctx.closePath();
    ctx.globalAlpha = alpha;
    ctx.fill();
  };
  ctx.fillStyle = theme.accent;
  band(0, 4, 0.18);
  band(1, 3, 0.32);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = theme.accent;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let s = 0; s < slots; s++) ctx.lineTo(f.px(r.times[s]), f.py(quantiles[s * q + 2]));
  ctx.stroke();
  // Time cursor
  ctx.strokeStyle = theme.fg;
  ctx.globalAlpha = 0.5;
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  const x = Math.round(f.px(r.times[Math.min(k, slots - 1)])) + 0.5;
  ctx.beginPath();
  ctx.moveTo(x, f.top);
  ctx.lineTo(x, f.bottom);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  unclip();
}
