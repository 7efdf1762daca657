/**
 * A user mistypes a name in a drift expression: the inspector marks it, the node and the problems
 * list show it, and Run does not start; fixing the typo lets the run go.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, skipBrowser, startApp, type AppSession } from './app.ts';
import { openExample, runAndWait, selectNode } from './editor.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

describe.skipIf(skipBrowser)(`an expression with a typo${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('thta in drift.expression: error on the node and in the inspector, Run refused; fixed, it runs', async () => {
    const { page, context, errors } = await app.open();
    await openExample(page, 'ornstein-uhlenbeck', 'f');
    await selectNode(page, 'f');
    const expression = page.getByTestId('param-expr-0');
    expect(await expression.inputValue()).toBe('theta*(mu - x[0])');
    await expression.fill('thta*(mu - x[0])');

    // The inspector points at the characters, the node turns invalid, the problems list has it.
    const fieldError = page.getByTestId('param-expr-0-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain('thta');
    expect(await fieldError.textContent()).toContain('chars 0–4');
    expect(await page.getByTestId('param-expr-0-mark').textContent()).toBe('thta');
    expect(await page.getByTestId('node-status-f').getAttribute('data-status')).toBe('invalid');
    expect(await page.getByTestId('node-problem-f').textContent()).toContain('thta');
    expect(await page.getByTestId('problems-list').getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId('problem-0').getAttribute('data-node-id')).toBe('f');
    expect(await page.getByTestId('run-button').getAttribute('data-blocked')).toBe('true');
    await page.screenshot({ path: path.join(SHOTS, 'expression-error-light.png') });

    // Run (button and Ctrl+Enter) does not start: no progress, no results, the solver never ran.
    await page.getByTestId('run-button').click();
    await page.getByTestId('canvas').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+Enter');
    const toast = page.getByTestId('toast').filter({ hasText: 'before running' }).first();
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Fix 1 problem');
    await page.waitForTimeout(1000); // a run would have shown its progress bar by now
    expect(await page.getByTestId('run-progress').count()).toBe(0);
    expect(await page.getByTestId('cancel-button').count()).toBe(0);
    expect(await page.getByTestId('run-summary').count()).toBe(0);
    expect(await page.getByTestId('results-empty').isVisible()).toBe(true);
    expect(await page.getByTestId('node-status-solve').getAttribute('data-status')).toBe('ok');

    // The problem selects its node; fixing the name clears everything and the same graph runs.
    await page.getByTestId('problem-0').click();
    await page.getByTestId('param-expr-0').fill('theta*(mu - x[0])');
    await page.getByTestId('param-expr-0-error').waitFor({ state: 'detached' });
    expect(await page.getByTestId('problems-list').getAttribute('data-count')).toBe('0');
    expect(await page.getByTestId('node-status-f').getAttribute('data-status')).toBe('ok');
    await runAndWait(page);
    expect(await page.getByTestId('node-status-solve').getAttribute('data-status')).toBe('done');

    expect(errors).toEqual([]);
    await context.close();
  });
});
