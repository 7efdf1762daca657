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
