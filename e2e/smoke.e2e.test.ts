import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { skipBrowser, startApp, type AppSession } from './app.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

describe.skipIf(skipBrowser)(`the built app loads${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('shows the editor with the palette and no console errors', async () => {
    const { page, errors, context } = await app.open();
    await page.getByTestId('palette-source.gaussian').waitFor();
    expect(await page.getByTestId('run-button').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
