/**
 * Training in the app (issue "Score-based models" §3): the two-moons example opens from the
 * gallery, made quicker in the inspector (fewer Adam iterations, a shorter sampler); Run trains
 * first with live progress in the run bar, the Training tab draws the loss curve, the 2D view
 * scatters the sampler's samples, Save weights downloads an ONNX file, Use these weights makes the
 * next run skip training. Cancel during a long training stops within a second or two and keeps the
 * weights so far; Resume continues from where it stopped.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, skipBrowser, startApp, type AppSession } from './app.ts';
import { canvasStats } from './canvas.ts';
import { openExample, runAndWait, selectNode, setParam } from './editor.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

const SLUG = 'two-moons-score';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/**
 * The example, made quick: `iterations` Adam steps, and a sampler of 500 particles × 100 steps.
 * With a few hundred iterations the EMA weights are still mostly the initial ones (the Training
 * tab warns about it), so the samplers read the last iterate.
 */
async function openQuickExample(page: Page, iterations: number): Promise<void> {
  await openExample(page, SLUG, 'train');
  await expect.poll(() => page.getByTestId('problems-list').getAttribute('data-count')).toBe('0');
  await selectNode(page, 'sampler');
  await setParam(page, 'steps', '100');
  await setParam(page, 'particles', '500');
  await selectNode(page, 'train');
  await setParam(page, 'iterations', String(iterations));
  await page.getByTestId('param-use').selectOption('last');
  await expect.poll(() => page.getByTestId('param-iterations').inputValue()).toBe(String(iterations));
}

/** The iteration the run bar's training line shows, or null when it shows none. */
async function shownIteration(page: Page): Promise<number | null> {
  const line = page.getByTestId('run-training');
  if (!(await line.isVisible())) return null;
  const m = /iteration ([\d,]+) \//.exec((await line.textContent()) ?? '');
  return m ? Number(m[1].replace(/,/g, '')) : null;
}

/**
 * Starts timing a cancel in the page: the click on Cancel (a capturing listener) and the moment
 * the Training tab says the training stopped (its weights so far handed back). Read with cancelSeconds.
 */
async function timeCancel(page: Page): Promise<void> {
  await page.evaluate(() => {
    // Runs in the page; typed here without the DOM library, which the e2e project does not load.
    type El = { closest(s: string): El | null; getAttribute(a: string): string | null };
    const g = globalThis as unknown as {
      __cancel: { clicked: number | null; stopped: number | null };
      document: { addEventListener(t: string, f: (e: { target: El }) => void, capture: boolean): void; querySelector(s: string): El | null; body: unknown };
      MutationObserver: new (f: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
      performance: { now(): number };
    };
    const timing = { clicked: null as number | null, stopped: null as number | null };
    g.__cancel = timing;
    g.document.addEventListener('click', (e) => {
      if (timing.clicked === null && e.target.closest('[data-testid="cancel-button"]')) timing.clicked = g.performance.now();
    }, true);
    const observer = new g.MutationObserver(() => {
      if (timing.clicked === null || timing.stopped !== null) return;
      if (g.document.querySelector('[data-testid="training-view"]')?.getAttribute('data-status') === 'stopped') {
        timing.stopped = g.performance.now();
        observer.disconnect();
      }
    });
    observer.observe(g.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
}

/** Seconds from the click on Cancel to the stopped training (see timeCancel). */
async function cancelSeconds(page: Page): Promise<number> {
  const t = await page.evaluate(() => (globalThis as unknown as { __cancel: { clicked: number | null; stopped: number | null } }).__cancel);
  if (t.clicked === null || t.stopped === null) throw new Error(`cancel not timed: ${JSON.stringify(t)}`);
  return (t.stopped - t.clicked) / 1000;
}

describe.skipIf(skipBrowser)(`training${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('two moons: train with progress, loss curve, 2D scatter of the samples, Save weights (.onnx), Use these weights', async () => {
    const { page, context, errors } = await app.open();
    await openQuickExample(page, 600);

    await page.getByTestId('run-button').click();
    // Live progress in the run bar: "training train: iteration i / 600, loss …, … it/s".
    const line = page.getByTestId('run-training');
    await expect.poll(async () => (await line.isVisible()) ? await line.textContent() : '', { timeout: 60_000, interval: 50 })
      .toMatch(/training train: iteration [\d,]+ \/ 600, loss -?[\d.e+-]+, [\d.]+( k)? it\/s · ETA/);
    // The Training tab is open (the train node is selected) and draws the live curve.
    expect(await page.getByTestId('results-tab-training').getAttribute('aria-selected')).toBe('true');
    // The results header says so too (unless training finished meanwhile).
    const chip = await page.getByTestId('results-training').getAttribute('title', { timeout: 1000 }).catch(() => null);
    if (chip !== null) expect(chip).toMatch(/^training train: iteration [\d,]+ \/ 600/);
    await shot(page, 'training-progress-light');

    const done = page.getByTestId('run-summary').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('run-error').count()).toBe(0);
    expect(await page.getByTestId('node-status-train').getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('node-status-sampler').getAttribute('data-status')).toBe('done');

    // The loss curve: a canvas with a drawn plot, and the summary numbers.
    const view = page.getByTestId('training-view');
    await expect.poll(() => view.getAttribute('data-status')).toBe('done');
    await expect.poll(async () => (await canvasStats(page, 'training-loss-canvas')).drawn, { timeout: 10_000 }).toBeGreaterThan(0);
    const curve = await canvasStats(page, 'training-loss-canvas');
    expect(curve.drawn / (curve.width * curve.height), JSON.stringify(curve)).toBeGreaterThan(0.01);
    expect(curve.colours).toBeGreaterThan(2);
    expect(await page.getByTestId('training-iterations').textContent()).toBe('600');
    expect(Number(await page.getByTestId('training-final-loss').textContent())).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('training-best-loss').textContent())).toBeGreaterThan(0);
    await page.waitForTimeout(200);
    await shot(page, 'training-tab-light');

    // Save weights (.onnx): the weights used downstream, as <node>.onnx, an ONNX protobuf.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('training-save').click()]);
    expect(download.suggestedFilename()).toBe('train.onnx');
    const bytes = readFileSync(await download.path());
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes[0]).toBe(0x08); // ModelProto field 1 (ir_version), wire type 0 (varint)
    await page.getByTestId('training-weights-choice').selectOption('best');
    const [best] = await Promise.all([page.waitForEvent('download'), page.getByTestId('training-save').click()]);
    expect(best.suggestedFilename()).toBe('train.best.onnx');

    // The sampler's samples as a 2D scatter.
    await selectNode(page, 'sampler');
    await page.getByTestId('results-tab-2d').click();
    await page.getByTestId('view-2d-mode-scatter').click();
    await expect.poll(async () => (await canvasStats(page, 'view-2d-canvas')).drawn, { timeout: 10_000 }).toBeGreaterThan(1000);
    await page.waitForTimeout(200);
    await shot(page, 'training-samples-2d-light');

    // Dark theme.
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.getByTestId('theme-toggle').getAttribute('data-theme')).toBe('dark');
    await page.waitForTimeout(300);
    await shot(page, 'training-samples-2d-dark');
    await page.getByTestId('results-tab-training').click();
    await page.waitForTimeout(300);
    expect((await canvasStats(page, 'training-loss-canvas')).drawn).toBeGreaterThan(0);
    await shot(page, 'training-tab-dark');

    // Use these weights: the train node loads them, the next run skips training; undo clears it.
    await page.getByTestId('training-weights-choice').selectOption('used');
    expect(await page.getByTestId('training-ema-warning').count()).toBe(0);
    await page.getByTestId('training-use').click();
    await selectNode(page, 'train');
    await expect.poll(() => page.getByTestId('param-weights').inputValue()).toBe('train.onnx');
    await expect.poll(() => page.getByTestId('problems-list').getAttribute('data-count')).toBe('0');
    await runAndWait(page);
    await expect.poll(() => page.getByTestId('training-status').textContent()).toBe('loaded from train.onnx');
    await page.getByTestId('training-pretrained').waitFor();
    await shot(page, 'training-pretrained-dark');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('param-weights').inputValue()).toBe('');

    expect(errors).toEqual([]);
    await context.close();
  });

  test('Cancel stops a long training within two seconds and keeps its weights; Resume continues from there', async () => {
    const { page, context, errors } = await app.open({ colorScheme: 'dark' });
    await openQuickExample(page, 200_000);

    await page.getByTestId('run-button').click();
    await expect.poll(() => shownIteration(page), { timeout: 60_000, interval: 50 }).toBeGreaterThan(20);
    // Timed in the page, from the click to the stopped training: on a loaded machine the browser
    // may take long to deliver a click at all, which is not what this measures.
    await timeCancel(page);
    await page.getByTestId('cancel-button').click({ timeout: 60_000 });
    await page.getByTestId('run-button').waitFor({ timeout: 30_000 });
    // The worker hands back the weights trained so far: the Training tab shows where it stopped.
    const view = page.getByTestId('training-view');
    await expect.poll(() => view.getAttribute('data-status'), { timeout: 30_000, interval: 25 }).toBe('stopped');
    expect(await cancelSeconds(page)).toBeLessThan(2);
    const status = (await page.getByTestId('training-status').textContent()) ?? '';
    const stoppedAt = Number(/stopped at ([\d,]+)/.exec(status)?.[1].replace(/,/g, ''));
    expect(stoppedAt).toBeGreaterThan(20);
    expect(stoppedAt).toBeLessThan(200_000);
    await page.getByTestId('run-training-stopped').waitFor();
    await expect.poll(async () => (await canvasStats(page, 'training-loss-canvas')).drawn, { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('training-save').waitFor();
    await page.waitForTimeout(200);
    await shot(page, 'training-stopped-dark');

    // Resume: the run continues from the saved state (the view says from where), past where it stopped.
    await page.getByTestId('resume-training').click({ timeout: 60_000 });
    await expect.poll(() => view.getAttribute('data-resumed-from'), { timeout: 60_000, interval: 25 }).toBe(String(stoppedAt));
    await expect.poll(() => shownIteration(page), { timeout: 60_000, interval: 25 }).toBeGreaterThan(stoppedAt);
    await page.waitForTimeout(300);
    await shot(page, 'training-resumed-dark');
    await timeCancel(page);
    await page.getByTestId('cancel-button').click({ timeout: 60_000 });
    await expect.poll(() => view.getAttribute('data-status'), { timeout: 30_000, interval: 25 }).toBe('stopped');
    expect(await cancelSeconds(page)).toBeLessThan(2);

    expect(errors).toEqual([]);
    await context.close();
  });
});
