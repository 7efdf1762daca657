/**
 * A user saves, reloads the page and finds the graph again; edits made after the save survive a
 * reload too (the browser asks first, then the app offers the unsaved work back).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { skipBrowser, startApp, type AppSession } from './app.ts';
import { openExample, selectNode, setParam } from './editor.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

describe.skipIf(skipBrowser)(`autosave and restore${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('save, reload: the saved graph is back; edit, reload: the browser asks, and the unsaved edit is offered and restored', async () => {
    const { page, context, errors } = await app.open();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });

    await openExample(page, 'ornstein-uhlenbeck', 'solve');
    await selectNode(page, 'solve');
    await setParam(page, 'particles', '4321');
    await page.getByTestId('dirty-marker').waitFor();

    // Save (a download on the web) marks the document clean.
    await page.getByTestId('menu-file').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('menu-save').click()]);
    const saved = readFileSync(await download.path(), 'utf8');
    expect(JSON.parse(saved).nodes.find((n: { id: string }) => n.id === 'solve').params.particles).toBe(4321);
    await page.getByTestId('dirty-marker').waitFor({ state: 'detached' });

    await page.reload();
    await page.getByTestId('node-solve').waitFor();
    expect(await page.getByTestId('doc-name').textContent()).toBe('Ornstein–Uhlenbeck');
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    expect(await page.getByTestId('restore-banner').count()).toBe(0);
    await selectNode(page, 'solve');
    expect(await page.getByTestId('param-particles').inputValue()).toBe('4321');
    expect(dialogs).toEqual([]); // nothing unsaved: no prompt

    // An edit after the save, not saved, and at once a reload: within the 2 s autosave interval, so
    // only the write when the page goes away keeps it. The browser asks first; the app offers it back.
    await setParam(page, 'seed', '99');
    await page.getByTestId('dirty-marker').waitFor();
    await page.reload();
    expect(dialogs).toEqual(['beforeunload']);
    await page.getByTestId('restore-banner').waitFor();
    expect(await page.getByTestId('restore-banner').textContent()).toContain('Ornstein–Uhlenbeck');
    await page.getByTestId('restore-autosave').click();
    await page.getByTestId('restore-banner').waitFor({ state: 'detached' });
    await selectNode(page, 'solve');
    expect(await page.getByTestId('param-seed').inputValue()).toBe('99');
    expect(await page.getByTestId('param-particles').inputValue()).toBe('4321');
    // Still marked unsaved: it differs from what was saved.
    await page.getByTestId('dirty-marker').waitFor();

    expect(errors).toEqual([]);
    await context.close();
  });
});
