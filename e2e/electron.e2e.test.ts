/**
 * The desktop app end to end: launches the real Electron app (dist/electron/main.cjs) with
 * playwright-core's Electron support and walks open → edit → save → reopen, with the native dialogs
 * stubbed in main. Runs wherever the Electron binary exists; otherwise skips and says why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { findElectronBinary } from '../scripts/electron-binary.mjs';
import { REPO } from './app.ts';
import { exampleText, selectNode, setParam } from './editor.ts';

const binary = findElectronBinary() as { path?: string; reason?: string };
if (!binary.path) console.log(`electron.e2e: skipped — no Electron binary: ${binary.reason}.`);

describe.skipIf(!binary.path)('desktop app (Electron)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'sde-electron-e2e-'));
  const file = path.join(work, 'ou.sdegraph');
  let app: ElectronApplication;
  let page: Page;

  const launch = async (args: string[]) => {
    const launched = await electron.launch({ executablePath: binary.path!, args: [REPO, `--user-data-dir=${path.join(work, 'userData')}`, ...args], cwd: REPO });
    return { launched, window: await launched.firstWindow() };
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(REPO, 'scripts/build-electron.mjs')], { cwd: REPO, stdio: 'inherit' });
    writeFileSync(file, exampleText('ornstein-uhlenbeck'));
    ({ launched: app, window: page } = await launch([]));
  });

  afterAll(async () => {
    await app?.close().catch(() => {});
  });

  it('opens, edits, saves and reopens a graph', async () => {
    // Open…: the native dialog returns our file.
    await app.evaluate(({ dialog }, picked) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [picked] })) as typeof dialog.showOpenDialog;
    }, file);
    await page.keyboard.press('Control+O');
    await page.getByTestId('node-solve').waitFor();
    await expect.poll(() => page.title()).toContain('ou.sdegraph');

    // Edit: the title gets the dirty marker.
    await selectNode(page, 'solve');
    await setParam(page, 'particles', '1234');
    await expect.poll(() => page.title()).toContain('•');

    // Save: atomic write to the same path; the marker goes away.
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.title()).not.toContain('•');
    expect(readFileSync(file, 'utf8')).toContain('1234');

    // Reopen: a new app session opens the file from its command line.
    await app.close();
    ({ launched: app, window: page } = await launch([file]));
    await page.getByTestId('node-solve').waitFor();
    await selectNode(page, 'solve');
    expect(await page.getByTestId('param-particles').inputValue()).toBe('1234');
  });
});
