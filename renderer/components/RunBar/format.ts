/** Compact numbers for the progress line: 950, 12.3 k, 4.56 M, 1.2 G. */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a < 1e3) return String(Math.round(n));
  const [value, unit] = a < 1e6 ? [n / 1e3, 'k'] : a < 1e9 ? [n / 1e6, 'M'] : [n / 1e9, 'G'];
  return `${Number(value.toPrecision(3))} ${unit}`;
}

/** Seconds as "0.4 s", "12 s", "3 min 5 s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '—';
  if (s < 10) return `${Number(s.toFixed(1))} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/**
 * A training's progress in one line, e.g. `training train: iteration 1,200 / 3,000, loss 0.2134,
 * 310 it/s · ETA 6 s` (before the first report: `training train: preparing…`).
 */
export function trainingProgressText(t: { nodeId: string; iteration: number; iterations: number; loss: number; itersPerSecond: number; etaSeconds: number | null }): string {
  if (!Number.isFinite(t.loss)) return `training ${t.nodeId}: preparing…`;
  const eta = t.etaSeconds === null ? '…' : formatSeconds(t.etaSeconds);
  return `training ${t.nodeId}: iteration ${t.iteration.toLocaleString('en-US')} / ${t.iterations.toLocaleString('en-US')}, loss ${t.loss.toPrecision(4)}, ${formatCount(t.itersPerSecond)} it/s · ETA ${eta}`;
}
