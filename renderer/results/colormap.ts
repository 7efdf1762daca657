/** Viridis at 9 evenly spaced stops (perceptually uniform, readable in grey, colour-blind safe). */
const VIRIDIS: readonly [number, number, number][] = [
  [0.267, 0.005, 0.329], [0.283, 0.141, 0.458], [0.254, 0.265, 0.53], [0.207, 0.372, 0.553],
  [0.164, 0.471, 0.558], [0.128, 0.567, 0.551], [0.135, 0.659, 0.518], [0.267, 0.749, 0.441],
  [0.478, 0.821, 0.318], [0.741, 0.873, 0.15], [0.993, 0.906, 0.144],
];

/** Viridis at u ∈ [0, 1] as linear-interpolated RGB in [0, 1]. */
export function viridis(u: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, u)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** A distinct colour for particle `k`: hues spaced by the golden angle, so neighbours differ. */
export function particleColor(k: number, lightness = 0.62): [number, number, number] {
  const h = (k * 0.618033988749895) % 1;
  return hslToRgb(h, 0.72, lightness);
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h * 12) % 12;
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [f(0), f(8), f(4)];
}

/** `rgb(…)` text for canvas fills. */
export function cssRgb([r, g, b]: readonly number[], alpha = 1): string {
  const c = (v: number) => Math.round(255 * Math.max(0, Math.min(1, v)));
  return alpha >= 1 ? `rgb(${c(r)} ${c(g)} ${c(b)})` : `rgb(${c(r)} ${c(g)} ${c(b)} / ${alpha})`;
}
