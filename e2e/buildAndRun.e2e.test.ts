/**
 * A user builds the OU model from an empty canvas with the mouse, runs it and reads the mean in the
 * histogram view (checked against the exact OU mean); and a mismatched connection is refused.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, skipBrowser, startApp, type AppSession } from './app.ts';
import { connect, dragConnection, dropFromPalette, edgeCount, newDocument, readNumber, runAndWait, selectNode, setParam } from './editor.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

describe.skipIf(skipBrowser)(`building a model in the editor${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('drag four nodes from the palette, wire them, set params, run: the histogram mean matches the exact OU mean', async () => {
    const { page, context, errors } = await app.open();
    await newDocument(page);

    // Sources, drift and diffusion in a column on the left, the solver to their right.
    await dropFromPalette(page, 'source.gaussian', { x: 80, y: 40 }, 'gaussian');
    await dropFromPalette(page, 'drift.ou', { x: 80, y: 170 }, 'ou');
    await dropFromPalette(page, 'diffusion.constant', { x: 80, y: 300 }, 'constant');
    await dropFromPalette(page, 'solver.euler_maruyama', { x: 460, y: 120 }, 'euler_maruyama');
    expect(await page.getByTestId('node-euler_maruyama').getAttribute('data-type')).toBe('solver.euler_maruyama');

    await connect(page, 'handle-gaussian-out-out', 'handle-euler_maruyama-in-initial');
    await connect(page, 'handle-ou-out-out', 'handle-euler_maruyama-in-drift');
    await connect(page, 'handle-constant-out-out', 'handle-euler_maruyama-in-diffusion');
    expect(await edgeCount(page)).toBe(3);

    const x0 = 2, theta = 1.3, mu = 0.7, sigma = 0.4, t1 = 1.5, particles = 20000;
    await selectNode(page, 'gaussian');
    await setParam(page, 'mean', String(x0));
    await setParam(page, 'std', '0');
    await selectNode(page, 'ou');
    await setParam(page, 'theta', String(theta));
    await setParam(page, 'mu', String(mu));
    await selectNode(page, 'constant');
    await setParam(page, 'sigma', String(sigma));
    await selectNode(page, 'euler_maruyama');
    await setParam(page, 't1', String(t1));
    await setParam(page, 'steps', '300');
    await setParam(page, 'particles', String(particles));
    await setParam(page, 'seed', '7');

    // Wired and valid: no problems, every badge ok, Run not blocked.
    await expect.poll(() => page.getByTestId('problems-list').getAttribute('data-count')).toBe('0');
    for (const id of ['gaussian', 'ou', 'constant', 'euler_maruyama']) {
      expect(await page.getByTestId(`node-status-${id}`).getAttribute('data-status')).toBe('ok');
    }
    await page.screenshot({ path: path.join(SHOTS, 'build-ou-wired-light.png') });

    await runAndWait(page);
    expect(await page.getByTestId('node-status-euler_maruyama').getAttribute('data-status')).toBe('done');
    await page.getByTestId('results-tab-2d').click();
    const mean = await readNumber(page.getByTestId('hist-mean'));
    const std = await readNumber(page.getByTestId('hist-std'));
    const shownStderr = await readNumber(page.getByTestId('hist-stderr'));
    expect(await readNumber(page.getByTestId('hist-n'))).toBe(particles);

    // Exact OU moments at t1 from a point start; Euler–Maruyama's bias in the mean at dt = 0.005
    // is (1 − θ dt)^300 vs e^{−θ t1}: 0.0012, under one standard error here.
    const exactMean = mu + (x0 - mu) * Math.exp(-theta * t1);
    const exactVariance = ((sigma * sigma) / (2 * theta)) * (1 - Math.exp(-2 * theta * t1));
    const stderr = Math.sqrt(exactVariance / particles);
    expect(Math.abs(mean - exactMean), `mean ${mean} vs exact ${exactMean} (s.e. ${stderr})`).toBeLessThan(3 * stderr);
    // The printed spread agrees with the exact one too (sample std: relative s.e. ≈ 1/√(2n) = 0.5 %).
    expect(Math.abs(std / Math.sqrt(exactVariance) - 1)).toBeLessThan(0.03);
    expect(Math.abs(shownStderr / stderr - 1)).toBeLessThan(0.03);
    await page.screenshot({ path: path.join(SHOTS, 'build-ou-histogram-light.png') });

    expect(errors).toEqual([]);
    await context.close();
  });

  test('a drift output dragged onto a solver\'s diffusion or initial input is refused with the reason, and no edge is added', async () => {
    const { page, context, errors } = await app.open();
    await newDocument(page);
    await dropFromPalette(page, 'drift.ou', { x: 80, y: 120 }, 'ou');
    await dropFromPalette(page, 'solver.euler_maruyama', { x: 460, y: 120 }, 'euler_maruyama');

    for (const port of ['diffusion', 'initial']) {
      await dragConnection(page, 'handle-ou-out-out', `handle-euler_maruyama-in-${port}`);
      // While the pointer is over the wrong input, the canvas says why.
      const refusal = page.getByTestId('connection-refusal');
      await refusal.waitFor();
      const reason = (await refusal.textContent()) ?? '';
      expect(reason).toMatch(/^Cannot connect: /);
      expect(reason).toContain('drift');
      expect(reason).toContain(port === 'diffusion' ? 'diffusion' : 'distribution');
      if (port === 'diffusion') await page.screenshot({ path: path.join(SHOTS, 'connection-refused-light.png') });
      await page.mouse.up();
      await refusal.waitFor({ state: 'detached' });
      expect(await edgeCount(page)).toBe(0);
    }
    // Nothing was recorded: the last undo step is still adding the solver.
    await page.getByTestId('menu-edit').click();
    expect(await page.getByTestId('menu-undo').textContent()).toContain('Add');
    await page.keyboard.press('Escape');

    // The same gesture onto the drift input is taken (so the refusals above were not a missed drop).
    await dragConnection(page, 'handle-ou-out-out', 'handle-euler_maruyama-in-drift');
    expect(await page.getByTestId('connection-refusal').count()).toBe(0);
    await page.mouse.up();
    await expect.poll(() => edgeCount(page)).toBe(1);

    expect(errors).toEqual([]);
    await context.close();
  });
});
