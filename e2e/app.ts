import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserMissing, launchChromium } from './browser.ts';
import { serveStatic } from './server.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Screenshots the specs save for review (look at them after a UI change). */
export const SHOTS = path.join(REPO, 'out', 'screenshots');

/** A served app and a browser, shared by the tests of one spec file. */
export interface AppSession {
  url: string;
  browser: Browser;
  /** A fresh context (own storage) and page at the app, with console errors collected. */
  open(options?: { colorScheme?: 'light' | 'dark' }): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Starts the static server and Chromium; call in beforeAll, close in afterAll. */
export async function startApp(options: { webgpu?: boolean } = {}): Promise<AppSession> {
  const server = await serveStatic(path.join(REPO, 'dist/renderer'));
  const browser = await launchChromium(options);
  return {
    url: server.url,
    browser,
    async open(o = {}) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, colorScheme: o.colorScheme ?? 'light' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(server.url);
      return { context, page, errors };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The reason to skip browser specs on this machine, printed by the spec; undefined = run them. */
export const skipBrowser = browserMissing();
