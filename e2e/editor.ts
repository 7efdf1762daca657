/**
 * What the e2e specs do to the editor, written once: open an example, drop palette items on the
 * canvas, wire handles with the mouse, type params into the inspector, run and wait.
 * Every step goes through the UI a user sees (menus, drag and drop, the inspector).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { REPO } from './app.ts';

/** The bytes of an example graph as shipped in assets/examples. */
export function exampleText(slug: string): string {
  return readFileSync(path.join(REPO, 'assets/examples', `${slug}.json`), 'utf8');
}

/** File → Examples… → the example's card; resolves once `waitForNode` is on the canvas. */
export async function openExample(page: Page, slug: string, waitForNode: string): Promise<void> {
  await page.getByTestId('menu-file').click();
  await page.getByTestId('menu-examples').click();
  await page.getByTestId(`example-${slug}`).click();
  await page.getByTestId(`node-${waitForNode}`).waitFor();
}

/** File → New (on a clean document no question is asked). */
export async function newDocument(page: Page): Promise<void> {
  await page.getByTestId('menu-file').click();
  await page.getByTestId('menu-new').click();
  await page.getByTestId('canvas-empty').waitFor();
}

/** Drags a palette entry onto the canvas at (x, y) relative to the canvas' top-left corner. */
export async function dropFromPalette(page: Page, type: string, at: { x: number; y: number }, id: string): Promise<Locator> {
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: at });
  const node = page.getByTestId(`node-${id}`);
  await node.waitFor();
  return node;
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${await locator.evaluate((e) => e.getAttribute('data-testid'))} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Presses the mouse on a handle and moves to another handle in several steps (Svelte Flow looks
 * for a target on every pointer move), leaving the button down so the caller can look at the
 * canvas mid-gesture. Finish with `page.mouse.up()`.
 */
export async function dragConnection(page: Page, fromTestId: string, toTestId: string): Promise<void> {
  const from = await centre(page.getByTestId(fromTestId));
  const to = await centre(page.getByTestId(toTestId));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + (to.x - from.x) * 0.5, from.y + (to.y - from.y) * 0.5 + 20, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
}

/** A whole connection gesture, from an output handle to an input handle. */
export async function connect(page: Page, fromTestId: string, toTestId: string): Promise<void> {
  await dragConnection(page, fromTestId, toTestId);
  await page.mouse.up();
}

/** The number of edges drawn on the canvas. */
export function edgeCount(page: Page): Promise<number> {
  return page.locator('.svelte-flow__edge').count();
}

/**
 * Clicks an edge's curve (selecting it) at the first point from its middle outwards that no node
 * covers, wherever the nodes have been moved.
 */
export async function clickEdge(page: Page, id: string): Promise<void> {
  const path = page.locator(`.svelte-flow__edge[data-id="${id}"] path.svelte-flow__edge-path`);
  const point = await path.evaluate((element, edgeId) => {
    // Runs in the page; typed here without the DOM library, which the e2e project does not load.
    type Matrix = { a: number; b: number; c: number; d: number; e: number; f: number };
    const p = element as unknown as { getTotalLength(): number; getPointAtLength(l: number): { x: number; y: number }; getScreenCTM(): Matrix };
    const doc = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { closest(s: string): { getAttribute(a: string): string | null } | null } | null } }).document;
    const m = p.getScreenCTM();
    const length = p.getTotalLength();
    for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9]) {
      const local = p.getPointAtLength(length * f);
      const x = m.a * local.x + m.c * local.y + m.e;
      const y = m.b * local.x + m.d * local.y + m.f;
      if (doc.elementFromPoint(x, y)?.closest('.svelte-flow__edge')?.getAttribute('data-id') === edgeId) return { x, y };
    }
    return null;
  }, id);
  if (!point) throw new Error(`edge ${id} is hidden under nodes along its whole length`);
  await page.mouse.click(point.x, point.y);
}

/** Selects a node by clicking its title, so the inspector shows it. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('.title').click();
  await page.getByTestId('inspector-title').waitFor();
}

/** Types a value into the inspector field of `param` and commits it with Enter. */
export async function setParam(page: Page, param: string, text: string): Promise<void> {
  const field = page.getByTestId(`param-${param}`);
  await field.fill(text);
  await field.press('Enter');
}

/** Clicks Run and waits until the run bar reports the run done (or fails with the run's error). */
export async function runAndWait(page: Page, timeout = 120_000): Promise<void> {
  await page.getByTestId('run-button').click();
  const done = page.getByTestId('run-summary').or(page.getByTestId('run-error'));
  await done.waitFor({ timeout });
  if (await page.getByTestId('run-error').isVisible()) throw new Error(`the run failed: ${await page.getByTestId('run-error').textContent()}`);
}

/** A number the app printed (the stats use plain decimal text). */
export async function readNumber(locator: Locator): Promise<number> {
  const text = (await locator.textContent())?.trim() ?? '';
  const x = Number(text);
  if (!Number.isFinite(x)) throw new Error(`expected a number, got '${text}'`);
  return x;
}
