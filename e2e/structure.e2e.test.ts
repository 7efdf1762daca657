/**
 * Molecules in the app (the issue's acceptance test): the protein example opens from the gallery
 * with its PDB file, runs, and the Structure view draws the molecule; the scrubber moves through
 * the recorded frames; the export.pdb node's Download gives a multi-model PDB with one MODEL per
 * recorded frame. And a graph file opened from disk asks for its data file, which Choose… loads
 * and a reload keeps.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, SHOTS, skipBrowser, startApp, type AppSession } from './app.ts';
import { canvasStats } from './canvas.ts';
import { exampleText, openExample, runAndWait, selectNode } from './editor.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

const SLUG = 'protein-elastic-network';

/** The example's solver and export nodes, and the frames the solver records (record + 1). */
function exampleFacts() {
  const doc = JSON.parse(exampleText(SLUG)) as { nodes: { id: string; type: string; params?: Record<string, unknown> }[] };
  const solver = doc.nodes.find((n) => n.type.startsWith('solver.'));
  const pdb = doc.nodes.find((n) => n.type === 'export.pdb');
  const source = doc.nodes.find((n) => n.type === 'source.structure');
  if (!solver || !pdb || !source) throw new Error(`${SLUG}.json: expected a solver, an export.pdb and a source.structure node`);
  return { solver: solver.id, pdb: pdb.id, source: source.id, file: String(source.params?.file), frames: Number(solver.params?.record ?? 0) + 1 };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describe.skipIf(skipBrowser)(`molecular structures${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('the protein example: run, the Structure view draws the molecule, the scrubber moves frames, Download writes a PDB with one MODEL per frame', async () => {
    const facts = exampleFacts();
    const { page, context, errors } = await app.open();
    await openExample(page, SLUG, facts.solver);
    // The PDB came with the example: no problems, Run is not blocked.
    await expect.poll(() => page.getByTestId('problems-list').getAttribute('data-count')).toBe('0');
    await page.waitForTimeout(300); // the fit-view after loading
    await shot(page, 'editor-protein-light');

    await runAndWait(page, 170_000);
    expect(await page.getByTestId(`node-status-${facts.solver}`).getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId(`node-status-${facts.pdb}`).getAttribute('data-status')).toBe('done');

    // The Structure tab is there and chosen by default for a result with a structure.
    expect(await page.getByTestId('results-tab-structure').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('structure-view').waitFor();
    await page.getByTestId('structure-canvas').waitFor();
    await expect.poll(async () => (await canvasStats(page, 'structure-canvas')).drawn, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    const last = await canvasStats(page, 'structure-canvas');
    expect(last.width * last.height).toBeGreaterThan(50_000);
    expect(last.drawn / (last.width * last.height), JSON.stringify(last)).toBeGreaterThan(0.005);
    await page.getByTestId('structure-canvas').screenshot({ path: path.join(SHOTS, 'structure-canvas-protein-light.png') });
    await shot(page, 'view-structure-protein-light');

    // The scrubber: the first frame is another frame (label and pixels).
    const scrubber = page.getByTestId('structure-scrubber');
    expect(await scrubber.getAttribute('max')).toBe(String(facts.frames - 1));
    const labelAtEnd = await page.getByTestId('structure-frame').textContent();
    await scrubber.fill('0');
    await expect.poll(() => page.getByTestId('structure-frame').textContent()).not.toBe(labelAtEnd);
    expect(await page.getByTestId('structure-frame').textContent()).toMatch(new RegExp(`frame 1 / ${facts.frames}`));
    await expect.poll(async () => (await canvasStats(page, 'structure-canvas')).checksum, { timeout: 10_000 }).not.toBe(last.checksum);
    expect((await canvasStats(page, 'structure-canvas')).drawn).toBeGreaterThan(0);

    // Metrics & exports: the PDB export's Download writes a multi-model PDB.
    const row = page.getByTestId(`analysis-${facts.pdb}`);
    await row.waitFor();
    expect(await row.getAttribute('data-ok')).toBe('true');
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('analysis-download').first().click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${facts.pdb}\\..+\\.pdb$`));
    const text = readFileSync(await download.path(), 'utf8');
    const models = text.match(/^MODEL /gm)?.length ?? 0;
    expect(models).toBe(facts.frames);
    expect(text.match(/^ENDMDL/gm)?.length ?? 0).toBe(facts.frames);
    expect(text).toMatch(/^ATOM  /m);

    // Light and dark screenshots of the view with its metrics list.
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.getByTestId('theme-toggle').getAttribute('data-theme')).toBe('dark');
    await page.waitForTimeout(400);
    await shot(page, 'view-structure-protein-dark');
    await page.getByTestId('results-tab-3d').click();
    await page.waitForTimeout(300);
    await shot(page, 'view-3d-protein-dark');

    expect(errors).toEqual([]);
    await context.close();
  });

  test('a graph file opened from disk asks for its PDB; Choose… loads it, and a reload keeps it', async () => {
    const facts = exampleFacts();
    const { page, context, errors } = await app.open();
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('menu-file').click();
    await page.getByTestId('menu-open').click();
    await (await chooser).setFiles(path.join(REPO, 'assets/examples', `${SLUG}.json`));
    await page.getByTestId(`node-${facts.source}`).waitFor();
    const problem = page.getByTestId(`node-problem-${facts.source}`);
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(new RegExp(`file '${facts.file}' is not available`));

    await selectNode(page, facts.source);
    expect(await page.getByTestId('param-file-status').getAttribute('data-loaded')).toBe('false');
    await shot(page, 'inspector-file-missing-light');
    const picker = page.waitForEvent('filechooser');
    await page.getByTestId('param-file-choose').click();
    await (await picker).setFiles(path.join(REPO, 'assets/examples', facts.file));
    await problem.waitFor({ state: 'detached' });
    expect(await page.getByTestId('param-file-status').getAttribute('data-loaded')).toBe('true');
    expect(await page.getByTestId('param-file').inputValue()).toBe(facts.file);
    await expect.poll(() => page.getByTestId('problems-list').getAttribute('data-count')).toBe('0');
    await shot(page, 'inspector-file-loaded-light');

    // The autosave keeps the file's bytes: after a reload the graph is still complete.
    await page.waitForTimeout(300);
    await page.reload();
    await page.getByTestId(`node-${facts.source}`).waitFor();
    await expect.poll(() => page.getByTestId('problems-list').getAttribute('data-count'), { timeout: 10_000 }).toBe('0');
    expect(await page.getByTestId(`node-problem-${facts.source}`).count()).toBe(0);

    expect(errors).toEqual([]);
    await context.close();
  });
});
