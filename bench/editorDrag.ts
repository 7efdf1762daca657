/**
 * Editor drag benchmark: is dragging smooth with 300 nodes on the canvas? Builds the renderer,
 * opens a generated 300-node graph (75 wired OU models) through File → Open, and drags one node,
 * then all 300 selected, along a circle for about 2 s each while the page records
 * requestAnimationFrame timestamps. Prints median / p95 / max frame time, dropped frames (a frame
 * interval of n × 16.7 ms drops n − 1 frames) and the frame that commits the drop.
 *
 * Headless Chromium rasterises and composites in software here (no GPU), so the numbers are an
 * upper bound for a desktop with a GPU.
 * Run alone with `node bin/run-ts.mjs bench/editorDrag.ts`; `npm run bench` runs it last.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { browserMissing, CHROMIUM } from '../e2e/browser.ts';
import { serveStatic } from '../e2e/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FRAME_MS = 1000 / 60;
const DRAG_MS = 2000;

/** A valid graph of `groups` OU models (source, drift, diffusion → solver), laid out on a grid. */
export function dragGraph(groups: number): { text: string; nodes: number; edges: number } {
  const nodes: object[] = [];
  const edges: object[] = [];
  const columns = Math.ceil(Math.sqrt(groups));
  for (let g = 0; g < groups; g++) {
    const x = (g % columns) * 620;
    const y = Math.floor(g / columns) * 460;
    nodes.push(
      { id: `init${g}`, type: 'source.gaussian', params: { mean: [1], std: 0.1 }, position: { x, y } },
      { id: `drift${g}`, type: 'drift.ou', params: { theta: 1, mu: 0 }, position: { x, y: y + 140 } },
      { id: `noise${g}`, type: 'diffusion.constant', params: { sigma: 0.3 }, position: { x, y: y + 280 } },
      { id: `solve${g}`, type: 'solver.euler_maruyama', params: { t1: 1, steps: 100, particles: 1000, seed: g }, position: { x: x + 320, y: y + 140 } },
    );
    edges.push(
      { id: `e${g}a`, from: { node: `init${g}`, port: 'out' }, to: { node: `solve${g}`, port: 'initial' } },
      { id: `e${g}b`, from: { node: `drift${g}`, port: 'out' }, to: { node: `solve${g}`, port: 'drift' } },
      { id: `e${g}c`, from: { node: `noise${g}`, port: 'out' }, to: { node: `solve${g}`, port: 'diffusion' } },
    );
  }
  const doc = { format: 'sde-studio.graph', version: 1, name: `Drag benchmark (${nodes.length} nodes)`, nodes, edges };
  return { text: `${JSON.stringify(doc, null, 2)}\n`, nodes: nodes.length, edges: edges.length };
}

/** Frame-time statistics of one gesture. */
export interface FrameStats {
  frames: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  dropped: number;
  /** The longest frame in the 500 ms after the mouse is released (the move lands in the document). */
  dropMs: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function frameStats(stamps: readonly number[], releasedAt: number): FrameStats {
  const during: number[] = [];
  let dropMs = 0;
  for (let i = 1; i < stamps.length; i++) {
    const dt = stamps[i] - stamps[i - 1];
    if (stamps[i] <= releasedAt) during.push(dt);
    else if (stamps[i - 1] < releasedAt + 500) dropMs = Math.max(dropMs, dt);
  }
  const sorted = [...during].sort((a, b) => a - b);
  return {
    frames: during.length,
    medianMs: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    dropped: during.reduce((n, dt) => n + Math.max(0, Math.round(dt / FRAME_MS) - 1), 0),
    dropMs,
  };
}

/**
 * Presses on `start` and drags along a figure eight through it (±r across, ±r/2 down) for `ms`,
 * one pointer move every ~8 ms, ending r/2 to the right of where it began.
 */
async function figureEightDrag(page: Page, start: { x: number; y: number }, r: number, ms: number): Promise<void> {
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  const t0 = Date.now();
  for (let t = 0; t < ms; t = Date.now() - t0) {
    const a = (2 * Math.PI * t) / ms;
    await page.mouse.move(start.x + r * Math.sin(a), start.y + 0.5 * r * Math.sin(2 * a));
    const next = t0 + Math.ceil((t + 1) / 8) * 8;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  await page.mouse.move(start.x + r / 2, start.y, { steps: 4 });
}

/** Frame statistics of a gesture (rAF timestamps recorded in the page), which ends by releasing the mouse. */
async function measured(page: Page, gesture: () => Promise<void>, options: { release?: boolean } = {}): Promise<FrameStats> {
  // A string, not a function: tsx's keepNames would wrap a named closure in a helper the page lacks.
  await page.evaluate(`{
    window.__frames = [];
    window.__recording = true;
    requestAnimationFrame(function tick(t) {
      window.__frames.push(t);
      if (window.__recording) requestAnimationFrame(tick);
    });
  }`);
  await gesture();
  const releasedAt = await page.evaluate(() => performance.now());
  if (options.release !== false) await page.mouse.up();
  await page.waitForTimeout(600);
  const stamps = (await page.evaluate('window.__recording = false, window.__frames')) as number[];
  return frameStats(stamps, releasedAt);
}

/** Svelte Flow's pan and zoom, read from its viewport's `translate(x px, y px) scale(k)`. */
async function viewport(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  const style = (await page.locator('.svelte-flow__viewport').getAttribute('style')) ?? '';
  const m = /translate\(\s*([-\d.e]+)px,\s*([-\d.e]+)px\)\s*scale\(\s*([-\d.e]+)\)/.exec(style);
  if (!m) throw new Error(`cannot read the viewport transform from '${style}'`);
  return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
}

/** Resolves when the canvas shows `count` nodes (or `count` selected ones). */
function nodesOnCanvas(page: Page, count: number, selected = false): Promise<unknown> {
  return page.waitForFunction(`document.querySelectorAll('.svelte-flow__node${selected ? '.selected' : ''}').length === ${count}`);
}

async function centreOf(page: Page, testid: string): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId(testid).boundingBox();
  if (!box) throw new Error(`${testid} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Runs the benchmark; returns the report lines. Throws when the gestures did not move the nodes. */
export async function editorDragBenchmark(options: { build?: boolean; groups?: number } = {}): Promise<string[]> {
  if (options.build !== false) {
    execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  }
  const server = await serveStatic(path.join(root, 'dist/renderer'));
  // Software compositing (no GPU process): on a machine without a GPU this is what a browser
  // does; the e2e specs' SwiftShader GL (for WebGL) would spend ~50 ms emulating GL per frame.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('palette-source.gaussian').waitFor();

    const graph = dragGraph(options.groups ?? 75);
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByTestId('menu-file').click().then(() => page.getByTestId('menu-open').click()),
    ]);
    await chooser.setFiles({ name: `drag-${graph.nodes}.json`, mimeType: 'application/json', buffer: Buffer.from(graph.text) });
    await page.getByTestId('node-solve0').waitFor();
    await nodesOnCanvas(page, graph.nodes);
    await page.waitForTimeout(500); // fit view and first paint of every card
    const { zoom } = await viewport(page);
    const canvas = await page.getByTestId('canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    const target = `node-solve${Math.floor((options.groups ?? 75) / 2)}`;
    const other = 'node-init0';
    // As large as keeps the gesture 60 px inside the canvas (nearer its edge Svelte Flow pans).
    const at = await centreOf(page, target);
    const radius = Math.min(canvas.width * 0.3, at.x - canvas.x - 60, canvas.x + canvas.width - at.x - 60, 2 * (at.y - canvas.y - 60), 2 * (canvas.y + canvas.height - at.y - 60));
    if (radius < 40) throw new Error(`${target} is too close to the canvas edge to drag it around`);

    // A short warm-up drag first (JIT, first layouts).
    await figureEightDrag(page, await centreOf(page, target), radius, 300);
    await page.mouse.up();
    await page.waitForTimeout(300);

    // The frame clock with nothing happening, for reference (60 Hz, no drops, when the page is idle).
    const idle = await measured(page, () => page.waitForTimeout(1000), { release: false });
    // Positions relative to the viewport's pan: Svelte Flow pans when a drag nears the edge.
    const placed = async (testid: string) => {
      const [c, p] = [await centreOf(page, testid), await viewport(page)];
      return { x: c.x - p.x, y: c.y - p.y };
    };
    const moved = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(b.x - a.x, b.y - a.y);

    const before = await placed(target);
    const otherBefore = await placed(other);
    const single = await measured(page, async () => figureEightDrag(page, await centreOf(page, target), radius, DRAG_MS));
    if (moved(before, await placed(target)) < radius * 0.25) throw new Error('the single-node drag did not move the node');
    if (moved(otherBefore, await placed(other)) > 1) throw new Error('the single-node drag moved another node');

    // Everything selected (Ctrl+A on the canvas), dragged by the same card.
    await page.mouse.click(canvas.x + 8, canvas.y + 8);
    await page.keyboard.press('Control+a');
    await nodesOnCanvas(page, graph.nodes, true);
    const otherStart = await placed(other);
    const all = await measured(page, async () => figureEightDrag(page, await centreOf(page, target), radius, DRAG_MS));
    if (moved(otherStart, await placed(other)) < radius * 0.25) throw new Error('the multi-selection drag did not move the selection');

    const row = (label: string, s: FrameStats) =>
      `  ${label.padEnd(20)} ${String(s.frames).padStart(4)} frames  median ${s.medianMs.toFixed(1).padStart(5)} ms  p95 ${s.p95Ms.toFixed(1).padStart(5)} ms  max ${s.maxMs.toFixed(1).padStart(6)} ms  dropped ${String(s.dropped).padStart(3)}`
      + (s === idle ? '' : `  drop ${s.dropMs.toFixed(0)} ms`);
    await context.close();
    return [
      `editor drag, ${graph.nodes} nodes and ${graph.edges} edges at fit-view zoom ${zoom.toFixed(2)}, ~${DRAG_MS / 1000} s per gesture (headless Chromium, software compositing, rAF at 60 Hz)`,
      row('idle, no gesture', idle),
      row('one node', single),
      row(`${graph.nodes} nodes selected`, all),
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}

/** For bench/run.ts: prints the report, or why it was skipped; false when the benchmark failed. */
export async function runEditorDrag(): Promise<boolean> {
  const missing = browserMissing();
  if (missing) {
    console.log(`editor drag benchmark skipped: ${missing}`);
    return true;
  }
  try {
    for (const line of await editorDragBenchmark()) console.log(line);
    return true;
  } catch (e) {
    console.log(`EDITOR DRAG BENCHMARK FAILED: ${(e as Error).stack ?? e}`);
    return false;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = (await runEditorDrag()) ? 0 : 1;
}
