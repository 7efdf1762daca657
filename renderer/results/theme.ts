/**
 * Colours the canvases and the 3D scene draw with, read from the panel's CSS variables
 * (`--rp-*`, which fall back from the app's `--bg`, `--fg`, `--panel`, `--accent`; see
 * ResultsPanel.svelte), so plots follow the app's light or dark theme.
 */
export interface PlotTheme {
  bg: string;
  fg: string;
  panel: string;
  accent: string;
  muted: string;
  /** True when the panel background is dark (picks the colour ramp of lines and points). */
  dark: boolean;
  font: string;
  mono: string;
}

export function readTheme(el: Element): PlotTheme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const panel = v('--rp-panel', '#161a21');
  return {
    bg: v('--rp-bg', '#0f1217'), fg: v('--rp-fg', '#e3e6ea'), panel, accent: v('--rp-accent', '#4cc2ff'),
    muted: v('--rp-muted', '#8b939e'), dark: luminance(panel) < 0.4,
    font: v('--rp-font', 'system-ui, sans-serif'), mono: v('--rp-mono', 'ui-monospace, monospace'),
  };
}

/** Relative luminance (0 black … 1 white) of a CSS colour, via a 1×1 canvas so any syntax works. */
export function luminance(color: string): number {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return 0;
  ctx.fillStyle = '#000';
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/**
 * Calls `onChange` when the app may have switched theme: a class, style or data attribute of
 * <html> or <body> changed, or the system colour scheme did. Returns the unsubscribe function.
 */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  for (const el of [document.documentElement, document.body]) {
    observer.observe(el, { attributes: true, attributeFilter: ['class', 'style', 'data-theme'] });
  }
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', onChange);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', onChange);
  };
}
