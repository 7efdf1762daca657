/**
 * The page's Content-Security-Policy (a <meta> in renderer/index.html): present in the built app with
 * the strict directives, and the app works under it: opening an example, running it and switching
 * the result views logs no CSP violation (console or `securitypolicyviolation` event).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, skipBrowser, startApp, type AppSession } from './app.ts';
import { openExample, runAndWait } from './editor.ts';

if (skipBrowser) console.warn(`browser specs skipped: ${skipBrowser}`);

const BUILT = path.join(REPO, 'dist/renderer/index.html');

/** The policy's directives, name → sources, from the built index.html's meta. */
function builtPolicy(): { html: string; directives: Map<string, string[]> } {
  const html = readFileSync(BUILT, 'utf8');
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  expect(metas, 'exactly one CSP meta in dist/renderer/index.html').toHaveLength(1);
  const directives = new Map<string, string[]>();
  for (const part of metas[0][1].split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return { html, directives };
}

describe('the built renderer carries a strict Content-Security-Policy', () => {
  test('the meta is in the <head>, before any script, with the key directives', () => {
    const { html, directives } = builtPolicy();
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head.indexOf('Content-Security-Policy')).toBeGreaterThan(-1);
    expect(head.indexOf('Content-Security-Policy')).toBeLessThan(head.indexOf('<script'));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    // No inline script, no eval in the page: the kernels are compiled in the workers.
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('worker-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('style-src-attr')).toEqual(["'unsafe-inline'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    // Nothing anywhere allows remote content or a wildcard.
    for (const [name, sources] of directives) {
      for (const s of sources) expect(s, `${name} ${s}`).toMatch(/^('self'|'none'|'unsafe-inline'|data:)$/);
    }
    // Every script of the page is a file ('self'): no inline <script> bodies.
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      expect(m[1], 'script has a src').toMatch(/\bsrc=/);
      expect(m[2].trim(), 'script has no inline body').toBe('');
    }
  });
});

describe.skipIf(skipBrowser)(`the app under its CSP${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  let app: AppSession;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app?.close(); });

  test('open an example, run it, switch the result views: no CSP violation', async () => {
    const { page, context, errors } = await app.open();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
    // The violation events too (they fire even where a browser does not log to the console).
    await page.evaluate(() => {
      const w = globalThis as unknown as { __csp: string[]; addEventListener(type: string, f: (e: { violatedDirective: string; blockedURI: string }) => void): void };
      w.__csp = [];
      w.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });

    await openExample(page, 'stochastic-lorenz', 'solve');
    await runAndWait(page);
    expect(await page.getByTestId('node-status-solve').getAttribute('data-status')).toBe('done');
    for (const tab of ['results-tab-3d', 'results-tab-2d', 'results-tab-plan']) {
      await page.getByTestId(tab).click();
      expect(await page.getByTestId(tab).getAttribute('aria-selected')).toBe('true');
      await page.waitForTimeout(250);
    }

    const violations = await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp);
    expect(violations).toEqual([]);
    expect(messages.filter((m) => /Content Security Policy/i.test(m))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
