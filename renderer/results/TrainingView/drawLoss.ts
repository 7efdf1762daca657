import { clipTo, drawFrame, drawMessage } from '../Plots2D/plotFrame.ts';
import type { PlotTheme } from '../theme.ts';
import { formatIterationTick, formatLossTick, logTicks, lossRange, smoothLosses, spreadPoints } from './lossCurve.ts';

/** What the loss plot shows. */
export interface LossPlot {
  /** Batch loss of every iteration done (entry i is iteration i + 1). */
  losses: ArrayLike<number>;
  /** The x axis runs to this many iterations (see iterationAxisEnd). */
  iterations: number;
  log: boolean;
  /** Smoothing window in iterations. */
  window: number;
  /** Iteration where a resumed run took over (a dashed marker), or 0. */
  resumedAt?: number;
}

/** Raw points drawn at most (evenly spread over the iterations). */
const MAX_POINTS = 4000;

/**
 * The loss curve: the batch loss of each iteration as faint points and a smoothed line over them
 * (log or linear y), on the shared plot frame of the 2D views.
 */
export function drawLossCurve(ctx: CanvasRenderingContext2D, w: number, h: number, theme: PlotTheme, plot: LossPlot): void {
  const n = plot.losses.length;
  if (n === 0) return drawMessage(ctx, w, h, theme, 'no iterations yet');
  const smooth = smoothLosses(plot.losses, plot.window);
  const picks = spreadPoints(n, MAX_POINTS);
  const { log } = plot;
  const y = (v: number) => (log ? Math.log10(v) : v);
  const ok = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const range = lossRange(
    (function* () {
      for (const i of picks) { yield plot.losses[i]; yield smooth[i]; }
    })(),
    log,
  );
  const f = drawFrame(ctx, w, h, theme, {
    x: [0, Math.max(plot.iterations, n, 1)],
    y: range,
    xLabel: 'iteration',
    formatX: formatIterationTick,
    yLabel: log ? 'loss (log scale)' : 'loss',
    ...(log ? { yTicks: { ticks: logTicks(range[0], range[1]), format: (t: number) => formatLossTick(10 ** t) } } : {}),
  });
  const unclip = clipTo(f);
  // Raw batch losses: faint, fainter the more there are.
  ctx.fillStyle = theme.accent;
  ctx.globalAlpha = picks.length > 1500 ? 0.22 : 0.35;
  const size = picks.length > 1500 ? 1.5 : 2.5;
  // One path for all points: one fill for the canvas to rasterize, not thousands.
  ctx.beginPath();
  for (const i of picks) {
    const v = plot.losses[i];
    if (!ok(v)) continue;
    ctx.rect(f.px(i + 1) - size / 2, f.py(y(v)) - size / 2, size, size);
  }
  ctx.fill();
  ctx.globalAlpha = 1;
  // The smoothed line, over every iteration (at most one vertex per half pixel).
  const line = spreadPoints(n, Math.max(2, Math.round(2 * (f.right - f.left))));
  ctx.strokeStyle = theme.fg;
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let open = false;
  for (const i of line) {
    const v = smooth[i];
    if (!ok(v)) { open = false; continue; }
    if (open) ctx.lineTo(f.px(i + 1), f.py(y(v)));
    else ctx.moveTo(f.px(i + 1), f.py(y(v)));
    open = true;
  }
  ctx.stroke();
  if (plot.resumedAt && plot.resumedAt > 0 && plot.resumedAt < n) {
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    const x = Math.round(f.px(plot.resumedAt)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, f.top);
    ctx.lineTo(x, f.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = theme.muted;
    ctx.font = `11px ${theme.font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('resumed', x + 4, f.top + 4);
  }
  unclip();
}
