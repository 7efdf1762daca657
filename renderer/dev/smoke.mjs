// Smoke check of the built editor in Debian's Chromium (not the e2e suite; see e2e/ for that).
//
//   npm run build && npx vite preview --host 127.0.0.1 --port 5173 &
//   node renderer/dev/smoke.mjs [http://127.0.0.1:5173/] [out-dir]
//
// Opens the Lorenz example from the gallery, takes light and dark screenshots, drives a few edits
// (param edit → undo to the start → exported JSON equals the example byte for byte), and prints
// console errors. Screenshots go to out-dir (default /tmp/shots).
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? 'http://127.0.0.1:5173/';
const out = process.argv[3] ?? '/tmp/shots';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, colorScheme: 'light' });
const page = await context.newPage();
const errors = [];
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
page.on('pageerror', (e) => errors.push(String(e)));

const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exitCode = 1;
};

await page.goto(url);
await page.getByTestId('menu-file').click();
await page.getByTestId('menu-examples').click();
await page.getByTestId('example-stochastic-lorenz').click();
await page.getByTestId('node-solve').waitFor();
await page.waitForTimeout(400);
check((await page.getByTestId('doc-name').textContent()) === 'Stochastic Lorenz-63 ensemble', 'Lorenz example opened');
await page.screenshot({ path: `${out}/editor-lorenz-light.png` });

// Run it (Ctrl+Enter), watch the progress bar, wait for the summary.
await page.keyboard.press('Control+Enter');
await page.getByTestId('cancel-button').waitFor({ timeout: 10_000 });
await page.getByTestId('run-summary').waitFor({ timeout: 120_000 });
check((await page.getByTestId('node-status-solve').getAttribute('data-status')) === 'done', 'solver badge says done after the run');
await page.waitForTimeout(500);
await page.screenshot({ path: `${out}/editor-lorenz-run-light.png` });

// Select the solver and look at the inspector.
await page.getByTestId('node-solve').click();
await page.getByTestId('param-particles').waitFor();
await page.screenshot({ path: `${out}/editor-lorenz-inspector-light.png` });

// Edit a param, then undo to the start: the exported JSON must be the example's bytes.
await page.getByTestId('param-particles').fill('500');
await page.getByTestId('param-particles').press('Enter');
check(await page.getByTestId('dirty-marker').isVisible(), 'dirty marker after an edit');
await page.keyboard.press('Control+z');
check((await page.getByTestId('dirty-marker').count()) === 0, 'clean after undo');
await page.getByTestId('menu-file').click();
const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('menu-export').click()]);
const exported = readFileSync(await download.path(), 'utf8');
const original = readFileSync(new URL('../../assets/examples/stochastic-lorenz.json', import.meta.url), 'utf8');
check(exported === original, 'exported JSON equals the example byte for byte');

// An expression typo: inline mark, badge, and Run refused.
await page.getByTestId('palette-drift.expression').dblclick();
await page.getByTestId('param-expr-0').fill('-x[0] * thta');
await page.waitForTimeout(100);
check(await page.getByTestId('param-expr-0-mark').isVisible(), 'expression error is marked inline');
check((await page.getByTestId('node-status-expression').getAttribute('data-status')) === 'invalid', 'node badge says invalid');
await page.screenshot({ path: `${out}/editor-expression-error-light.png` });

// Dark theme.
await page.getByTestId('theme-toggle').click();
await page.keyboard.press('Control+z');
await page.keyboard.press('Control+z');
await page.getByTestId('node-solve').click();
await page.waitForTimeout(500);
await page.screenshot({ path: `${out}/editor-lorenz-dark.png` });

check(errors.length === 0, `no console errors${errors.length ? `:\n  ${errors.join('\n  ')}` : ''}`);
await browser.close();
