import { formatTick, niceTicks } from '../format.ts';
import type { PlotTheme } from '../theme.ts';

/** The drawing area of a plot and its data → pixel maps. */
export interface Frame {
  ctx: CanvasRenderingContext2D;
  left: number;
  top: number;
  right: number;
  bottom: number;
  px(x: number): number;
  py(y: number): number;
}

export interface FrameSpec {
  x: [number, number];
  y: [number, number];
  xLabel: string;
  yLabel: string;
  /** Hide the y tick labels (e.g. a density axis whose scale does not matter). */
  hideYTicks?: boolean;
  /** Labels of the x ticks (default: as short as the tick spacing allows). */
  formatX?: (t: number) => string;
  /** Ticks of the y axis and their labels, instead of round linear ones (e.g. a log axis: ticks in log10 units, labelled 10^t). */
  yTicks?: { ticks: number[]; format: (t: number) => string };
}

/**
 * Clears the canvas and draws a plot frame: light grid at round ticks, tick labels, axis titles.
 * Sizes are in CSS pixels (the caller has scaled the context for the device pixel ratio).
 */
export function drawFrame(ctx: CanvasRenderingContext2D, width: number, height: number, theme: PlotTheme, spec: FrameSpec): Frame {
  ctx.clearRect(0, 0, width, height);
  const tickFont = `10.5px ${theme.mono}`;
  const xt = niceTicks(spec.x[0], spec.x[1], Math.max(2, Math.round(width / 90)));
  const yt = spec.yTicks ? { ticks: spec.yTicks.ticks, step: 0 } : niceTicks(spec.y[0], spec.y[1], Math.max(2, Math.round(height / 55)));
  const formatY = spec.yTicks?.format ?? ((t: number) => formatTick(t, yt.step));
  ctx.font = tickFont;
  const yLabelWidth = spec.hideYTicks || yt.ticks.length === 0 ? 0 : Math.max(...yt.ticks.map((t) => ctx.measureText(formatY(t)).width));
  const left = Math.round(24 + yLabelWidth + 8);
  const right = width - 14;
  const top = 12;
  const bottom = height - 40;
  const px = (x: number) => left + ((x - spec.x[0]) / (spec.x[1] - spec.x[0])) * (right - left);
  const py = (y: number) => bottom - ((y - spec.y[0]) / (spec.y[1] - spec.y[0])) * (bottom - top);

  // Grid
  ctx.save();
  ctx.strokeStyle = theme.fg;
  ctx.globalAlpha = 0.08;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of xt.ticks) { const x = Math.round(px(t)) + 0.5; ctx.moveTo(x, top); ctx.lineTo(x, bottom); }
  for (const t of yt.ticks) { const y = Math.round(py(t)) + 0.5; ctx.moveTo(left, y); ctx.lineTo(right, y); }
  ctx.stroke();
  ctx.globalAlpha = 0.35;
  ctx.strokeRect(left + 0.5, top + 0.5, right - left - 1, bottom - top - 1);
  ctx.restore();

  // Tick labels
  ctx.fillStyle = theme.muted;
  ctx.font = tickFont;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of xt.ticks) ctx.fillText(spec.formatX ? spec.formatX(t) : formatTick(t, xt.step), px(t), bottom + 5);
  if (!spec.hideYTicks) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of yt.ticks) ctx.fillText(formatY(t), left - 6, py(t));
  }

  // Axis titles
  ctx.fillStyle = theme.fg;
  ctx.font = `italic 600 12.5px ${theme.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(spec.xLabel, (left + right) / 2, height - 6);
  ctx.save();
  ctx.translate(13, (top + bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(spec.yLabel, 0, 0);
  ctx.restore();
  return { ctx, left, top, right, bottom, px, py };
}

/** Clips drawing to the frame's plot area until the returned function is called. */
export function clipTo(f: Frame): () => void {
  f.ctx.save();
  f.ctx.beginPath();
  f.ctx.rect(f.left, f.top, f.right - f.left, f.bottom - f.top);
  f.ctx.clip();
  return () => f.ctx.restore();
}

/** A centred message in an otherwise empty plot, wrapped at spaces to fit a narrow pane. */
export function drawMessage(ctx: CanvasRenderingContext2D, width: number, height: number, theme: PlotTheme, text: string): void {
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = theme.muted;
  ctx.font = `13px ${theme.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const maxWidth = Math.max(40, width - 32);
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && ctx.measureText(`${lines[last]} ${word}`).width <= maxWidth) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  const lineHeight = 18;
  lines.forEach((line, i) => ctx.fillText(line, width / 2, height / 2 + (i - (lines.length - 1) / 2) * lineHeight));
}
