/**
 * A user opens an example, edits it in four different ways, undoes every edit, and exports: the
 * file is the example's bytes exactly (undo restores the document, and saving keeps its format).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { skipBrowser, startApp, type AppSession } from './app.ts';
import { clickEdge, dropFromPalette, edgeCount, exampleText, openExample, selectNode, setParam } from './editor.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

describe.skipIf(skipBrowser)(`undo and export${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('open an example, edit a param, move a node, add a node, delete an edge, undo to the start: Export JSON gives the example\'s bytes', async () => {
    const { page, context, errors } = await app.open();
    await openExample(page, 'ornstein-uhlenbeck', 'solve');
    expect(await page.getByTestId('doc-name').textContent()).toBe('Ornstein–Uhlenbeck');
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    const undoLabel = async () => {
      await page.getByTestId('menu-edit').click();
      const item = page.getByTestId('menu-undo');
      const state = { label: (await item.locator('.label').textContent())?.trim(), enabled: await item.isEnabled() };
      await page.keyboard.press('Escape');
      return state;
    };
    expect((await undoLabel()).enabled).toBe(false);

    // 1. A param.
    await selectNode(page, 'solve');
    await setParam(page, 'particles', '500');
    await page.getByTestId('dirty-marker').waitFor();
    expect((await undoLabel()).label).toBe('Undo Edit solve.particles');

    // 2. Move a node: drag the diffusion card by its title.
    const g = page.getByTestId('node-g');
    const before = await g.boundingBox();
    const title = await g.locator('.title').boundingBox();
    if (!before || !title) throw new Error('node g is not visible');
    await page.mouse.move(title.x + 10, title.y + title.height / 2);
    await page.mouse.down();
    await page.mouse.move(title.x + 70, title.y + title.height / 2 + 30, { steps: 10 });
    await page.mouse.move(title.x + 130, title.y + title.height / 2 + 40, { steps: 10 });
    await page.mouse.up();
    const after = await g.boundingBox();
    expect(after && after.x - before.x).toBeGreaterThan(60);
    expect((await undoLabel()).label).toBe('Undo Move 1 node');

    // 3. Add a node from the palette, in the empty space right of the solver.
    const canvas = await page.getByTestId('canvas').boundingBox();
    const solve = await page.getByTestId('node-solve').boundingBox();
    if (!canvas || !solve) throw new Error('canvas not visible');
    await dropFromPalette(page, 'drift.ou', { x: solve.x + solve.width + 40 - canvas.x, y: solve.y - canvas.y }, 'ou');
    expect((await undoLabel()).label).toBe('Undo Add Ornstein–Uhlenbeck drift');

    // 4. Delete an edge: click it (the middle of its curve), press Delete.
    expect(await edgeCount(page)).toBe(3);
    await clickEdge(page, 'e3');
    await expect.poll(() => page.locator('.svelte-flow__edge.selected').getAttribute('data-id')).toBe('e3');
    await page.keyboard.press('Delete');
    await expect.poll(() => edgeCount(page)).toBe(2);
    expect((await undoLabel()).label).toBe('Undo Delete 1 connection');

    // Undo four times (Ctrl+Z, with the focus on the canvas): the history is back at its start.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+z');
    expect(await undoLabel()).toEqual({ label: 'Undo', enabled: false });
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    expect(await edgeCount(page)).toBe(3);
    expect(await page.getByTestId('node-ou').count()).toBe(0);

    await page.getByTestId('menu-file').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('menu-export').click()]);
    expect(download.suggestedFilename()).toBe('ornstein-uhlenbeck.json');
    const exported = readFileSync(await download.path(), 'utf8');
    expect(exported).toBe(exampleText('ornstein-uhlenbeck'));

    expect(errors).toEqual([]);
    await context.close();
  });
});
