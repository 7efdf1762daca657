/**
 * The Lorenz example in the app: the 3D view draws the ensemble (pixels checked against a blank
 * frame), the 2D and plan views show their content; screenshots of the editor and of every view,
 * in the light and the dark theme, go to out/screenshots for review.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, skipBrowser, startApp, type AppSession } from './app.ts';
import { openExample, runAndWait } from './editor.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

/** What the 3D canvas holds, compared pixel by pixel with a blank (cleared, transparent) frame. */
interface FrameStats {
  width: number;
  height: number;
  /** Pixels that differ from the blank frame. */
  drawn: number;
  /** Distinct colours among them (quantised to 4 bits a channel): lines coloured by time give many. */
  colours: number;
  /** The drawn pixels' bounding box as fractions of the canvas. */
  spanX: number;
  spanY: number;
}

function frameStats(page: Page): Promise<FrameStats> {
  return page.getByTestId('view-3d-canvas').evaluate((element) => {
    // Runs in the page; typed here without the DOM library, which the e2e project does not load.
    type Canvas = { width: number; height: number; getContext(kind: '2d'): Context };
    type Context = { drawImage(source: Canvas, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    const canvas = element as unknown as Canvas;
    // The WebGL canvas keeps its drawing buffer (preserveDrawingBuffer), so it can be read back.
    const copy = (globalThis as unknown as { document: { createElement(tag: 'canvas'): Canvas } }).document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    ctx.drawImage(canvas, 0, 0);
    const pixels = ctx.getImageData(0, 0, copy.width, copy.height).data;
    const blank = new Uint8ClampedArray(pixels.length); // what the renderer clears to: transparent black
    let drawn = 0;
    let [x0, y0, x1, y1] = [copy.width, copy.height, -1, -1];
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) {
      const differs = Math.abs(pixels[i + 3] - blank[i + 3]) > 8 || Math.abs(pixels[i] - blank[i]) + Math.abs(pixels[i + 1] - blank[i + 1]) + Math.abs(pixels[i + 2] - blank[i + 2]) > 24;
      if (!differs) continue;
      drawn++;
      const p = i / 4;
      const x = p % copy.width;
      const y = Math.floor(p / copy.width);
      x0 = Math.min(x0, x); x1 = Math.max(x1, x);
      y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      colours.add(((pixels[i] >> 4) << 8) | ((pixels[i + 1] >> 4) << 4) | (pixels[i + 2] >> 4));
    }
    return { width: copy.width, height: copy.height, drawn, colours: colours.size, spanX: (x1 - x0 + 1) / copy.width, spanY: (y1 - y0 + 1) / copy.height };
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describe.skipIf(skipBrowser)(`the result views${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('the Lorenz example: the 3D view draws a non-empty frame; 2D and plan views; light and dark screenshots', async () => {
    const { page, context, errors } = await app.open();
    await openExample(page, 'stochastic-lorenz', 'solve');
    expect(await page.getByTestId('doc-name').textContent()).toBe('Stochastic Lorenz-63 ensemble');
    await page.waitForTimeout(300); // the fit-view after loading
    await shot(page, 'editor-lorenz-light');

    await runAndWait(page);
    expect(await page.getByTestId('node-status-solve').getAttribute('data-status')).toBe('done');

    // 3D: the default tab after a run.
    expect(await page.getByTestId('results-tab-3d').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('view-3d-canvas').waitFor();
    let stats: FrameStats | undefined;
    await expect.poll(async () => (stats = await frameStats(page)).drawn, { timeout: 20_000 }).toBeGreaterThan(0);
    stats = await frameStats(page);
    expect(stats.width * stats.height).toBeGreaterThan(100_000);
    // Lines and the particle cloud cover a good part of the frame, in many colours, spread out.
    expect(stats.drawn / (stats.width * stats.height), JSON.stringify(stats)).toBeGreaterThan(0.02);
    expect(stats.colours, JSON.stringify(stats)).toBeGreaterThan(20);
    await shot(page, 'view-3d-lorenz-light');
    // The scene is fitted to the panel's height (the panel is wide), so it spans less of the width.
    expect(stats.spanY, JSON.stringify(stats)).toBeGreaterThan(0.4);
    expect(stats.spanX, JSON.stringify(stats)).toBeGreaterThan(0.15);

    // 2D: density and histogram with stats; the plan: stages and kernel source.
    await page.getByTestId('results-tab-2d').click();
    await page.getByTestId('view-2d-canvas').waitFor();
    expect(Number(await page.getByTestId('hist-n').textContent())).toBe(2000);
    await page.waitForTimeout(200);
    await shot(page, 'view-2d-lorenz-light');
    await page.getByTestId('results-tab-plan').click();
    await page.getByTestId('plan-text').waitFor();
    expect((await page.getByTestId('plan-text').textContent())?.length).toBeGreaterThan(200);
    await shot(page, 'view-plan-lorenz-light');

    // Dark theme: the editor and each view again.
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.getByTestId('theme-toggle').getAttribute('data-theme')).toBe('dark');
    await page.getByTestId('results-tab-3d').click();
    await page.getByTestId('view-3d-canvas').waitFor();
    await expect.poll(async () => (await frameStats(page)).drawn, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot(page, 'editor-lorenz-dark');
    await page.getByTestId('results-tab-2d').click();
    await page.getByTestId('view-2d-canvas').waitFor();
    await page.waitForTimeout(200);
    await shot(page, 'view-2d-lorenz-dark');
    await page.getByTestId('results-tab-plan').click();
    await page.getByTestId('plan-text').waitFor();
    await shot(page, 'view-plan-lorenz-dark');

    expect(errors).toEqual([]);
    await context.close();
  });
});
